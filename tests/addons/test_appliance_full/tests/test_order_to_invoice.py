from odoo.tests import Form, tagged

from odoo.addons.appliance_sales.tests.common import ApplianceCase


@tagged("post_install", "-at_install")
class TestOrderToInvoice(ApplianceCase):
    """A salesperson sells a set, the warehouse ships it, finance invoices it."""

    def test_set_sold_shipped_and_invoiced_by_the_right_roles(self):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        product = self.set_ggd.product_variant_id
        self.env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, 3
        )

        with Form(self.env["sale.order"].with_user(self.salesperson_a)) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = product
                line.product_uom_qty = 2
        order = form.record
        self.assertEqual(order.user_id, self.salesperson_a)
        self.assertEqual(order.order_line.price_unit, 26000)
        order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(order.state, "sale")

        picking = order.picking_ids
        self.assertEqual(len(picking), 1)
        picking = picking.with_user(self.warehouse_user)
        picking.move_ids.quantity = 2
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 2)
        self.assertEqual(
            product.with_context(warehouse_id=warehouse.id).qty_available, 1
        )

        invoice = order.with_user(self.finance_user)._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.amount_untaxed, 52000)
        self.assertEqual(order.invoice_status, "invoiced")
        # margin from the set's cost, as sale_margin computes it
        self.assertEqual(order.margin, 2 * (26000 - 18000))
