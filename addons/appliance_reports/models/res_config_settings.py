from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    appliance_affinity_window_days = fields.Integer(
        related="company_id.appliance_affinity_window_days", readonly=False
    )
    appliance_affinity_min_orders = fields.Integer(
        related="company_id.appliance_affinity_min_orders", readonly=False
    )
    appliance_affinity_min_lift = fields.Float(
        related="company_id.appliance_affinity_min_lift", readonly=False
    )
    appliance_cycle_due_days = fields.Integer(
        related="company_id.appliance_cycle_due_days", readonly=False
    )
    appliance_daily_report_user_ids = fields.Many2many(
        related="company_id.appliance_daily_report_user_ids", readonly=False
    )
    appliance_monthly_report_user_ids = fields.Many2many(
        related="company_id.appliance_monthly_report_user_ids", readonly=False
    )
