from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    appliance_channel_id = fields.Many2one(
        "appliance.sales.channel",
        string="Sales Channel",
        compute="_compute_appliance_channel_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        check_company=True,
        help="Where the order came from; by default the customer's usual channel, "
        "else direct sales.",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("partner_id")
    def _compute_appliance_channel_id(self):
        Channel = self.env["appliance.sales.channel"]
        defaults = {}
        for order in self:
            usual = order.partner_id.commercial_partner_id.appliance_channel_id
            if usual and (not usual.company_id or usual.company_id == order.company_id):
                order.appliance_channel_id = usual
                continue
            if order.appliance_channel_id:
                continue
            company = order.company_id or self.env.company
            if company not in defaults:
                defaults[company] = Channel._appliance_default(company)
            order.appliance_channel_id = defaults[company]
