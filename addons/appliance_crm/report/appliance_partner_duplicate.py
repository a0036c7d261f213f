from odoo import api, fields, models
from odoo.tools import SQL

REASONS = [("vat", "Same tax ID"), ("phone", "Same phone"), ("name", "Same name")]


class AppliancePartnerDuplicate(models.Model):
    """Pairs of customers (commercial partners) that look like one: same tax id,
    same phone or same name once normalised. A SQL view over three equi-joins on
    indexed keys, so it stays fast on tens of thousands of customers."""

    _name = "appliance.partner.duplicate"
    _description = "Possible Duplicate Customers"
    _auto = False
    _order = "partner_id, duplicate_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    duplicate_id = fields.Many2one("res.partner", string="Looks Like", readonly=True)
    reason = fields.Selection(REASONS, string="Strongest Match", readonly=True)
    match_count = fields.Integer(
        string="Matching Keys", readonly=True, help="1 to 3: tax ID, phone, name."
    )
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)

    @property
    def _table_query(self):
        pairs = SQL(" UNION ALL ").join(
            SQL(
                """SELECT a.id AS partner_id, b.id AS duplicate_id, %(reason)s AS reason,
                          %(rank)s AS rank
                     FROM res_partner a
                     JOIN res_partner b ON b.%(key)s = a.%(key)s AND b.id > a.id
                    WHERE a.%(key)s IS NOT NULL AND a.%(key)s != ''
                      AND a.active AND b.active
                      AND a.id = a.commercial_partner_id
                      AND b.id = b.commercial_partner_id
                      AND COALESCE(a.company_id, 0) = COALESCE(b.company_id, 0)""",
                reason=reason,
                rank=rank,
                key=SQL.identifier(key),
            )
            for rank, (reason, key) in enumerate(
                (
                    ("vat", "appliance_vat_key"),
                    ("phone", "appliance_phone_key"),
                    ("name", "appliance_name_key"),
                )
            )
        )
        return SQL(
            """SELECT (pairs.partner_id::bigint << 32) | pairs.duplicate_id AS id,
                      pairs.partner_id, pairs.duplicate_id,
                      (ARRAY_AGG(pairs.reason ORDER BY pairs.rank))[1] AS reason,
                      COUNT(*) AS match_count,
                      p.company_id, p.user_id
                 FROM (%s) pairs
                 JOIN res_partner p ON p.id = pairs.partner_id
             GROUP BY pairs.partner_id, pairs.duplicate_id, p.company_id, p.user_id""",
            pairs,
        )

    @api.model
    def _duplicates_of(self, partners):
        """{partner id: other commercial partners that look like it}, one query."""
        partners = partners.commercial_partner_id
        if not partners:
            return {}
        self.env["res.partner"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """SELECT a.id, ARRAY_AGG(DISTINCT b.id)
                     FROM res_partner a
                     JOIN res_partner b
                       ON b.id != a.id AND b.active AND b.id = b.commercial_partner_id
                      AND COALESCE(a.company_id, 0) = COALESCE(b.company_id, 0)
                      AND (b.appliance_vat_key = a.appliance_vat_key
                           OR b.appliance_phone_key = a.appliance_phone_key
                           OR b.appliance_name_key = a.appliance_name_key)
                    WHERE a.id = ANY(%s)
                 GROUP BY a.id""",
                partners.ids,
            )
        )
        return dict(rows)

    def action_merge(self):
        """Open the merge wizard on the selected pairs."""
        partners = self.partner_id | self.duplicate_id
        return self.env["appliance.partner.merge"]._open_for(partners)
