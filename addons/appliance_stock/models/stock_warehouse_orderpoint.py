import math
from statistics import NormalDist

from odoo import api, fields, models
from odoo.tools import SQL

# Done moves from a warehouse to a customer location make the demand history.
DEMAND_SQL = """
WITH op AS (
    SELECT id, product_id, warehouse_id, safety_window_days AS window_days
      FROM stock_warehouse_orderpoint
     WHERE id IN %(ids)s
), daily AS (
    SELECT op.id AS orderpoint_id, date_trunc('day', m.date) AS day,
           SUM(m.product_qty) AS qty
      FROM op
      JOIN stock_move m
        ON m.product_id = op.product_id
       AND m.state = 'done'
       AND m.date >= %(now)s - op.window_days * INTERVAL '1 day'
       AND m.date < %(now)s
      JOIN stock_location src
        ON src.id = m.location_id AND src.warehouse_id = op.warehouse_id
      JOIN stock_location dest
        ON dest.id = m.location_dest_id AND dest.usage = 'customer'
  GROUP BY op.id, date_trunc('day', m.date)
)
SELECT op.id, op.window_days,
       COALESCE(SUM(daily.qty), 0), COALESCE(SUM(daily.qty * daily.qty), 0)
  FROM op
  LEFT JOIN daily ON daily.orderpoint_id = op.id
 GROUP BY op.id, op.window_days
"""

BATCH_SIZE = 1000


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    safety_stock_mode = fields.Selection(
        [("fixed", "Fixed"), ("demand", "From Demand")],
        default="fixed",
        required=True,
        help="Fixed: the safety stock is typed in. From demand: it is recomputed "
        "every night as z × σ(daily demand) × √(lead time).",
    )
    safety_stock_qty = fields.Float(
        string="Safety Stock",
        digits="Product Unit",
        default=0.0,
        help="Stock below which the purchasing responsible gets an alert.",
    )
    safety_service_level = fields.Float(
        string="Service Level (%)",
        default=95.0,
        help="Probability of not running out during the lead time; gives z "
        "(95 % → z = 1.645).",
    )
    safety_window_days = fields.Integer(
        string="Demand Window (days)",
        default=90,
        help="Days of delivery history used for the demand deviation.",
    )
    safety_lead_days = fields.Integer(
        string="Lead Time (days)",
        default=7,
        help="Replenishment lead time used by the safety stock formula and by "
        "the monitor's critical status.",
    )
    safety_alert_activity_id = fields.Many2one(
        "mail.activity",
        string="Open Safety Alert",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )

    _check_safety_service_level = models.Constraint(
        "CHECK(safety_service_level > 0 AND safety_service_level < 100)",
        "The service level must be between 0 and 100 %.",
    )
    _check_safety_window_days = models.Constraint(
        "CHECK(safety_window_days > 1)",
        "The demand window must be longer than one day.",
    )
    _check_safety_lead_days = models.Constraint(
        "CHECK(safety_lead_days >= 0)",
        "The lead time cannot be negative.",
    )
    _check_safety_stock_qty = models.Constraint(
        "CHECK(safety_stock_qty >= 0)",
        "The safety stock cannot be negative.",
    )

    # ------------------------------------------------------------
    # BUSINESS: safety stock from demand
    # ------------------------------------------------------------

    @api.model
    def _cron_compute_safety_stock(self):
        orderpoints = self.search([("safety_stock_mode", "=", "demand")])
        for start in range(0, len(orderpoints), BATCH_SIZE):
            batch = orderpoints[start : start + BATCH_SIZE]
            batch._compute_safety_stock_from_demand()
            self.env["ir.cron"]._commit_progress(
                len(batch), remaining=len(orderpoints) - start - len(batch)
            )

    @api.private
    def _compute_safety_stock_from_demand(self, now=None):
        """Set ``safety_stock_qty`` = z × σ × √L for the orderpoints in ``self``.

        σ is the sample standard deviation of the daily quantities delivered
        from the orderpoint's warehouse to customers over the last
        ``safety_window_days`` days before ``now`` (days without delivery count
        as 0); L is ``safety_lead_days``. One query for all orderpoints.
        """
        orderpoints = self.filtered(lambda op: op.safety_stock_mode == "demand")
        if not orderpoints:
            return
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                DEMAND_SQL,
                ids=tuple(orderpoints.ids),
                now=now or fields.Datetime.now(),
            )
        )
        sigma_by_id = {}
        for op_id, days, total, total_sq in rows:
            variance = (total_sq - total * total / days) / (days - 1)
            sigma_by_id[op_id] = math.sqrt(max(variance, 0.0))
        for orderpoint in orderpoints:
            z = NormalDist().inv_cdf(orderpoint.safety_service_level / 100.0)
            orderpoint.safety_stock_qty = max(
                z
                * sigma_by_id.get(orderpoint.id, 0.0)
                * math.sqrt(orderpoint.safety_lead_days),
                0.0,
            )
        # one flush: the ORM groups the new values into few UPDATE queries
        orderpoints.flush_recordset(["safety_stock_qty"])

    # ------------------------------------------------------------
    # BUSINESS: alerts
    # ------------------------------------------------------------

    @api.model
    def _cron_scan_safety_alerts(self):
        self._scan_safety_alerts()

    @api.model
    def _scan_safety_alerts(self):
        """Open one alert per product × warehouse below its safety stock, close
        the alerts of those that recovered.

        The alert is a to-do activity on the product for its responsible (or
        the company's configured purchasing user); the orderpoint keeps a link
        to it so that a second scan does not raise it again.
        Returns ``(opened, closed)`` activities.
        """
        Activity = self.env["mail.activity"]
        # the monitor view reads quants, moves, orderpoints, products...
        self.env.flush_all()
        # One orderpoint per product × warehouse carries the alert: the first
        # one with a safety stock (or the one already holding an alert).
        rows = self.env.execute_query(
            SQL(
                """
WITH carrier AS (
    SELECT DISTINCT ON (op.product_id, op.warehouse_id)
           op.id, op.product_id, op.warehouse_id, op.safety_alert_activity_id
      FROM stock_warehouse_orderpoint op
 LEFT JOIN mail_activity act
        ON act.id = op.safety_alert_activity_id AND act.active
     WHERE op.active
       AND (op.safety_stock_qty > 0 OR op.safety_alert_activity_id IS NOT NULL)
  ORDER BY op.product_id, op.warehouse_id, (act.id IS NULL), op.id
)
SELECT carrier.id, act.id,
       COALESCE(mon.qty_available < mon.safety_stock_qty, FALSE)
  FROM carrier
 LEFT JOIN mail_activity act
        ON act.id = carrier.safety_alert_activity_id AND act.active
 LEFT JOIN %(monitor)s mon
        ON mon.product_id = carrier.product_id
       AND mon.warehouse_id = carrier.warehouse_id
                """,
                monitor=SQL.identifier(self.env["appliance.stock.monitor"]._table),
            )
        )
        to_open = self.browse(
            op_id for op_id, act_id, below in rows if below and not act_id
        )
        recovered = [
            (op_id, act_id) for op_id, act_id, below in rows if act_id and not below
        ]
        # links to alerts closed by stock recovery, or done / deleted by hand
        self.browse(
            [op_id for op_id, _act in recovered]
            + [op_id for op_id, act_id, _below in rows if not act_id]
        ).filtered("safety_alert_activity_id").safety_alert_activity_id = False

        opened = to_open._open_safety_alerts()
        to_close = Activity.browse(act_id for _op, act_id in recovered)
        if to_close:
            # marked done: leaves "stock recovered" in the product's chatter
            to_close.action_feedback(
                feedback=self.env._("Stock is back above the safety stock.")
            )
        return opened, to_close

    @api.private
    def _open_safety_alerts(self):
        if not self:
            return self.env["mail.activity"]
        activity_type = self.env.ref("appliance_stock.mail_activity_type_safety_stock")
        product_model = self.env["ir.model"]._get_id("product.product")
        # mail.activity computes res_name one record at a time: warm the cache
        self.product_id.mapped("display_name")
        vals_list = []
        orderpoints = self.env["stock.warehouse.orderpoint"]
        for company, company_orderpoints in self.grouped("company_id").items():
            # responsible_id is company dependent
            products = company_orderpoints.product_id.with_company(company)
            responsible = {p.id: p.responsible_id for p in products}
            for orderpoint in company_orderpoints:
                user = (
                    responsible[orderpoint.product_id.id]
                    or company.appliance_stock_alert_user_id
                )
                if not user:
                    continue
                orderpoints |= orderpoint
                vals_list.append(
                    {
                        "activity_type_id": activity_type.id,
                        "res_model_id": product_model,
                        "res_id": orderpoint.product_id.id,
                        "user_id": user.id,
                        "summary": self.env._(
                            "Below safety stock in %(warehouse)s",
                            warehouse=orderpoint.warehouse_id.name,
                        ),
                        "note": self.env._(
                            "Safety stock %(safety)s %(uom)s; reorder rule %(rule)s.",
                            safety=orderpoint.safety_stock_qty,
                            uom=orderpoint.product_uom_name,
                            rule=orderpoint.name,
                        ),
                    }
                )
        # no e-mail per alert: the to-do shows in the user's activities
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for orderpoint, activity in zip(orderpoints, activities, strict=True):
            orderpoint.safety_alert_activity_id = activity
        return activities
