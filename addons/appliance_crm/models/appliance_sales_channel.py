from odoo import api, fields, models


class ApplianceSalesChannel(models.Model):
    """Where an order came from: online shop, offline store, direct sales, phone,
    project tender… Every sales order carries one; reports group by it."""

    _name = "appliance.sales.channel"
    _description = "Sales Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Short technical code used by imports and integrations (e.g. online_shop).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the channel between companies.",
    )
    description = fields.Text(translate=True)
    order_count = fields.Integer(compute="_compute_order_count", string="Orders")

    _code_company_unique = models.UniqueIndex(
        "(code, COALESCE(company_id, 0))",
        "Another channel of this company already has this code.",
    )

    @api.depends_context("company")
    def _compute_order_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("appliance_channel_id", "in", self.ids)],
                ["appliance_channel_id"],
                ["__count"],
            )
        )
        for channel in self:
            channel.order_count = counts.get(channel, 0)

    @api.model
    def _appliance_find(self, code, company=None):
        """The active channel with ``code`` for ``company`` (or a shared one)."""
        if not code:
            return self
        company = company or self.env.company
        return self.search(
            [
                ("code", "=", code.strip()),
                ("company_id", "in", [company.id, False]),
            ],
            order="company_id",
            limit=1,
        )

    @api.model
    def _appliance_default(self, company=None):
        """The "direct" channel: the default of orders with no better clue."""
        return self._appliance_find("direct", company)
