from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    appliance_stock_alert_user_id = fields.Many2one(
        related="company_id.appliance_stock_alert_user_id", readonly=False
    )
    appliance_oversell_guard = fields.Boolean(
        related="company_id.appliance_oversell_guard", readonly=False
    )
    appliance_atp_include_incoming = fields.Boolean(
        related="company_id.appliance_atp_include_incoming", readonly=False
    )
    appliance_count_recount_pct = fields.Float(
        related="company_id.appliance_count_recount_pct", readonly=False
    )
    appliance_count_approval_value = fields.Float(
        related="company_id.appliance_count_approval_value", readonly=False
    )
