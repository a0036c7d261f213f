import csv
import io
import unicodedata

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import clean_context

from odoo.addons.appliance_sales.wizard import appliance_order_import_xlsx as xlsx

from ..utils import name_key, phone_key, vat_key

MAX_ROWS = 20000
# column key -> accepted header labels (compared lower case, without spaces)
COLUMNS = {
    "name": (
        "name",
        "customer",
        "customername",
        "客户",
        "客户名称",
        "名称",
        "公司名称",
    ),
    "phone": ("phone", "telephone", "mobile", "电话", "手机", "联系电话"),
    "vat": ("vat", "taxid", "tin", "税号", "纳税人识别号", "统一社会信用代码"),
    "email": ("email", "e-mail", "邮箱", "电子邮件"),
    "street": ("street", "address", "地址", "详细地址"),
    "city": ("city", "城市", "市"),
    "province": ("province", "state", "省", "省份"),
    "code": ("code", "customercode", "客户编码", "客户代码"),
    "channel": ("channel", "渠道", "销售渠道"),
}
_HEADER_INDEX = {label: key for key, labels in COLUMNS.items() for label in labels}


def _header_key(text):
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    return _HEADER_INDEX.get("".join(text.split()).replace("_", ""))


class ApplianceCustomerImport(models.TransientModel):
    """Bring customers from other channels (online shop, stores, tenders…) in
    from a CSV/.xlsx file or over JSON-RPC, landing on the existing customer when
    one matches by customer code, tax ID, phone or name (normalised)."""

    _name = "appliance.customer.import"
    _description = "Import Customers from Other Channels"

    file = fields.Binary(string="File (.csv or .xlsx)", attachment=False)
    filename = fields.Char()
    channel_id = fields.Many2one(
        "appliance.sales.channel",
        help="Usual channel of the customers created (rows may name their own).",
    )
    result = fields.Text(readonly=True)

    # ------------------------------------------------------------
    # ACTION / API
    # ------------------------------------------------------------

    def action_import(self):
        self.ensure_one()
        if not self.file:
            raise UserError(self.env._("Choose a file first."))
        rows = self._read_file(self.file, self.filename or "")
        result = self._import_rows(rows, self.channel_id)
        if result["errors"]:
            raise UserError("\n".join(e["message"] for e in result["errors"][:50]))
        self.result = self.env._(
            "%(created)s customers created, %(matched)s matched existing customers.",
            created=result["created"],
            matched=result["matched"],
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def import_customers(self, rows, channel_code=False, dry_run=False):
        """Create or find customers (JSON-RPC entry point), all or nothing.

        ``POST /json/2/appliance.customer.import/import_customers`` with
        ``{"rows": [{"name", "phone", "vat", "email", "street", "city", "province",
        "code", "channel"}], "channel_code": "online_shop", "dry_run": false}``.

        :returns: ``{"customers": [{"row", "id", "name", "matched"}],
            "errors": [{"row", "message"}], "created": n, "matched": n}``;
            ``customers`` is empty when anything is wrong.
        """
        self._check_import_access()
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise UserError(self.env._("rows must be a list of objects."))
        channel = self.env["appliance.sales.channel"]
        if channel_code:
            channel = channel._appliance_find(channel_code)
            if not channel:
                raise UserError(self.env._("Unknown channel code %s.", channel_code))
        return self._import_rows(
            [(n, row) for n, row in enumerate(rows, start=1)], channel, dry_run=dry_run
        )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _check_import_access(self):
        if not self.env.su and not self.env.user.has_group(
            "sales_team.group_sale_salesman"
        ):
            raise AccessError(
                self.env._("Only salespeople and sales managers may import customers.")
            )

    @api.model
    def _read_file(self, encoded, filename):
        """[(row number, {column key: text})] from a base64 CSV or .xlsx."""
        try:
            content = xlsx.decode_upload(encoded, self.env)
        except xlsx.FileRejected as exc:
            raise UserError(exc.args[0]) from exc
        if filename.lower().endswith(".xlsx"):
            try:
                xlsx.check_file(content, filename, self.env)
            except xlsx.FileRejected as exc:
                raise UserError(exc.args[0]) from exc
            from openpyxl import load_workbook  # noqa: PLC0415 - only for .xlsx

            workbook = load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
            table = [
                ["" if v is None else str(v) for v in row]
                for row in workbook.worksheets[0].iter_rows(
                    max_row=MAX_ROWS + 1, values_only=True
                )
            ]
        elif filename.lower().endswith(".csv"):
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = content.decode("gb18030", errors="replace")
            table = list(csv.reader(io.StringIO(text)))
        else:
            raise UserError(
                self.env._("%s: upload a .csv or .xlsx file.", filename or "?")
            )
        if not table:
            raise UserError(self.env._("The file is empty."))
        header = [_header_key(cell) for cell in table[0]]
        if "name" not in header:
            raise UserError(
                self.env._(
                    "Row 1: no customer name column (name / 客户名称) in the header."
                )
            )
        if len(table) > MAX_ROWS + 1:
            raise UserError(
                self.env._("The file has more than %s rows.", f"{MAX_ROWS:,}")
            )
        rows = []
        for number, cells in enumerate(table[1:], start=2):
            values = {
                key: (cells[i] or "").strip()
                for i, key in enumerate(header)
                if key and i < len(cells)
            }
            if any(values.values()):
                rows.append((number, values))
        return rows

    @api.model
    def _prepare_row(self, number, values, channel, states):
        """(values, channel, province) of one row, or the translated problem."""
        values = {
            k: str(v).strip() if v not in (None, False) else ""
            for k, v in values.items()
        }
        if not values.get("name"):
            return self.env._("Row %(row)s: the customer name is missing.", row=number)
        if values.get("phone") and (
            problem := self.env["res.partner"]._appliance_phone_problem(values["phone"])
        ):
            return self.env._("Row %(row)s: %(problem)s", row=number, problem=problem)
        if values.get("channel"):
            Channel = self.env["appliance.sales.channel"]
            channel = Channel._appliance_find(values["channel"]) or Channel.search(
                [("name", "=ilike", values["channel"])], limit=1
            )
            if not channel:
                return self.env._(
                    "Row %(row)s: unknown channel %(channel)s.",
                    row=number,
                    channel=values["channel"],
                )
        state = self.env["res.country.state"]
        if province := values.get("province"):
            if province not in states:
                states[province] = state.search(
                    [
                        ("country_id", "=", self.env.ref("base.cn").id),
                        "|",
                        "|",
                        ("name", "=ilike", province),
                        ("code", "=ilike", province),
                        ("name", "=ilike", province + "%"),
                    ],
                    limit=1,
                )
            state = states[province]
            if not state:
                return self.env._(
                    "Row %(row)s: unknown province %(province)s.",
                    row=number,
                    province=province,
                )
        return values, channel, state

    @api.model
    def _import_rows(self, rows, channel, dry_run=False):
        """Match or create the customers of ``rows`` [(number, values)]."""
        self._check_import_access()
        Partner = self.env["res.partner"]
        errors = []
        prepared = []
        states = {}
        for number, values in rows:
            row = self._prepare_row(number, values, channel, states)
            if isinstance(row, str):
                errors.append({"row": number, "message": row})
            else:
                prepared.append((number, *row))
        matches = self._find_existing([values for _n, values, _c, _s in prepared])
        result = []
        to_create = {}  # key of the first row -> [row indexes] (rows of one new customer)
        batch_keys = {}
        for index, (number, values, _channel, _state) in enumerate(prepared):
            found = matches[index]
            if isinstance(found, str):
                errors.append(
                    {
                        "row": number,
                        "message": self.env._(
                            "Row %(row)s: %(problem)s", row=number, problem=found
                        ),
                    }
                )
                continue
            if found:
                result.append((index, found))
                continue
            # rows of this file designating the same new customer share it
            keys = self._keys(values)
            owner = next((batch_keys[k] for k in keys if k in batch_keys), index)
            for k in keys:
                batch_keys.setdefault(k, owner)
            to_create.setdefault(owner, []).append(index)
        if errors:
            return {"customers": [], "errors": sorted(errors, key=lambda e: e["row"]),
                    "created": 0, "matched": 0}  # fmt: skip
        if dry_run:
            return {
                "customers": [
                    {"row": prepared[i][0], "id": p.id, "name": p.name, "matched": True}
                    for i, p in result
                ] + [
                    {"row": prepared[i][0], "id": False, "name": prepared[i][1]["name"], "matched": False}
                    for owner, indexes in to_create.items() for i in indexes
                ],
                "errors": [], "created": len(to_create), "matched": len(result),
            }  # fmt: skip
        owners = list(to_create)
        # the client's default_* keys must not fill what the file left empty
        created = Partner.with_env(
            self.env(context=clean_context(self.env.context))
        ).create([self._partner_vals(*prepared[owner][1:]) for owner in owners])
        customers = []
        for partner, owner in zip(created, owners, strict=True):
            for index in to_create[owner]:
                customers.append(
                    {
                        "row": prepared[index][0],
                        "id": partner.id,
                        "name": partner.name,
                        "matched": False,
                    }
                )
        for index, partner in result:
            self._complete(partner, *prepared[index][1:])
            customers.append(
                {
                    "row": prepared[index][0],
                    "id": partner.id,
                    "name": partner.name,
                    "matched": True,
                }
            )
        return {
            "customers": sorted(customers, key=lambda c: c["row"]),
            "errors": [],
            "created": len(created),
            "matched": len(result),
        }

    @api.model
    def _keys(self, values):
        return [
            (kind, key)
            for kind, key in (
                ("code", (values.get("code") or "").upper() or False),
                ("vat", vat_key(values.get("vat"))),
                ("phone", phone_key(values.get("phone"))),
                ("name", name_key(values.get("name"))),
            )
            if key
        ]

    @api.model
    def _find_existing(self, values_list):
        """For each row, the existing customer it designates, False, or the
        translated reason why it is ambiguous. Four queries for the whole file."""
        Partner = self.env["res.partner"]
        wanted = {"code": set(), "vat": set(), "phone": set(), "name": set()}
        for values in values_list:
            for kind, key in self._keys(values):
                wanted[kind].add(key)
        company = self.env.company
        base = [
            ("company_id", "in", [company.id, False]),
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
        ]
        index = {}
        for kind, field in (
            ("code", "appliance_customer_code"),
            ("vat", "appliance_vat_key"),
            ("phone", "appliance_phone_key"),
            ("name", "appliance_name_key"),
        ):
            if not wanted[kind]:
                continue
            for partner in Partner.search_fetch(
                [*base, (field, "in", sorted(wanted[kind]))],
                [field, "name", "commercial_partner_id"],
            ):
                key = partner[field].upper() if kind == "code" else partner[field]
                index.setdefault((kind, key), Partner)
                index[kind, key] |= partner.commercial_partner_id
        result = []
        for values in values_list:
            found = False
            for kind, key in self._keys(values):
                partners = index.get((kind, key))
                if not partners:
                    continue
                if len(partners) > 1:
                    found = self.env._(
                        "%(count)s customers share this %(what)s (%(names)s): merge them first"
                        " or give the customer code.",
                        count=len(partners),
                        what={"code": self.env._("customer code"), "vat": self.env._("tax ID"),
                              "phone": self.env._("phone"), "name": self.env._("name")}[kind],
                        names=", ".join(partners[:5].mapped("name")),
                    )  # fmt: skip
                else:
                    found = partners
                break
            result.append(found)
        return result

    @api.model
    def _partner_vals(self, values, channel, state):
        vals = {
            "name": values["name"],
            "is_company": True,
            "phone": values.get("phone") or False,
            "vat": values.get("vat") or False,
            "email": values.get("email") or False,
            "street": values.get("street") or False,
            "city": values.get("city") or False,
            "appliance_customer_code": values.get("code") or False,
            "appliance_channel_id": channel.id or False,
            "customer_rank": 1,
        }
        if state:
            vals.update(state_id=state.id, country_id=state.country_id.id)
        return vals

    @api.model
    def _complete(self, partner, values, channel, state):
        """Fill what the existing customer lacks; never overwrite what it has."""
        vals = {
            key: value
            for key, value in self._partner_vals(values, channel, state).items()
            if value
            and key not in ("name", "is_company", "customer_rank")
            and not partner[key]
        }
        if vals:
            partner.write(vals)
