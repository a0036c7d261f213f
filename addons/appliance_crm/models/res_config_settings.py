from odoo import fields, models

THRESHOLD_MODES = [
    ("percentile", "Percentile (top % of customers)"),
    ("absolute", "Absolute"),
]


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    appliance_window_months = fields.Integer(
        string="Classification Window (months)",
        config_parameter="appliance_crm.window_months",
        default=12,
        help="Frequency and spend count the confirmed orders of this many past months.",
    )
    appliance_frequency_mode = fields.Selection(
        THRESHOLD_MODES,
        string="Frequency Thresholds",
        config_parameter="appliance_crm.frequency_mode",
        default="percentile",
    )
    appliance_frequency_high = fields.Float(
        string="High Frequency From",
        config_parameter="appliance_crm.frequency_high",
        default=20,
        help="Percentile mode: the top N % of customers by order count are 'high'."
        " Absolute mode: customers with at least N orders in the window are 'high'.",
    )
    appliance_frequency_mid = fields.Float(
        string="Mid Frequency From",
        config_parameter="appliance_crm.frequency_mid",
        default=50,
        help="Percentile mode: customers in the top N % (and not high) are 'mid'."
        " Absolute mode: customers with at least N orders (and not high) are 'mid'.",
    )
    appliance_spend_mode = fields.Selection(
        THRESHOLD_MODES,
        string="Spend Thresholds",
        config_parameter="appliance_crm.spend_mode",
        default="percentile",
    )
    appliance_spend_large = fields.Float(
        string="Large Spend From",
        config_parameter="appliance_crm.spend_large",
        default=20,
        help="Percentile mode: the top N % of customers by spend are 'large'."
        " Absolute mode: customers who spent at least N (untaxed, company currency)"
        " in the window are 'large'.",
    )
    appliance_spend_mid = fields.Float(
        string="Mid Spend From",
        config_parameter="appliance_crm.spend_mid",
        default=50,
        help="Percentile mode: customers in the top N % (and not large) are 'mid'."
        " Absolute mode: customers who spent at least N (and not large) are 'mid'.",
    )
    appliance_recent_days = fields.Integer(
        string="Recent Within (days)",
        config_parameter="appliance_crm.recent_days",
        default=90,
        help="Customers whose last purchase is at most this old are 'recent'.",
    )
    appliance_lapsing_days = fields.Integer(
        string="Lapsing Within (days)",
        config_parameter="appliance_crm.lapsing_days",
        default=365,
        help="Customers whose last purchase is older than 'recent' but at most this"
        " old are 'lapsing'; older ones are 'dormant'.",
    )
    appliance_region_level = fields.Selection(
        [("state", "Same province"), ("city", "Same city")],
        string="Local Means",
        config_parameter="appliance_crm.region_level",
        default="state",
        help="A customer is local when their province (or city) is the company's.",
    )

    def action_appliance_classify_now(self):
        self.execute()
        return self.env["res.partner"]._action_appliance_classify()
