from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

# what the tours type and look for (static/tests/tours/approval_flow.js)
CUSTOMER = "Tour Approval Customer"
MODEL_CODE = "TOURKYN-12"
CARRIER = "Tour Freight"
WAYBILL = "TF20261127001"
REASON = "Tour reason: 5 % discount at most for this customer"


@tagged("post_install", "-at_install")
class TestApprovalTour(HttpCase):
    """The approval flow clicked through the web client by each role: the
    salesperson submits, the approver decides in the cockpit, the warehouse ships
    with carrier and waybill; the customer is mailed at each step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # users read English: the test database loads zh_CN
        cls.salesperson = new_test_user(
            env,
            "tour_appr_sales",
            groups="sales_team.group_sale_salesman",
            name="Tour Salesperson",
            lang="en_US",
        )
        cls.approver = new_test_user(
            env,
            "tour_appr_approver",
            groups="appliance_sales.group_appliance_approver",
            name="Tour Approver",
            lang="en_US",
        )
        cls.warehouse_user = new_test_user(
            env,
            "tour_appr_wh",
            groups="stock.group_stock_user",
            name="Tour Warehouse",
            lang="en_US",
        )
        # the shipped "Large order" (over 500,000) and "Deep discount" (over 15 %)
        # rules only: the others depend on the database's invoices and margins
        rules = env["tier.definition"].with_context(active_test=False)
        rules.search([("model", "=", "sale.order")]).active = False
        cls.large_order = env.ref("appliance_sales.tier_definition_large_order")
        cls.deep_discount = env.ref("appliance_sales.tier_definition_deep_discount")
        (cls.large_order | cls.deep_discount).active = True

        cls.customer = env["res.partner"].create(
            {
                "name": CUSTOMER,
                "is_company": True,
                "email": "purchasing@tour-approval.example.com",
                "lang": "en_US",
                "phone": "025-86668888",
                "street": "江宁区天元中路 88 号",
                "city": "南京",
                "state_id": env.ref("base.state_cn_JS").id,
                "country_id": env.ref("base.cn").id,
            }
        )
        cls.cabinet = env["product.product"].create(
            {
                "name": "Tour KYN28 cabinet",
                "appliance_kind": "set",
                "appliance_model_code": MODEL_CODE,
                "is_storable": True,
                "list_price": 26000,
                "standard_price": 18000,
                # no taxes: 20 cabinets make 520,000, the figure the tour checks
                "taxes_id": [Command.clear()],
            }
        )
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        env["stock.quant"]._update_available_quantity(
            cls.cabinet, warehouse.lot_stock_id, 25
        )
        cls.carrier = env["delivery.carrier"].create(
            {
                "name": CARRIER,
                "delivery_type": "fixed",
                "product_id": env["product.product"]
                .create({"name": "Tour freight", "type": "service"})
                .id,
                "tracking_url": "https://track.example.com/?no=<shipmenttrackingnumber>",
            }
        )

    def _customer_mails(self, order):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("recipient_ids", "in", self.customer.ids),
            ],
            order="id",
        )

    def test_large_order_submitted_approved_confirmed_and_shipped(self):
        # salesperson: new quotation, Confirm -> submitted for approval
        self.start_tour(
            "/odoo/sales/new", "appliance_approval_submit", login="tour_appr_sales"
        )
        order = self.env["sale.order"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.user_id, self.salesperson)
        self.assertEqual(order.amount_total, 520000)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.validation_status, "pending")
        self.assertEqual(order.review_ids.definition_id, self.large_order)
        self.assertIn(self.approver, order.review_ids.reviewer_ids)
        self.assertNotIn(self.salesperson, order.review_ids.reviewer_ids)
        self.assertFalse(self._customer_mails(order))

        # approver: Orders to Approve, cockpit, Approve -> confirmed
        self.start_tour(
            "/odoo/action-appliance_sales.sale_order_action_to_approve",
            "appliance_approval_approve",
            login="tour_appr_approver",
        )
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.validation_status, "validated")
        self.assertEqual(order.review_ids.done_by, self.approver)
        self.assertEqual(order.appliance_milestone, "confirmed")
        confirmation = self._customer_mails(order)
        self.assertEqual(len(confirmation), 1)
        self.assertEqual(confirmation.state, "outgoing", "queued, sent by the cron")
        self.assertIn(order.name, confirmation.subject)
        self.assertTrue(order.appliance_confirmation_sent)
        self.assertIn("520,000.00", confirmation.body_html)

        # warehouse: carrier and waybill on the delivery, Validate -> shipped
        picking = order.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.state, "assigned")
        self.start_tour(
            f"/odoo/deliveries/{picking.id}",
            "appliance_approval_ship",
            login="tour_appr_wh",
        )
        self.env.invalidate_all()
        self.assertEqual(picking.state, "done")
        self.assertEqual(
            (picking.carrier_id, picking.carrier_tracking_ref), (self.carrier, WAYBILL)
        )
        self.assertEqual(picking.appliance_milestone, "shipped")
        self.assertEqual(order.appliance_milestone, "shipped")
        event = picking.appliance_milestone_ids
        self.assertEqual(
            (event.milestone, event.user_id), ("shipped", self.warehouse_user)
        )
        shipped = self._customer_mails(order) - confirmation
        self.assertEqual(len(shipped), 1)
        self.assertEqual(shipped.state, "outgoing")
        self.assertEqual(shipped.mail_message_id, event.message_id)
        for text in (CARRIER, WAYBILL, f"https://track.example.com/?no={WAYBILL}"):
            self.assertIn(text, shipped.body_html)

    def test_rejection_needs_a_reason_and_returns_the_order_to_draft(self):
        order = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.cabinet.id,
                                "product_uom_qty": 1,
                                "discount": 20,
                            }
                        )
                    ],
                }
            )
        )
        order.action_appliance_submit()
        self.assertEqual(order.review_ids.definition_id, self.deep_discount)

        self.start_tour(
            f"/odoo/sales/{order.id}",
            "appliance_approval_reject",
            login="tour_appr_approver",
        )
        self.env.invalidate_all()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.review_ids, "rejected: the salesperson submits anew")
        self.assertTrue(order.need_validation)
        note = order.message_ids.filtered(lambda m: REASON in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.approver.partner_id)
        self.assertIn(self.salesperson.partner_id, note.partner_ids)
        self.assertIn(
            REASON,
            order.activity_ids.filtered(lambda a: a.user_id == self.salesperson).note,
        )
        self.assertFalse(self._customer_mails(order))

        self.start_tour(
            f"/odoo/sales/{order.id}",
            "appliance_approval_rejected_seen",
            login="tour_appr_sales",
        )
