from odoo import api, models
from odoo.exceptions import AccessError, UserError

SUGGESTION_LIMIT = 5


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------
    # BOUGHT TOGETHER
    # ------------------------------------------------------------

    @api.model
    def _appliance_suggestions(self, products, company, limit=SUGGESTION_LIMIT):
        """Products often bought with ``products`` and not among them.

        :returns: list of ``{"product_id", "name", "model_code", "because_of",
            "confidence", "lift", "order_count"}``, best confidence first; one
            entry per suggested product (its strongest pair), lift at least the
            company's minimum.
        """
        products = products.filtered("id")
        if not products:
            return []
        domain = [
            ("company_id", "=", company.id),
            ("size", "=", 2),
            ("lift", ">=", company.appliance_affinity_min_lift),
            "|",
            ("product_a_id", "in", products.ids),
            ("product_b_id", "in", products.ids),
        ]
        # salespeople get the suggestions (product, confidence, lift), not the
        # bought-together list with its company-wide counts (managers only)
        Affinity = self.env[
            "appliance.product.affinity"
        ].sudo()  # sudo: suggestions only
        pairs = Affinity.search_fetch(
            domain,
            ["product_a_id", "product_b_id", "confidence_ab", "confidence_ba", "lift"],
            order="lift desc",
            limit=200,
        )
        best = {}
        for pair in pairs:
            for source, target, confidence in (
                (pair.product_a_id, pair.product_b_id, pair.confidence_ab),
                (pair.product_b_id, pair.product_a_id, pair.confidence_ba),
            ):
                if source not in products or target in products:
                    continue
                if target.id not in best or confidence > best[target.id][1]:
                    best[target.id] = (source.id, confidence, pair.lift)
        # only products the user may sell now (access rules, active, saleable)
        allowed = self.env["product.product"].search_fetch(
            [
                ("id", "in", list(best)),
                ("sale_ok", "=", True),
                ("company_id", "in", [company.id, False]),
            ],
            ["display_name", "appliance_model_code"],
        )
        sources = self.env["product.product"].browse({best[p.id][0] for p in allowed})
        names = {p.id: p.display_name for p in sources}
        result = [
            {
                "product_id": product.id,
                "name": product.display_name,
                "model_code": product.appliance_model_code or "",
                "because_of": names.get(best[product.id][0], ""),
                "confidence": round(best[product.id][1], 4),
                "lift": round(best[product.id][2], 2),
            }
            for product in allowed
        ]
        result.sort(key=lambda s: (-s["confidence"], -s["lift"], s["product_id"]))
        return result[:limit]

    def appliance_bought_together(self, product_ids=None):
        """Suggestions for the quotation form (called by its widget).

        :param product_ids: the products on the form, saved or not; default: the
            products of the order's lines.
        """
        self.check_access("read")
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(
                self.env._("Only the sales team gets product suggestions.")
            )
        if len(self) > 1:
            raise UserError(
                self.env._("Suggestions are given for one order at a time.")
            )
        company = self.company_id or self.env.company
        if product_ids is None:
            products = self.order_line.product_id
        else:
            products = (
                self.env["product.product"]
                .browse([int(pid) for pid in product_ids if pid])
                .exists()
            )
        return self._appliance_suggestions(products, company)

    def action_appliance_add_product(self, product_id):
        """Add one unit of ``product_id`` to this quotation (one-click add)."""
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            raise UserError(
                self.env._(
                    "%s is no longer a quotation: products cannot be added.", self.name
                )
            )
        product = self.env["product.product"].browse(int(product_id)).exists()
        if (
            not product
            or not product.sale_ok
            or product.company_id not in (self.company_id, self.env["res.company"])
        ):
            raise UserError(self.env._("This product cannot be sold."))
        self.env["sale.order.line"].create(
            {"order_id": self.id, "product_id": product.id, "product_uom_qty": 1.0}
        )
        return True
