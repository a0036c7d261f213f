from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    appliance_stock_alert_user_id = fields.Many2one(
        related="company_id.appliance_stock_alert_user_id", readonly=False
    )
