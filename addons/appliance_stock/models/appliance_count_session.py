import base64
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from ..report import appliance_count_xlsx

STATES = [
    ("draft", "Draft"),
    ("counting", "Counting"),
    ("review", "Review"),
    ("to_approve", "To Approve"),
    ("done", "Applied"),
    ("cancel", "Cancelled"),
]
# how many offending lines an error message names before "and N more"
MAX_NAMED_LINES = 10


class ApplianceCountSession(models.Model):
    """A stocktaking session: the book quantities of a scope (warehouse,
    locations, categories or products) are snapshot at start, counted on a
    phone or imported, reviewed (recounts, reasons, approval) and applied as
    inventory moves that carry the reason and the session."""

    _name = "appliance.count.session"
    _description = "Stock Count Session"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        readonly=True,
        index=True,
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    location_ids = fields.Many2many(
        "stock.location",
        string="Locations",
        compute="_compute_location_ids",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('usage', '=', 'internal'), ('warehouse_id', '=', warehouse_id)]",
        help="Counted with all their sub-locations.",
    )
    category_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="Only products of these categories (and their sub-categories); "
        "empty for all.",
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        check_company=True,
        domain="[('is_storable', '=', True)]",
        help="Only these products; empty for all. Listed products get a line "
        "even when the book shows none.",
    )
    is_blind = fields.Boolean(
        string="Blind Count",
        tracking=True,
        help="Counters do not see the book quantities while counting.",
    )
    book_change_policy = fields.Selection(
        [
            ("stop", "Stop and Refresh"),
            ("counted", "Trust the Count"),
        ],
        string="Stock Moved Since Snapshot",
        required=True,
        default="stop",
        tracking=True,
        help="When a line's book quantity changed between the snapshot and the "
        "application (goods received or delivered meanwhile). Stop and Refresh: "
        "nothing is applied until the book quantities are refreshed and the "
        "variances reviewed again. Trust the Count: the counted quantity becomes "
        "the book quantity, whatever moved meanwhile.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        check_company=True,
    )
    approver_id = fields.Many2one(
        "res.users",
        tracking=True,
        check_company=True,
        domain=lambda self: [
            ("group_ids", "in", self.env.ref("stock.group_stock_manager").ids)
        ],
        help="Inventory manager who receives the approval request of variances "
        "above the company's approval threshold.",
    )
    state = fields.Selection(
        STATES, required=True, default="draft", readonly=True, tracking=True, copy=False
    )
    date_start = fields.Datetime(
        string="Snapshot Taken", readonly=True, copy=False, tracking=True
    )
    date_done = fields.Datetime(
        string="Applied On", readonly=True, copy=False, tracking=True
    )
    applied_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True
    )
    approved_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True
    )
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    note = fields.Text()
    line_ids = fields.One2many(
        "appliance.count.line", "session_id", string="Count Lines"
    )
    move_ids = fields.One2many(
        "stock.move", "appliance_count_session_id", string="Stock Moves"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # totals, read with one _read_group (never stored: counting changes them)
    line_count = fields.Integer(compute="_compute_totals", string="Lines")
    counted_count = fields.Integer(compute="_compute_totals", string="Counted")
    uncounted_count = fields.Integer(compute="_compute_totals", string="To Count")
    recount_count = fields.Integer(compute="_compute_totals", string="To Recount")
    variance_count = fields.Integer(compute="_compute_totals", string="Variances")
    missing_reason_count = fields.Integer(
        compute="_compute_totals", string="Variances Without Reason"
    )
    variance_value = fields.Monetary(
        compute="_compute_totals",
        string="Net Variance Value",
        help="Counted minus book, valued at the unit cost of the snapshot.",
    )
    variance_abs_value = fields.Monetary(
        compute="_compute_totals",
        string="Absolute Variance Value",
        help="Sum of the absolute values of the variances: what the approval "
        "threshold is compared with.",
    )
    needs_approval = fields.Boolean(compute="_compute_totals")
    move_count = fields.Integer(compute="_compute_move_count", string="Moves")

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("warehouse_id")
    def _compute_location_ids(self):
        for session in self:
            # only before the start: the scope is frozen afterwards
            if session.state == "draft":
                session.location_ids = session.warehouse_id.lot_stock_id

    @api.depends(
        "line_ids.is_counted",
        "line_ids.recount_state",
        "line_ids.variance_value",
        "line_ids.reason_id",
        "company_id.appliance_count_approval_value",
    )
    def _compute_totals(self):
        groups = self.env["appliance.count.line"]._read_group(
            [("session_id", "in", self.ids)],
            ["session_id", "is_counted", "recount_state", "has_variance", "reason_id"],
            ["__count", "variance_value:sum", "variance_abs_value:sum"],
        )
        totals = defaultdict(lambda: defaultdict(float))
        for (
            session,
            counted,
            recount,
            variance,
            reason,
            count,
            value,
            abs_value,
        ) in groups:
            total = totals[session.id]
            total["lines"] += count
            total["counted" if counted else "uncounted"] += count
            if recount == "required":
                total["recount"] += count
            if variance:
                total["variance"] += count
                if not reason:
                    total["missing_reason"] += count
            total["value"] += value
            total["abs_value"] += abs_value
        for session in self:
            total = totals[session.id]
            session.line_count = int(total["lines"])
            session.counted_count = int(total["counted"])
            session.uncounted_count = int(total["uncounted"])
            session.recount_count = int(total["recount"])
            session.variance_count = int(total["variance"])
            session.missing_reason_count = int(total["missing_reason"])
            session.variance_value = total["value"]
            session.variance_abs_value = total["abs_value"]
            threshold = session.company_id.appliance_count_approval_value
            session.needs_approval = bool(
                threshold
                and session.currency_id.compare_amounts(total["abs_value"], threshold)
                > 0
            )

    def _compute_move_count(self):
        groups = self.env["stock.move"]._read_group(
            [("appliance_count_session_id", "in", self.ids)],
            ["appliance_count_session_id"],
            ["__count"],
        )
        counts = {session.id: count for session, count in groups}
        for session in self:
            session.move_count = counts.get(session.id, 0)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # refused before a number is drawn (sequences do not roll back)
        self.check_access("create")
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("appliance.count.session") or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        scope = {"warehouse_id", "location_ids", "category_ids", "product_ids"}
        if scope & vals.keys() and any(s.state != "draft" for s in self):
            raise UserError(
                self.env._(
                    "The scope of a count session (warehouse, locations, categories, "
                    "products) can only change before it starts."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(session.state not in ("draft", "cancel") for session in self):
            raise UserError(
                self.env._("Only draft or cancelled count sessions can be deleted.")
            )

    # ------------------------------------------------------------
    # ACTIONS: workflow
    # ------------------------------------------------------------

    def action_start(self):
        """Snapshot the book quantities of the scope: one line per product,
        location and lot, created in one batch."""
        for session in self:
            session._check_state("draft")
            if not session.location_ids:
                raise UserError(
                    self.env._("%s: choose the locations to count.", session.name)
                )
            now = fields.Datetime.now()
            vals_list = session._prepare_snapshot_lines()
            self.env["appliance.count.line"]._create_system(vals_list)
            session.write({"state": "counting", "date_start": now})
            session.message_post(
                body=self.env._(
                    "Book quantities snapshot: %(lines)s lines.", lines=len(vals_list)
                )
            )
        return True

    def action_finish_counting(self):
        """Close the count: lines whose variance exceeds the recount threshold
        are sent back for a recount (once); otherwise the session goes to review."""
        self.ensure_one()
        self._check_state("counting")
        Line = self.env["appliance.count.line"]
        if uncounted := Line.search_count(
            [("session_id", "=", self.id), ("is_counted", "=", False)]
        ):
            raise UserError(
                self.env._(
                    "%(count)s lines are not counted yet. Count them, or use "
                    "'Set Uncounted to Zero' if nothing was found there.",
                    count=uncounted,
                )
            )
        threshold = self.company_id.appliance_count_recount_pct
        to_recount = Line.browse()
        if threshold > 0:
            to_recount = Line.search(
                [
                    ("session_id", "=", self.id),
                    ("recount_state", "=", "none"),
                    ("has_variance", "=", True),
                    "|",
                    ("variance_pct", ">", threshold),
                    ("variance_pct", "<", -threshold),
                ]
            )
        if to_recount:
            to_recount._request_recount()
            self.message_post(
                body=self.env._(
                    "%(count)s lines differ from the book by more than %(pct)s %%: "
                    "they must be counted again.",
                    count=len(to_recount),
                    pct=threshold,
                )
            )
            return self.action_open_lines(recount=True)
        self.state = "review"
        return True

    def action_back_to_counting(self):
        for session in self:
            session._check_state("review", "to_approve")
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.state = "counting"
        return True

    def action_zero_uncounted(self):
        """Uncounted lines of the session were found empty."""
        self.ensure_one()
        self._check_state("counting")
        lines = self.env["appliance.count.line"].search(
            [("session_id", "=", self.id), ("is_counted", "=", False)]
        )
        lines._set_count(0.0, mode="set")
        self.message_post(
            body=self.env._("%(count)s uncounted lines set to zero.", count=len(lines))
        )
        return True

    def action_validate(self):
        """Apply the variances, or ask an inventory manager to approve them
        when their value is above the company's threshold."""
        self.ensure_one()
        self._check_state("review")
        self._check_ready()
        if self.needs_approval:
            if not self._is_manager():
                self.state = "to_approve"
                self._request_approval()
                return True
            self._approve()
        self._apply()
        return True

    def action_approve(self):
        """An inventory manager approves the variances; they are applied."""
        self.ensure_one()
        self._check_state("to_approve")
        if not self._is_manager():
            raise AccessError(
                self.env._("Only inventory managers can approve stock variances.")
            )
        self._check_ready()
        self._approve()
        self._apply()
        return True

    def action_reject(self):
        self.ensure_one()
        self._check_state("to_approve")
        if not self._is_manager():
            raise AccessError(
                self.env._("Only inventory managers can reject stock variances.")
            )
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.state = "review"
        self.message_post(body=self.env._("Variances rejected: review them again."))
        return True

    def action_refresh_book(self):
        """Read the book quantities again for lines whose stock moved since the
        snapshot; their variances (and the approval) are reviewed again."""
        self.ensure_one()
        self._check_state("counting", "review", "to_approve")
        lines = self.line_ids
        book = lines._book_quantities()
        changed = lines.filtered(
            lambda line: (
                line.product_uom_id.compare(
                    book.get(line._key(), 0.0), line.theoretical_qty
                )
                != 0
            )
        )
        by_book = defaultdict(list)
        for line in changed:
            by_book[book.get(line._key(), 0.0)].append(line.id)
        for quantity, line_ids in by_book.items():
            Line = self.env["appliance.count.line"]
            Line.browse(line_ids)._write_system({"theoretical_qty": quantity})
        if self.state == "to_approve":
            self.activity_unlink(["mail.mail_activity_data_todo"])
        if self.state != "counting":
            self.state = "review"
        self.message_post(
            body=self.env._(
                "Book quantities refreshed: %(count)s lines had changed since the "
                "snapshot.",
                count=len(changed),
            )
        )
        return True

    def action_cancel(self):
        for session in self:
            session._check_state("draft", "counting", "review", "to_approve")
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.state = "cancel"
        return True

    # ------------------------------------------------------------
    # ACTIONS: screens and reports
    # ------------------------------------------------------------

    def action_open_lines(self, recount=False):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "appliance_stock.appliance_count_line_action_count"
        )
        context = {"default_session_id": self.id}
        if recount:
            context["search_default_to_recount"] = 1
        elif self.state == "counting":
            context["search_default_to_count"] = 1
        elif self.state in ("review", "to_approve", "done"):
            context["search_default_variances"] = 1
        action["domain"] = [("session_id", "=", self.id)]
        action["context"] = context
        action["name"] = self.name
        return action

    def action_open_entry(self):
        self.ensure_one()
        self._check_state("counting")
        return self.env["appliance.count.entry"]._open(self)

    def action_open_import(self):
        self.ensure_one()
        self._check_state("counting")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Counts"),
            "res_model": "appliance.count.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_session_id": self.id},
        }

    def action_open_moves(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "appliance_stock.appliance_count_move_action"
        )
        action["domain"] = [("appliance_count_session_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_print_variance(self):
        self.ensure_one()
        self._check_variances_visible()
        return self.env.ref(
            "appliance_stock.appliance_count_variance_report"
        ).report_action(self)

    def action_export_variance_xlsx(self):
        """The variance report as an Excel file, kept on the session."""
        self.ensure_one()
        self._check_variances_visible()
        content = appliance_count_xlsx.variance_workbook(self)
        return self._download(content, self.env._("variances"))

    def action_export_count_sheet(self):
        """An Excel count sheet of the lines, to fill in and import back."""
        self.ensure_one()
        content = appliance_count_xlsx.count_sheet_workbook(self)
        return self._download(content, self.env._("count sheet"))

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _check_state(self, *states):
        for session in self:
            if session.state not in states:
                raise UserError(
                    self.env._(
                        "%(session)s is %(state)s: this is not possible now.",
                        session=session.name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[session.state],
                    )
                )

    def _check_variances_visible(self):
        """Counters of a blind count see no book quantity until it ends."""
        if self.is_blind and self.state == "counting" and not self._is_manager():
            raise UserError(
                self.env._(
                    "%s is a blind count: its variances show once counting is finished.",
                    self.name,
                )
            )

    def _is_manager(self):
        return self.env.user.has_group("stock.group_stock_manager")

    def _scope_product_domain(self):
        self.ensure_one()
        domain = Domain("is_storable", "=", True) & Domain(
            self.env["product.product"]._check_company_domain(self.company_id)
        )
        if self.product_ids:
            domain &= Domain("id", "in", self.product_ids.ids)
        if self.category_ids:
            domain &= Domain("categ_id", "child_of", self.category_ids.ids)
        return domain

    def _scope_location_domain(self):
        self.ensure_one()
        return Domain("id", "child_of", self.location_ids.ids) & Domain(
            "usage", "=", "internal"
        )

    def _prepare_snapshot_lines(self):
        """Values of the lines: one per product, location and lot that holds
        stock in the scope (one _read_group), plus the listed products that
        hold none."""
        self.ensure_one()
        quant_domain = self.env["appliance.count.line"]._quant_domain() & Domain(
            "product_id", "any", self._scope_product_domain()
        )
        quant_domain &= Domain("location_id", "any", self._scope_location_domain())
        groups = self.env["stock.quant"]._read_group(
            quant_domain,
            ["product_id", "location_id", "lot_id"],
            ["quantity:sum"],
        )
        vals_list = []
        seen_products = set()
        for product, location, lot, quantity in groups:
            if product.uom_id.is_zero(quantity):
                continue
            seen_products.add(product.id)
            vals_list.append(
                {
                    "session_id": self.id,
                    "product_id": product.id,
                    "location_id": location.id,
                    "lot_id": lot.id,
                    "theoretical_qty": quantity,
                }
            )
        missing = self.product_ids.filtered(
            lambda p: p.id not in seen_products and p.is_storable
        )
        for product in missing:
            vals_list.append(
                {
                    "session_id": self.id,
                    "product_id": product.id,
                    "location_id": self.location_ids[:1].id,
                    "theoretical_qty": 0.0,
                }
            )
        # unit costs of the snapshot, read for all products at once
        products = self.env["product.product"].browse(
            {vals["product_id"] for vals in vals_list}
        )
        costs = {
            product.id: product.standard_price
            for product in products.with_company(self.company_id)
        }
        for vals in vals_list:
            vals["unit_cost"] = costs[vals["product_id"]]
        return vals_list

    def _check_ready(self):
        """Every variance has a reason that explains its direction; nothing
        is left to count or recount."""
        self.ensure_one()
        Line = self.env["appliance.count.line"]
        if self.uncounted_count or self.recount_count:
            raise UserError(
                self.env._("%s still has lines to count or recount.", self.name)
            )
        missing = Line.search(
            [
                ("session_id", "=", self.id),
                ("has_variance", "=", True),
                ("reason_id", "=", False),
            ],
            limit=MAX_NAMED_LINES + 1,
        )
        if missing:
            raise UserError(
                self.env._(
                    "Give a reason for every variance (%(count)s without one): "
                    "%(lines)s",
                    count=self.missing_reason_count,
                    lines=self._name_lines(missing, self.missing_reason_count),
                )
            )
        variances = Line.search(
            [("session_id", "=", self.id), ("has_variance", "=", True)]
        )
        for line in variances:
            line.reason_id._assert_explains(line.variance_qty, line._label())
            if line.reason_id.note_required and not line.note:
                raise UserError(
                    self.env._(
                        "%(line)s: the reason %(reason)s needs a note.",
                        line=line._label(),
                        reason=line.reason_id.name,
                    )
                )

    def _name_lines(self, lines, total):
        names = ", ".join(line._label() for line in lines[:MAX_NAMED_LINES])
        if total > MAX_NAMED_LINES:
            names += self.env._(" and %s more", total - MAX_NAMED_LINES)
        return names

    def _request_approval(self):
        self.ensure_one()
        if self.approver_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.approver_id.id,
                summary=self.env._("Approve stock count variances"),
                note=self.env._(
                    "Variances worth %(value)s %(currency)s await your approval.",
                    value=self.variance_abs_value,
                    currency=self.currency_id.name,
                ),
            )
        self.message_post(
            body=self.env._(
                "Variances worth %(value)s %(currency)s exceed the approval "
                "threshold (%(threshold)s): an inventory manager must approve them.",
                value=self.variance_abs_value,
                currency=self.currency_id.name,
                threshold=self.company_id.appliance_count_approval_value,
            )
        )

    def _approve(self):
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.write(
            {"approved_by_id": self.env.user.id, "date_approved": fields.Datetime.now()}
        )

    def _apply(self):
        """Create and validate the inventory moves.

        The stock rows are locked and the book quantities read again first:
        two sessions or adjustments of the same stock never both act on the
        same book figure (the loser is retried and sees the winner's moves).
        """
        self.ensure_one()
        lines = self.line_ids
        Line = self.env["appliance.count.line"]
        Line._lock_stock(lines.location_id, lines.product_id)
        book = lines._book_quantities()
        changed = lines.filtered(
            lambda line: (
                line.product_uom_id.compare(
                    book.get(line._key(), 0.0), line.theoretical_qty
                )
                != 0
            )
        )
        if changed and self.book_change_policy == "stop":
            raise UserError(
                self.env._(
                    "The stock of %(count)s lines moved since the snapshot: "
                    "%(lines)s. Use 'Refresh Book Quantities' and review their "
                    "variances again.",
                    count=len(changed),
                    lines=self._name_lines(changed, len(changed)),
                )
            )
        moves_vals = []
        line_vals = defaultdict(list)
        for line in lines:
            live = book.get(line._key(), 0.0)
            delta = line.product_uom_id.round(line.counted_qty - live)
            line_vals[(live, delta)].append(line.id)
            if not line.product_uom_id.is_zero(delta):
                moves_vals.append(line._prepare_move_vals(delta))
        moves = self.env["stock.move"]._appliance_adjust(moves_vals)
        # one UPDATE per distinct (book, applied) pair, not per line
        for (live, delta), line_ids in line_vals.items():
            Line.browse(line_ids)._write_system(
                {"book_at_apply_qty": live, "applied_qty": delta}
            )
        self.line_ids.location_id.sudo().write(  # sudo: Odoo's own inventory does it
            {"last_inventory_date": fields.Date.context_today(self)}
        )
        self.write(
            {
                "state": "done",
                "date_done": fields.Datetime.now(),
                "applied_by_id": self.env.user.id,
            }
        )
        self.message_post(
            body=self.env._(
                "Applied: %(moves)s stock moves, net variance %(value)s %(currency)s.",
                moves=len(moves),
                value=self.variance_value,
                currency=self.currency_id.name,
            )
        )
        return moves

    def _download(self, content, label):
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name.replace('/', '-')} {label}.xlsx",
                "datas": base64.b64encode(content),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
