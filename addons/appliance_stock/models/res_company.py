from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    appliance_stock_alert_user_id = fields.Many2one(
        "res.users",
        string="Safety Stock Alerts To",
        help="Purchasing user who receives safety-stock alerts for products "
        "without a responsible person.",
    )
