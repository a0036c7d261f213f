import base64
import io
import json
import time
import tracemalloc
import zipfile
from collections import namedtuple
from datetime import date, datetime, timedelta
from unittest.mock import patch

import openpyxl
import xlsxwriter

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ApplianceCase

Formula = namedtuple("Formula", "formula value")

HEADER = (
    "客户 Customer", "联系人 Contact", "电话 Phone", "送货地址 Delivery Address",
    "客户订单号 Customer Order Ref", "型号 Model Code", "数量 Quantity", "单价 Unit Price",
    "要求交货日期 Requested Date", "备注 Note",
)  # fmt: skip
KEYS = [
    "customer",
    "contact",
    "phone",
    "address",
    "ref",
    "code",
    "qty",
    "price",
    "date",
    "note",
]
COLUMN = {key: index for index, key in enumerate(KEYS)}


def excel_serial(day):
    return (day - date(1899, 12, 30)).days


class OrderImportCase(ApplianceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # salesperson A may also create contacts (delivery addresses); B may not
        cls.salesperson_a.group_ids += cls.env.ref("base.group_partner_manager")
        cls.salesperson_b.group_ids -= cls.env.ref("base.group_partner_manager")
        for user in (cls.salesperson_a, cls.salesperson_b):
            user.tz = "Asia/Shanghai"
        # a name of our own: the demo data has a customer of the fixture's name
        cls.customer.write(
            {
                "name": "苏测导入电气安装有限公司",
                "appliance_name_en": "Sutest Import Electric",
            }
        )
        cls.ggd = cls.set_ggd.product_variant_id
        cls.future = fields.Date.context_today(cls.env.user) + timedelta(days=40)
        cls.Import = cls.env["appliance.order.import"].with_user(cls.salesperson_a)

    # -- building files ---------------------------------------------------

    @classmethod
    def row(cls, **values):
        base = {"customer": "T-JS-001", "ref": "PO-1", "code": "GGX9-38", "qty": 1}
        base.update(values)
        return [base.get(key) for key in KEYS]

    @classmethod
    def xlsx(cls, rows, header=HEADER, header_row=0, sheet="订单 Orders", setup=None):
        """An .xlsx made by xlsxwriter: ``rows`` below ``header`` on one sheet."""
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        if setup and setup.get("before"):
            setup["before"](book)
        ws = book.add_worksheet(sheet)
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        ws.write_row(header_row, 0, header)
        for r, values in enumerate(rows, start=header_row + 1):
            for c, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, Formula):
                    ws.write_formula(r, c, value.formula, None, value.value)
                elif isinstance(value, (date, datetime)):
                    moment = (
                        value
                        if isinstance(value, datetime)
                        else datetime.combine(value, datetime.min.time())
                    )
                    ws.write_datetime(r, c, moment, date_format)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
        if setup and setup.get("after"):
            setup["after"](book, ws)
        book.close()
        return output.getvalue()

    # -- running imports ----------------------------------------------------

    def counts(self):
        env = self.env(su=True)
        return (
            env["sale.order"].search_count([]),
            env["sale.order.line"].search_count([]),
            env["res.partner"].with_context(active_test=False).search_count([]),
        )

    def run_import(self, content, filename="orders.xlsx", user=None, dry_run=False):
        model = (
            self.Import
            if user is None
            else self.env["appliance.order.import"].with_user(user)
        )
        return model.import_orders(
            base64.b64encode(content).decode(), filename, dry_run=dry_run
        )

    def assertRefused(self, content, *fragments, filename="orders.xlsx", row=None, column=None,
                      user=None, seconds=5.0):  # fmt: skip
        """Import ``content``: nothing may change, an error must say ``fragments``
        (and name ``row``/``column`` when given), within ``seconds``."""
        before = self.counts()
        started = time.monotonic()
        result = self.run_import(content, filename, user=user)
        elapsed = time.monotonic() - started
        self.assertLess(elapsed, seconds, "a bad file must be answered fast")
        self.assertFalse(result["orders"])
        self.assertTrue(result["errors"])
        self.assertEqual(self.counts(), before, "a refused file changes nothing")
        messages = "\n".join(error["message"] for error in result["errors"])
        for fragment in fragments:
            self.assertIn(fragment, messages)
        if row is not None:
            matching = [e for e in result["errors"] if e["row"] == row]
            self.assertTrue(matching, f"no error on row {row}: {messages}")
            if column:
                self.assertTrue(
                    any(e["column"] and column in e["column"] for e in matching),
                    messages,
                )
                self.assertTrue(
                    any(
                        e["message"].startswith(f"Row {row}, column ") for e in matching
                    ),
                    messages,
                )
        return result

    def assertImported(self, content, orders=1, user=None):
        result = self.run_import(content, user=user)
        self.assertFalse(
            result["errors"], "\n".join(e["message"] for e in result["errors"])
        )
        self.assertEqual(len(result["orders"]), orders)
        return self.env["sale.order"].browse([o["id"] for o in result["orders"]])


@tagged("post_install", "-at_install")
class TestOrderImport(OrderImportCase):
    # -- the happy paths --------------------------------------------------------

    def test_template_round_trip(self):
        wizard = Form(
            self.env["appliance.order.import"].with_user(self.salesperson_a)
        ).save()
        action = wizard.action_download_template()
        self.assertIn("/template_file/", action["url"])
        template = base64.b64decode(wizard.template_file)
        book = openpyxl.load_workbook(io.BytesIO(template))
        self.assertEqual(book.sheetnames, ["订单 Orders", "示例 Example", "列表 Lists"])
        self.assertEqual(book["列表 Lists"].sheet_state, "hidden")
        orders_sheet, example = book["订单 Orders"], book["示例 Example"]
        self.assertEqual(tuple(c.value for c in orders_sheet[1]), HEADER)
        self.assertIn("GGX9-38", [c.value for c in book["列表 Lists"]["A"]])
        validations = {
            str(dv.sqref).split(":")[0]: dv
            for dv in orders_sheet.data_validations.dataValidation
        }
        self.assertEqual(validations["F2"].type, "list")  # model codes
        self.assertEqual(validations["G2"].type, "decimal")  # quantity > 0
        self.assertEqual(validations["I2"].type, "date")

        # fill the order sheet like the example, for our customer
        for row in example.iter_rows(min_row=2, values_only=True):
            if not any(row):
                continue
            values = list(row)
            values[COLUMN["customer"]] = self.customer.appliance_customer_code
            values[COLUMN["code"]] = "GGX9-38"
            orders_sheet.append(values)
        filled = io.BytesIO()
        book.save(filled)

        wizard.write(
            {"file": base64.b64encode(filled.getvalue()), "filename": "filled.xlsx"}
        )
        wizard.action_check()
        self.assertEqual(wizard.state, "preview")
        self.assertEqual(wizard.problem_count, 0, wizard.preview_html)
        self.assertEqual(wizard.order_count, 2)
        self.assertIn("GGX9-38 · 0.4 kV · 1600 A", wizard.preview_html)
        before = self.counts()
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        orders = wizard.order_ids
        self.assertEqual(
            sorted(orders.mapped("client_order_ref")), ["PO-2027-001", "PO-2027-002"]
        )
        self.assertEqual(set(orders.mapped("state")), {"draft"})
        self.assertEqual(orders.user_id, self.salesperson_a)
        self.assertEqual(self.counts()[0], before[0] + 2)
        self.assertEqual(
            wizard.action_open_orders()["domain"], [("id", "in", orders.ids)]
        )

    def test_one_file_makes_many_quotations(self):
        self.customer.phone = "025-86668888"
        other = self.env["res.partner"].create(
            {"name": "上海临港数据科技有限公司", "appliance_name_en": "Lingang Data Co.",
             "is_company": True, "phone": "+86 138 1234 5678", "country_id": self.env.ref("base.cn").id}
        )  # fmt: skip
        rows = [
            # by customer code, with a delivery contact to create and a note
            self.row(contact="李工", phone="13900001111", address="江苏省苏州市工业园区星湖街1号",
                     qty=2, price=27000, date=self.future, note="进线柜 incoming"),
            self.row(code="tbm1 250/3300", qty="１２", date=self.future),
            # by exact Chinese name, full-width code, ISO text date
            self.row(customer="苏测导入电气安装有限公司", ref="PO-2", code="ＧＧＸ９－３８",
                     date=(self.future + timedelta(days=5)).isoformat()),
            # by English name (any case) and by phone in another format
            self.row(customer="lingang data co.", ref="LG-7", code="TBD-3", qty=3),
            self.row(customer="13812345678", ref="LG-7", code="TBD-3", qty=1),
        ]  # fmt: skip
        orders = self.assertImported(self.xlsx(rows), orders=3)
        first, second, third = orders.sorted("id")
        self.assertEqual(
            (first.partner_id, first.client_order_ref), (self.customer, "PO-1")
        )
        self.assertEqual(first.user_id, self.salesperson_a)
        self.assertEqual(first.state, "draft")
        product_lines = first.order_line.filtered(lambda line: not line.display_type)
        self.assertEqual(product_lines.product_id, self.ggd | self.breaker)
        self.assertEqual(product_lines.mapped("product_uom_qty"), [2.0, 12.0])
        self.assertEqual(product_lines[0].price_unit, 27000)
        self.assertEqual(product_lines[1].price_unit, 800, "no price: the pricelist's")
        self.assertEqual(
            first.order_line.filtered("display_type").name, "进线柜 incoming"
        )
        shipping = first.partner_shipping_id
        self.assertEqual(shipping.parent_id, self.customer)
        self.assertEqual(shipping.type, "delivery")
        self.assertEqual((shipping.name, shipping.phone), ("李工", "13900001111"))
        self.assertEqual(shipping.state_id, self.env.ref("base.state_cn_JS"))
        self.assertEqual(
            (shipping.city, shipping.street), ("苏州市", "工业园区星湖街1号")
        )
        self.assertEqual(
            fields.Date.context_today(
                first.with_user(self.salesperson_a), first.commitment_date
            ),
            self.future,
        )
        # no delivery columns: the customer's own delivery address, as in the UI
        self.assertEqual(
            second.partner_shipping_id,
            self.customer.address_get(["delivery"])["delivery"]
            and second.partner_shipping_id,
        )
        self.assertIn(second.partner_shipping_id, self.customer | shipping)
        self.assertEqual(third.partner_id, other)
        self.assertEqual(third.order_line.mapped("product_uom_qty"), [3.0, 1.0])

        # the same delivery address again: the contact is found, not duplicated
        again = self.row(ref="PO-3", contact="李工", phone="139 0000 1111",
                         address="江苏省 苏州市 工业园区星湖街1号")  # fmt: skip
        order = self.assertImported(self.xlsx([again]))
        self.assertEqual(order.partner_shipping_id, shipping)

    def test_lines_carry_the_values_the_orm_computes(self):
        """The import works out names, units, taxes, lead times and costs once per
        product and order context: each line must hold what the ORM gives."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.ggd.product_tmpl_id.update_field_translations(
            "name", {"zh_CN": "GGX9-38 进线柜"}
        )
        vat = self.env["account.tax"].create(
            {"name": "VAT 13% import test", "amount": 13, "type_tax_use": "sale"}
        )
        (self.ggd | self.breaker).taxes_id = vat
        self.ggd.sale_delay = 30
        self.breaker.standard_price = 533.5
        self.customer.lang = "zh_CN"
        # a customer whose fiscal position takes every tax off, in English
        exempt = self.env["account.fiscal.position"].create({"name": "Export"})
        other = self.env["res.partner"].create(
            {"name": "Import Test Export Ltd", "is_company": True, "lang": "en_US",
             "property_account_position_id": exempt.id,
             "country_id": self.env.ref("base.cn").id}
        )  # fmt: skip
        # and one that differs from the first customer by its language only
        english = self.env["res.partner"].create(
            {"name": "Import Test English Ltd", "is_company": True, "lang": "en_US",
             "country_id": self.env.ref("base.cn").id}
        )  # fmt: skip
        rows = [
            self.row(qty=2, price=27000),
            self.row(code="TBM1-250/3300", qty=3),
            self.row(customer="Import Test English Ltd", ref="EN-1", qty=4),
            self.row(ref="PO-2", code="TBM1-250/3300", qty=1),
            self.row(customer="Import Test Export Ltd", ref="EX-1", qty=1),
            self.row(customer="Import Test Export Ltd", ref="EX-1", code="TBD-3"),
        ]
        imported = self.assertImported(self.xlsx(rows), orders=4)
        fnames = ["name", "product_uom_id", "tax_ids", "customer_lead",
                  "purchase_price", "qty_delivered_method", "price_unit",
                  "price_subtotal", "price_total", "margin"]  # fmt: skip
        SaleOrder = self.env["sale.order"].with_user(self.salesperson_a)
        for order in imported:
            # the same quotation entered through the ORM
            reference = SaleOrder.create({
                "partner_id": order.partner_id.id,
                "partner_shipping_id": order.partner_shipping_id.id,
                "order_line": [
                    (0, 0, {"product_id": line.product_id.id,
                            "product_uom_qty": line.product_uom_qty,
                            "price_unit": line.price_unit})
                    for line in order.order_line
                ],
            })  # fmt: skip
            self.assertEqual(order.fiscal_position_id, reference.fiscal_position_id)
            for line, expected in zip(
                order.order_line, reference.order_line, strict=True
            ):
                for fname in fnames:
                    self.assertEqual(
                        line[fname],
                        expected[fname],
                        f"{fname} of {line.product_id.name}",
                    )
        by_ref = {order.client_order_ref: order for order in imported}
        zh_line = by_ref["PO-1"].order_line.filtered(
            lambda line: line.product_id == self.ggd
        )
        self.assertIn("进线柜", zh_line.name, "in the customer's language")
        self.assertEqual(zh_line.tax_ids, vat)
        self.assertEqual(zh_line.customer_lead, 30)
        self.assertEqual(by_ref["EX-1"].partner_id, other)
        en_line = by_ref["EX-1"].order_line.filtered(
            lambda line: line.product_id == self.ggd
        )
        self.assertNotIn("进线柜", en_line.name)
        self.assertFalse(en_line.tax_ids, "the fiscal position takes the tax off")
        self.assertEqual(by_ref["EN-1"].partner_id, english)
        en_line = by_ref["EN-1"].order_line
        self.assertNotIn("进线柜", en_line.name)
        self.assertEqual(en_line.tax_ids, vat)

    def test_customer_codes_of_the_customer_match(self):
        self.env["appliance.model.alias"].create(
            {
                "partner_id": self.customer.id,
                "product_tmpl_id": self.set_ggd.id,
                "code": "ZT-IN-01",
            }
        )
        order = self.assertImported(self.xlsx([self.row(code="zt in 01")]))
        self.assertEqual(order.order_line.product_id, self.ggd)

    def test_header_on_row_3_with_merged_cells(self):
        def setup(book, ws):
            ws.merge_range(
                "A1:J1", "江苏中天 订单 2027", book.add_format({"bold": True})
            )
            ws.write_string(1, 0, "请勿修改表头 Do not change the header")
            ws.merge_range("K3:L3", "内部备注 Internal")  # an unknown column, merged

        content = self.xlsx([self.row(), self.row(code="TBD-3")], header_row=2,
                            setup={"after": setup})  # fmt: skip
        result = self.run_import(content, dry_run=True)
        self.assertFalse(result["errors"])
        self.assertEqual(result["stats"]["header_row"], 3)
        # a header whose labels are merged across two rows (3-4): data from row 5
        book = openpyxl.Workbook()
        ws = book.active
        ws.append(["订单导入"])
        ws.append([])
        ws.append(["客户\nCustomer", "客户订单号", "Model Code", "QTY"])
        ws.merge_cells("A3:A4")
        ws.merge_cells("B3:B4")
        ws.append([])
        ws.append(["T-JS-001", "PO-9", "GGX9-38", 2])
        output = io.BytesIO()
        book.save(output)
        order = self.assertImported(output.getvalue())
        self.assertEqual(order.order_line.product_uom_qty, 2)

    def test_hidden_and_example_sheets_are_skipped(self):
        def before(book):
            junk = book.add_worksheet("Hidden")
            junk.write_row(0, 0, HEADER)
            junk.write_row(1, 0, self.row(customer="nobody", qty=-1))
            junk.hide()
            example = book.add_worksheet("示例 Example")
            example.write_row(0, 0, HEADER)
            example.write_row(1, 0, self.row(customer="C-0001"))

        def after(book, ws):
            ws.activate()  # xlsxwriter never hides the active sheet

        content = self.xlsx([self.row()], setup={"before": before, "after": after})
        self.assertIn(b'state="hidden"', self._parts(content)["xl/workbook.xml"])
        order = self.assertImported(content)
        self.assertEqual(order.partner_id, self.customer)

    def test_dates_as_text_serials_and_excel_dates(self):
        day = self.future
        rows = [
            self.row(ref="D1", date=day),
            self.row(ref="D2", date=day.isoformat()),
            self.row(ref="D3", date=f"{day.year}/{day.month}/{day.day}"),
            self.row(ref="D4", date=excel_serial(day)),
            self.row(ref="D5", date=f"{day.year}年{day.month}月{day.day}日"),
        ]
        orders = self.assertImported(self.xlsx(rows), orders=5)
        for order in orders:
            self.assertEqual(
                fields.Date.context_today(
                    order.with_user(self.salesperson_a), order.commitment_date
                ),
                day,
            )

    def test_formula_with_cached_value_is_read(self):
        order = self.assertImported(self.xlsx([self.row(qty=Formula("=2*3", 6))]))
        self.assertEqual(order.order_line.product_uom_qty, 6)

    def test_full_width_digits_are_accepted(self):
        order = self.assertImported(
            self.xlsx([self.row(qty="１２", price="２６０００.５")])
        )
        self.assertEqual(order.order_line.product_uom_qty, 12)
        self.assertEqual(order.order_line.price_unit, 26000.5)

    def test_dry_run_lists_the_orders_and_creates_nothing(self):
        before = self.counts()
        result = self.run_import(
            self.xlsx([self.row(), self.row(ref="PO-2")]), dry_run=True
        )
        self.assertEqual(self.counts(), before)
        self.assertEqual(
            [o["client_order_ref"] for o in result["orders"]], ["PO-1", "PO-2"]
        )
        self.assertFalse(result["orders"][0]["id"])

    # -- numbers ----------------------------------------------------------------

    def test_quantities_that_are_refused(self):
        cases = [
            ("abc", "abc is not a number"),
            (0, "0: the quantity must be greater than zero"),
            (-5, "-5: the quantity must be greater than zero"),
            ("-5", "-5: the quantity must be greater than zero"),
            (1.5, "1.5 is not a whole number of Units"),
            ("nan", "nan is not a number"),
            ("inf", "inf is not a number"),
            ("1e3", "1e3 is not a number"),
            ("1_000", "1_000 is not a number"),
            ("1,5", "1,5 is not a number"),
            ("1,000", "1,000 is not a number"),
            (True, "TRUE is not a number"),
        ]
        for qty, message in cases:
            with self.subTest(qty=qty):
                content = self.xlsx(
                    [self.row(ref="OK-1"), self.row(ref="BAD", qty=qty)]
                )
                self.assertRefused(content, message, row=3, column="Quantity (数量)")

    def test_missing_quantity_and_bad_prices(self):
        self.assertRefused(self.xlsx([self.row(qty=None)]), "must be filled in", row=2,
                           column="Quantity")  # fmt: skip
        self.assertRefused(self.xlsx([self.row(price=-3)]), "a price cannot be negative", row=2,
                           column="Unit Price")  # fmt: skip
        self.set_ggd.appliance_floor_price = 20000
        self.assertRefused(self.xlsx([self.row(price=15000)]), "below the floor price", row=2,
                           column="Unit Price")  # fmt: skip

    def test_fraction_allowed_for_products_not_sold_in_units(self):
        cable = self.env["product.product"].create(
            {"name": "Cable YJV 4x95", "appliance_kind": "component", "appliance_model_code": "YJV-4X95",
             "uom_id": self.env.ref("uom.product_uom_meter").id, "list_price": 120}
        )  # fmt: skip
        order = self.assertImported(self.xlsx([self.row(code="YJV-4X95", qty=12.5)]))
        self.assertEqual(order.order_line.product_id, cable)
        self.assertEqual(order.order_line.product_uom_qty, 12.5)

    # -- products and customers ------------------------------------------------

    def test_unknown_model_code_suggests_near_misses(self):
        self.assertRefused(
            self.xlsx([self.row(code="GGX9-380")]),
            "unknown model code GGX9-380. Did you mean: GGX9-38",
            row=2, column="Model Code (型号)",
        )  # fmt: skip

    def test_ambiguous_model_code(self):
        self.env["product.template"].create(
            {"name": "GGX9-38 (company build)", "appliance_model_code": "GGX9-38",
             "appliance_kind": "set", "company_id": self.env.company.id}
        )  # fmt: skip
        self.assertRefused(self.xlsx([self.row()]), "ambiguous model code GGX9-38",
                           "GGX9-38 (company build)", row=2, column="Model Code")  # fmt: skip

    def test_unknown_customer(self):
        self.assertRefused(self.xlsx([self.row(customer="无此客户")]), "unknown customer 无此客户",
                           row=2, column="Customer (客户)")  # fmt: skip

    def test_ambiguous_customer(self):
        self.env["res.partner"].create(
            [
                {"name": "南京同名电气有限公司", "is_company": True, "city": city}
                for city in ("南京", "镇江")
            ]
        )
        result = self.assertRefused(
            self.xlsx([self.row(customer="南京同名电气有限公司")]),
            "ambiguous customer 南京同名电气有限公司: 2 customers match",
            row=2, column="Customer",
        )  # fmt: skip
        self.assertIn("镇江", result["errors"][0]["message"])

    def test_customer_of_another_company(self):
        other_company = self.env["res.company"].create({"name": "Huadian Beijing"})
        self.salesperson_a.company_ids += other_company
        self.env["res.partner"].create(
            {"name": "北京分公司客户", "is_company": True, "company_id": other_company.id,
             "appliance_customer_code": "BJ-001"}
        )  # fmt: skip
        self.assertRefused(self.xlsx([self.row(customer="BJ-001")]), "belongs to another company",
                           "Huadian Beijing", row=2, column="Customer")  # fmt: skip
        # a company the user may not see: the customer is unknown to them
        self.salesperson_a.company_ids -= other_company
        self.assertRefused(
            self.xlsx([self.row(customer="BJ-001")]), "unknown customer BJ-001"
        )

    def test_delivery_contact_needs_contact_creation_rights(self):
        content = self.xlsx([self.row(address="上海市浦东新区临港大道1号")])
        # plain sale grants salespeople no contact creation; crm (installed with the
        # whole suite) grants it: the import follows the ACL either way
        partners_b = self.env["res.partner"].with_user(self.salesperson_b)
        if not partners_b.has_access("create"):
            self.assertRefused(content, "you may not create contacts", row=2,
                               column="Delivery Address", user=self.salesperson_b)  # fmt: skip
        order = self.assertImported(content)
        self.assertEqual(
            order.partner_shipping_id.state_id, self.env.ref("base.state_cn_SH")
        )
        self.assertEqual(order.partner_shipping_id.city, "上海市")

    def test_conflicting_delivery_address_within_an_order(self):
        rows = [
            self.row(address="江苏省南京市江宁区1号"),
            self.row(address="江苏省南京市玄武区2号"),
        ]
        self.assertRefused(self.xlsx(rows), "differs from 江苏省南京市江宁区1号 in row 2", row=3,
                           column="Delivery Address")  # fmt: skip

    def test_invalid_phone(self):
        self.assertRefused(self.xlsx([self.row(phone="12345")]), "12345 is not a valid phone number",
                           row=2, column="Phone")  # fmt: skip

    # -- order refs ---------------------------------------------------------------

    def test_duplicate_order_ref_in_the_file(self):
        rows = [self.row(), self.row(ref="PO-2"), self.row(code="TBD-3")]
        self.assertRefused(self.xlsx(rows), "order PO-1 of customer T-JS-001 appears twice", row=4,
                           column="Customer Order Ref")  # fmt: skip

    def test_reimport_creates_no_duplicates(self):
        content = self.xlsx([self.row(), self.row(code="TBD-3")])
        order = self.assertImported(content)
        self.assertEqual(len(order.order_line), 2)
        # another salesperson cannot see the order, the ref still blocks the file
        result = self.assertRefused(content, "order PO-1 of customer", "was already imported",
                                    order.name, row=2, column="Customer Order Ref",
                                    user=self.salesperson_b)  # fmt: skip
        self.assertEqual(len(result["errors"]), 1)
        order.action_cancel()
        self.assertImported(content)

    def test_same_file_imported_twice_at_once_makes_one_set_of_orders(self):
        """Two imports of one file running at the same time both pass the ref
        check (neither sees the other's uncommitted orders); the database index
        then refuses the second, which reports it and leaves nothing behind."""
        content = self.xlsx([self.row(), self.row(ref="PO-2")])
        first = self.assertImported(content, orders=2)
        self.assertEqual(
            set(first.mapped("appliance_import_key")),
            {f"{self.customer.id}/PO-1", f"{self.customer.id}/PO-2"},
        )
        # the second import's check runs before the first commits: simulated by
        # a check that finds nothing
        Wizard = type(self.env["appliance.order.import"])
        with (
            patch.object(Wizard, "_check_existing_refs", lambda self, batch: None),
            mute_logger("odoo.sql_db"),
        ):
            self.assertRefused(content, "imported at the same time by someone else")
        # a cancelled import may be imported again
        first.action_cancel()
        self.assertImported(content, orders=2)

    def test_missing_order_ref_and_customer(self):
        self.assertRefused(self.xlsx([self.row(ref=None, customer=None)]), "must be filled in",
                           row=2, column="Customer Order Ref")  # fmt: skip

    # -- dates ---------------------------------------------------------------------

    def test_invalid_and_past_dates(self):
        yesterday = fields.Date.context_today(self.salesperson_a) - timedelta(days=1)
        cases = [
            ("2027-02-30", "2027-02-30 is not a valid date"),
            ("next week", "next week is not a valid date"),
            ("15/01/2027", "15/01/2027 is not a valid date"),
            (yesterday, f"{yesterday.isoformat()} is in the past"),
            (yesterday.isoformat(), "is in the past"),
            (excel_serial(yesterday), "is in the past"),
            (-3, "-3 is not a date"),
        ]
        for value, message in cases:
            with self.subTest(value=value):
                self.assertRefused(self.xlsx([self.row(date=value)]), message, row=2,
                                   column="Requested Date")  # fmt: skip

    # -- the file itself -----------------------------------------------------------

    def test_formula_without_cached_value(self):
        book = openpyxl.Workbook()
        ws = book.active
        ws.append(HEADER)
        ws.append(self.row())
        ws.append(self.row(ref="PO-2", qty="=2*3"))  # openpyxl stores no computed value
        output = io.BytesIO()
        book.save(output)
        self.assertRefused(output.getvalue(), "cell G3 holds a formula without a computed value",
                           row=3, column="Quantity")  # fmt: skip

    def test_error_values_in_cells(self):
        self.assertRefused(
            self.xlsx([self.row(qty=Formula("=1/0", "#DIV/0!"))]),
            "#DIV/0!",
            row=2,
            column="Quantity",
        )

    def test_huge_dimension_bomb(self):
        """The 5 KB file whose only cell sits at XFD1048576 (Odoo's xlrd path: 2.9 GB)."""

        def declare_whole_sheet(book):
            output = io.BytesIO()
            book.save(output)
            parts = self._parts(output.getvalue())
            sheet = parts["xl/worksheets/sheet1.xml"]
            start = sheet.index(b"<dimension ref=")
            end = sheet.index(b"/>", start) + 2
            parts["xl/worksheets/sheet1.xml"] = (
                sheet[:start] + b'<dimension ref="A1:XFD1048576"/>' + sheet[end:]
            )
            return self._zip(parts)

        book = openpyxl.Workbook()
        book.active["XFD1048576"] = "x"
        lone = declare_whole_sheet(book)
        # the same declared dimension around real orders, the far cell only formatted
        book = openpyxl.Workbook()
        for values in (HEADER, self.row()):
            book.active.append(values)
        book.active["XFD1048576"].font = openpyxl.styles.Font(bold=True)
        styled = declare_whole_sheet(book)
        for content, imported in ((lone, False), (styled, True)):
            with self.subTest(imported=imported):
                self.assertLess(len(content), 10_000)
                tracemalloc.start()
                started = time.monotonic()
                try:
                    if imported:
                        self.assertImported(content)
                    else:
                        self.assertRefused(content, "data in cell XFD1048576, beyond the 50 columns",
                                           seconds=2.0)  # fmt: skip
                    _current, peak = tracemalloc.get_traced_memory()
                finally:
                    tracemalloc.stop()
                self.assertLess(time.monotonic() - started, 5.0)
                self.assertLess(peak, 30 * 1024 * 1024, "bounded memory")

    def test_too_many_rows_and_columns(self):
        rows = [self.row(ref=f"R{i}") for i in range(10_001)]
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True})
        ws = book.add_worksheet()
        ws.write_row(0, 0, HEADER)
        for r, values in enumerate(rows, start=1):
            ws.write_row(r, 0, values)
        book.close()
        self.assertRefused(
            output.getvalue(), "more than 10,000 rows of orders (row 10002)"
        )

        def wide(book, ws):
            ws.write_string(1, 50, "far right")  # column AY, the 51st

        self.assertRefused(self.xlsx([self.row()], setup={"after": wide}),
                           "cell AY2, beyond the 50 columns")  # fmt: skip

    def test_not_an_xlsx(self):
        good = self.xlsx([self.row()])
        ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000
        cases = [
            (ole2, "orders.xlsx", "Excel 97-2003 (.xls)"),
            (ole2, "orders.xls", "Excel 97-2003 (.xls)"),
            (good, "orders.xls", "orders.xls is not an Excel workbook"),
            (good[: len(good) // 2], "orders.xlsx", "not a valid Excel workbook"),
            (
                b"customer,ref\nT-JS-001,PO-1\n",
                "orders.xlsx",
                "not a valid Excel workbook",
            ),
            (b"", "orders.xlsx", "The file is empty"),
            (
                self._zip({"hello.txt": b"hi"}),
                "orders.xlsx",
                "not a valid Excel workbook",
            ),
        ]
        for content, filename, message in cases:
            with self.subTest(filename=filename, message=message):
                self.assertRefused(content, message, filename=filename)
        result = self.Import.import_orders("not base64!", "orders.xlsx")
        self.assertEqual(
            result["errors"][0]["message"], "The file content is not valid base64."
        )

    def test_oversize_file(self):
        # 11 MB of incompressible noise inside an otherwise valid workbook
        import os  # noqa: PLC0415

        content = self._zip(
            self._parts(self.xlsx([self.row()]))
            | {"xl/media/big.bin": os.urandom(11 * 1024 * 1024)}
        )
        self.assertRefused(content, "at most 10 MB")

    def test_zip_bomb(self):
        parts = self._parts(self.xlsx([self.row()]))
        bomb = self._zip(parts | {"xl/media/zeros.bin": b"\0" * (40 * 1024 * 1024)})
        self.assertLess(len(bomb), 200_000)
        self.assertRefused(bomb, "looks like a zip bomb", seconds=2.0)
        sheet = self._zip(
            parts | {"xl/worksheets/sheet1.xml": b" " * (70 * 1024 * 1024)}
        )
        self.assertRefused(sheet, "expands to 70.0 MB", seconds=2.0)

    def test_error_in_row_437_of_500_creates_nothing(self):
        rows = [
            self.row(ref=f"PO-{i // 5}", code="GGX9-38" if i % 2 else "TBD-3")
            for i in range(499)
        ]
        rows[435][COLUMN["qty"]] = "4.5"  # sheet row 437
        result = self.assertRefused(self.xlsx(rows), "4.5 is not a whole number", row=437,
                                    column="Quantity")  # fmt: skip
        self.assertEqual(result["stats"]["rows"], 499)
        self.assertEqual((len(result["errors"]), result["error_count"]), (1, 1))

    def test_many_problems_are_counted_and_the_first_spelled_out(self):
        rows = [self.row(ref=f"PO-{i}", qty=0) for i in range(1200)]
        result = self.assertRefused(self.xlsx(rows), "Row 2, column Quantity")
        self.assertEqual(result["error_count"], 1200)
        self.assertEqual(len(result["errors"]), 1000)
        self.assertEqual(result["errors"][-1]["row"], 1001)

    def test_refusal_by_the_orm_leaves_nothing_behind(self):
        """A constraint raised while creating (after the delivery contact was
        created) rolls everything back and is reported."""
        content = self.xlsx(
            [self.row(address="江苏省南京市鼓楼区中山路1号", contact="王工")]
        )
        before = self.counts()
        SaleOrder = type(self.env["sale.order"])
        with patch.object(
            SaleOrder, "create", side_effect=ValidationError("refused by a rule")
        ):
            result = self.run_import(content)
        self.assertFalse(result["orders"])
        self.assertIn("could not be created, nothing was imported: refused by a rule",
                      result["errors"][0]["message"])  # fmt: skip
        self.assertEqual(self.counts(), before)

    # -- helpers for raw zips ----------------------------------------------------

    @staticmethod
    def _parts(content):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}

    @staticmethod
    def _zip(parts):
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
        return output.getvalue()

    # -- the wizard, security, queries ---------------------------------------------

    def test_wizard_shows_every_problem_and_imports_nothing(self):
        rows = [
            self.row(qty=0),
            self.row(code="NOPE-1"),
            self.row(customer="无此客户", ref="X"),
        ]
        wizard = self.Import.create(
            {"file": base64.b64encode(self.xlsx(rows)), "filename": "o.xlsx"}
        )
        before = self.counts()
        wizard.action_check()
        self.assertEqual(wizard.problem_count, 3)
        self.assertIn("Row 2, column Quantity (数量)", wizard.preview_html)
        self.assertIn(
            "Row 3, column Model Code (型号): unknown model code NOPE-1",
            wizard.preview_html,
        )
        self.assertIn(
            "Row 4, column Customer (客户): unknown customer", wizard.preview_html
        )
        wizard.action_import()  # the button is hidden, the method refuses all the same
        self.assertEqual(wizard.state, "preview")
        self.assertFalse(wizard.order_ids)
        self.assertEqual(self.counts(), before)

    def test_portal_and_non_sales_users_are_refused(self):
        content = base64.b64encode(self.xlsx([self.row()])).decode()
        employee = new_test_user(self.env, "app_employee", groups="base.group_user")
        for user in (self.portal_user, employee, self.warehouse_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["appliance.order.import"].with_user(user).import_orders(
                        content, "o.xlsx"
                    )
                with self.assertRaises(AccessError):
                    self.env["appliance.order.import"].with_user(user).create({})
        self.assertTrue(self.Import.import_orders(content, "o.xlsx")["orders"])

    def test_query_count_per_order_is_bounded(self):
        """Customers, products and refs are fetched for the whole file: the cost
        of one more order is what the ORM spends creating it, not per-row lookups."""

        def rows(orders, prefix):
            return [
                self.row(ref=f"{prefix}-{o}", code=("GGX9-38", "TBD-3", "TBM1-250/3300")[line % 3],
                         qty=line + 1, date=self.future)
                for o in range(orders) for line in range(5)
            ]  # fmt: skip

        def queries(content, dry_run):
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            result = self.run_import(content, dry_run=dry_run)
            self.env.flush_all()
            self.assertFalse(result["errors"])
            return self.env.cr.sql_log_count - start, len(result["orders"])

        self.run_import(self.xlsx(rows(1, "WARM")))
        # reading and checking: a constant number of queries, whatever the size
        checks = {n: queries(self.xlsx(rows(n, f"C{n}")), True) for n in (2, 20)}
        self.assertEqual(checks[2][0], checks[20][0], checks)
        self.assertLessEqual(checks[20][0], 10, checks)
        # creating: only what the ORM spends on one more quotation (its sequence,
        # fiscal position, warehouse...), about 4 queries here
        imports = {n: queries(self.xlsx(rows(n, f"Q{n}")), False) for n in (2, 20)}
        self.assertEqual((imports[2][1], imports[20][1]), (2, 20))
        per_order = (imports[20][0] - imports[2][0]) / 18
        self.assertLess(per_order, 6, f"queries per extra order: {imports}")


@tagged("post_install", "-at_install")
class TestOrderImportJson2(OrderImportCase, HttpCase):
    def _call(self, user, payload):
        key = (
            self.env["res.users.apikeys"]
            .with_user(user)
            ._generate(
                scope="rpc",
                name="import",
                expiration_date=datetime.now() + timedelta(days=1),
            )
        )
        return self.url_open(
            "/json/2/appliance.order.import/import_orders",
            data=json.dumps(payload),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {key}",
            },
        )

    def test_json2_import_for_salespeople_only(self):
        payload = {
            "file_content_base64": base64.b64encode(self.xlsx([self.row()])).decode(),
            "filename": "orders.xlsx",
        }
        employee = new_test_user(self.env, "app_employee_rpc", groups="base.group_user")
        response = self._call(employee, payload)
        self.assertEqual(response.status_code, 403, response.text)
        self.assertIn("Only salespeople", response.json()["message"])

        response = self._call(self.salesperson_a, dict(payload, dry_run=True))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["orders"][0]["client_order_ref"], "PO-1")
        self.assertFalse(response.json()["orders"][0]["id"])

        response = self._call(self.salesperson_a, payload)
        body = response.json()
        self.assertEqual(len(body["orders"]), 1, body)
        order = self.env["sale.order"].browse(body["orders"][0]["id"])
        self.assertEqual(order.client_order_ref, "PO-1")

        bad = dict(
            payload,
            file_content_base64=base64.b64encode(
                self.xlsx([self.row(ref="PO-2", qty=-1)])
            ).decode(),
        )
        body = self._call(self.salesperson_a, bad).json()
        self.assertFalse(body["orders"])
        self.assertEqual(body["errors"][0]["row"], 2)
        self.assertEqual(body["errors"][0]["column"], "Quantity (数量)")
