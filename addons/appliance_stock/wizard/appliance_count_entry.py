from odoo import api, fields, models
from odoo.exceptions import UserError


class ApplianceCountEntry(models.TransientModel):
    """The count screen of a phone: scan a barcode (or type a model code),
    the quantity, and the line of the session is counted; the screen opens
    again for the next item, on the same location."""

    _name = "appliance.count.entry"
    _description = "Count Entry"

    session_id = fields.Many2one(
        "appliance.count.session", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="session_id.company_id")
    session_location_ids = fields.Many2many(related="session_id.location_ids")
    location_id = fields.Many2one(
        "stock.location",
        domain="[('id', 'child_of', session_location_ids), ('usage', '=', 'internal')]",
        help="Where you count. Leave empty when the product has one line only.",
    )
    code = fields.Char(
        string="Barcode or Model Code",
        help="Scan the barcode, or type the model code in any form (GGD2 38, "
        "ggd2-38) or the internal reference.",
    )
    product_id = fields.Many2one(
        "product.product",
        domain="[('is_storable', '=', True)]",
        help="Or pick the product (on a phone, the camera button scans it).",
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial",
        domain="[('product_id', '=', product_id)]",
    )
    quantity = fields.Float(default=1.0, digits="Product Unit")
    mode = fields.Selection(
        [("add", "Add to Count"), ("set", "Replace Count")],
        required=True,
        default="add",
        help="Add: each scan adds to what is counted already. Replace: the "
        "quantity becomes the line's count.",
    )
    last_line_id = fields.Many2one("appliance.count.line", readonly=True)
    last_result = fields.Char(readonly=True)

    @api.model
    def _open(self, session, **vals):
        entry = self.create({"session_id": session.id, **vals})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Count %s", session.name),
            "res_model": self._name,
            "res_id": entry.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_count(self):
        self.ensure_one()
        session = self.session_id
        session._check_state("counting")
        if self.quantity < 0 or (self.mode == "add" and self.quantity <= 0):
            raise UserError(self.env._("Quantity: enter a quantity greater than zero."))
        product = self._resolve_product()
        line = self._find_line(product)
        line._set_count(self.quantity, mode=self.mode)
        return self._open(
            session,
            location_id=self.location_id.id,
            mode=self.mode,
            last_line_id=line.id,
            last_result=self.env._(
                "%(product)s @ %(location)s: %(qty)s counted",
                product=line.product_id.display_name,
                location=line.location_id.display_name,
                qty=line.counted_qty,
            ),
        )

    def _resolve_product(self):
        code = (self.code or "").strip()
        if not code:
            if not self.product_id:
                raise UserError(
                    self.env._("Scan a barcode, type a model code or pick a product.")
                )
            return self.product_id
        products = self.env["appliance.count.line"]._match_products(
            [code], self.session_id.company_id
        )[code]
        if not products:
            raise UserError(
                self.env._(
                    "Barcode or Model Code: no stored product has the code %s.", code
                )
            )
        if len(products) > 1:
            raise UserError(
                self.env._(
                    "Barcode or Model Code: %(code)s matches several products "
                    "(%(products)s): pick the product instead.",
                    code=code,
                    products=", ".join(products.mapped("display_name")),
                )
            )
        return products

    def _find_line(self, product):
        """The session's line of ``product`` at the chosen location and lot,
        added when the book had none there."""
        Line = self.env["appliance.count.line"]
        domain = [
            ("session_id", "=", self.session_id.id),
            ("product_id", "=", product.id),
        ]
        if self.location_id:
            domain.append(("location_id", "=", self.location_id.id))
        if self.lot_id:
            domain.append(("lot_id", "=", self.lot_id.id))
        lines = Line.search(domain)
        if len(lines) == 1:
            return lines
        if len(lines) > 1:
            raise UserError(
                self.env._(
                    "%(product)s is counted on %(count)s lines (%(lines)s): choose the "
                    "location and lot.",
                    product=product.display_name,
                    count=len(lines),
                    lines=", ".join(lines.mapped("display_name")),
                )
            )
        location = self.location_id
        if not location:
            if len(self.session_id.location_ids) != 1:
                raise UserError(
                    self.env._(
                        "%s has no line in this session yet: choose the location "
                        "where you found it.",
                        product.display_name,
                    )
                )
            location = self.session_id.location_ids
        if product.tracking != "none" and not self.lot_id:
            raise UserError(
                self.env._(
                    "Lot/Serial: %s is tracked, choose its lot or serial number.",
                    product.display_name,
                )
            )
        return Line.create(
            {
                "session_id": self.session_id.id,
                "product_id": product.id,
                "location_id": location.id,
                "lot_id": self.lot_id.id,
            }
        )
