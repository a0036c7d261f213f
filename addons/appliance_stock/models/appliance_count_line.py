from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.appliance_sales.utils import normalize_model_code

# Fields the application sets; users never write them (not even over RPC).
SYSTEM_FIELDS = frozenset(
    {
        "session_id",
        "product_id",
        "location_id",
        "lot_id",
        "theoretical_qty",
        "unit_cost",
        "first_counted_qty",
        "recount_state",
        "book_at_apply_qty",
        "applied_qty",
        "counted_by_id",
        "counted_date",
    }
)
# What a counter may send when adding a line for stock the book does not show.
ADDABLE_FIELDS = frozenset({"session_id", "product_id", "location_id", "lot_id"})
COUNT_FIELDS = frozenset({"counted_qty", "is_counted"})
REVIEW_FIELDS = frozenset({"reason_id", "note"})


class ApplianceCountLine(models.Model):
    """One product × location × lot of a count session: its book quantity at
    the snapshot, what was counted, the variance and its reason."""

    _name = "appliance.count.line"
    _description = "Stock Count Line"
    _order = "session_id, location_id, product_id, lot_id, id"
    _check_company_auto = True

    session_id = fields.Many2one(
        "appliance.count.session",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        related="session_id.company_id", store=True, index=True, precompute=True
    )
    session_state = fields.Selection(related="session_id.state", string="Status")
    session_is_blind = fields.Boolean(related="session_id.is_blind")
    product_id = fields.Many2one(
        "product.product", required=True, index=True, readonly=True, check_company=True
    )
    categ_id = fields.Many2one(
        related="product_id.categ_id", store=True, precompute=True, string="Category"
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    product_barcode = fields.Char(related="product_id.barcode", string="Barcode")
    appliance_model_code = fields.Char(related="product_id.appliance_model_code")
    location_id = fields.Many2one(
        "stock.location", required=True, index=True, readonly=True, check_company=True
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial", readonly=True, check_company=True
    )
    theoretical_qty = fields.Float(
        string="Book Quantity",
        digits="Product Unit",
        readonly=True,
        help="On hand at the snapshot (or when the line was added).",
    )
    counted_qty = fields.Float(string="Counted", digits="Product Unit")
    is_counted = fields.Boolean(string="Counted Yet", index=True)
    counted_by_id = fields.Many2one("res.users", readonly=True)
    counted_date = fields.Datetime(string="Counted On", readonly=True)
    recount_state = fields.Selection(
        [("none", "No"), ("required", "Required"), ("done", "Recounted")],
        string="Recount",
        default="none",
        required=True,
        readonly=True,
    )
    first_counted_qty = fields.Float(
        string="First Count",
        digits="Product Unit",
        readonly=True,
        help="The count before the recount.",
    )
    variance_qty = fields.Float(
        string="Variance",
        digits="Product Unit",
        compute="_compute_variance",
        store=True,
        aggregator="sum",
    )
    has_variance = fields.Boolean(compute="_compute_variance", store=True, index=True)
    variance_pct = fields.Float(
        string="Variance (%)",
        compute="_compute_variance",
        store=True,
        aggregator=None,
        help="Variance relative to the book quantity (100 % when the book is zero).",
    )
    unit_cost = fields.Float(
        digits="Product Price", readonly=True, help="Product cost at the snapshot."
    )
    currency_id = fields.Many2one(related="session_id.currency_id")
    variance_value = fields.Monetary(
        compute="_compute_variance", store=True, aggregator="sum"
    )
    variance_abs_value = fields.Monetary(
        string="Absolute Variance Value",
        compute="_compute_variance",
        store=True,
        aggregator="sum",
    )
    reason_id = fields.Many2one(
        "appliance.stock.reason",
        index="btree_not_null",
        check_company=True,
    )
    note = fields.Char()
    book_at_apply_qty = fields.Float(
        string="Book When Applied", digits="Product Unit", readonly=True
    )
    applied_qty = fields.Float(
        string="Adjusted",
        digits="Product Unit",
        readonly=True,
        help="Quantity added (or removed, negative) by the application.",
    )

    _counted_qty_positive = models.Constraint(
        "CHECK(counted_qty >= 0)", "A counted quantity cannot be negative."
    )
    _product_location_lot_unique = models.UniqueIndex(
        "(session_id, product_id, location_id, COALESCE(lot_id, 0))",
        "A count session has one line per product, location and lot.",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("counted_qty", "is_counted", "theoretical_qty", "unit_cost")
    def _compute_variance(self):
        for line in self:
            if not line.is_counted:
                line.variance_qty = line.variance_pct = line.variance_value = 0.0
                line.variance_abs_value = 0.0
                line.has_variance = False
                continue
            rounding = line.product_id.uom_id
            variance = rounding.round(line.counted_qty - line.theoretical_qty)
            line.variance_qty = variance
            line.has_variance = not rounding.is_zero(variance)
            if rounding.is_zero(line.theoretical_qty):
                line.variance_pct = 100.0 if line.has_variance else 0.0
            else:
                line.variance_pct = 100.0 * variance / abs(line.theoretical_qty)
            line.variance_value = variance * line.unit_cost
            line.variance_abs_value = abs(line.variance_value)

    def _compute_display_name(self):
        for line in self:
            line.display_name = line._label()

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # lines added in the count screen: the book figures are read here
            self._prepare_added_lines(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if SYSTEM_FIELDS & vals.keys() and self.env.su:
            # figures set by the session itself (_write_system)
            return super().write(vals)
        if SYSTEM_FIELDS & vals.keys():
            raise AccessError(
                self.env._(
                    "Book quantities, costs and results of a count are set by the "
                    "count session only."
                )
            )
        states = set(self.session_id.mapped("state"))
        if COUNT_FIELDS & vals.keys():
            if states - {"counting"}:
                raise UserError(
                    self.env._("Counts can only be entered while counting.")
                )
            if recount := self.filtered(lambda line: line.recount_state == "required"):
                recount._write_system({"recount_state": "done"})
            vals = {"is_counted": True, **vals, **self._counted_by_vals()}
            return super().write(vals)
        if REVIEW_FIELDS & vals.keys() and states - {"counting", "review"}:
            raise UserError(
                self.env._(
                    "Reasons can only change while counting or reviewing; send the "
                    "session back to review first."
                )
            )
        return super().write(vals)

    def _write_system(self, vals):
        """Write figures that only the session sets (book, cost, results)."""
        return self.sudo().write(vals)  # sudo: book figures are never typed by users

    @api.model
    def _create_system(self, vals_list):
        """Create the snapshot lines with their book figures."""
        return self.sudo().create(vals_list)  # sudo: the snapshot sets the book figures

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(line.session_id.state != "draft" for line in self):
            raise UserError(
                self.env._("Lines of a started count session cannot be deleted.")
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_increment(self):
        """+1 from the phone's count screen."""
        self._add_count(1.0)
        return True

    def action_decrement(self):
        self._add_count(-1.0)
        return True

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _key(self):
        return (self.product_id.id, self.location_id.id, self.lot_id.id or False)

    def _label(self):
        self.ensure_one()
        label = f"{self.product_id.display_name} @ {self.location_id.display_name}"
        if self.lot_id:
            label += f" ({self.lot_id.name})"
        return label

    @api.model
    def _quant_domain(self):
        """Quants a count session counts: own stock outside packages (packed
        or consigned stock is counted with Odoo's physical inventory)."""
        return Domain("owner_id", "=", False) & Domain("package_id", "=", False)

    def _book_quantities(self):
        """Current book quantity of every line's product, location and lot."""
        if not self:
            return {}
        return self._book_quantities_of(self.product_id, self.location_id)

    @api.model
    def _lock_stock(self, locations, products):
        """Serialise every count and adjustment of these locations, and wait
        for Odoo's own moves on these quants.

        Under REPEATABLE READ a lock alone does not help (our snapshot may
        predate the competitor's commit): the location rows are also updated,
        so a competitor that read before we commit gets a serialization failure
        on its own lock and Odoo retries it, reading our moves. Quant rows are
        locked (not skipped) so that a concurrent delivery of the same quant
        makes one of the two retry.
        """
        if not locations:
            return
        location_ids = tuple(sorted(locations.ids))
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "SELECT id FROM stock_location WHERE id IN %s ORDER BY id "
                "FOR NO KEY UPDATE",
                location_ids,
            )
        )
        self.env.execute_query(
            SQL(
                "UPDATE stock_location SET write_date = write_date WHERE id IN %s",
                location_ids,
            )
        )
        if products:
            self.env.execute_query(
                SQL(
                    "SELECT id FROM stock_quant WHERE location_id IN %s "
                    "AND product_id IN %s ORDER BY id FOR NO KEY UPDATE",
                    location_ids,
                    tuple(products.ids),
                )
            )

    def _counted_by_vals(self):
        return {
            "counted_by_id": self.env.user.id,
            "counted_date": fields.Datetime.now(),
        }

    @api.model
    def _prepare_added_lines(self, vals_list):
        """A line added while counting (stock found where the book has none):
        the product and location must be in the session's scope; its book
        quantity and cost are read now, whatever the caller sent."""
        Session = self.env["appliance.count.session"]
        by_session = defaultdict(list)
        for vals in vals_list:
            if (SYSTEM_FIELDS - ADDABLE_FIELDS) & vals.keys():
                raise AccessError(
                    self.env._(
                        "Book quantities, costs and results of a count are set by "
                        "the count session only."
                    )
                )
            if not vals.get("product_id") or not vals.get("location_id"):
                raise UserError(
                    self.env._("A count line needs a product and a location.")
                )
            by_session[vals.get("session_id")].append(vals)
        for session_id, session_vals in by_session.items():
            session = Session.browse(session_id)
            session.check_access("write")
            session._check_state("counting")
            products = self.env["product.product"].browse(
                {vals["product_id"] for vals in session_vals}
            )
            locations = self.env["stock.location"].browse(
                {vals["location_id"] for vals in session_vals}
            )
            if outside := products - products.filtered_domain(
                session._scope_product_domain()
            ):
                raise UserError(
                    self.env._(
                        "%(products)s: not in the scope of %(session)s.",
                        products=", ".join(outside.mapped("display_name")),
                        session=session.name,
                    )
                )
            if outside := locations - locations.filtered_domain(
                session._scope_location_domain()
            ):
                raise UserError(
                    self.env._(
                        "%(locations)s: not counted by %(session)s.",
                        locations=", ".join(outside.mapped("display_name")),
                        session=session.name,
                    )
                )
            book = self._book_quantities_of(products, locations)
            costs = {
                product.id: product.standard_price
                for product in products.with_company(session.company_id)
            }
            for vals in session_vals:
                key = (
                    vals["product_id"],
                    vals["location_id"],
                    vals.get("lot_id") or False,
                )
                vals["theoretical_qty"] = book.get(key, 0.0)
                vals["unit_cost"] = costs[vals["product_id"]]
                if COUNT_FIELDS & vals.keys():
                    vals.setdefault("is_counted", True)
                    vals.update(self._counted_by_vals())

    @api.model
    def _book_quantities_of(self, products, locations):
        """Current book quantities of these products in these locations:
        ``{(product id, location id, lot id or False): quantity}``, one query."""
        groups = self.env["stock.quant"]._read_group(
            self._quant_domain()
            & Domain("product_id", "in", products.ids)
            & Domain("location_id", "in", locations.ids),
            ["product_id", "location_id", "lot_id"],
            ["quantity:sum"],
        )
        return {
            (product.id, location.id, lot.id or False): quantity
            for product, location, lot, quantity in groups
        }

    @api.model
    def _match_products(self, codes, company):
        """Resolve scanned or typed codes at once (three queries): a barcode,
        an internal reference or a model code in any common form (the
        normalisation of appliance_sales: ``ggd2 38`` is GGD2-38).

        :returns: ``{code: products}`` for every code; one product is a match,
            several are ambiguous, none is unknown.
        """
        codes = {code for code in codes if code}
        result = dict.fromkeys(codes, self.env["product.product"])
        if not codes:
            return result
        Product = self.env["product.product"].with_context(active_test=True)
        base = Domain("is_storable", "=", True) & Domain(
            Product._check_company_domain(company)
        )
        for field in ("barcode", "default_code"):
            for product in Product.search_fetch(
                base & Domain(field, "in", list(codes)), [field, "display_name"]
            ):
                result[product[field]] |= product
        keys = defaultdict(list)
        for code in codes:
            if not result[code] and (key := normalize_model_code(code)):
                keys[key].append(code)
        if keys:
            for product in Product.search_fetch(
                base & Domain("appliance_model_key", "in", list(keys)),
                ["appliance_model_key", "display_name"],
            ):
                for code in keys[product.appliance_model_key]:
                    result[code] |= product
        return result

    def _request_recount(self):
        """Keep the first count and ask for a new one."""
        by_count = defaultdict(list)
        for line in self:
            by_count[line.counted_qty].append(line.id)
        for counted, line_ids in by_count.items():
            self.browse(line_ids)._write_system(
                {
                    "first_counted_qty": counted,
                    "recount_state": "required",
                    "is_counted": False,
                    "counted_qty": 0.0,
                }
            )

    def _set_count(self, quantity, mode="add"):
        """Enter the same count on these lines (see ``_set_counts``)."""
        self._set_counts(dict.fromkeys(self.ids, quantity), mode)

    @api.model
    def _set_counts(self, quantities, mode="add"):
        """Enter counts: ``{line id: quantity}`` added to what is counted
        already (a scan) or replacing it (``mode="set"``). The line rows are
        locked first, so that two phones counting the same line never lose
        one another's count (the later one is retried and adds to the first).
        """
        if not quantities:
            return
        lines = self.browse(sorted(quantities))
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "SELECT id FROM appliance_count_line WHERE id IN %s ORDER BY id "
                "FOR NO KEY UPDATE",
                tuple(lines.ids),
            )
        )
        lines.invalidate_recordset(["counted_qty", "is_counted", "recount_state"])
        by_qty = defaultdict(list)
        for line in lines:
            new_qty = quantities[line.id]
            if mode == "add":
                new_qty += line.counted_qty
            if line.product_uom_id.compare(new_qty, 0.0) < 0:
                raise UserError(
                    self.env._(
                        "%(line)s: the count cannot go below zero.", line=line._label()
                    )
                )
            by_qty[new_qty].append(line.id)
        for new_qty, line_ids in by_qty.items():
            self.browse(line_ids).write({"counted_qty": new_qty})

    def _add_count(self, quantity):
        self._set_count(quantity, mode="add")

    def _prepare_move_vals(self, delta):
        """Values of the inventory move that corrects this line by ``delta``."""
        self.ensure_one()
        return self.env["stock.move"]._appliance_adjustment_vals(
            self.product_id,
            self.location_id,
            delta,
            self.session_id.company_id,
            self.reason_id,
            lot=self.lot_id,
            note=self.note,
            session=self.session_id,
        )
