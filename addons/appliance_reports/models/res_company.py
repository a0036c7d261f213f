from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # -- bought together --
    appliance_affinity_window_days = fields.Integer(
        string="Bought-together Window (days)",
        default=365,
        help="Confirmed orders of this many days back are mined for products "
        "bought together.",
    )
    appliance_affinity_min_orders = fields.Integer(
        string="Bought-together Minimum Orders",
        default=3,
        help="A pair or set of products is kept when at least this many orders "
        "of the window hold all of them.",
    )
    appliance_affinity_min_lift = fields.Float(
        string="Suggestion Minimum Lift",
        default=1.2,
        help="Quotations suggest a product only when buying it together with a "
        "product of the quotation is at least this many times likelier than "
        "chance (lift).",
    )
    appliance_affinity_computed_at = fields.Datetime(
        string="Bought-together Computed On", readonly=True, copy=False
    )
    appliance_affinity_order_total = fields.Integer(
        string="Orders Mined", readonly=True, copy=False
    )
    # -- purchase cycle --
    appliance_cycle_due_days = fields.Integer(
        string="Due Soon Horizon (days)",
        default=14,
        help="A customer is due soon when the predicted next purchase falls "
        "within this many days.",
    )
    appliance_cycle_computed_at = fields.Datetime(
        string="Purchase Cycles Computed On", readonly=True, copy=False
    )
    # -- scheduled reports --
    appliance_daily_report_user_ids = fields.Many2many(
        "res.users",
        "appliance_daily_report_user_rel",
        "company_id",
        "user_id",
        string="Daily Report Recipients",
        help="Receive the daily sales report (PDF and Excel) every morning.",
    )
    appliance_monthly_report_user_ids = fields.Many2many(
        "res.users",
        "appliance_monthly_report_user_rel",
        "company_id",
        "user_id",
        string="Monthly Report Recipients",
        help="Receive the monthly sales report (PDF and Excel) on the first day "
        "of each month.",
    )
