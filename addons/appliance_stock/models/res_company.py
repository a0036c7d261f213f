from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    appliance_stock_alert_user_id = fields.Many2one(
        "res.users",
        string="Safety Stock Alerts To",
        help="Purchasing user who receives safety-stock alerts for products "
        "without a responsible person.",
    )
    appliance_oversell_guard = fields.Boolean(
        string="Oversell Guard",
        help="Refuse to confirm sales orders (or route them to approval) that "
        "would commit more than is available to promise in a warehouse.",
    )
    appliance_atp_include_incoming = fields.Boolean(
        string="Count Receipts Due by the Delivery Date",
        help="The oversell guard adds open receipts scheduled by the order's "
        "delivery date to the quantity available to promise.",
    )
    appliance_count_recount_pct = fields.Float(
        string="Recount Above (%)",
        default=5.0,
        help="Count lines whose variance exceeds this share of the book quantity "
        "are counted a second time before review (0: never).",
    )
    appliance_count_approval_value = fields.Float(
        string="Approve Adjustments Above",
        default=5000.0,
        help="Count sessions whose variances (absolute value at cost) and ad-hoc "
        "adjustments worth more than this need an inventory manager (0: never).",
    )
