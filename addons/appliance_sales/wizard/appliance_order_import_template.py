"""The order-list template: an order sheet with drop-downs and input checks,
an example sheet and a hidden sheet with the lists (no ORM)."""

import datetime
import io

import xlsxwriter

from . import appliance_order_import_xlsx as xlsx

# rows of the order sheet that get the drop-downs and checks
TEMPLATE_ROWS = 2000


def build_template(products, customers, today):
    """The template as ``.xlsx`` bytes.

    :param products: ``(model code, product name)`` for the model-code list
    :param customers: ``(customer code, name)`` for the customer list
    :param today: the first date the requested-date check accepts
    """
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    header = book.add_format(
        {
            "bold": True,
            "bg_color": "#D9E1F2",
            "border": 1,
            "text_wrap": True,
            "valign": "top",
        }
    )
    required = book.add_format(
        {
            "bold": True,
            "bg_color": "#FCE4D6",
            "border": 1,
            "text_wrap": True,
            "valign": "top",
        }
    )
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    number = book.add_format({"num_format": "#,##0.##"})
    column_formats = {
        "customer": text, "contact": text, "phone": text, "address": text,
        "order_ref": text, "model_code": text, "note": text,
        "quantity": number, "price_unit": number, "requested_date": date,
    }  # fmt: skip
    widths = {
        "customer": 26,
        "address": 34,
        "model_code": 18,
        "note": 24,
        "requested_date": 14,
    }
    keys = [column.key for column in xlsx.COLUMNS]
    orders_sheet = book.add_worksheet("订单 Orders")
    example = book.add_worksheet("示例 Example")
    lists = book.add_worksheet("列表 Lists")
    for sheet in (orders_sheet, example):
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 32)
        for index, key in enumerate(keys):
            column = xlsx.COLUMNS_BY_KEY[key]
            sheet.set_column(index, index, widths.get(key, 14), column_formats[key])
            sheet.write(
                0,
                index,
                xlsx.template_label(key),
                required if column.required else header,
            )
    hints = {
        "customer": "客户编码、客户全称或电话\nCustomer code, exact name or phone",
        "contact": "收货联系人（可选）\nDelivery contact (optional)",
        "phone": "收货电话（可选）\nDelivery phone (optional)",
        "address": "送货地址（可选，默认客户地址）\nDelivery address (optional)",
        "order_ref": "同一客户+订单号的行合并为一张报价单\nRows with the same customer and ref make one quotation",
        "model_code": "本公司型号或客户物料编码\nOur model code or the customer's code",
        "quantity": "大于0；按台/件计的产品须为整数\n> 0, whole for products sold in units",
        "price_unit": "不含税单价（可选，空则按价格表）\nUnit price (optional: pricelist otherwise)",
        "requested_date": "要求交货日期，不早于今天\nRequested date, not in the past",
        "note": "备注，打印在该行下方\nNote, printed under the line",
    }
    for index, key in enumerate(keys):
        orders_sheet.write_comment(0, index, hints[key], {"x_scale": 2, "y_scale": 1.2})
    # hidden lists for the drop-downs
    lists.write_row(
        0,
        0,
        [
            "型号 Model Code",
            "产品 Product",
            "客户编码 Customer Code",
            "客户 Customer",
        ],
    )
    for index, (code, name) in enumerate(products, start=1):
        lists.write_string(index, 0, code)
        lists.write_string(index, 1, name)
    for index, (code, name) in enumerate(customers, start=1):
        lists.write_string(index, 2, code)
        lists.write_string(index, 3, name)
    lists.hide()
    col = {key: index for index, key in enumerate(keys)}
    last = TEMPLATE_ROWS
    if products:
        book.define_name("ModelCodes", f"='列表 Lists'!$A$2:$A${len(products) + 1}")
        orders_sheet.data_validation(
            1, col["model_code"], last, col["model_code"],
            {"validate": "list", "source": "=ModelCodes", "error_type": "warning",
             "error_title": "型号 Model Code",
             "error_message": "不在型号列表中：如为客户物料编码可继续。\n"
                              "Not one of our model codes: continue if it is the customer's code."},
        )  # fmt: skip
    if customers:
        book.define_name("CustomerCodes", f"='列表 Lists'!$C$2:$C${len(customers) + 1}")
        orders_sheet.data_validation(
            1, col["customer"], last, col["customer"],
            {"validate": "list", "source": "=CustomerCodes", "error_type": "information",
             "error_title": "客户 Customer",
             "error_message": "也可填写客户全称或电话。\nA customer's exact name or phone works too."},
        )  # fmt: skip
    orders_sheet.data_validation(
        1, col["quantity"], last, col["quantity"],
        {"validate": "decimal", "criteria": ">", "value": 0,
         "error_title": "数量 Quantity",
         "error_message": "请输入大于0的数字。\nEnter a number greater than 0."},
    )  # fmt: skip
    orders_sheet.data_validation(
        1, col["price_unit"], last, col["price_unit"],
        {"validate": "decimal", "criteria": ">=", "value": 0,
         "error_title": "单价 Unit Price",
         "error_message": "请输入不小于0的数字。\nEnter a number, 0 or more."},
    )  # fmt: skip
    orders_sheet.data_validation(
        1, col["requested_date"], last, col["requested_date"],
        {"validate": "date", "criteria": ">=",
         "value": datetime.datetime.combine(today, datetime.time()),
         "error_title": "要求交货日期 Requested Date",
         "error_message": "请输入今天或以后的日期，如 2027-01-15。\n"
                          "Enter a date from today on, e.g. 2027-01-15."},
    )  # fmt: skip
    # the example: two orders of one customer
    sample_customer = customers[0][0] if customers else "C-0001"
    sample_codes = [code for code, _name in products[:3]] or ["GGD2-38"]
    when = datetime.datetime.combine(
        today + datetime.timedelta(days=30), datetime.time()
    )
    rows = [
        ("PO-2027-001", sample_codes[0], 2, None, "进线柜 incoming"),
        ("PO-2027-001", sample_codes[-1], 4, None, ""),
        ("PO-2027-002", sample_codes[0], 1, None, ""),
    ]
    for index, (ref, code, qty, price, note) in enumerate(rows, start=1):
        values = {
            "customer": sample_customer,
            "contact": "张工",
            "phone": "13812345678",
            "address": "江苏省南京市江宁区天元中路88号",
            "order_ref": ref,
            "model_code": code,
            "note": note,
        }
        for key, value in values.items():
            if value:
                example.write_string(index, col[key], value)
        example.write_number(index, col["quantity"], qty)
        if price is not None:
            example.write_number(index, col["price_unit"], price)
        example.write_datetime(index, col["requested_date"], when, date)
    orders_sheet.activate()
    book.close()
    return output.getvalue()
