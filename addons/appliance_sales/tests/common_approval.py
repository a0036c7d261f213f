from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from .common import ApplianceCase


class ApprovalCase(ApplianceCase):
    """ApplianceCase with one approval rule of plain OCA form (a domain: total
    over 100,000 goes to the approver group) instead of the shipped rules, and a
    customer with an e-mail address who reads Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.shipped_rules = env["tier.definition"].search(
            [("model", "=", "sale.order")]
        )
        cls.shipped_rules.active = False
        cls.big_order_rule = env["tier.definition"].create(
            {
                "name": "Big order",
                "model_id": env.ref("sale.model_sale_order").id,
                "review_type": "group",
                "reviewer_group_id": env.ref(
                    "appliance_sales.group_appliance_approver"
                ).id,
                "definition_domain": "[('amount_total', '>', 100000)]",
                "exclude_requester": True,
            }
        )
        cls.customer.email = "purchasing@zhongtian.example.com"
        env.ref("base.lang_zh_CN").active = True
        cls.customer.lang = "zh_CN"
        # products without taxes: the amounts in the tests are the totals
        (
            cls.set_ggd | cls.breaker.product_tmpl_id | cls.meter.product_tmpl_id
        ).taxes_id = [Command.clear()]

    @classmethod
    def _big_quotation(cls, user=None, qty=5.0, partner=None):
        """A draft order of ``qty`` sets (26,000 each): 5 make 130,000, over the
        100,000 of the big-order rule."""
        return cls._quotation(user or cls.salesperson_a, partner=partner, qty=qty)

    def _submit(self, order, user=None):
        order.with_user(user or order.user_id).action_appliance_submit()
        self.assertTrue(order.review_ids, "the order should be under approval")
        return order.review_ids

    @classmethod
    def _user_in_approver_group(cls, login):
        return new_test_user(
            cls.env,
            login,
            groups="appliance_sales.group_appliance_approver",
            name=login,
        )

    @classmethod
    def _only_rule(cls, xmlid, **values):
        """Archive every sales order rule but the shipped ``xmlid``, set with
        ``values`` and active."""
        cls.env["tier.definition"].with_context(active_test=False).search(
            [("model", "=", "sale.order")]
        ).active = False
        rule = cls.env.ref(f"appliance_sales.{xmlid}")
        rule.write({"active": True, **values})
        return rule

    @classmethod
    def _posted_invoice(cls, partner, amount, days_overdue=0):
        """A posted customer invoice of ``amount`` (no tax), due ``days_overdue``
        days ago."""
        due = fields.Date.subtract(fields.Date.today(), days=days_overdue)
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": due,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Earlier delivery",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    @classmethod
    def _stock(cls, product, qty):
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, qty
        )
        return warehouse

    @classmethod
    def _incoming(cls, product, qty, days):
        """A receipt of ``qty`` of ``product`` expected in ``days`` days."""
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "scheduled_date": fields.Datetime.now() + timedelta(days=days),
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "location_id": warehouse.in_type_id.default_location_src_id.id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                            "date": fields.Datetime.now() + timedelta(days=days),
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        return picking
