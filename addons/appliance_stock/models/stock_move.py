from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import split_every

# moves validated at once when a count session is applied
ADJUST_BATCH = 500
QUANT_FIELDS = [
    "product_id", "location_id", "lot_id", "package_id", "owner_id", "quantity",
    "reserved_quantity", "in_date", "company_id",
]  # fmt: skip


class StockMove(models.Model):
    _inherit = "stock.move"

    appliance_reason_id = fields.Many2one(
        "appliance.stock.reason",
        string="Adjustment Reason",
        index="btree_not_null",
        readonly=True,
        help="Why the stock was corrected (count sessions and ad-hoc adjustments).",
    )
    appliance_count_session_id = fields.Many2one(
        "appliance.count.session",
        string="Count Session",
        index="btree_not_null",
        readonly=True,
    )
    appliance_adjust_note = fields.Char(string="Adjustment Note", readonly=True)

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _should_bypass_reservation(self, forced_location=False):
        # adjustment moves are validated as soon as they are created: reserving
        # their quantity when their line is created, only to release it when
        # it is done, would cost two more quant updates per line
        return bool(self.appliance_reason_id) or super()._should_bypass_reservation(
            forced_location
        )

    @api.model
    def _appliance_adjustment_vals(
        self, product, location, delta, company, reason, lot=None, note=None,
        session=None,
    ):  # fmt: skip
        """Values of an inventory move that corrects the stock of ``product``
        in ``location`` by ``delta`` (from or to the product's inventory
        adjustment location, as Odoo's own inventory does), with its reason
        and, for a count, its session."""
        inventory = product.with_company(company).property_stock_inventory
        source, dest = (inventory, location) if delta > 0 else (location, inventory)
        quantity = abs(delta)
        name = " - ".join(
            part for part in ((session and session.name), reason.name) if part
        )
        return {
            "product_id": product.id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": quantity,
            "company_id": company.id,
            "state": "confirmed",
            "location_id": source.id,
            "location_dest_id": dest.id,
            "is_inventory": True,
            "picked": True,
            "inventory_name": name or False,
            "appliance_reason_id": reason.id,
            "appliance_count_session_id": session.id if session else False,
            "appliance_adjust_note": note or False,
            "move_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_id": product.uom_id.id,
                        "quantity": quantity,
                        "location_id": source.id,
                        "location_dest_id": dest.id,
                        "company_id": company.id,
                        "lot_id": lot.id if lot else False,
                    }
                )
            ],
        }

    @api.model
    def _appliance_adjust(self, vals_list):
        """Create and validate adjustment moves (see ``_appliance_adjustment_vals``).

        In batches: validating moves builds one OR-domain term per move (the
        reorder rules to refresh, the moves waiting for the stock), which
        grows worse than linearly with thousands of moves at once.
        """
        # sudo: the stock engine validates the moves once the caller has checked
        # the count's rules (reasons, approval); the user stays the moves' author
        Move = self.sudo().with_context(inventory_mode=False)
        moves = self.browse()
        for batch in split_every(ADJUST_BATCH, vals_list, list):
            batch_moves = Move.create(batch)
            # read the quants of the batch at once: validation reads them one by one
            Move.env["stock.quant"].search_fetch(
                [
                    ("product_id", "in", batch_moves.product_id.ids),
                    (
                        "location_id",
                        "in",
                        (batch_moves.location_id | batch_moves.location_dest_id).ids,
                    ),
                ],
                QUANT_FIELDS,
            )
            batch_moves.with_context(ignore_dest_packages=True)._action_done()
            # only stock that was added can serve moves waiting for it
            batch_moves.filtered(
                lambda move: move.location_dest_id.usage == "internal"
            )._trigger_assign()
            moves |= batch_moves
        return moves.sudo(False)
