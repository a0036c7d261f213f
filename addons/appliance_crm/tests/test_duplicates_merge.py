import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..utils import name_key, phone_key, vat_key
from .common import ApplianceCrmCase


@tagged("post_install", "-at_install")
class TestDuplicatesMergeImport(ApplianceCrmCase):
    """Customers from several channels: duplicates, merge, imports."""

    def test_keys_normalise_phone_tax_id_and_name(self):
        self.assertEqual(phone_key("+86 138-0013-8000"), "13800138000")
        self.assertEqual(phone_key("0086 25 8666 8888"), "02586668888")
        self.assertEqual(phone_key("025-8666 8888"), "02586668888")
        self.assertEqual(vat_key("９１３２ 0100-MA1X"), "91320100MA1X")
        self.assertFalse(vat_key("/"))
        self.assertEqual(
            name_key("江苏中天电气安装工程有限公司"), name_key("江苏中天 电气安装工程")
        )
        self.assertEqual(name_key("Acme Co., Ltd."), name_key("ACME"))

    def test_duplicates_found_by_phone_tax_id_and_name(self):
        shop = self._customer("中天电气（网店）", phone="+86 25 8666 8888")
        tender = self._customer("Zhongtian Tender Dept", vat="91320100MA1XYZ")
        self.customer.vat = "91320100 MA1XYZ"
        same_name = self._customer("苏测中天电气安装工程 有限公司")
        other = self._customer("Unrelated Co", phone="13912345678")
        found = self.env["appliance.partner.duplicate"]._duplicates_of(self.customer)
        self.assertEqual(
            set(found[self.customer.id]), {shop.id, tender.id, same_name.id}
        )
        pairs = self.env["appliance.partner.duplicate"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(
            {(p.duplicate_id, p.reason) for p in pairs},
            {(shop, "phone"), (tender, "vat"), (same_name, "name")},
        )
        self.assertNotIn(other, pairs.duplicate_id)
        self.assertEqual(self.customer.appliance_duplicate_count, 3)

    def test_merge_keeps_orders_complaints_and_history(self):
        shop = self._customer(
            "中天电气 网店", phone="+86 25 8666 8888", email="shop@zt.cn"
        )
        orders = self._history(shop, [(5, 1000), (20, 2000)])
        own = self._history(self.customer, [(30, 5000)])
        complaint = self.env["appliance.complaint"].create(
            {"subject": "Door hinge broken", "partner_id": shop.id}
        )
        shop.message_post(body="Called about the invoice")
        self.env["res.partner"]._appliance_classify(partner_ids=shop.ids)
        history = self.env["appliance.customer.band.history"].search(
            [("partner_id", "=", shop.id)]
        )
        self.assertTrue(history)
        wizard_action = (
            (self.customer | shop)
            .with_user(self.sales_manager)
            .action_appliance_merge()
        )
        wizard = self.env["appliance.partner.merge"].browse(wizard_action["res_id"])
        # the customer with more orders is kept by default
        self.assertEqual(wizard.dst_partner_id, shop)
        wizard.dst_partner_id = self.customer
        wizard.with_user(self.sales_manager).action_merge()
        self.assertFalse(shop.exists())
        self.assertEqual(orders.partner_id, self.customer)
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(history.partner_id, self.customer)
        self.assertEqual(self.customer.email, "shop@zt.cn")  # filled, was empty
        self.assertEqual(self.customer.phone, "025-86668888")  # kept
        self.assertEqual(self.customer.appliance_lifetime_order_count, 3)
        self.assertIn(own, self.customer.sale_order_ids)
        body = self.customer.message_ids[:1].body
        self.assertIn("中天电气 网店", body)
        self.assertIn("+86 25 8666 8888", body)

    def test_salesperson_cannot_merge(self):
        shop = self._customer("中天电气 网店", phone="+86 25 8666 8888")
        with self.assertRaises(AccessError):
            self.env["appliance.partner.merge"].with_user(self.salesperson_a)._merge(
                self.customer, shop
            )
        self.assertTrue(shop.exists())

    def test_merge_needs_two_customers(self):
        wizard = self.env["appliance.partner.merge"].create(
            {
                "partner_ids": [(6, 0, self.customer.ids)],
                "dst_partner_id": self.customer.id,
            }
        )
        with self.assertRaises(UserError):
            wizard.action_merge()

    def test_json_rpc_rows_land_on_existing_customers(self):
        Import = self.env["appliance.customer.import"].with_user(self.salesperson_a)
        result = Import.import_customers(
            [
                {
                    "name": "中天电气（网店）",
                    "phone": "+86 25 8666 8888",
                    "email": "a@zt.cn",
                },
                {"name": "New Shop Buyer", "phone": "13800138000", "province": "浙江"},
                {"name": "Other Buyer Co., Ltd.", "vat": "91330100AB"},
                {"name": "new shop buyer", "phone": "+86 138 0013 8000"},
            ],
            channel_code="online_shop",
        )
        self.assertFalse(result["errors"])
        self.assertEqual((result["created"], result["matched"]), (2, 1))
        rows = {c["row"]: c for c in result["customers"]}
        self.assertEqual(rows[1]["id"], self.customer.id)
        self.assertTrue(rows[1]["matched"])
        # rows 2 and 4: same phone in one batch -> one new customer
        self.assertEqual(rows[2]["id"], rows[4]["id"])
        new = self.env["res.partner"].browse(rows[2]["id"])
        self.assertEqual(new.state_id, self.env.ref("base.state_cn_ZJ"))
        self.assertEqual(
            new.appliance_channel_id,
            self.env.ref("appliance_crm.appliance_sales_channel_online_shop"),
        )
        self.assertEqual(self.customer.email, "a@zt.cn")
        self.assertEqual(
            self.customer.name, "苏测中天电气安装工程有限公司"
        )  # not overwritten

    def test_bad_rows_import_nothing(self):
        Import = self.env["appliance.customer.import"]
        before = self.env["res.partner"].search_count([])
        result = Import.import_customers(
            [{"name": "OK Co", "phone": "13800138001"}, {"name": "", "phone": "1"},
             {"name": "X", "phone": "12"}, {"name": "Y", "province": "Atlantis"}]
        )  # fmt: skip
        self.assertEqual([e["row"] for e in result["errors"]], [2, 3, 4])
        self.assertIn("Row 4", result["errors"][2]["message"])
        self.assertEqual(self.env["res.partner"].search_count([]), before)
        with self.assertRaises(UserError):
            Import.import_customers([], channel_code="nope")

    def test_csv_file_import(self):
        content = "客户名称,电话,税号,渠道\n苏测中天电气安装工程,,,phone\nFresh Co,0571-88886666,,offline_store\n"
        wizard = self.env["appliance.customer.import"].create(
            {"file": base64.b64encode(content.encode()), "filename": "c.csv"}
        )
        wizard.action_import()
        fresh = self.env["res.partner"].search([("name", "=", "Fresh Co")])
        self.assertEqual(fresh.appliance_channel_id.code, "offline_store")
        self.assertEqual(self.customer.appliance_channel_id.code, "phone")
        self.assertIn("1 customers created, 1 matched", wizard.result)

    def test_portal_user_cannot_import(self):
        with self.assertRaises(AccessError):
            self.env["appliance.customer.import"].with_user(
                self.portal_user
            ).import_customers([{"name": "X"}])
