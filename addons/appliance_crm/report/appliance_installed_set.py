from odoo import fields, models, tools
from odoo.tools import SQL


class ApplianceInstalledSet(models.Model):
    """Complete sets delivered to customers: what was installed where and when
    (one row per delivered stock move of a set). Read-only SQL view."""

    _name = "appliance.installed.set"
    _description = "Installed Set"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "product_id"

    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Delivered To", readonly=True)
    city = fields.Char(readonly=True)
    state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    product_id = fields.Many2one("product.product", string="Model", readonly=True)
    quantity = fields.Float(readonly=True, aggregator="sum")
    date = fields.Date(string="Delivered On", readonly=True)
    picking_id = fields.Many2one("stock.picking", string="Delivery", readonly=True)
    sale_order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %s AS (%s)""",
                SQL.identifier(self._table),
                self._view_query(),
            )
        )

    def _view_query(self):
        return SQL(
            """
SELECT sm.id, dp.commercial_partner_id, sp.partner_id, dp.city, dp.state_id,
       sm.product_id, sm.quantity, sp.date_done::date AS date, sp.id AS picking_id,
       sol.order_id AS sale_order_id, cp.user_id, sm.company_id
  FROM stock_move sm
  JOIN stock_picking sp ON sp.id = sm.picking_id
  JOIN stock_location dl ON dl.id = sm.location_dest_id AND dl.usage = 'customer'
  JOIN product_product pp ON pp.id = sm.product_id
  JOIN product_template pt ON pt.id = pp.product_tmpl_id AND pt.appliance_kind = 'set'
  JOIN res_partner dp ON dp.id = sp.partner_id
  JOIN res_partner cp ON cp.id = dp.commercial_partner_id
  LEFT JOIN sale_order_line sol ON sol.id = sm.sale_line_id
 WHERE sm.state = 'done'"""
        )
