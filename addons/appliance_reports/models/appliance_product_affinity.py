import logging
import time
from collections import Counter
from datetime import timedelta
from itertools import chain, combinations

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.sql import create_index

_logger = logging.getLogger(__name__)


class ApplianceProductAffinity(models.Model):
    """Products bought together: pairs and sets of three found in the same
    confirmed orders of a window, with their association figures.

    For items ``A``, ``B`` (and ``C``), ``N`` orders in the window, ``n(X)`` the
    orders holding all of ``X``:

    * support = n(A, B) / N
    * confidence A -> B = n(A, B) / n(A) (how often A's orders also hold B)
    * lift = support(A, B) / (support(A) * support(B)); > 1 means more often
      together than chance. For three items lift = n(ABC) N^2 / (n(A) n(B) n(C)),
      and confidence is the best rule "two of them -> the third".

    Rows are rebuilt per company by :meth:`_appliance_mine`: one query reads the
    distinct products of each order, pairs are counted in one pass and sets of
    three only from the pairs that reached the minimum (Apriori pruning); the
    rows are written set-based.
    """

    _name = "appliance.product.affinity"
    _description = "Products Bought Together"
    _order = "lift desc, order_count desc, id"
    # the name is computed from the products: search by them (name_search, m2o)
    _rec_names_search = ["product_a_id", "product_b_id", "product_c_id"]
    _log_access = False

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", required=True, index=True)
    size = fields.Integer(
        string="Items", required=True, help="2 for a pair, 3 for a set of three."
    )
    product_a_id = fields.Many2one("product.product", required=True, index=True)
    product_b_id = fields.Many2one("product.product", required=True, index=True)
    product_c_id = fields.Many2one("product.product")
    order_count = fields.Integer(
        string="Orders Together", help="Orders of the window holding all items."
    )
    count_a = fields.Integer(string="Orders with A")
    count_b = fields.Integer(string="Orders with B")
    count_c = fields.Integer(string="Orders with C")
    support = fields.Float(
        digits=(16, 4), help="Share of the window's orders holding all items."
    )
    confidence = fields.Float(
        digits=(16, 4),
        help="Best rule: share of the orders with all but one item that also "
        "hold the last one.",
    )
    confidence_ab = fields.Float(
        string="Confidence A → B", digits=(16, 4), help="Orders with A and B / with A."
    )
    confidence_ba = fields.Float(
        string="Confidence B → A", digits=(16, 4), help="Orders with A and B / with B."
    )
    lift = fields.Float(
        digits=(16, 2),
        help="How many times more often the items are bought together than if "
        "they were bought independently.",
    )

    def init(self):
        # Baskets are read from this index alone (an index-only scan of a few MB
        # instead of the whole order-line table) once the table is vacuumed.
        create_index(
            self.env.cr,
            "appliance_sale_order_line_basket_index",
            "sale_order_line",
            ["order_id", "product_id"],
            where="display_type IS NULL AND product_id IS NOT NULL"
            " AND is_downpayment IS NOT TRUE",
        )

    @api.depends("product_a_id", "product_b_id", "product_c_id")
    def _compute_name(self):
        for row in self:
            products = row.product_a_id | row.product_b_id | row.product_c_id
            row.name = " + ".join(
                p.appliance_model_code or p.display_name for p in products
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_recompute(self):
        """Button of the list: mine again for the current company (managers)."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._(
                    "Only sales managers may recompute the bought-together data."
                )
            )
        stats = self._appliance_mine(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(orders)s orders mined: %(pairs)s pairs and %(sets)s sets of "
                    "three bought together.",
                    orders=stats["orders"],
                    pairs=stats["pairs"],
                    sets=stats["triples"],
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_orders(self):
        """The confirmed orders of the window that hold all the items."""
        self.ensure_one()
        company = self.company_id
        date_from = fields.Datetime.now() - timedelta(
            days=company.appliance_affinity_window_days or 365
        )
        products = self.product_a_id | self.product_b_id | self.product_c_id
        domain = [
            ("state", "=", "sale"),
            ("company_id", "=", company.id),
            ("date_order", ">=", date_from),
        ]
        domain += [("order_line.product_id", "=", p.id) for p in products]
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "sale.order",
            "views": [[False, "list"], [False, "form"]],
            "domain": domain,
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _cron_mine(self):
        for company in self.env["res.company"].search([("active", "=", True)]):
            self._appliance_mine(company)
            self.env["ir.cron"]._commit_progress(1)

    @api.model
    def _appliance_basket_sql(self, company, date_from, date_to):
        """Hook: ``(order_id, product_id)`` rows of the order lines to mine (SQL)."""
        return SQL(
            """
            SELECT l.order_id, l.product_id
              FROM sale_order_line l
              JOIN sale_order s ON s.id = l.order_id
             WHERE s.state = 'sale' AND s.company_id = %(company)s
               AND s.date_order >= %(date_from)s AND s.date_order < %(date_to)s
               AND l.product_id IS NOT NULL AND l.display_type IS NULL
               AND l.is_downpayment IS NOT TRUE
            """,
            company=company.id,
            date_from=date_from,
            date_to=date_to,
        )

    @api.model
    def _appliance_count_itemsets(self, baskets, min_orders, with_triples=True):
        """Count products, pairs and sets of three over ``baskets`` (sorted
        tuples of distinct product ids, one per order).

        Pairs are counted in one pass (a ``Counter`` over each order's
        combinations); sets of three only from the products and pairs that
        reached ``min_orders`` (Apriori), so that their number stays small.

        :returns: ``(items, pairs, triples)``: ``{product: n}``,
            ``{(a, b): n}``, ``{(a, b, c): n}`` with a < b < c
        """
        items = Counter(chain.from_iterable(baskets))
        pair_counts = Counter(
            [pair for basket in baskets for pair in combinations(basket, 2)]
        )
        pairs = {pair: n for pair, n in pair_counts.items() if n >= min_orders}
        if not with_triples:
            return items, pairs, {}
        in_pairs = set(chain.from_iterable(pairs))
        triple_counts = Counter()
        for basket in baskets:
            kept = [p for p in basket if p in in_pairs]
            if len(kept) < 3:
                continue
            triple_counts.update(
                triple
                for triple in combinations(kept, 3)
                if (triple[0], triple[1]) in pairs
                and (triple[0], triple[2]) in pairs
                and (triple[1], triple[2]) in pairs
            )
        triples = {t: n for t, n in triple_counts.items() if n >= min_orders}
        return items, pairs, triples

    @api.model
    def _appliance_mine(self, company, date_from=None, min_orders=None, date_to=None):
        """Rebuild the pairs and sets of three of ``company``.

        One query reads each order's distinct products (an index-only scan of
        ``appliance_sale_order_line_basket_index``), the itemsets are counted in
        memory (:meth:`_appliance_count_itemsets`) and the rows are written with
        two set-based ``INSERT ... SELECT FROM unnest(...)``; support,
        confidence and lift are computed by PostgreSQL from the counts.

        :param date_from: start of the window (datetime, UTC); default: the
            company's window back from now.
        :param date_to: end of the window (excluded); default: now.
        :param min_orders: minimum number of orders holding an itemset; default:
            the company's setting.
        :returns: ``{"orders": N, "pairs": n, "triples": n, "seconds": s, ...}``
        """
        start = time.perf_counter()
        date_to = date_to or fields.Datetime.now()
        if date_from is None:
            date_from = fields.Datetime.now() - timedelta(
                days=company.appliance_affinity_window_days or 365
            )
        min_orders = min_orders or company.appliance_affinity_min_orders
        if not min_orders or min_orders < 1:
            raise UserError(
                self.env._(
                    "Bought-together Minimum Orders: use at least 1 (now %s).",
                    min_orders,
                )
            )
        self.env.flush_all()
        cr = self.env.cr
        # Serialise concurrent runs for a company: the loser of the row lock gets a
        # serialization failure and is retried, then sees the winner's rows.
        cr.execute(
            SQL(
                "SELECT id FROM res_company WHERE id = %s FOR NO KEY UPDATE", company.id
            )
        )
        rows = self.env.execute_query(
            SQL(
                "SELECT array_agg(DISTINCT b.product_id ORDER BY b.product_id)"
                " FROM (%s) b GROUP BY b.order_id",
                self._appliance_basket_sql(company, date_from, date_to),
            )
        )
        baskets = [tuple(products) for (products,) in rows]
        total = len(baskets)
        read = time.perf_counter()
        items, pairs, triples = self._appliance_count_itemsets(baskets, min_orders)
        counted = time.perf_counter()
        cr.execute(
            SQL(
                "DELETE FROM appliance_product_affinity WHERE company_id = %s",
                company.id,
            )
        )
        if pairs:
            a, b = zip(*pairs, strict=True)
            cr.execute(
                SQL(
                    """
                    INSERT INTO appliance_product_affinity
                        (company_id, size, product_a_id, product_b_id, order_count,
                         count_a, count_b, support, confidence_ab, confidence_ba,
                         confidence, lift)
                    SELECT %(company)s, 2, a, b, n, na, nb,
                           n::float / %(total)s, n::float / na, n::float / nb,
                           n::float / LEAST(na, nb),
                           n::float * %(total)s / (na::float * nb)
                      FROM unnest(%(a)s::int[], %(b)s::int[], %(n)s::int[],
                                  %(na)s::int[], %(nb)s::int[]) AS t(a, b, n, na, nb)
                    """,
                    company=company.id,
                    total=total,
                    a=list(a),
                    b=list(b),
                    n=list(pairs.values()),
                    na=[items[p] for p in a],
                    nb=[items[p] for p in b],
                )
            )
        if triples:
            a, b, c = zip(*triples, strict=True)
            cr.execute(
                SQL(
                    """
                    INSERT INTO appliance_product_affinity
                        (company_id, size, product_a_id, product_b_id, product_c_id,
                         order_count, count_a, count_b, count_c, support, confidence,
                         lift)
                    SELECT %(company)s, 3, a, b, c, n, na, nb, nc,
                           n::float / %(total)s,
                           n::float / LEAST(nab, nac, nbc),
                           n::float * %(total)s * %(total)s / (na::float * nb * nc)
                      FROM unnest(%(a)s::int[], %(b)s::int[], %(c)s::int[],
                                  %(n)s::int[], %(na)s::int[], %(nb)s::int[],
                                  %(nc)s::int[], %(nab)s::int[], %(nac)s::int[],
                                  %(nbc)s::int[])
                           AS t(a, b, c, n, na, nb, nc, nab, nac, nbc)
                    """,
                    company=company.id,
                    total=total,
                    a=list(a),
                    b=list(b),
                    c=list(c),
                    n=list(triples.values()),
                    na=[items[p] for p in a],
                    nb=[items[p] for p in b],
                    nc=[items[p] for p in c],
                    nab=[pairs[t[0], t[1]] for t in triples],
                    nac=[pairs[t[0], t[2]] for t in triples],
                    nbc=[pairs[t[1], t[2]] for t in triples],
                )
            )
        pairs, triples = len(pairs), len(triples)
        timings = {
            "seconds_read": read - start,
            "seconds_count": counted - read,
        }
        company.sudo().write(  # sudo: technical stamps; managers may not write companies
            {
                "appliance_affinity_computed_at": fields.Datetime.now(),
                "appliance_affinity_order_total": total,
            }
        )
        self.invalidate_model()
        seconds = time.perf_counter() - start
        stats = {
            "orders": total,
            "pairs": pairs,
            "triples": triples,
            "seconds": seconds,
            **timings,
            "seconds_store": seconds
            - timings["seconds_read"]
            - timings["seconds_count"],
        }
        _logger.info("Bought together, company %s: %s", company.id, stats)
        return stats
