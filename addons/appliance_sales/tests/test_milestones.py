import base64

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, JsonRpcException, tagged

from .common import ApplianceCase

# a 1×1 PNG: stands for a signature drawn on the phone or a delivery photo
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


class MilestoneCase(ApplianceCase):
    """A confirmed order of salesperson A for two GGD cabinets, in stock, and a
    carrier with a tracking link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.customer.email = "purchasing@zhongtian.example.com"
        cls.customer.lang = "en_US"
        cls.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        env["stock.quant"]._update_available_quantity(
            cls.set_ggd.product_variant_id, cls.warehouse.lot_stock_id, 10
        )
        cls.carrier = env["delivery.carrier"].create(
            {
                "name": "SF Express",
                "delivery_type": "fixed",
                "product_id": env["product.product"]
                .create({"name": "SF Express freight", "type": "service"})
                .id,
                "tracking_url": "https://www.sf-express.com/track?no=<shipmenttrackingnumber>",
            }
        )
        cls.Event = env["appliance.order.milestone"]
        cls._confirmation_mails = {}
        # shared by the tests (each runs in its own savepoint)
        cls.order = cls._confirmed_order()

    @classmethod
    def _confirmed_order(cls, qty=2.0, partner=None):
        order = cls._quotation(cls.salesperson_a, partner=partner, qty=qty)
        order.with_user(cls.salesperson_a).action_confirm()
        # the confirmation e-mail (approval flow) is not a milestone message
        cls._confirmation_mails[order.id] = cls._customer_mails(order)
        return order

    @classmethod
    def _set(cls, record, user, milestone, **wizard_vals):
        """Tap the milestone button as ``user`` and confirm the dialog."""
        method = f"action_appliance_milestone_{milestone}"
        action = getattr(record.with_user(user), method)()
        wizard = Form(
            cls.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        for field, value in wizard_vals.items():
            setattr(wizard, field, value)
        return wizard.save().action_apply()

    @classmethod
    def _ship(cls, picking, qty, waybill):
        """The warehouse enters carrier and waybill and validates ``qty``
        (keeping the rest in a backorder)."""
        picking = picking.with_user(cls.warehouse_user)
        picking.carrier_id = cls.carrier
        picking.carrier_tracking_ref = waybill
        picking.move_ids.quantity = qty
        res = picking.button_validate()
        if res is not True:
            Form.from_action(cls.env, res).save().with_user(
                cls.warehouse_user
            ).process()
        return picking

    @classmethod
    def _customer_mails(cls, order):
        """E-mails to the customer about ``order`` since its confirmation."""
        before = cls._confirmation_mails.get(order.id, cls.env["mail.mail"])
        return cls.env["mail.mail"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("recipient_ids", "in", order.partner_id.ids),
                ("id", "not in", before.ids),
            ],
            order="id",
        )


@tagged("post_install", "-at_install")
class TestMilestones(MilestoneCase):
    def test_confirmation_starts_the_timeline_without_a_second_email(self):
        order = self.order
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.appliance_milestone, "confirmed")
        event = order.appliance_milestone_ids
        self.assertEqual(len(event), 1)
        self.assertEqual(
            (event.milestone, event.user_id), ("confirmed", self.salesperson_a)
        )
        # the approval flow's confirmation e-mail tells the customer already
        self.assertFalse(event.message_id)
        self.assertFalse(
            order.message_ids.filtered(
                lambda m: m.subject == f"Order {order.name}: Confirmed"
            )
        )

    def test_events_are_found_by_their_order_number(self):
        event = self.order.appliance_milestone_ids
        Event = self.Event.with_user(self.salesperson_a)
        found = Event.name_search(self.order.name)
        self.assertEqual([row[0] for row in found], event.ids)
        self.assertFalse(Event.search([("display_name", "ilike", "no such order")]))

    def test_salesperson_moves_own_order_into_production_then_ready(self):
        order = self.order
        self._set(order, self.salesperson_a, "in_production", note="Frame welded")
        self.assertEqual(order.appliance_milestone, "in_production")
        self._set(order, self.salesperson_a, "ready")
        self.assertEqual(order.appliance_milestone, "ready")

        history = order.appliance_milestone_ids.sorted("id")
        self.assertEqual(
            history.mapped("milestone"), ["confirmed", "in_production", "ready"]
        )
        self.assertEqual(set(history.user_id), {self.salesperson_a})
        self.assertEqual(history[1].note, "Frame welded")
        self.assertTrue(all(history.mapped("date")))
        # the salesperson reads the history of his own order
        self.assertEqual(
            self.Event.with_user(self.salesperson_a).search(
                [("order_id", "=", order.id)]
            ),
            history,
        )
        mails = self._customer_mails(order)
        self.assertEqual(len(mails), 2)
        self.assertIn("Frame welded", mails[0].body_html)
        self.assertEqual(history[1:].message_id, mails.mail_message_id)

    def test_same_milestone_again_sends_nothing_and_milestones_only_go_forward(self):
        order = self.order
        self._set(order, self.salesperson_a, "ready")
        self.assertEqual(len(self._customer_mails(order)), 1)
        # a double tap (or a retried request) on the same milestone
        order.with_user(self.salesperson_a)._appliance_set_milestone("ready")
        self.assertEqual(len(order.appliance_milestone_ids), 2)
        self.assertEqual(len(self._customer_mails(order)), 1)
        with self.assertRaisesRegex(UserError, "only move forward"):
            order.with_user(self.salesperson_a)._appliance_set_milestone(
                "in_production"
            )
        with self.assertRaisesRegex(UserError, "per shipment"):
            order.with_user(self.sales_manager)._appliance_set_milestone("shipped")
        quotation = self._quotation(self.salesperson_a)
        with self.assertRaisesRegex(UserError, "not a confirmed order"):
            quotation.with_user(self.salesperson_a)._appliance_set_milestone("ready")

    def test_validating_the_delivery_ships_it_with_carrier_and_waybill(self):
        order = self.order
        picking = self._ship(order.picking_ids, 2, "SF1234567890")
        self.assertEqual(picking.appliance_milestone, "shipped")
        self.assertEqual(order.appliance_milestone, "shipped")
        self.assertFalse(order.appliance_partially_shipped)
        event = picking.appliance_milestone_ids
        self.assertEqual(
            (event.milestone, event.order_id, event.user_id),
            ("shipped", order, self.warehouse_user),
        )
        mail = self._customer_mails(order)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")  # the queue sends it, after commit
        self.assertEqual(mail.subject, f"Order {order.name}: Shipped")
        for text in (
            "SF Express",
            "Waybill number",
            "SF1234567890",
            "https://www.sf-express.com/track?no=SF1234567890",
            picking.name,
        ):
            self.assertIn(text, mail.body_html)

    def test_partial_deliveries_are_tracked_per_shipment(self):
        order = self.order
        first = self._ship(order.picking_ids, 1, "SF0001")
        second = order.picking_ids - first
        self.assertEqual(len(second), 1)
        self.assertEqual(second.state, "assigned")
        self.assertEqual(
            (first.appliance_milestone, second.appliance_milestone), ("shipped", False)
        )
        self.assertEqual(order.appliance_milestone, "shipped")
        self.assertTrue(order.appliance_partially_shipped)

        self._set(first, self.warehouse_user, "in_transit", note="Left Nanjing hub")
        self._set(
            first,
            self.warehouse_user,
            "delivered",
            pod_signer="王工",
            pod_signature=PNG,
        )
        self.assertEqual(first.appliance_milestone, "delivered")
        self.assertEqual(first.appliance_pod_signer, "王工")
        # the second part has not left: the order is still (partially) shipped
        self.assertEqual(order.appliance_milestone, "shipped")
        self.assertTrue(order.appliance_partially_shipped)

        self._ship(second, 1, "SF0002")
        self.assertEqual(order.appliance_milestone, "shipped")
        self.assertFalse(order.appliance_partially_shipped)
        self._set(second, self.warehouse_user, "in_transit")
        self.assertEqual(order.appliance_milestone, "in_transit")
        self._set(
            second, self.warehouse_user, "delivered", pod_signer="李四", pod_photo=PNG
        )
        self.assertEqual(order.appliance_milestone, "delivered")

        self.assertEqual(
            first.appliance_milestone_ids.sorted("id").mapped("milestone"),
            ["shipped", "in_transit", "delivered"],
        )
        self.assertEqual(
            second.appliance_milestone_ids.sorted("id").mapped("milestone"),
            ["shipped", "in_transit", "delivered"],
        )
        self.assertEqual(len(order.appliance_milestone_ids), 7)  # + confirmed
        # one customer e-mail per shipment event, each naming its own waybill
        mails = self._customer_mails(order)
        self.assertEqual(len(mails), 6)
        self.assertIn("SF0001", mails[0].body_html)
        self.assertIn("SF0002", mails[3].body_html)
        self.assertIn("王工", mails[2].body_html)

    def test_delivered_needs_signer_and_signature_or_photo(self):
        order = self.order
        picking = self._ship(order.picking_ids, 2, "SF0003")
        shipment = picking.with_user(self.warehouse_user)
        with self.assertRaisesRegex(ValidationError, "who signed for it"):
            shipment._appliance_set_milestone(
                "delivered", pod={"appliance_pod_date": "2026-01-05 10:00:00"}
            )
        with self.assertRaisesRegex(ValidationError, "a signature or a photo"):
            shipment._appliance_set_milestone(
                "delivered",
                pod={
                    "appliance_pod_signer": "王工",
                    "appliance_pod_date": "2026-01-05 10:00:00",
                },
            )
        self.assertEqual(picking.appliance_milestone, "shipped")
        self.assertFalse(picking.appliance_pod_signer)
        self._set(
            picking, self.warehouse_user, "delivered", pod_signer="王工", pod_photo=PNG
        )
        # the proof is a private attachment, never public
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "stock.picking"),
                    ("res_id", "=", picking.id),
                    ("res_field", "=", "appliance_pod_photo"),
                ]
            )
        )
        self.assertEqual(len(attachment), 1)
        self.assertFalse(attachment.public)
        # and cannot be rewritten after the fact
        with self.assertRaises(AccessError):
            shipment.write({"appliance_pod_signer": "Someone else"})

    def test_shipment_milestones_need_a_validated_customer_delivery(self):
        order = self.order
        picking = order.picking_ids.with_user(self.warehouse_user)
        with self.assertRaisesRegex(UserError, "validate the delivery"):
            picking._appliance_set_milestone("in_transit")
        with self.assertRaisesRegex(UserError, "validating the delivery"):
            picking._appliance_set_milestone("shipped")
        self._ship(picking, 2, "SF0004")
        self._set(
            picking, self.warehouse_user, "delivered", pod_signer="王工", pod_photo=PNG
        )
        with self.assertRaisesRegex(UserError, "only move forward"):
            picking._appliance_set_milestone("in_transit")

    def test_a_carrier_shipment_leaves_with_its_waybill_number(self):
        order = self.order
        picking = order.picking_ids.with_user(self.warehouse_user)
        picking.carrier_id = self.carrier
        picking.move_ids.quantity = 2
        with self.assertRaisesRegex(UserError, "waybill number"):
            picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(self._customer_mails(order))
        # without a carrier (own truck, customer pick-up) no waybill is asked
        picking.carrier_id = False
        picking.button_validate()
        self.assertEqual(picking.appliance_milestone, "shipped")

    def test_shipment_validated_before_tracking_counts_as_shipped(self):
        order = self.order
        picking = self._ship(order.picking_ids, 2, "SF0010")
        # as if validated before this addon tracked milestones
        picking.appliance_milestone_ids.sudo().unlink()
        self.assertEqual(picking.appliance_milestone, "shipped")
        self.assertEqual(order.appliance_milestone, "shipped")
        self._set(picking, self.warehouse_user, "in_transit")
        self.assertEqual(order.appliance_milestone, "in_transit")

    def test_setting_a_milestone_costs_a_bounded_number_of_queries(self):
        order = self.order
        picking = self._ship(order.picking_ids, 2, "SF0011")
        shipment = picking.with_user(self.warehouse_user)
        self.env.invalidate_all()
        # lock, history, shipment and order milestones, message + queued mail
        with self.assertQueryCount(60):
            shipment._appliance_set_milestone("in_transit")
            self.env.flush_all()
        self.assertEqual(len(self._customer_mails(order)), 2)


@tagged("post_install", "-at_install")
class TestMilestonePermissions(MilestoneCase):
    def test_warehouse_sets_shipment_steps_only(self):
        order = self.order
        with self.assertRaises(AccessError):
            order.with_user(
                self.warehouse_user
            ).action_appliance_milestone_in_production()
        with self.assertRaises(AccessError):
            order.with_user(self.warehouse_user)._appliance_set_milestone("ready")
        picking = self._ship(order.picking_ids, 2, "SF0005")
        self._set(picking, self.warehouse_user, "in_transit")
        self.assertEqual(picking.appliance_milestone, "in_transit")

    def test_salesperson_sets_production_steps_of_own_orders_only(self):
        order = self.order
        # another salesperson: not his order (he cannot even read it)
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson_b)._appliance_set_milestone("ready")
        wizard = (
            self.env["appliance.milestone.set"]
            .with_user(self.salesperson_b)
            .create({"order_id": order.id, "milestone": "ready"})
        )
        with self.assertRaises(AccessError):
            wizard.action_apply()
        # the salesperson does not do the warehouse's steps, even on his order
        picking = self._ship(order.picking_ids, 2, "SF0006")
        with self.assertRaises(AccessError):
            picking.with_user(
                self.salesperson_a
            ).action_appliance_milestone_in_transit()
        with self.assertRaises(AccessError):
            picking.with_user(self.salesperson_a)._appliance_set_milestone("in_transit")
        self.assertEqual(order.appliance_milestone, "shipped")
        # the sales manager (and approvers) may set production steps on any order
        order2 = self._confirmed_order()
        order2.with_user(self.approver)._appliance_set_milestone("in_production")
        self.assertEqual(order2.appliance_milestone, "in_production")

    def test_portal_user_sets_and_reads_nothing(self):
        order = self.order
        self.portal_user.partner_id.parent_id = self.customer
        with self.assertRaises(AccessError):
            order.with_user(self.portal_user)._appliance_set_milestone("ready")
        with self.assertRaises(AccessError):
            self.env["appliance.milestone.set"].with_user(self.portal_user).create(
                {"order_id": order.id, "milestone": "ready"}
            )
        with self.assertRaises(AccessError):
            self.Event.with_user(self.portal_user).search([])
        picking = self._ship(order.picking_ids, 2, "SF0007")
        with self.assertRaises(AccessError):
            picking.with_user(self.portal_user)._appliance_set_milestone("in_transit")
        # own shipment readable (Odoo's portal rule), its proof of delivery not
        with self.assertRaises(AccessError):
            picking.with_user(self.portal_user).read(["appliance_pod_signature"])

    def test_history_and_milestone_cannot_be_forged(self):
        order = self.order
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson_a).write(
                {"appliance_milestone": "delivered"}
            )
        for user in (self.salesperson_a, self.sales_manager, self.warehouse_user):
            with self.assertRaises(AccessError):
                self.Event.with_user(user).create(
                    {"order_id": order.id, "milestone": "delivered"}
                )
            with self.assertRaises(AccessError):
                order.appliance_milestone_ids.with_user(user).write({"note": "edited"})
            with self.assertRaises(AccessError):
                order.appliance_milestone_ids.with_user(user).unlink()
        picking = self._ship(order.picking_ids, 2, "SF0008")
        with self.assertRaises(AccessError):
            picking.with_user(self.warehouse_user).write(
                {"appliance_milestone": "delivered"}
            )
        self.assertEqual(order.appliance_milestone, "shipped")
        self.assertEqual(picking.appliance_milestone, "shipped")


@tagged("post_install", "-at_install")
class TestMilestoneNotifications(MilestoneCase):
    def test_customer_reads_the_notification_in_own_language(self):
        # both languages active (a fresh zh_CN database has only zh_CN)
        self.env["res.lang"]._activate_lang("en_US")
        self.env["res.lang"]._activate_lang("zh_CN")
        template = self.env.ref("appliance_sales.mail_template_appliance_milestone")
        template.with_context(
            lang="zh_CN"
        ).subject = "订单 {{ object.order_id.name }}：{{ object.milestone_label }}"
        customer_zh = self.customer.copy(
            {
                "appliance_customer_code": "T-JS-002",
                "email": "caigou@example.cn",
                "lang": "zh_CN",
            }
        )
        order_en = self.order
        order_zh = self._confirmed_order(partner=customer_zh)
        for order in order_en | order_zh:
            self._set(order, self.salesperson_a, "in_production")
        label_en = self.Event.with_context(lang="en_US")._appliance_milestone_label(
            "in_production"
        )
        label_zh = self.Event.with_context(lang="zh_CN")._appliance_milestone_label(
            "in_production"
        )
        mail_en = self._customer_mails(order_en)
        mail_zh = self._customer_mails(order_zh)
        self.assertEqual(len(mail_en), 1)
        self.assertEqual(len(mail_zh), 1)
        self.assertEqual(mail_en.subject, f"Order {order_en.name}: {label_en}")
        self.assertEqual(mail_zh.subject, f"订单 {order_zh.name}：{label_zh}")

    def test_disabled_milestone_sends_nothing_and_custom_template_is_used(self):
        setting_transit = self.env.ref(
            "appliance_sales.appliance_milestone_notification_in_transit"
        )
        setting_transit.with_user(self.sales_manager).notify_customer = False
        custom = self.env.ref("appliance_sales.mail_template_appliance_milestone").copy(
            {
                "subject": "Your cabinets left: {{ object.picking_id.carrier_tracking_ref }}"
            }
        )
        # a company-specific line wins over the line for all companies
        self.env["appliance.milestone.notification"].with_user(
            self.sales_manager
        ).create(
            {
                "milestone": "shipped",
                "company_id": self.env.company.id,
                "mail_template_id": custom.id,
            }
        )
        order = self.order
        picking = self._ship(order.picking_ids, 2, "SF0009")
        self._set(picking, self.warehouse_user, "in_transit")
        mails = self._customer_mails(order)
        self.assertEqual(mails.mapped("subject"), ["Your cabinets left: SF0009"])
        # the in-transit step is in the history all the same, without a message
        event = picking.appliance_milestone_ids.filtered(
            lambda e: e.milestone == "in_transit"
        )
        self.assertTrue(event)
        self.assertFalse(event.message_id)

    def test_salesperson_cannot_change_the_notification_settings(self):
        setting = self.env.ref(
            "appliance_sales.appliance_milestone_notification_shipped"
        ).with_user(self.salesperson_a)
        self.assertTrue(setting.notify_customer)
        with self.assertRaises(AccessError):
            setting.notify_customer = False
        with self.assertRaisesRegex(ValidationError, "not a template for order"):
            setting.sudo().mail_template_id = self.env.ref(
                "sale.email_template_edi_sale"
            )


@tagged("post_install", "-at_install")
class TestMilestoneRpc(MilestoneCase, HttpCase):
    def test_salesperson_cannot_forge_milestones_over_json_rpc(self):
        order = self.order
        self.authenticate("app_sales_a", "app_sales_a")

        def call(model, method, args):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/{method}",
                {"model": model, "method": method, "args": args, "kwargs": {}},
            )

        with self.assertRaises(JsonRpcException):
            call(
                "sale.order",
                "write",
                [[order.id], {"appliance_milestone": "delivered"}],
            )
        with self.assertRaises(JsonRpcException):
            call("sale.order", "_appliance_set_milestone", [[order.id], "ready"])
        with self.assertRaises(JsonRpcException):
            call(
                "appliance.order.milestone",
                "create",
                [{"order_id": order.id, "milestone": "delivered"}],
            )
        self.env.invalidate_all()
        self.assertEqual(order.appliance_milestone, "confirmed")
        self.assertEqual(len(order.appliance_milestone_ids), 1)
        # the button itself works over RPC for the order's salesperson
        action = call("sale.order", "action_appliance_milestone_ready", [[order.id]])
        self.assertEqual(action["res_model"], "appliance.milestone.set")
