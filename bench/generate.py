#!/usr/bin/env python3
"""Deterministic data generator for the complete-set appliance addons.

    python bench/generate.py -c odoo.conf -d DB --scale demo|bench [--seed 42]
        [--months N] [--end-date YYYY-MM-DD] [--force] [--bootstrap-master]
        [--verify-sample N] [--verify-all]

``--scale demo`` adds order history to a database holding the demo data (it
picks the appliance products and typed customers that exist); ``--scale
bench`` first builds a large catalogue and customer base, then the history.
See bench/README.md for what each scale builds and how long it takes.

The history (sale orders, lines, delivery pickings, stock moves, move lines,
replenishment adjustments, quants) is written with bulk SQL inserts whose rows
follow what the ORM writes for a real confirmed-and-delivered order: a
reference order is created, confirmed and delivered through the ORM inside a
savepoint (then rolled back) and every column we do not compute ourselves is
taken from it.  The open documents (orders waiting for delivery, purchase
orders, reorder rules) go through the ORM.  After the inserts a sample of
records is recomputed by the ORM and compared with what was written.

Same seed, same end date and same starting database give the same data.
"""

import argparse
import bisect
import calendar
import datetime as dt
import io
import itertools
import json
import math
import operator
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

import odoo
from odoo.api import SUPERUSER_ID
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tools import SQL, float_round

sys.path.insert(0, str(Path(__file__).resolve().parent))
import catalog  # next to this script, not an installed package

PARAM_SCALES = "appliance_bench.generated_scale"
PARAM_INFO = "appliance_bench.generated_info"
# business hours are China Standard Time; Odoo stores datetimes in UTC
UTC_OFFSET = dt.timedelta(hours=8)
CHUNK = 2000
COPY_CHUNK = 20000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value):
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if kind is bool:
        return "t" if value else "f"
    if kind is dt.datetime or kind is dt.date:
        return value.isoformat()
    if kind is dict or kind is list:
        return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)
    return str(value)


def _copy_line(row):
    # inlined fast path: str() of int, float, datetime and date is valid COPY input, and
    # PostgreSQL reads "True"/"False" as booleans; text is escaped, None is NULL
    return (
        "\t".join(
            [
                "\\N"
                if v is None
                else v.translate(_COPY_ESCAPES)
                if v.__class__ is str
                else _copy_value(v)
                if v.__class__ is dict or v.__class__ is list
                else str(v)
                for v in row
            ]
        )
        + "\n"
    )


SCALES = {
    "demo": dict(
        months=18,
        confirmed=900,
        create_master=False,
        open_confirmed=24,
        purchase_orders=16,
        fav_sets=(2, 5),
        fav_components=(4, 10),
        orderpoints_min_months=0.5,
        # used only with --bootstrap-master on a database without the demo data
        bootstrap=dict(sets=20, components=35, customers=30, salespeople=7),
    ),
    "bench": dict(
        months=24,
        confirmed=50000,
        create_master=True,
        open_confirmed=400,
        purchase_orders=300,
        fav_sets=(2, 6),
        fav_components=(4, 14),
        orderpoints_min_months=0.5,
        master=dict(sets=1500, components=3500, customers=20000, salespeople=28),
    ),
}
# mean number of lines of an order per customer type (the bench aims at ~4.4)
LINES_MEAN = {
    "utility": 3.9,
    "contractor": 4.1,
    "developer": 3.0,
    "factory": 3.2,
    "institution": 2.7,
    "distributor": 4.9,
    "other": 2.4,
}
_MODEL_KEY_STRIP_RE = re.compile(r"[\s\-_/.·]+")


def normalize_key(code):
    """Same normalisation as appliance_sales' model key (half-width, upper, no separators)."""
    if not code:
        return ""
    return _MODEL_KEY_STRIP_RE.sub("", unicodedata.normalize("NFKC", code).upper())


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--scale", choices=sorted(SCALES), required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--months", type=int, help="months of history (default: 18 demo, 24 bench)"
    )
    parser.add_argument(
        "--end-date",
        type=dt.date.fromisoformat,
        help="the history ends at the start of this day, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="generate even if this scale was already generated",
    )
    parser.add_argument(
        "--bootstrap-master",
        action="store_true",
        help="demo scale on a database without the demo data: create a small catalogue first",
    )
    parser.add_argument(
        "--verify-sample",
        type=int,
        default=60,
        help="orders recomputed through the ORM after the bulk insert (0 = skip)",
    )
    parser.add_argument(
        "--verify-all",
        action="store_true",
        help="recompute the amounts of every generated order (slow, for development)",
    )
    parser.add_argument(
        "--no-commit", action="store_true", help="roll back at the end (dry run)"
    )
    return parser.parse_known_args(argv)


class GenerationError(Exception):
    pass


class _Rollback(Exception):
    pass


# ---------------------------------------------------------------------------
# Seasonality: a daily intensity used to place orders in time
# ---------------------------------------------------------------------------
class Calendar:
    def __init__(self, start, end):
        self.start, self.end = start, end
        self.days = [start + dt.timedelta(days=i) for i in range((end - start).days)]
        base = [self._factor(day) for day in self.days]
        year_end = [
            f * (1.8 if day.month in (11, 12) else 1.0)
            for f, day in zip(base, self.days, strict=True)
        ]
        self.cum = {"base": self._cumulate(base), "year_end": self._cumulate(year_end)}

    def _factor(self, day):
        factor = catalog.MONTH_FACTOR[day.month] * catalog.WEEKDAY_FACTOR[day.weekday()]
        for year in (day.year - 1, day.year, day.year + 1):
            month_day = catalog.SPRING_FESTIVAL.get(year)
            if not month_day:
                continue
            delta = (day - dt.date(year, *month_day)).days
            if -10 <= delta <= -4:
                factor *= 0.6
            elif -3 <= delta <= 7:
                factor *= 0.08
            elif 8 <= delta <= 15:
                factor *= 0.5
        growth = (
            1 + 0.10 * (day - self.start).days / 365.0
        )  # the business grows ~10 % a year
        return factor * growth

    @staticmethod
    def _cumulate(values):
        total, cum = 0.0, []
        for value in values:
            total += value
            cum.append(total)
        return cum

    def day_at(self, u, curve="base"):
        """Day at the fraction ``u`` (0..1) of the seasonal time line."""
        cum = self.cum[curve]
        u = min(max(u, 0.0), 0.999999)
        return self.days[min(bisect.bisect_right(cum, u * cum[-1]), len(self.days) - 1)]


def business_time(rng, day):
    """A UTC datetime during Chinese business hours of ``day``."""
    minutes = rng.randint(8 * 60 + 30, 18 * 60)
    local = dt.datetime.combine(day, dt.time()) + dt.timedelta(
        minutes=minutes, seconds=rng.randint(0, 59)
    )
    return local - UTC_OFFSET


def largest_remainder(total, weights):
    """Split the integer ``total`` proportionally to ``weights`` (deterministic)."""
    weight_sum = sum(weights) or 1.0
    raw = [total * w / weight_sum for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class Generator:
    def __init__(self, env, args):
        self.env = env
        self.cr = env.cr
        self.args = args
        self.scale = SCALES[args.scale]
        self.rng = random.Random(args.seed)
        self.months = args.months or self.scale["months"]
        self.end_date = args.end_date or dt.date.today()
        self.start_date = self._months_before(self.end_date, self.months)
        self.timings = []
        self.counts = {}
        self.float_round = float_round
        self.ctx = dict(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            mail_create_nosubscribe=True,
            no_reset_password=True,
            skip_sms=True,
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    @staticmethod
    def _months_before(day, months):
        month = day.month - months
        year = day.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, min(day.day, last)) + dt.timedelta(days=1)

    @contextmanager
    def phase(self, name):
        print(f"[{name}] ...", flush=True)
        start = time.monotonic()
        info = {}
        yield info
        seconds = time.monotonic() - start
        self.timings.append((name, round(seconds, 1), dict(info)))
        details = ", ".join(f"{k}={v}" for k, v in info.items())
        print(f"[{name}] {seconds:.1f}s {details}", flush=True)

    def execute(self, query):
        self.cr.execute(query)

    def fetch(self, query):
        self.cr.execute(query)
        return self.cr.fetchall()

    def new_ids(self, table, count):
        if not count:
            return []
        rows = self.fetch(
            SQL(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                table,
                count,
            )
        )
        return [r[0] for r in rows]

    def table_columns(self, table):
        rows = self.fetch(
            SQL(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
                table,
            )
        )
        return dict(rows)

    def bulk_insert(self, table, columns, rows):
        """Write the tuples ``rows`` (ordered as ``columns``) with COPY ... FROM STDIN.

        COPY is several times faster than multi-row INSERTs, on both sides: no SQL to
        parse and no Python-side adaptation of each value.  The statement itself is
        built with ``SQL`` from identifiers only; the values travel as a text stream.
        """
        types = self.table_columns(table)
        unknown = [c for c in columns if c not in types]
        if unknown:
            raise GenerationError(f"{table} has no column(s) {unknown}")
        copy = SQL(
            "COPY %s (%s) FROM STDIN",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(c) for c in columns),
        )
        for start in range(0, len(rows), COPY_CHUNK):
            buffer = io.StringIO()
            buffer.writelines(
                _copy_line(row) for row in rows[start : start + COPY_CHUNK]
            )
            buffer.seek(0)
            self.cr.copy_expert(copy.code, buffer)
        # fresh statistics: the foreign-key checks of the next inserts must use the primary key
        # index, not a sequential scan planned when the table was small
        self.execute(SQL("ANALYZE %s", SQL.identifier(table)))
        return len(rows)

    BULK_TABLES = (
        "sale_order",
        "sale_order_line",
        "account_tax_sale_order_line_rel",
        "stock_reference",
        "stock_reference_sale_rel",
        "stock_picking",
        "stock_move",
        "stock_move_line",
        "stock_reference_move_rel",
        "stock_quant",
    )

    @contextmanager
    def fast_load(self):
        """Bulk load without row-by-row foreign-key triggers, then check every foreign key at once.

        With a superuser role, ``session_replication_role = replica`` (local to the transaction)
        skips the FK triggers, which cost three quarters of the COPY time; the same constraints
        are then verified with one anti-join each.  Without superuser rights the triggers run.
        """
        superuser = self.fetch(
            SQL("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        )[0][0]
        if superuser:
            self.execute(SQL("SET LOCAL session_replication_role = replica"))
        try:
            yield
        finally:
            if superuser:
                self.execute(SQL("SET LOCAL session_replication_role = DEFAULT"))
        if superuser:
            with self.phase("fk-check") as info:
                info.update(foreign_keys=self._check_foreign_keys(self.BULK_TABLES))

    def _check_foreign_keys(self, tables):
        fks = self.fetch(
            SQL(
                """
            SELECT c.conname, c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname
              FROM pg_constraint c
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
              JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
             WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1
               AND c.conrelid = ANY(%s::regclass[])
             ORDER BY 1""",
                list(tables),
            )
        )
        for name, table, column, ftable, fcolumn in fks:
            missing = self.fetch(
                SQL(
                    "SELECT COUNT(*) FROM %s t WHERE t.%s IS NOT NULL AND NOT EXISTS"
                    " (SELECT 1 FROM %s f WHERE f.%s = t.%s)",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    SQL.identifier(ftable),
                    SQL.identifier(fcolumn),
                    SQL.identifier(column),
                )
            )[0][0]
            if missing:
                raise GenerationError(
                    f"foreign key {name}: {missing} row(s) of {table}.{column} "
                    f"point to no {ftable} row"
                )
        return len(fks)

    def get_param(self, key):
        return self.env["ir.config_parameter"].sudo().get_param(key)

    def set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(key, value)

    # ------------------------------------------------------------------
    # entry point
    # ------------------------------------------------------------------
    def run(self):
        scale = self.args.scale
        done = [s for s in (self.get_param(PARAM_SCALES) or "").split(",") if s]
        if scale in done and not self.args.force:
            print(
                f"Scale '{scale}' already generated in this database "
                f"(ir.config_parameter {PARAM_SCALES}={','.join(done)}); nothing to do. Use --force to add it again."
            )
            return False
        self.company = self.env.company
        self.currency = self.company.currency_id
        self.rounding = self.currency.rounding
        self.end_dt = dt.datetime.combine(self.end_date, dt.time()) - UTC_OFFSET
        self.start_dt = dt.datetime.combine(self.start_date, dt.time()) - UTC_OFFSET
        info = json.loads(self.get_param(PARAM_INFO) or "{}")
        self.run_index = sum(1 for run in info.get("runs", []) if run["scale"] == scale)
        self.prefix = {"demo": "SH", "bench": "SB"}[scale] + (
            str(self.run_index + 1) if self.run_index else ""
        )
        print(
            f"Generating scale '{scale}' in '{self.cr.dbname}': seed {self.args.seed}, "
            f"{self.start_date} .. {self.end_date} ({self.months} months), company '{self.company.name}'",
            flush=True,
        )
        total_start = time.monotonic()

        if self.scale["create_master"] and not self.get_param(
            "appliance_bench.master_done"
        ):
            self.create_master(self.scale["master"])
            self.set_param("appliance_bench.master_done", scale)
        elif self.args.bootstrap_master and not self.get_param(
            "appliance_bench.master_done"
        ):
            self.create_master(self.scale["bootstrap"])
            self.set_param("appliance_bench.master_done", scale + "-bootstrap")
        self.execute(
            SQL(
                "ANALYZE res_partner, product_product, product_template, res_users, stock_location"
            )
        )
        with self.phase("load") as info_load:
            self.load_pools(info_load)
        with self.phase("plan") as info_plan:
            self.plan_history(info_plan)
        with self.phase("templates") as info_tpl:
            self.capture_templates(info_tpl)
        with self.fast_load():
            with self.phase("history-sql") as info_hist:
                self.insert_history(info_hist)
            with self.phase("stock-sql") as info_stock:
                self.insert_stock(info_stock)
        self.env.invalidate_all()
        with self.phase("open-orders") as info_open:
            self.create_open_orders(info_open)
        with self.phase("purchases") as info_po:
            self.create_purchases(info_po)
        with self.phase("orderpoints") as info_op:
            self.create_orderpoints(info_op)
        self.env.flush_all()
        with self.phase("verify") as info_verify:
            self.verify(info_verify)

        total = round(time.monotonic() - total_start, 1)
        info.setdefault("runs", []).append(
            {
                "scale": scale,
                "seed": self.args.seed,
                "months": self.months,
                "start_date": str(self.start_date),
                "end_date": str(self.end_date),
                "order_prefix": self.prefix,
                "seconds": total,
                "phases": [[n, s] for n, s, _i in self.timings],
                "counts": self.counts,
            }
        )
        self.set_param(PARAM_INFO, json.dumps(info, ensure_ascii=False))
        self.set_param(PARAM_SCALES, ",".join(dict.fromkeys(done + [scale])))
        print(
            f"Done in {total}s: "
            + ", ".join(f"{k}={v}" for k, v in self.counts.items()),
            flush=True,
        )
        return True

    # ------------------------------------------------------------------
    # master data (bench scale, or --bootstrap-master)
    # ------------------------------------------------------------------
    def create_master(self, sizes):
        env = self.env(context=dict(self.env.context, **self.ctx))
        rng = random.Random(self.args.seed * 7919 + 1)
        with self.phase("master-base") as info:
            brands = self._ensure_brands(env)
            categs = self._ensure_categories(env)
            warehouses = self._ensure_warehouses(env, 2)
            vendors = self._ensure_vendors(env, brands)
            users_by_region = self._ensure_salespeople(
                env, sizes["salespeople"], warehouses
            )
            info.update(
                brands=len(brands),
                categories=len(categs),
                warehouses=len(warehouses),
                vendors=len(vendors),
                salespeople=sum(len(u) for u in users_by_region.values()),
            )
        with self.phase("master-products") as info:
            templates = self._create_products(
                env, rng, sizes["sets"], sizes["components"], brands, categs, vendors
            )
            info.update(products=len(templates))
            n_lines = self._create_set_components(env, rng, templates)
            info.update(set_component_lines=n_lines)
        with self.phase("master-customers") as info:
            n = self._create_customers(env, rng, sizes["customers"], users_by_region)
            info.update(customers=n)
        env.flush_all()

    def _ensure_brands(self, env):
        Brand = env["appliance.brand"].with_context(active_test=False)
        existing = {b.code: b for b in Brand.search([("code", "!=", False)])}
        cn = env["res.country"].search([("code", "=", "CN")], limit=1)
        countries = {c.code: c.id for c in env["res.country"].search([])}
        to_create = [
            dict(
                name=f"{name} {en}" if name != en else name,
                code=code,
                sequence=10 + i,
                country_id=countries.get(country, cn.id),
            )
            for i, (code, name, en, country) in enumerate(catalog.BRANDS)
            if code not in existing
        ]
        for brand in Brand.create(to_create):
            existing[brand.code] = brand
        return {code: existing[code] for code, *_rest in catalog.BRANDS}

    def _ensure_categories(self, env):
        Categ = env["product.category"]
        categs = {}
        for key, (parent_key, name) in catalog.CATEGORIES.items():
            parent = categs.get(parent_key)
            domain = [
                ("name", "=", name),
                ("parent_id", "=", parent.id if parent else False),
            ]
            categ = Categ.search(domain, limit=1) or Categ.create(
                {"name": name, "parent_id": parent.id if parent else False}
            )
            categs[key] = categ
        return categs

    def _ensure_warehouses(self, env, count):
        Warehouse = env["stock.warehouse"]
        warehouses = Warehouse.search(
            [("company_id", "=", self.company.id)], order="sequence, id"
        )
        names = [("华南仓 South Warehouse", "SWH"), ("西部仓 West Warehouse", "WWH")]
        i = 0
        while len(warehouses) < count:
            name, code = names[i]
            i += 1
            if Warehouse.search_count(
                [("code", "=", code), ("company_id", "=", self.company.id)]
            ):
                continue
            warehouses |= Warehouse.create(
                {"name": name, "code": code, "company_id": self.company.id}
            )
        return warehouses[:count]

    def _state_ids(self, env):
        cn = env["res.country"].search([("code", "=", "CN")], limit=1)
        states = env["res.country.state"].search([("country_id", "=", cn.id)])
        by_code = {s.code: s.id for s in states}
        missing = [p[0] for p in catalog.PROVINCES if p[0] not in by_code]
        if missing:
            raise GenerationError(
                f"res.country.state of China lacks the codes {missing}"
            )
        return cn.id, by_code

    def _ensure_vendors(self, env, brands):
        Partner = env["res.partner"]
        cn_id, states = self._state_ids(env)
        vendors = {}
        for code, (name, name_en, province) in catalog.BRAND_VENDORS.items():
            vendor = Partner.search(
                [("name", "=", name), ("is_company", "=", True)], limit=1
            )
            if not vendor:
                vendor = Partner.create(
                    {
                        "name": name,
                        "is_company": True,
                        "supplier_rank": 1,
                        "country_id": cn_id,
                        "state_id": states[province],
                        "appliance_name_en": name_en,
                    }
                )
            vendors[code] = vendor
        return vendors

    def _ensure_salespeople(self, env, count, warehouses):
        group = env.ref("sales_team.group_sale_salesman")
        Users = env["res.users"].with_context(active_test=False)
        regions = list(catalog.REGIONS)
        region_weight = Counter()
        for _code, _en, _abbr, weight, region, _cities in catalog.PROVINCES:
            region_weight[region] += weight
        per_region = largest_remainder(
            max(count - len(regions), 0), [region_weight[r] for r in regions]
        )
        users_by_region = {}
        index = 0
        for region, extra in zip(regions, per_region, strict=True):
            wh = (
                warehouses[1]
                if region in catalog.SOUTH_WAREHOUSE_REGIONS and len(warehouses) > 1
                else warehouses[0]
            )
            members = env["res.users"]
            for _i in range(1 + extra):
                login = (
                    f"bench.{catalog.SALES_LOGINS[index % len(catalog.SALES_LOGINS)]}"
                )
                if index >= len(catalog.SALES_LOGINS):
                    login += str(index // len(catalog.SALES_LOGINS) + 1)
                user = Users.search([("login", "=", login)], limit=1)
                if not user:
                    user = Users.create(
                        {
                            "name": catalog.SALES_NAMES[
                                index % len(catalog.SALES_NAMES)
                            ],
                            "login": login,
                            "email": f"{login}@example.cn",
                            "company_id": self.company.id,
                            "company_ids": [(6, 0, [self.company.id])],
                            "group_ids": [(4, group.id)],
                            "property_warehouse_id": wh.id,
                            "tz": "Asia/Shanghai",
                        }
                    )
                members |= user
                index += 1
            name_zh, name_en = catalog.REGIONS[region]
            team_name = f"{name_zh} {name_en}"
            team = env["crm.team"].search([("name", "=", team_name)], limit=1)
            if not team:
                env["crm.team"].create(
                    {
                        "name": team_name,
                        "user_id": members[0].id,
                        "member_ids": [(6, 0, members.ids)],
                        "company_id": self.company.id,
                    }
                )
            users_by_region[region] = members
        return users_by_region

    def _create_products(self, env, rng, n_sets, n_components, brands, categs, vendors):
        vals_list = self._set_vals(rng, n_sets, brands, categs, vendors)
        vals_list += self._component_vals(rng, n_components, brands, categs, vendors)
        self._unique_model_codes(vals_list)
        return self._create_templates(env, rng, vals_list)

    @staticmethod
    def _allocate(pools, total):
        """Products per series: ``total`` split by the series' shares, what a small series
        cannot hold going to the others."""
        counts = largest_remainder(total, [spec["share"] for spec, _pool in pools])
        spare = 0
        for i, (_spec, pool) in enumerate(pools):
            if counts[i] > len(pool):
                spare += counts[i] - len(pool)
                counts[i] = len(pool)
        while spare:
            room = [i for i, (_s, pool) in enumerate(pools) if counts[i] < len(pool)]
            if not room:
                raise GenerationError(
                    "the catalogue cannot hold that many distinct products"
                )
            for i in room[:spare]:
                counts[i] += 1
            spare -= len(room[:spare])
        return counts

    def _set_vals(self, rng, count, brands, categs, vendors):
        pools = []
        for spec in catalog.SET_SERIES:
            schemes = range(1, (4 if spec["kv"] >= 10 else 3) + 1)
            pools.append((spec, list(itertools.product(
                spec["functions"], spec["ratings"], spec["breaking"], spec["brands"], schemes,
            ))))  # fmt: skip
        vals_list = []
        for (spec, pool), n in zip(pools, self._allocate(pools, count), strict=True):
            for idx in sorted(rng.sample(range(len(pool)), n)):
                (code, fn_name, fn_factor), rating, ka, brand, scheme = pool[idx]
                vals_list.append(self._one_set_vals(
                    rng, spec, code, fn_name, fn_factor, rating, ka, brand, scheme,
                    brands, categs, vendors, len(vals_list) + 1,
                ))  # fmt: skip
        return vals_list

    @staticmethod
    def _one_set_vals(rng, spec, code, fn_name, fn_factor, rating, ka, brand, scheme,
                      brands, categs, vendors, number):  # fmt: skip
        kva = spec.get("kva")
        model = f"{spec['series']}/{rating}-{ka}-{code}{scheme:02d}"
        if brand != "HOUSE":
            model += f"-{brand}"
        size = (rating / max(spec["ratings"])) ** 0.5
        price = (
            spec["price"] * fn_factor * (0.75 + 0.5 * size) * (1 + 0.03 * (scheme - 1))
        )
        if brand in ("ABB", "SCHNEIDER", "SIEMENS"):
            price *= 1.35
        price = round(price, -1)
        rating_label = f"{rating}kVA" if kva else f"{rating}A"
        width, depth, height = spec["dims"]
        return dict(
            name=f"{spec['series']} {spec['title']} {fn_name} {rating_label}/{ka}kA"
            f" 方案{scheme:02d}",
            default_code=f"S{number:05d}",
            appliance_kind="set",
            appliance_model_code=model,
            appliance_series=spec["series"],
            appliance_brand_id=brands[brand].id,
            categ_id=categs[spec["categ"]].id,
            list_price=price,
            standard_price=round(price * rng.uniform(0.68, 0.8), 2),
            rated_voltage_kv=spec["kv"],
            rated_current_a=min(round(rating * 1.443, 1) if kva else rating, 20000),
            breaking_capacity_ka=ka,
            ip_rating=spec["ip"],
            enclosure_type=spec["enclosure"],
            width_mm=width,
            depth_mm=depth,
            height_mm=height,
            weight=round(spec["weight"] * (0.8 + 0.4 * size), 1),
            sale_delay=spec["lead"],
            description_sale=f"一次方案号 {scheme:02d}; {fn_name}; 额定电流 {rating_label}",
            appliance_extra_specs=f"一次方案: {scheme:02d}\n操作电源: DC220V",
            _vendor=vendors[brand],
            _recipe=spec["recipe"],
            _rating=rating,
        )

    def _component_vals(self, rng, count, brands, categs, vendors):
        pools = [
            (spec, list(itertools.product(
                spec["ratings"], spec["variants"], spec["poles"],
                OPTIONS.get(spec["categ"], [("", "")]),
            )))
            for spec in catalog.COMPONENT_SERIES
        ]  # fmt: skip
        vals_list = []
        for (spec, pool), n in zip(pools, self._allocate(pools, count), strict=True):
            for idx in sorted(rng.sample(range(len(pool)), n)):
                rating, variant, pole, (opt_code, opt_name) = pool[idx]
                if spec.get("kva"):
                    unit, current = "kVA", round(rating * 1.443, 1)
                elif spec["categ"] == "capacitor":
                    unit, current = "kvar", 0
                else:
                    unit, current = "A", rating
                dash = "" if variant.startswith("-") else "-"
                model = f"{spec['series']}{dash}{variant}/{rating:g}{unit}-{pole}"
                if opt_code:
                    model += f"-{opt_code}"
                size = (rating / max(spec["ratings"])) ** 0.6
                price = (
                    spec["price"] * (0.45 + 1.1 * size) * (1.15 if opt_code else 1.0)
                )
                price = round(price, 2) if price < 100 else round(price, 0)
                enclosure = spec.get("enclosure") or (
                    "din" if spec["categ"] in ("mcb", "spd") else False
                )
                vals_list.append(dict(
                    name=f"{spec['series']} {spec['title']} {rating:g}{unit} {pole}"
                    f" {variant} {opt_name}".strip(),
                    default_code=f"C{len(vals_list) + 1:05d}",
                    appliance_kind="component",
                    appliance_model_code=model,
                    appliance_series=spec["series"],
                    appliance_brand_id=brands[spec["brand"]].id,
                    categ_id=categs[spec["categ"]].id,
                    list_price=price,
                    standard_price=round(price * rng.uniform(0.6, 0.78), 2),
                    rated_voltage_kv=spec["kv"],
                    rated_current_a=current,
                    enclosure_type=enclosure,
                    weight=round(spec["weight"] * (0.6 + 0.8 * size), 2),
                    sale_delay=rng.choice([0, 1, 2, 3, 5, 7]),
                    description_sale=f"{spec['title']} {variant} {pole} {opt_name}".strip(),
                    _vendor=vendors[spec["brand"]],
                    _rating=rating,
                    _categ_key=spec["categ"],
                ))  # fmt: skip
        return vals_list

    def _unique_model_codes(self, vals_list):
        """Model codes must stay unique once normalised (2.5 A and 25 A both give "25"):
        add a revision suffix where two codes would collide."""
        seen = set(
            self.env["product.template"]
            .with_context(active_test=False)
            .search([("appliance_model_key", "!=", False)])
            .mapped("appliance_model_key")
        )
        for vals in vals_list:
            base = vals["appliance_model_code"]
            suffix = next(
                (s for s in ("", "-II", "-III", "-IV", "-V")
                 if normalize_key(base + s) not in seen),
                None,
            )  # fmt: skip
            if suffix is None:
                raise GenerationError(f"cannot make model code {base} unique")
            vals["appliance_model_code"] = base + suffix
            seen.add(normalize_key(base + suffix))

    def _create_templates(self, env, rng, vals_list):
        buy_route = env["stock.route"].search(
            [("name", "in", ("Buy", "购买"))], limit=1
        )
        Template = env["product.template"]
        has_floor = "appliance_floor_price" in Template._fields
        templates = []
        for start in range(0, len(vals_list), 500):
            chunk = vals_list[start : start + 500]
            create_vals = []
            for vals in chunk:
                component = vals["appliance_kind"] == "component"
                seller = {
                    "partner_id": vals["_vendor"].id,
                    "price": round(vals["standard_price"] * 0.97, 2),
                    "delay": rng.randint(5, 25) if component else rng.randint(20, 45),
                }
                clean = {k: v for k, v in vals.items() if not k.startswith("_")}
                clean.update(
                    type="consu",
                    is_storable=True,
                    sale_ok=True,
                    purchase_ok=True,
                    invoice_policy="delivery",
                    seller_ids=[(0, 0, seller)],
                )
                if buy_route:
                    clean["route_ids"] = [(6, 0, buy_route.ids)]
                if has_floor:
                    clean["appliance_floor_price"] = round(vals["list_price"] * 0.85, 2)
                create_vals.append(clean)
            records = Template.create(create_vals)
            templates.extend(zip(records, chunk, strict=True))
            env.flush_all()
            env.invalidate_all()
            self.execute(
                SQL("ANALYZE product_template, product_product, product_supplierinfo")
            )
        return templates

    def _create_set_components(self, env, rng, templates):
        comps_by_categ = defaultdict(list)
        for tmpl, vals in templates:
            if vals["appliance_kind"] == "component":
                comps_by_categ[vals["_categ_key"]].append(
                    (vals["_rating"], tmpl.product_variant_id.id)
                )
        for key in comps_by_categ:
            comps_by_categ[key].sort()
        lines = []
        for tmpl, vals in templates:
            if vals["appliance_kind"] != "set":
                continue
            seq = 10
            for categ_key, qty, match in catalog.RECIPES[vals["_recipe"]]:
                pool = comps_by_categ.get(categ_key)
                if not pool:
                    continue
                if match in ("current", "kva"):
                    ratings = [r for r, _pid in pool]
                    i = min(bisect.bisect_left(ratings, vals["_rating"]), len(pool) - 1)
                    candidates = [pid for r, pid in pool if r == pool[i][0]]
                    product_id = candidates[rng.randrange(len(candidates))]
                else:
                    product_id = pool[rng.randrange(len(pool))][1]
                lines.append(
                    {
                        "set_tmpl_id": tmpl.id,
                        "sequence": seq,
                        "product_id": product_id,
                        "quantity": qty,
                    }
                )
                seq += 10
        Component = env["appliance.set.component"]
        for start in range(0, len(lines), 5000):
            Component.create(lines[start : start + 5000])
        return len(lines)

    def _create_customers(self, env, rng, count, users_by_region):
        cn_id, states = self._state_ids(env)
        types = list(catalog.CUSTOMER_PROFILES)
        type_counts = largest_remainder(
            count, [catalog.CUSTOMER_PROFILES[t]["weight"] for t in types]
        )
        kinds = [t for t, n in zip(types, type_counts, strict=True) for _i in range(n)]
        rng.shuffle(kinds)
        provinces = catalog.PROVINCES
        prov_weights = [p[3] for p in provinces]
        terms = env["account.payment.term"].search([], order="id")
        long_terms = terms.filtered(
            lambda t: any(x in t.name for x in ("30", "45", "60"))
        )
        used_names = set(
            env["res.partner"].search([("is_company", "=", True)]).mapped("name")
        )
        used_codes = set(
            env["res.partner"]
            .search([("appliance_customer_code", "!=", False)])
            .mapped("appliance_customer_code")
        )
        vals_list = []
        per_prov = Counter()
        for kind in kinds:
            code, _prov_en, abbr, _w, region, cities = rng.choices(
                provinces, weights=prov_weights
            )[0]
            city, city_en, area = cities[rng.randrange(len(cities))]
            for _attempt in range(50):
                zh_pat, en_pat = rng.choice(catalog.NAME_PATTERNS[kind])
                trade, trade_en = rng.choice(catalog.TRADE_NAMES)
                name = zh_pat.format(city=city, trade=trade)
                if name not in used_names:
                    break
            else:
                name = f"{name}({len(used_names)})"
            used_names.add(name)
            per_prov[abbr] += 1
            cust_code = f"{abbr}{per_prov[abbr]:05d}"
            while cust_code in used_codes:
                per_prov[abbr] += 1
                cust_code = f"{abbr}{per_prov[abbr]:05d}"
            used_codes.add(cust_code)
            street, _street_en = rng.choice(catalog.STREETS)
            users = users_by_region[region]
            vals = {
                "name": name,
                "is_company": True,
                "customer_rank": 1,
                "country_id": cn_id,
                "state_id": states[code],
                "city": city,
                "street": f"{street}{rng.randint(1, 999)}号",
                "zip": f"{rng.randint(100000, 859999)}",
                "phone": (
                    f"{area}-{rng.randint(2000, 8999)}{rng.randint(1000, 9999)}"
                    if rng.random() < 0.8
                    else f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"
                ),
                "email": f"contact{len(vals_list) + 1}@{trade_en.lower()}-{city_en.lower().replace(chr(39), '')}.example.cn",
                "appliance_customer_type": kind,
                "appliance_customer_code": cust_code,
                "appliance_name_en": en_pat.format(city_en=city_en, trade_en=trade_en),
                "user_id": users[rng.randrange(len(users))].id,
            }
            if kind in ("utility", "developer", "institution") and long_terms:
                vals["property_payment_term_id"] = long_terms[
                    rng.randrange(len(long_terms))
                ].id
            vals_list.append(vals)
        Partner = env["res.partner"]
        for start in range(0, len(vals_list), 1000):
            Partner.create(vals_list[start : start + 1000])
            env.flush_all()
            env.invalidate_all()
            self.execute(SQL("ANALYZE res_partner"))
        return len(vals_list)

    # ------------------------------------------------------------------
    # load what exists: products, customers, warehouses, header defaults
    # ------------------------------------------------------------------
    def load_pools(self, info):
        env = self.env
        company = self.company
        products = (
            env["product.product"]
            .with_company(company)
            .search(
                [
                    ("product_tmpl_id.appliance_kind", "in", ("set", "component")),
                    ("sale_ok", "=", True),
                    ("type", "=", "consu"),
                    ("company_id", "in", (False, company.id)),
                ],
                order="id",
            )
        )
        if not products:
            raise GenerationError(
                "No appliance products (appliance_kind set/component) in this database:"
                " install the addons with demo data (--with-demo), or pass"
                " --bootstrap-master to create a small catalogue."
            )
        customers = env["res.partner"].search(
            [
                ("appliance_customer_type", "!=", False),
                ("company_id", "in", (False, company.id)),
                ("is_company", "=", True),
            ],
            order="id",
        )
        if not customers:
            raise GenerationError(
                "No customers with an appliance_customer_type: load the demo data or"
                " pass --bootstrap-master."
            )
        self.warehouses = env["stock.warehouse"].search(
            [("company_id", "=", company.id)], order="sequence, id"
        )
        if not self.warehouses:
            raise GenerationError("The company has no warehouse.")
        self.tax_cache = {}  # (fiscal position, product taxes) -> (tax ids, percents)
        self.rounding_method = company.tax_calculation_rounding_method
        self._load_products(products)
        fiscal_positions = self._load_customers(customers)
        self._assign_warehouses()
        # line descriptions per (product, language), as sale.order.line computes them
        self.line_names = {}
        for lang in sorted({c["lang"] for c in self.customers}):
            for product in products.with_context(lang=lang):
                self.line_names[(product.id, lang)] = (
                    product.get_product_multiline_description_sale()
                )
        info.update(
            products=len(self.products),
            sets=len(self.set_idx),
            components=len(self.comp_idx),
            set_components=sum(len(v) for v in self.set_components.values()),
            affinity_products=len(self.affinity),
            customers=len(self.customers),
            warehouses=len(self.warehouses),
            fiscal_positions=fiscal_positions,
        )

    def _load_products(self, products):
        company = self.company
        has_floor = "appliance_floor_price" in products.product_tmpl_id._fields
        self.products = []  # list of dicts, index = product index
        for product in products:
            tmpl = product.product_tmpl_id
            self.products.append(
                dict(
                    id=product.id,
                    tmpl_id=tmpl.id,
                    kind=tmpl.appliance_kind,
                    series_key=normalize_key(tmpl.appliance_series or ""),
                    model_key=tmpl.appliance_model_key
                    or normalize_key(tmpl.appliance_model_code or ""),
                    categ_name=tmpl.categ_id.complete_name or "",
                    list_price=tmpl.list_price,
                    cost=product.standard_price,
                    uom_id=product.uom_id.id,
                    taxes=product.taxes_id.filtered(
                        lambda t: t.company_id in company.parent_ids
                    ),
                    lead=product.sale_delay or 0.0,
                    weight=product.weight or 0.0,
                    invoice_policy=product.invoice_policy,
                    storable=product.is_storable,
                    floor=tmpl.sudo().appliance_floor_price if has_floor else 0.0,
                )
            )
        self.product_index = {p["id"]: i for i, p in enumerate(self.products)}
        self.set_idx = [i for i, p in enumerate(self.products) if p["kind"] == "set"]
        self.comp_idx = [
            i for i, p in enumerate(self.products) if p["kind"] == "component"
        ]
        # components of each set (appliance.set.component) as product indexes
        self.set_components = defaultdict(list)
        tmpl_to_idx = defaultdict(list)
        for i, p in enumerate(self.products):
            tmpl_to_idx[p["tmpl_id"]].append(i)
        for line in self.env["appliance.set.component"].search(
            [("set_tmpl_id", "in", list(tmpl_to_idx))]
        ):
            comp = self.product_index.get(line.product_id.id)
            if comp is not None:
                for i in tmpl_to_idx[line.set_tmpl_id.id]:
                    self.set_components[i].append((comp, line.quantity))
        # co-purchase affinities, resolved to product indexes
        self.affinity = defaultdict(list)
        for key_a, key_b, prob in catalog.AFFINITIES:
            pool_a, pool_b = self._match(key_a), self._match(key_b)
            if pool_a and pool_b:
                for i in pool_a:
                    self.affinity[i].append((pool_b, prob))

    def _load_customers(self, customers):
        """Customers with the order header values the ORM would compute for them."""
        env = self.env
        company = self.company
        salesmen = (
            env.ref("sales_team.group_sale_salesman")
            .all_user_ids.filtered(lambda u: company in u.company_ids and not u.share)
            .sorted("id")
        )
        fallback_users = salesmen or env.user
        addresses = self._addresses(customers)
        fpos_cache, team_cache = {}, {}
        Fpos = env["account.fiscal.position"].with_company(company)
        team_domain = env["crm.team"]._check_company_domain(company.id)
        self.customers = []
        for customer in customers.with_company(company):
            user = customer.user_id or customer.commercial_partner_id.user_id
            if not user:
                user = fallback_users[customer.id % len(fallback_users)]
            invoice_id, shipping_id = addresses[customer.id]
            shipping = env["res.partner"].browse(shipping_id)
            fkey = (
                customer.country_id.id, customer.state_id.id, customer.zip,
                bool(customer.vat), customer.property_account_position_id.id,
                shipping.country_id.id, shipping.state_id.id, shipping.zip,
            )  # fmt: skip
            if fkey not in fpos_cache:
                fpos_cache[fkey] = Fpos._get_fiscal_position(customer, shipping)
            if user.id not in team_cache:
                team_cache[user.id] = (
                    env["crm.team"]
                    ._get_default_team_id(user_id=user.id, domain=team_domain)
                    .id
                )
            pricelist = customer.property_product_pricelist
            if (pricelist.currency_id or self.currency) != self.currency:
                raise GenerationError(
                    f"{customer.display_name}: pricelist currency differs from the"
                    " company currency; multi-currency history is not supported."
                )
            self.customers.append(
                dict(
                    id=customer.id,
                    type=customer.appliance_customer_type,
                    user_id=user.id,
                    team_id=team_cache[user.id] or None,
                    invoice_id=invoice_id,
                    shipping_id=shipping_id,
                    fpos=fpos_cache[fkey],
                    payment_term_id=customer.property_payment_term_id.id or None,
                    pricelist_id=pricelist.id or None,
                    lang=customer.lang or "en_US",
                    pay_method_id=(
                        customer.property_inbound_payment_method_line_id.id or None
                    ),
                    state_code=customer.state_id.code or "",
                )
            )
        return len({f.id for f in fpos_cache.values()})

    def _assign_warehouses(self):
        """Orders ship from the salesperson's default warehouse; for salespeople without
        one, from the warehouse of the customer's region (the south ones from the second
        warehouse)."""
        region_of = {p[0]: p[4] for p in catalog.PROVINCES}
        users = self.env["res.users"].browse(
            sorted({c["user_id"] for c in self.customers})
        )
        default_wh = {
            user.id: user.with_company(self.company).property_warehouse_id
            for user in users
        }
        for cust in self.customers:
            warehouse = default_wh[cust["user_id"]]
            if not warehouse and len(self.warehouses) > 1:
                south = (
                    region_of.get(cust["state_code"]) in catalog.SOUTH_WAREHOUSE_REGIONS
                )
                warehouse = self.warehouses[1] if south else self.warehouses[0]
            cust["wh"] = warehouse or self.warehouses[0]

    def _addresses(self, customers):
        """(invoice, delivery) address of each customer, as sale.order computes them."""
        with_children = {
            r[0]
            for r in self.fetch(
                SQL(
                    "SELECT DISTINCT parent_id FROM res_partner WHERE parent_id IN %s AND active"
                    " AND type IN ('invoice', 'delivery')",
                    tuple(customers.ids),
                )
            )
        }
        result = {}
        for customer in customers:
            if customer.id in with_children:
                addr = customer.address_get(["invoice", "delivery"])
                result[customer.id] = (addr["invoice"], addr["delivery"])
            else:
                result[customer.id] = (customer.id, customer.id)
        return result

    def _match(self, key):
        """Product indexes matching a catalogue key: a category key (by category keywords), else a
        series (the product's series, its aliases, or the start of its model code)."""
        if key in catalog.CATEGORIES:
            for word in catalog.CATEGORY_KEYWORDS.get(
                key, [catalog.CATEGORIES[key][1].split(" ")[0]]
            ):
                matched = [
                    i for i, p in enumerate(self.products) if word in p["categ_name"]
                ]
                if matched:
                    return matched
            return []
        for name in [key] + catalog.SERIES_ALIASES.get(key, []):
            nkey = normalize_key(name)
            short = normalize_key(name.split("-")[0])
            matched = [
                i
                for i, p in enumerate(self.products)
                if p["series_key"] and p["series_key"] in (nkey, short)
            ]
            if not matched:
                matched = [
                    i
                    for i, p in enumerate(self.products)
                    if p["model_key"].startswith(nkey)
                ]
            if matched:
                return matched
        return []

    def taxes_for(self, product, fpos):
        key = (fpos.id, product["taxes"].ids)
        key = (key[0], tuple(key[1]))
        if key not in self.tax_cache:
            taxes = fpos.map_tax(product["taxes"]) if fpos else product["taxes"]
            percents = []
            for tax in taxes.flatten_taxes_hierarchy():
                if (
                    tax.amount_type != "percent"
                    or tax.price_include
                    or tax.include_base_amount
                ):
                    raise GenerationError(
                        f"Tax '{tax.name}' is not a simple price-excluded percentage; the bulk history "
                        f"computes amounts for such taxes only."
                    )
                percents.append((tax.id, tax.amount))
            self.tax_cache[key] = (tuple(taxes.ids), tuple(percents))
        return self.tax_cache[key]

    # ------------------------------------------------------------------
    # plan: who orders what and when (pure Python, seeded)
    # ------------------------------------------------------------------
    def plan_history(self, info):
        rng = self.rng
        self.calendar = Calendar(self.start_date, self.end_date)
        # the scale's order count is for its default span; --months scales it
        n_conf = round(self.scale["confirmed"] * self.months / self.scale["months"])
        if self.args.scale == "demo":
            # ~30 demo customers: keep about 30 confirmed orders per customer at most
            n_conf = min(n_conf, max(300, 30 * len(self.customers)))
        per_customer = self._quotations_per_customer(rng, n_conf)
        self._favourites(rng)
        opps = self._quotation_dates(rng, per_customer)
        states = self._outcomes(rng, opps, n_conf)
        self.orders = [
            self._plan_order(rng, quote_dt, cust, state)
            for (quote_dt, cust), state in zip(opps, states, strict=True)
        ]
        by_state = Counter(o["state"] for o in self.orders)
        lines_conf = sum(len(o["lines"]) for o in self.orders if o["state"] == "sale")
        info.update(
            quotations=len(self.orders),
            confirmed=by_state["sale"],
            cancelled=by_state["cancel"],
            sent=by_state["sent"],
            draft=by_state["draft"],
            lines=sum(len(o["lines"]) for o in self.orders),
            confirmed_lines=lines_conf,
            lines_per_confirmed=round(lines_conf / max(by_state["sale"], 1), 2),
        )

    def _quotations_per_customer(self, rng, n_conf):
        """Quotations per customer: profile spend x a heavy-tailed size, scaled so that
        the expected conversions give ``n_conf`` confirmed orders."""
        conv = catalog.CONVERSION
        weights = []
        for cust in self.customers:
            profile = catalog.CUSTOMER_PROFILES.get(
                cust["type"], catalog.CUSTOMER_PROFILES["other"]
            )
            cust["profile"] = profile
            weights.append(profile["spend"] * math.exp(rng.gauss(0, 0.9)))
        avg_conv = sum(
            w * conv.get(c["type"], conv["other"])[0]
            for w, c in zip(weights, self.customers, strict=True)
        ) / sum(weights)
        return largest_remainder(round(n_conf / avg_conv), weights)

    def _favourites(self, rng):
        """Each customer's favourite sets and components: what it buys again and again."""
        pref_cache = {}
        for cust in self.customers:
            ptype = (
                cust["type"] if cust["type"] in catalog.CUSTOMER_PROFILES else "other"
            )
            if ptype not in pref_cache:
                profile = catalog.CUSTOMER_PROFILES[ptype]
                sets = [
                    i
                    for key in profile["sets"]
                    for i in self._match(key)
                    if self.products[i]["kind"] == "set"
                ]
                comps = [i for key in profile["components"] for i in self._match(key)
                         if self.products[i]["kind"] == "component"]  # fmt: skip
                pref_cache[ptype] = (
                    list(dict.fromkeys(sets)) or self.set_idx,
                    list(dict.fromkeys(comps)) or self.comp_idx,
                )
            set_pool, comp_pool = pref_cache[ptype]
            n_sets = rng.randint(*self.scale["fav_sets"])
            cust["fav_sets"] = self._sample(rng, set_pool, n_sets)
            n_comps = rng.randint(*self.scale["fav_components"])
            cust["fav_comps"] = self._sample(rng, comp_pool, n_comps)

    def _quotation_dates(self, rng, per_customer):
        """(UTC datetime, customer) of every quotation, sorted by date."""
        cal = self.calendar
        opps = []
        for cust, count in zip(self.customers, per_customer, strict=True):
            if not count:
                continue
            curve = "year_end" if cust["type"] == "institution" else "base"
            positions = []
            if cust["profile"]["cadence"] is None:  # project bursts
                n_projects = max(1, round(count / rng.uniform(4, 7)))
                sizes = largest_remainder(
                    count, [rng.random() + 0.2 for _i in range(n_projects)]
                )
                for size in sizes:
                    center = rng.random()
                    spread = rng.uniform(45, 140) / max(len(cal.days), 1)
                    positions += [center + rng.random() * spread for _i in range(size)]
            else:  # regular buyer: evenly spaced in seasonal time, jittered
                phase = rng.random()
                positions = [
                    ((phase + j + rng.uniform(-0.35, 0.35)) / count) % 1.0
                    for j in range(count)
                ]
            for u in positions:
                opps.append((business_time(rng, cal.day_at(u % 1.0, curve)), cust))
        opps.sort(key=lambda o: (o[0], o[1]["id"]))
        return opps

    def _outcomes(self, rng, opps, n_conf):
        """'sale', 'cancel' or 'quote' per quotation, exactly ``n_conf`` of them 'sale'."""
        conv = catalog.CONVERSION
        states = []
        for _quote_dt, cust in opps:
            p_conf, p_cancel = conv.get(cust["type"], conv["other"])
            x = rng.random()
            states.append(
                "sale" if x < p_conf else "cancel" if x < p_conf + p_cancel else "quote"
            )
        # the customers have not answered the most recent quotations yet
        end_dt = self.end_dt
        fresh = set()
        for i, (quote_dt, _cust) in enumerate(opps):
            age = (end_dt - quote_dt).total_seconds() / 86400
            if age < 14 and rng.random() < 0.7 * (1 - age / 14):
                states[i] = "quote"
                fresh.add(i)
        conf_idx = [i for i, s in enumerate(states) if s == "sale"]
        other_idx = [i for i, s in enumerate(states) if s != "sale" and i not in fresh]
        if len(conf_idx) > n_conf:
            for i in rng.sample(conf_idx, len(conf_idx) - n_conf):
                states[i] = "cancel" if rng.random() < 0.45 else "quote"
        elif len(conf_idx) < n_conf:
            for i in rng.sample(other_idx, n_conf - len(conf_idx)):
                states[i] = "sale"
        return states

    def _plan_order(self, rng, quote_dt, cust, state):
        end_dt = self.end_dt
        order = dict(cust=cust, quote_dt=quote_dt, wh=cust["wh"])
        if state == "sale":
            confirm = quote_dt + dt.timedelta(
                hours=rng.uniform(1, 24 * rng.choice([1, 2, 3, 5, 8, 12]))
            )
            confirm = min(confirm, end_dt - dt.timedelta(hours=rng.uniform(2, 20)))
            order.update(state="sale", date_order=max(confirm, quote_dt))
        elif state == "cancel":
            cancel = min(quote_dt + dt.timedelta(days=rng.uniform(2, 40)), end_dt)
            order.update(state="cancel", date_order=quote_dt, cancel_dt=cancel)
        else:
            # stale quotations stay sent; those of the last three weeks are draft or sent
            recent = quote_dt >= end_dt - dt.timedelta(days=21)
            draft = recent and rng.random() < 0.5
            order.update(state="draft" if draft else "sent", date_order=quote_dt)
        order["lines"] = self._order_lines(rng, cust)
        if state == "sale":
            # delivered after the lead time of its products, never after the end date
            lead = max(
                (self.products[i]["lead"] for i, *_r in order["lines"]), default=0
            )
            days = rng.uniform(0.2, 1.0) * max(lead, 1) + rng.uniform(0, 3)
            done = order["date_order"] + dt.timedelta(days=days)
            if done >= end_dt:
                span = end_dt - order["date_order"]
                done = order["date_order"] + span * rng.uniform(0.3, 0.9)
            order["done_dt"] = done
        return order

    @staticmethod
    def _sample(rng, pool, k):
        if not pool:
            return []
        return rng.sample(pool, min(k, len(pool)))

    def _order_lines(self, rng, cust):
        """Lines of one order: (product index, quantity, price unit, discount)."""
        mean = LINES_MEAN.get(cust["type"], 3.0)
        target = max(1, min(14, 1 + self._poisson(rng, mean - 1)))
        chosen = self._order_products(rng, cust, target)
        return [self._line_terms(rng, cust, idx) for idx in chosen]

    def _order_products(self, rng, cust, target):
        """Products of one order: an anchor set (with its affinities and some of its own
        components as spares) or an anchor component, then more favourites."""
        fav_sets, fav_comps = cust["fav_sets"], cust["fav_comps"]
        chosen = []

        def zipf(pool):
            return pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)]

        def add(idx):
            if idx not in chosen:
                chosen.append(idx)

        def expand(idx):
            for pool, prob in self.affinity.get(idx, ()):
                if rng.random() < prob:
                    favs = [i for i in (fav_sets + fav_comps) if i in pool]
                    use_fav = favs and rng.random() < 0.7
                    pick = favs if use_fav else pool
                    add(pick[rng.randrange(len(pick))])

        set_order = rng.random() < cust["profile"]["set_share"] or not fav_comps
        if fav_sets and set_order:
            anchor = zipf(fav_sets)
            add(anchor)
            expand(anchor)
            for comp, _qty in self.set_components.get(anchor, ()):
                if rng.random() < 0.3:  # spares of the set's own components
                    add(comp)
        elif fav_comps:
            anchor = zipf(fav_comps)
            add(anchor)
            expand(anchor)
        for _guard in range(30):
            if len(chosen) >= target:
                break
            use_sets = fav_sets and rng.random() < 0.15
            idx = zipf(fav_sets if use_sets else fav_comps or fav_sets)
            add(idx)
            if rng.random() < 0.5:
                expand(idx)
        return chosen[: target + 2]

    def _line_terms(self, rng, cust, idx):
        """(product index, quantity, price unit, discount) of one line."""
        product = self.products[idx]
        price = product["list_price"]
        bulk = 2 if cust["type"] == "distributor" else 1
        if product["kind"] == "set":
            qty = min(
                1 + int(rng.expovariate(1 / (2.5 if price < 100000 else 0.6))), 30
            )
        elif price < 100:
            qty = rng.choice([10, 12, 20, 24, 30, 50, 60, 100, 120, 200]) * bulk
        elif price < 1000:
            qty = rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30]) * bulk
        else:
            qty = rng.choice([1, 1, 1, 2, 2, 3, 4, 6])
        price_unit = 0.0
        if price:
            price_unit = self.float_round(
                price * rng.uniform(0.97, 1.03), precision_digits=2
            )
        discount = rng.choices([0, 1, 2, 3, 5, 8], weights=[40, 8, 14, 14, 16, 8])[0]
        # never below the floor price: smaller discount first, then the floor itself
        floor = product["floor"]
        while floor and discount and price_unit * (1 - discount / 100.0) < floor:
            discount = {8: 5, 5: 3, 3: 2, 2: 1, 1: 0}[discount]
        if floor and price_unit < floor:
            price_unit = math.ceil(floor * 100) / 100.0
        return (idx, float(qty), price_unit, float(discount))

    @staticmethod
    def _poisson(rng, lam):
        if lam <= 0:
            return 0
        threshold, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= threshold:
                return k
            k += 1

    # ------------------------------------------------------------------
    # templates: one reference order per warehouse, created, confirmed and
    # delivered through the ORM inside a savepoint, then rolled back
    # ------------------------------------------------------------------
    def capture_templates(self, info):
        env = self.env
        self.templates = {}
        orders_by_wh = {}
        for order in self.orders:
            if order["state"] == "sale" and order["wh"].id not in orders_by_wh:
                if any(self.products[i]["storable"] for i, *_r in order["lines"]):
                    orders_by_wh[order["wh"].id] = order
        tables = (
            "sale_order",
            "sale_order_line",
            "stock_picking",
            "stock_move",
            "stock_move_line",
            "stock_reference",
        )
        ctx = dict(env.context, **self.ctx)
        for wh_id, plan in orders_by_wh.items():
            idx = next(i for i, *_r in plan["lines"] if self.products[i]["storable"])
            product = self.products[idx]
            captured = {}
            try:
                with self.cr.savepoint():
                    so = (
                        env["sale.order"]
                        .with_context(ctx)
                        .create(
                            {
                                "partner_id": plan["cust"]["id"],
                                "warehouse_id": wh_id,
                                "company_id": self.company.id,
                                "user_id": plan["cust"]["user_id"],
                                "order_line": [
                                    (
                                        0,
                                        0,
                                        {
                                            "product_id": product["id"],
                                            "product_uom_qty": 1.0,
                                        },
                                    )
                                ],
                            }
                        )
                    )
                    so.action_confirm()
                    if so.state != "sale":
                        raise GenerationError(
                            f"the reference order stays in state {so.state} after confirmation"
                        )
                    pickings = so.picking_ids
                    if len(pickings) != 1 or len(pickings.move_ids) != 1:
                        raise GenerationError(
                            "the reference order did not create exactly one delivery with one move: only one-step "
                            "deliveries are supported by the bulk history"
                        )
                    for move in pickings.move_ids:
                        move.quantity = move.product_uom_qty
                        move.picked = True
                    pickings.with_context(ctx)._action_done()
                    quant = (
                        env["stock.quant"]
                        .with_context(ctx, inventory_mode=True)
                        .create(
                            {
                                "product_id": product["id"],
                                "location_id": so.warehouse_id.lot_stock_id.id,
                                "inventory_quantity": 1000.0,
                            }
                        )
                    )
                    quant.action_apply_inventory()
                    env.flush_all()
                    inv_move = env["stock.move"].search(
                        [
                            ("is_inventory", "=", True),
                            ("product_id", "=", product["id"]),
                        ],
                        order="id desc",
                        limit=1,
                    )
                    where = {
                        "sale_order": SQL("id = %s", so.id),
                        "sale_order_line": SQL("order_id = %s", so.id),
                        "stock_picking": SQL("id = %s", pickings.id),
                        "stock_move": SQL("id = %s", pickings.move_ids.id),
                        "stock_move_line": SQL("move_id = %s", pickings.move_ids.id),
                        "stock_reference": SQL(
                            "id IN (SELECT reference_id FROM stock_reference_sale_rel"
                            " WHERE sale_id = %s)",
                            so.id,
                        ),
                        "inventory_move": SQL("id = %s", inv_move.id),
                        "inventory_move_line": SQL("move_id = %s", inv_move.id),
                    }
                    for key, cond in where.items():
                        table = {
                            "inventory_move": "stock_move",
                            "inventory_move_line": "stock_move_line",
                        }.get(key, key)
                        self.cr.execute(
                            SQL(
                                "SELECT * FROM %s WHERE %s", SQL.identifier(table), cond
                            )
                        )
                        cols = [d[0] for d in self.cr.description]
                        rows = self.cr.fetchall()
                        if len(rows) != 1:
                            raise GenerationError(
                                f"reference {key}: expected one row, got {len(rows)}"
                            )
                        captured[key] = dict(zip(cols, rows[0], strict=True))
                    captured["customer_location_id"] = pickings.location_dest_id.id
                    captured["inventory_location_id"] = inv_move.location_id.id
                    raise _Rollback()
            except _Rollback:
                pass
            self.templates[wh_id] = captured
        env.invalidate_all()
        missing = [
            wh.code
            for wh in {o["wh"] for o in self.orders if o["state"] == "sale"}
            if wh.id not in self.templates
        ]
        if missing:
            raise GenerationError(
                f"no reference order could be built for warehouses {missing}"
            )
        info.update(warehouses=len(self.templates), tables=len(tables) + 2)

    # ------------------------------------------------------------------
    # bulk SQL: orders, lines, deliveries
    # ------------------------------------------------------------------
    HISTORY_TABLES = ("sale_order", "sale_order_line", "stock_reference",
                      "stock_picking", "stock_move", "stock_move_line")  # fmt: skip

    def insert_history(self, info):
        orders = self.orders
        confirmed = [o for o in orders if o["state"] == "sale"]
        n_moves = sum(len(o["lines"]) for o in confirmed)
        sizes = dict(zip(self.HISTORY_TABLES, (
            len(orders), sum(len(o["lines"]) for o in orders), len(confirmed),
            len(confirmed), n_moves, n_moves,
        ), strict=True))  # fmt: skip
        # ids are reserved up front (nextval) so that rows can reference each other
        reserved = {table: self.new_ids(table, n) for table, n in sizes.items()}
        self._ids = {table: iter(ids) for table, ids in reserved.items()}
        self._rows = defaultdict(list)
        self.delivered = defaultdict(float)  # (product, warehouse, quarter) -> qty
        self.customer_qty = defaultdict(float)  # (product, customer location) -> qty
        self.unhandled = {}
        self._layouts, self._columns = {}, {}
        self._picking_seq = Counter()
        for number, order in enumerate(orders, start=1):
            self._history_order_rows(order, f"{self.prefix}{number:06d}")

        rows = self._rows
        for table in self.HISTORY_TABLES:
            ids = reserved[table]
            if len(ids) != len(rows[table]):
                raise GenerationError(
                    f"{table}: {len(ids)} ids for {len(rows[table])} rows"
                )
        inserts = [
            ("sale_order", None),
            ("sale_order_line", None),
            (
                "account_tax_sale_order_line_rel",
                ["sale_order_line_id", "account_tax_id"],
            ),
            ("stock_reference", None),
            ("stock_reference_sale_rel", ["sale_id", "reference_id"]),
            ("stock_picking", None),
            ("stock_move", None),
            ("stock_move_line", None),
            ("stock_reference_move_rel", ["move_id", "reference_id"]),
        ]
        for table, columns in inserts:
            if not rows[table]:
                continue
            if columns is None:  # a model's table: ids reserved above, columns per site
                columns = ["id", *self.row_columns(table)]
                data = [
                    (i, *row)
                    for i, row in zip(reserved[table], rows[table], strict=True)
                ]
            else:
                data = rows[table]
            self.bulk_insert(table, columns, data)
        if self.unhandled:
            taken = "; ".join(
                f"{t}: {', '.join(sorted(c))}"
                for t, c in sorted(self.unhandled.items())
            )
            print(f"  columns taken from the reference records: {taken}", flush=True)
        self.counts.update(
            sale_orders=len(rows["sale_order"]),
            sale_order_lines=len(rows["sale_order_line"]),
            pickings=len(rows["stock_picking"]),
            stock_moves=len(rows["stock_move"]),
        )
        info.update(
            sale_order=len(rows["sale_order"]),
            sale_order_line=len(rows["sale_order_line"]),
            tax_rel=len(rows["account_tax_sale_order_line_rel"]),
            stock_picking=len(rows["stock_picking"]),
            stock_move=len(rows["stock_move"]),
            stock_move_line=len(rows["stock_move_line"]),
            stock_reference=len(rows["stock_reference"]),
        )

    def _order_amounts(self, order):
        """Per line (index, qty, price, discount, taxes, subtotal, total, margin) and the
        order's untaxed, tax and margin totals, computed as account.tax does for simple
        price-excluded percentages, in the company's rounding method."""
        rnd, rounding = self.float_round, self.rounding
        per_line = self.rounding_method == "round_per_line"
        untaxed = tax = margin_total = raw_untaxed = 0.0
        raw_tax_by_tax = defaultdict(float)
        lines = []
        for idx, qty, price_unit, discount in order["lines"]:
            product = self.products[idx]
            tax_ids, percents = self.taxes_for(product, order["cust"]["fpos"])
            raw_base = qty * (price_unit * (1 - (discount / 100.0)))
            if per_line:
                raw_base = rnd(raw_base, precision_rounding=rounding)
            subtotal = rnd(raw_base, precision_rounding=rounding)
            taxes = 0.0
            for tax_id, pct in percents:
                raw_tax = raw_base * pct / 100.0
                if per_line:
                    raw_tax = rnd(raw_tax, precision_rounding=rounding)
                raw_tax_by_tax[tax_id] += raw_tax
                taxes += rnd(raw_tax, precision_rounding=rounding)
            raw_untaxed += raw_base
            untaxed += subtotal
            tax += rnd(taxes, precision_rounding=rounding)
            margin = subtotal - product["cost"] * qty
            margin_total += margin
            lines.append((idx, qty, price_unit, discount, tax_ids, subtotal,
                          subtotal + taxes, margin))  # fmt: skip
        if not per_line:  # round_globally: rounded sums of the raw amounts
            untaxed = raw_untaxed
            tax = sum(
                rnd(v, precision_rounding=rounding) for v in raw_tax_by_tax.values()
            )
        untaxed = rnd(untaxed, precision_rounding=rounding)
        tax = rnd(tax, precision_rounding=rounding)
        return lines, untaxed, tax, margin_total

    def _history_order_rows(self, order, name):
        rows, ids = self._rows, self._ids
        order_id = next(ids["sale_order"])
        order.update(id=order_id, name=name)
        wh = order["wh"]
        tpl = self.templates.get(wh.id) or next(iter(self.templates.values()))
        sale = order["state"] == "sale"
        if sale and tpl["stock_move"]["location_id"] != wh.lot_stock_id.id:
            raise GenerationError(
                f"deliveries of {wh.code} do not leave from its stock"
            )
        lines, untaxed, tax, margin = self._order_amounts(order)
        rows["sale_order"].append(self._row(
            tpl["sale_order"], self._order_values(order, tpl, untaxed, tax, margin),
            "sale_order",
        ))  # fmt: skip
        delivery = None
        if sale:
            self._picking_seq[wh.id] += 1
            delivery = dict(
                picking_id=next(ids["stock_picking"]),
                reference_id=next(ids["stock_reference"]),
                name=f"{wh.code}/OUT/{self.prefix}{self._picking_seq[wh.id]:06d}",
                weight=0.0,
            )
            rows["stock_reference"].append(self._row(tpl["stock_reference"], dict(
                name=name, create_uid=self.env.uid, write_uid=self.env.uid,
                create_date=order["date_order"], write_date=order["date_order"],
            ), "stock_reference"))  # fmt: skip
            rows["stock_reference_sale_rel"].append(
                (order_id, delivery["reference_id"])
            )
        for seq, line in enumerate(lines, start=1):
            line_id = next(ids["sale_order_line"])
            rows["sale_order_line"].append(self._row(
                tpl["sale_order_line"], self._line_values(order, line, seq),
                "sale_order_line",
            ))  # fmt: skip
            rows["account_tax_sale_order_line_rel"].extend(
                (line_id, tax_id) for tax_id in line[4]
            )
            if delivery:
                self._delivery_move_rows(order, tpl, delivery, line, line_id)
        if delivery:
            rows["stock_picking"].append(self._row(
                tpl["stock_picking"], self._picking_values(order, tpl, delivery),
                "stock_picking",
            ))  # fmt: skip

    def _order_values(self, order, tpl, untaxed, tax, margin):
        cust, state = order["cust"], order["state"]
        sale = state == "sale"
        create_dt = order["quote_dt"]
        write_dt = order.get("done_dt") or order.get("cancel_dt") or create_dt
        validity_days = self.company.quotation_validity_days or 0
        validity = None
        if validity_days:
            validity = (create_dt + UTC_OFFSET).date() + dt.timedelta(
                days=validity_days
            )
        rnd, rounding = self.float_round, self.rounding
        # delivery's estimate, summed line by line as _get_estimated_weight does
        shipping_weight = 0.0
        for idx, qty, _price, _disc in order["lines"]:
            if qty > 0:
                shipping_weight += qty * self.products[idx]["weight"]
        return dict(
            company_id=self.company.id,
            shipping_weight=shipping_weight,
            partner_id=cust["id"],
            partner_invoice_id=cust["invoice_id"],
            partner_shipping_id=cust["shipping_id"],
            fiscal_position_id=cust["fpos"].id or None,
            payment_term_id=cust["payment_term_id"],
            preferred_payment_method_line_id=cust["pay_method_id"],
            pricelist_id=cust["pricelist_id"],
            currency_id=self.currency.id,
            user_id=cust["user_id"],
            team_id=cust["team_id"],
            create_uid=cust["user_id"],
            write_uid=cust["user_id"],
            name=order["name"],
            state=state,
            invoice_status="to invoice" if sale else "no",
            validity_date=validity,
            currency_rate=1.0,
            amount_untaxed=untaxed,
            amount_tax=tax,
            amount_total=rnd(untaxed + tax, precision_rounding=rounding),
            locked=bool(tpl["sale_order"].get("locked")) if sale else False,
            create_date=create_dt,
            date_order=order["date_order"],
            write_date=write_dt,
            warehouse_id=order["wh"].id,
            delivery_status="full" if sale else None,
            effective_date=order["done_dt"] if sale else None,
            margin=rnd(margin, precision_rounding=rounding),
            margin_percent=(margin / untaxed) if untaxed else 0.0,
            client_order_ref=None,
            origin=None,
            reference=None,
            commitment_date=None,
            # appliance_sales' milestones: delivered history without tracking
            # events counts as shipped (what the compute gives)
            appliance_milestone="shipped" if sale else None,
            appliance_milestone_date=None,
            appliance_partially_shipped=False,
            appliance_import_key=None,
            signed_by=None,
            signed_on=None,
            access_token=None,
            opportunity_id=None,
            campaign_id=None,
            source_id=None,
            medium_id=None,
            pending_email_template_id=None,
        )

    def _line_values(self, order, line, seq):
        idx, qty, price_unit, discount, _taxes, subtotal, total, margin = line
        cust, state = order["cust"], order["state"]
        product = self.products[idx]
        sale = state == "sale"
        delivered = qty if sale else 0.0
        by_delivery = product["invoice_policy"] == "delivery"
        to_invoice = (delivered if by_delivery else qty) if sale else 0.0
        reduced_unit = price_unit * (1 - (discount or 0.0) / 100.0)
        return dict(
            order_id=order["id"],
            sequence=seq * 10,
            company_id=self.company.id,
            currency_id=self.currency.id,
            order_partner_id=cust["id"],
            salesman_id=cust["user_id"],
            product_id=product["id"],
            product_uom_id=product["uom_id"],
            create_uid=cust["user_id"],
            write_uid=cust["user_id"],
            state=state,
            display_type=None,
            qty_delivered_method="stock_move",
            invoice_status="to invoice" if sale and to_invoice else "no",
            name=self.line_names[(product["id"], cust["lang"])],
            product_uom_qty=qty,
            price_unit=price_unit,
            discount=discount,
            price_subtotal=subtotal,
            price_total=total,
            price_reduce_taxexcl=subtotal / qty if qty else 0.0,
            price_reduce_taxinc=total / qty if qty else 0.0,
            qty_delivered=delivered,
            qty_invoiced=0.0,
            qty_to_invoice=to_invoice,
            untaxed_amount_invoiced=0.0,
            untaxed_amount_to_invoice=reduced_unit * to_invoice if sale else 0.0,
            is_downpayment=False,
            is_expense=False,
            collapse_prices=False,
            collapse_composition=False,
            create_date=order["quote_dt"],
            write_date=order.get("done_dt")
            or order.get("cancel_dt")
            or order["quote_dt"],
            technical_price_unit=price_unit,
            price_tax=total - subtotal,
            customer_lead=product["lead"],
            is_optional=False,
            warehouse_id=order["wh"].id,
            margin=margin,
            purchase_price=product["cost"],
            margin_percent=(margin / subtotal) if subtotal else 0.0,
            linked_line_id=None,
            combo_item_id=None,
            virtual_id=None,
            linked_virtual_id=None,
            analytic_distribution=None,
            extra_tax_data=None,
        )

    def _delivery_move_rows(self, order, tpl, delivery, line, line_id):
        idx, qty = line[0], line[1]
        product = self.products[idx]
        uid = self.env.uid
        move_id = next(self._ids["stock_move"])
        done, confirmed = order["done_dt"], order["date_order"]
        move_tpl = tpl["stock_move"]
        src, dest = move_tpl["location_id"], move_tpl["location_dest_id"]
        delivery["weight"] += product["weight"] * qty
        self._rows["stock_move"].append(self._row(move_tpl, dict(
            sequence=10, company_id=self.company.id, product_id=product["id"],
            product_uom=product["uom_id"], location_id=src, location_dest_id=dest,
            location_final_id=move_tpl["location_final_id"],
            partner_id=order["cust"]["shipping_id"], picking_id=delivery["picking_id"],
            rule_id=move_tpl["rule_id"], picking_type_id=move_tpl["picking_type_id"],
            warehouse_id=move_tpl["warehouse_id"], packaging_uom_id=product["uom_id"],
            create_uid=uid, write_uid=uid, priority="0", state="done", origin=order["name"],
            procure_method=move_tpl["procure_method"], reference=delivery["name"],
            reservation_date=(confirmed + UTC_OFFSET).date(), product_qty=qty,
            product_uom_qty=qty, quantity=qty, picked=True, date=done,
            date_deadline=confirmed + dt.timedelta(days=product["lead"]),
            create_date=confirmed, write_date=done, packaging_uom_qty=qty,
            value=self.float_round(qty * product["cost"], precision_rounding=self.rounding),
            to_refund=True, is_in=False, is_out=True, is_dropship=False,
            sale_line_id=line_id, delay_alert_date=None, price_unit=None,
            account_move_id=None, purchase_line_id=None, is_inventory=None,
            inventory_name=None, description_picking_manual=None,
            weight=qty * product["weight"] if product["weight"] > 0 else 0.0,
        ), "stock_move"))  # fmt: skip
        self._rows["stock_move_line"].append(self._row(tpl["stock_move_line"], dict(
            picking_id=delivery["picking_id"], move_id=move_id,
            company_id=self.company.id, product_id=product["id"],
            product_uom_id=product["uom_id"], location_id=src, location_dest_id=dest,
            create_uid=uid, write_uid=uid, state="done", quantity=qty,
            quantity_product_uom=qty, picked=True, date=done, create_date=confirmed,
            write_date=done,
        ), "stock_move_line"))  # fmt: skip
        self._rows["stock_reference_move_rel"].append(
            (move_id, delivery["reference_id"])
        )
        if product["storable"]:
            quarter = dt.date(done.year, 3 * ((done.month - 1) // 3) + 1, 1)
            self.delivered[(product["id"], order["wh"].id, quarter)] += qty
            self.customer_qty[(product["id"], dest)] += qty

    def _picking_values(self, order, tpl, delivery):
        pick_tpl = tpl["stock_picking"]
        uid = self.env.uid
        # moves are planned at date_order + their line's lead time; the picking is
        # scheduled (and due) with its earliest move
        deadline = min(
            order["date_order"] + dt.timedelta(days=self.products[i]["lead"])
            for i, *_r in order["lines"]
        )
        return dict(
            location_id=pick_tpl["location_id"],
            location_dest_id=pick_tpl["location_dest_id"],
            picking_type_id=pick_tpl["picking_type_id"],
            partner_id=order["cust"]["shipping_id"],
            company_id=self.company.id,
            create_uid=uid,
            write_uid=uid,
            name=delivery["name"],
            origin=order["name"],
            move_type=pick_tpl["move_type"],
            state="done",
            priority="0",
            shipping_weight=round(delivery["weight"], 2),
            weight=round(delivery["weight"], 2),
            appliance_milestone="shipped",
            is_locked=True,
            scheduled_date=deadline,
            date_deadline=deadline,
            date_done=order["done_dt"],
            create_date=order["date_order"],
            write_date=order["done_dt"],
            sale_id=order["id"],
            backorder_id=None,
            return_id=None,
            user_id=None,
            owner_id=None,
            note=None,
            printed=False,
            has_deadline_issue=False,
        )

    def _row(self, template, values, site):
        """Row tuple for a table: ``values`` for the columns we compute, the reference
        record's value (``template``, a row of the same table) for every other column.
        The column order is fixed per call site (``site``, see ``row_columns``);
        ``values`` must always list the same keys in the same order."""
        key = (site, id(template))
        layout = self._layouts.get(key)
        if layout is None:
            cols = [c for c in template if c != "id"]
            present = [k for k in values if k in template and k != "id"]
            const = [c for c in cols if c not in values]
            tail = tuple(template[c] for c in const)
            for col, value in zip(const, tail, strict=True):
                if value is not None and value is not False:
                    self.unhandled.setdefault(site, set()).add(col)
            layout = (operator.itemgetter(*present), tail, len(values))
            self._layouts[key] = layout
            self._columns[site] = present + const
        getter, tail, size = layout
        if len(values) != size:
            raise GenerationError(f"{site}: inconsistent row values")
        return getter(values) + tail

    def row_columns(self, site):
        return self._columns[site]

    # ------------------------------------------------------------------
    # bulk SQL: replenishment adjustments and quants
    # ------------------------------------------------------------------
    def insert_stock(self, info):
        """Replenishment adjustments (per product, warehouse and quarter, bringing in what
        the quarter delivers), the bench's stock on hand, and quants equal to the sum of
        the done move lines."""
        monthly = defaultdict(float)
        for (pid, wh_id, _quarter), qty in self.delivered.items():
            monthly[(pid, wh_id)] += qty / self.months
        self.monthly_demand = monthly
        extra = self._target_stock(monthly) if self.args.scale == "bench" else {}
        quant_delta, in_dates = self._replenishment_rows(extra)
        stock_loc = {wh.id: wh.lot_stock_id.id for wh in self.warehouses}
        for (pid, wh_id, _quarter), qty in self.delivered.items():
            quant_delta[(pid, stock_loc[wh_id])] -= qty
        for (pid, loc), qty in self.customer_qty.items():
            quant_delta[(pid, loc)] += qty
            in_dates.setdefault((pid, loc), self.start_dt)
        created, updated = self._apply_quants(quant_delta, in_dates)
        self.counts.update(
            replenishment_moves=self._n_replenishments,
            quants_created=created,
            quants_updated=updated,
        )
        info.update(
            replenishment_moves=self._n_replenishments,
            quants_created=created,
            quants_updated=updated,
            on_hand_target_units=int(sum(extra.values())),
        )

    def _target_stock(self, monthly):
        """Bench stock on hand at the end, per (product, warehouse): a few sets, and for
        components a fraction of a month's demand (some out of stock)."""
        rng = random.Random(self.args.seed * 31 + 7)
        extra = {}
        for product in self.products:
            if not product["storable"]:
                continue
            for wh in self.warehouses:
                demand = monthly.get((product["id"], wh.id), 0.0)
                if product["kind"] == "set":
                    qty = rng.choice([0, 0, 0, 1, 1, 2, 3])
                elif rng.random() < 0.12:
                    qty = 0  # out of stock
                elif demand:
                    qty = math.ceil(demand * rng.uniform(0.2, 2.5))
                else:
                    qty = rng.choice([0, 0, 5, 10, 20])
                if qty:
                    extra[(product["id"], wh.id)] = float(qty)
        return extra

    def _replenishment_rows(self, extra):
        """Insert the inventory adjustments; return the quant deltas they cause."""
        any_tpl = next(iter(self.templates.values()))
        inv_tpl, inv_ml_tpl = any_tpl["inventory_move"], any_tpl["inventory_move_line"]
        inv_loc = any_tpl["inventory_location_id"]
        stock_loc = {wh.id: wh.lot_stock_id.id for wh in self.warehouses}
        first = self.start_dt - dt.timedelta(hours=23)  # 01:00 the day before
        adjustments = defaultdict(float)  # (product, warehouse, datetime) -> qty
        for (pid, wh_id, quarter), qty in self.delivered.items():
            when = dt.datetime.combine(quarter, dt.time(1)) - UTC_OFFSET
            adjustments[(pid, wh_id, max(when, first))] += qty
        for (pid, wh_id), qty in extra.items():
            adjustments[(pid, wh_id, first)] += qty
        keys = sorted(adjustments, key=lambda k: (k[2], k[0], k[1]))
        move_ids = self.new_ids("stock_move", len(keys))
        ml_ids = self.new_ids("stock_move_line", len(keys))
        products = {p["id"]: p for p in self.products}
        uid, company_id = self.env.uid, self.company.id
        move_rows, ml_rows = [], []
        quant_delta = defaultdict(float)  # (product, location) -> qty
        in_dates = {}
        for move_id, ml_id, key in zip(move_ids, ml_ids, keys, strict=True):
            pid, wh_id, when = key
            qty = adjustments[key]
            product = products[pid]
            dest = stock_loc[wh_id]
            value = self.float_round(
                qty * product["cost"], precision_rounding=self.rounding
            )
            move_rows.append((move_id, *self._row(inv_tpl, dict(
                sequence=10, company_id=company_id, product_id=pid,
                product_uom=product["uom_id"], location_id=inv_loc, location_dest_id=dest,
                location_final_id=None, partner_id=None, picking_id=None, rule_id=None,
                picking_type_id=None, warehouse_id=None, packaging_uom_id=product["uom_id"],
                create_uid=uid, write_uid=uid, priority="0", state="done", origin=None,
                reference=inv_tpl["reference"], reservation_date=None, product_qty=qty,
                product_uom_qty=qty, quantity=qty, picked=True, is_inventory=True,
                date=when, date_deadline=None, create_date=when, write_date=when,
                packaging_uom_qty=qty, value=value, to_refund=inv_tpl["to_refund"],
                is_in=True, is_out=False, is_dropship=False, sale_line_id=None,
                purchase_line_id=None, inventory_name=None, delay_alert_date=None,
                price_unit=None, account_move_id=None,
            ), "stock_move (inventory)")))  # fmt: skip
            ml_rows.append((ml_id, *self._row(inv_ml_tpl, dict(
                picking_id=None, move_id=move_id, company_id=company_id, product_id=pid,
                product_uom_id=product["uom_id"], location_id=inv_loc, location_dest_id=dest,
                create_uid=uid, write_uid=uid, state="done", quantity=qty,
                quantity_product_uom=qty, picked=True, date=when, create_date=when,
                write_date=when,
            ), "stock_move_line (inventory)")))  # fmt: skip
            quant_delta[(pid, dest)] += qty
            quant_delta[(pid, inv_loc)] -= qty
            for loc in (dest, inv_loc):
                in_dates[(pid, loc)] = min(in_dates.get((pid, loc), when), when)
        if move_rows:
            columns = self.row_columns
            self.bulk_insert(
                "stock_move", ["id", *columns("stock_move (inventory)")], move_rows
            )
            self.bulk_insert(
                "stock_move_line",
                ["id", *columns("stock_move_line (inventory)")],
                ml_rows,
            )
        self._n_replenishments = len(move_rows)
        return quant_delta, in_dates

    def _apply_quants(self, quant_delta, in_dates):
        """Add the deltas to the untracked quant of each (product, location), or create
        it; the ORM then computes the new quants' other stored fields."""
        keys = [k for k, v in quant_delta.items() if abs(v) > 1e-9]
        existing = {}
        pids = sorted({k[0] for k in keys})
        for start in range(0, len(pids), 5000):
            for qid, pid, loc in self.fetch(SQL(
                "SELECT DISTINCT ON (product_id, location_id) id, product_id, location_id"
                "  FROM stock_quant WHERE product_id IN %s AND lot_id IS NULL"
                "   AND package_id IS NULL AND owner_id IS NULL"
                " ORDER BY product_id, location_id, id",
                tuple(pids[start : start + 5000]),
            )):  # fmt: skip
                existing[(pid, loc)] = qid
        updates = [(existing[k], quant_delta[k]) for k in keys if k in existing]
        creates = [k for k in keys if k not in existing]
        for start in range(0, len(updates), CHUNK):
            self.execute(SQL(
                "UPDATE stock_quant q SET quantity = q.quantity + v.delta::numeric"
                "  FROM (VALUES %s) AS v(id, delta) WHERE q.id = v.id",
                SQL(", ").join(updates[start : start + CHUNK]),
            ))  # fmt: skip
        loc_company = dict(self.fetch(SQL(
            "SELECT id, company_id FROM stock_location WHERE id IN %s",
            tuple({k[1] for k in keys} or {0}),
        )))  # fmt: skip
        quant_ids = self.new_ids("stock_quant", len(creates))
        uid, now = self.env.uid, self.end_dt
        rows = [
            (qid, pid, loc_company.get(loc), loc, quant_delta[(pid, loc)], 0.0,
             in_dates[(pid, loc)], uid, uid, now, now)
            for qid, (pid, loc) in zip(quant_ids, creates, strict=True)
        ]  # fmt: skip
        columns = ["id", "product_id", "company_id", "location_id", "quantity",
                   "reserved_quantity", "in_date", "create_uid", "write_uid",
                   "create_date", "write_date"]  # fmt: skip
        if rows:
            self.bulk_insert("stock_quant", columns, rows)
        quants = self.env["stock.quant"].browse(quant_ids)
        self.env.invalidate_all()
        for field in quants._fields.values():
            if field.store and field.compute:
                self.env.add_to_compute(field, quants)
        quants.flush_recordset()
        return len(rows), len(updates)

    # ------------------------------------------------------------------
    # ORM: open orders, purchases, reorder rules
    # ------------------------------------------------------------------
    def _weighted_customers(self, rng, count):
        weights = [c["profile"]["spend"] for c in self.customers]
        return rng.choices(self.customers, weights=weights, k=count)

    def create_open_orders(self, info):
        rng = random.Random(self.args.seed * 131 + 3)
        env = self.env(context=dict(self.env.context, **self.ctx))
        count = self.scale["open_confirmed"]
        end_dt = dt.datetime.combine(self.end_date, dt.time()) - UTC_OFFSET
        plans = []
        for cust in self._weighted_customers(rng, count):
            day = self.end_date - dt.timedelta(days=rng.randint(1, 21))
            while day.weekday() >= 5:
                day -= dt.timedelta(days=1)
            plans.append(
                (
                    min(business_time(rng, day), end_dt - dt.timedelta(hours=1)),
                    cust,
                    self._order_lines(rng, cust),
                )
            )
        plans.sort(key=lambda p: (p[0], p[1]["id"]))
        vals_list = []
        for date_order, cust, lines in plans:
            vals_list.append(
                {
                    "partner_id": cust["id"],
                    "user_id": cust["user_id"],
                    "warehouse_id": cust["wh"].id,
                    "company_id": self.company.id,
                    "date_order": date_order,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.products[i]["id"],
                                "product_uom_qty": qty,
                                "price_unit": price,
                                "discount": disc,
                            },
                        )
                        for i, qty, price, disc in lines
                    ],
                }
            )
        Order = env["sale.order"]
        orders = Order.browse()
        # Orders of the past: no confirmation e-mail (and no PDF rendered for it).
        # With Odoo's asynchronous order e-mails the mail waits on the order for
        # a cron; the generator drops it before anything sends it.
        ICP = env["ir.config_parameter"]
        async_emails = ICP.get_param("sale.async_emails")
        ICP.set_param("sale.async_emails", "True")
        for start in range(0, len(vals_list), 100):
            batch = Order.create(vals_list[start : start + 100])
            batch.action_confirm()
            orders |= batch
        orders.pending_email_template_id = False
        ICP.set_param("sale.async_emails", async_emails or False)
        # confirmation stamps the current time: put the planned dates back
        for order, (date_order, _cust, _lines) in zip(orders, plans, strict=True):
            order.date_order = date_order
        # a share is partly delivered already (the rest waits in a backorder)
        partial = 0
        for order in orders:
            if rng.random() >= 0.15:
                continue
            picking = order.picking_ids.filtered(lambda p: p.state == "assigned")[:1]
            if not picking:
                continue
            for move in picking.move_ids:
                half = math.floor(move.product_uom_qty / 2)
                move.quantity = min(move.quantity, half)
                move.picked = bool(move.quantity)
            if any(m.quantity for m in picking.move_ids):
                picking.with_context(cancel_backorder=False)._action_done()
                partial += 1
        env.flush_all()
        self.counts.update(open_orders=len(orders))
        info.update(
            open_orders=len(orders),
            lines=len(orders.order_line),
            partly_delivered=partial,
            pickings=len(orders.picking_ids),
        )

    def create_purchases(self, info):
        rng = random.Random(self.args.seed * 17 + 5)
        env = self.env(context=dict(self.env.context, **self.ctx))
        by_vendor = self._products_by_vendor(env)
        if not by_vendor:
            info.update(purchase_orders=0)
            return
        plans = self._plan_purchases(rng, by_vendor, self.scale["purchase_orders"])
        PO = env["purchase.order"]
        purchases = PO.browse()
        for start in range(0, len(plans), 100):
            purchases |= PO.create([
                {
                    "partner_id": vendor,
                    "company_id": self.company.id,
                    "date_order": date_order,
                    "order_line": [
                        (0, 0, {"product_id": product["id"], "product_qty": qty,
                                "price_unit": round(product["cost"] * 0.97, 2)})
                        for product, qty in lines
                    ],
                }
                for date_order, vendor, lines in plans[start : start + 100]
            ])  # fmt: skip
        # the older purchases are confirmed (and mostly received), recent ones still RFQs
        dates = [date_order for date_order, _v, _l in plans]
        to_confirm = PO.browse()
        for po, date_order in zip(purchases, dates, strict=True):
            if (self.end_dt - date_order).days > 10 or rng.random() < 0.4:
                to_confirm |= po
        to_confirm.button_confirm()
        states = Counter()
        for po, date_order in zip(purchases, dates, strict=True):
            states[self._settle_purchase(rng, po, date_order)] += 1
        env.flush_all()
        self.counts.update(purchase_orders=len(purchases))
        info.update(
            purchase_orders=len(purchases),
            lines=len(purchases.order_line),
            **{f"po_{k}": v for k, v in sorted(states.items())},
        )

    def _products_by_vendor(self, env):
        """Product indexes per vendor (the first vendor price of each product)."""
        by_vendor = defaultdict(list)
        for product in env["product.product"].browse([p["id"] for p in self.products]):
            seller = product.seller_ids.filtered(
                lambda s: s.company_id in (self.company, env["res.company"])
            )[:1]
            if seller:
                by_vendor[seller.partner_id.id].append(self.product_index[product.id])
        if not by_vendor:
            # no vendor prices at all: buy from the partners flagged as suppliers
            vendors = env["res.partner"].search(
                [("supplier_rank", ">", 0)], order="id", limit=5
            )
            for idx in range(len(self.products) if vendors else 0):
                by_vendor[vendors[idx % len(vendors)].id].append(idx)
        return by_vendor

    def _plan_purchases(self, rng, by_vendor, count):
        """(date, vendor, [(product, qty)]) of each purchase, in the last 90 days."""
        vendor_ids = sorted(by_vendor)
        weights = [len(by_vendor[v]) ** 0.5 for v in vendor_ids]
        plans = []
        for _i in range(count):
            vendor = rng.choices(vendor_ids, weights=weights)[0]
            pool = by_vendor[vendor]
            lines = []
            for idx in rng.sample(pool, min(len(pool), rng.randint(1, 8))):
                product = self.products[idx]
                demand = sum(
                    self.monthly_demand.get((product["id"], wh.id), 0.0)
                    for wh in self.warehouses
                )
                if demand:
                    qty = max(1, math.ceil(demand * rng.uniform(0.5, 2.0)))
                else:
                    qty = rng.choice([1, 2, 5, 10, 20])
                lines.append((product, float(qty)))
            day = self.end_date - dt.timedelta(days=rng.randint(1, 90))
            when = min(business_time(rng, day), self.end_dt - dt.timedelta(hours=1))
            plans.append((when, vendor, lines))
        plans.sort(key=lambda p: (p[0], p[1]))
        return plans

    def _settle_purchase(self, rng, po, date_order):
        """Put the planned dates back (confirmation stamps now); receive most purchases
        older than 20 days. Returns the purchase's state for the counts."""
        if po.state != "purchase":
            if rng.random() < 0.4:
                po.write({"state": "sent"})
            po.date_order = date_order
            return po.state
        po.write({"date_order": date_order, "date_approve": date_order})
        if (self.end_dt - date_order).days > 20 and rng.random() < 0.8:
            for picking in po.picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            ):
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                    move.picked = True
                picking._action_done()
            return "received"
        return "waiting"

    def create_orderpoints(self, info):
        env = self.env(context=dict(self.env.context, **self.ctx))
        Orderpoint = env["stock.warehouse.orderpoint"].with_context(active_test=False)
        existing = {
            (op.product_id.id, op.location_id.id)
            for op in Orderpoint.search([("company_id", "=", self.company.id)])
        }
        products = {p["id"]: p for p in self.products}
        vals_list = []
        min_months = self.scale["orderpoints_min_months"]
        for (pid, wh_id), demand in sorted(self.monthly_demand.items()):
            product = products[pid]
            if product["kind"] != "component" or not product["storable"] or demand < 1:
                continue
            wh = self.warehouses.browse(wh_id)
            if (pid, wh.lot_stock_id.id) in existing:
                continue
            low = math.ceil(demand * min_months)
            vals_list.append(
                {
                    "product_id": pid,
                    "warehouse_id": wh_id,
                    "location_id": wh.lot_stock_id.id,
                    "company_id": self.company.id,
                    "product_min_qty": low,
                    "product_max_qty": low + math.ceil(demand * 1.5),
                    "trigger": "auto",
                }
            )
        for start in range(0, len(vals_list), 1000):
            Orderpoint.create(vals_list[start : start + 1000])
            env.flush_all()
        self.counts.update(orderpoints=len(vals_list))
        info.update(orderpoints=len(vals_list))

    # ------------------------------------------------------------------
    # verification
    # ------------------------------------------------------------------
    def verify(self, info):
        problems = []
        rng = random.Random(self.args.seed + 99)
        env = self.env
        orders = list(self.orders)
        n = self.args.verify_sample
        sample = (
            sorted(rng.sample(orders, min(n, len(orders))), key=lambda o: o["id"])
            if n
            else []
        )
        if self.args.verify_all:
            sample = orders
        # 1. stored computed fields recomputed by the ORM equal what was inserted
        if sample:
            problems += self._verify_recompute([o["id"] for o in sample])
        # 2. amounts: _compute_amounts on the sample (or everything) gives the stored amounts
        checked = 0
        for start in range(0, len(sample), 500):
            recs = env["sale.order"].browse(
                [o["id"] for o in sample[start : start + 500]]
            )
            stored = {
                r.id: (r.amount_untaxed, r.amount_tax, r.amount_total) for r in recs
            }
            recs._compute_amounts()
            for r in recs:
                if any(
                    abs(a - b) > 0.001
                    for a, b in zip(
                        stored[r.id],
                        (r.amount_untaxed, r.amount_tax, r.amount_total),
                        strict=True,
                    )
                ):
                    problems.append(
                        f"{r.name}: stored amounts {stored[r.id]} != ORM "
                        f"{(r.amount_untaxed, r.amount_tax, r.amount_total)}"
                    )
                checked += 1
            env.invalidate_all()
        # 3. read every field of a confirmed order, its lines and delivery; invoice it in a savepoint
        confirmed = [o for o in sample if o["state"] == "sale"] or [
            o for o in orders if o["state"] == "sale"
        ][:1]
        if confirmed:
            order = env["sale.order"].browse(confirmed[0]["id"])
            order.read(list(order._fields))
            order.order_line.read(list(order.order_line._fields))
            order.picking_ids.read(list(order.picking_ids._fields))
            order.picking_ids.move_ids.read(list(order.picking_ids.move_ids._fields))
            try:
                with self.cr.savepoint():
                    try:
                        invoice = order._create_invoices()
                    except UserError as exc:
                        problems.append(f"{order.name}: cannot be invoiced: {exc}")
                        raise _Rollback() from exc
                    invoice.action_post()
                    if abs(invoice.amount_total - order.amount_total) > 0.01:
                        problems.append(
                            f"{order.name}: invoice total {invoice.amount_total} != {order.amount_total}"
                        )
                    order.invalidate_recordset()
                    if order.invoice_status != "invoiced":
                        problems.append(
                            f"{order.name}: invoice status {order.invoice_status} after invoicing"
                        )
                    raise _Rollback()
            except _Rollback:
                pass
            env.invalidate_all()
        # 4. sale.report and sale.order.line read groups equal raw SQL sums
        problems += self._verify_reports()
        # 5. quants equal the done move lines of the generated products
        pids = tuple(p["id"] for p in self.products)
        bad = self.fetch(
            SQL(
                """
            WITH ml AS (
                SELECT product_id, location_dest_id AS loc, quantity_product_uom AS qty FROM stock_move_line
                 WHERE state = 'done' AND product_id IN %(p)s
                UNION ALL
                SELECT product_id, location_id, -quantity_product_uom FROM stock_move_line
                 WHERE state = 'done' AND product_id IN %(p)s
            ), moves AS (SELECT product_id, loc, SUM(qty) AS qty FROM ml GROUP BY 1, 2),
            quants AS (SELECT product_id, location_id AS loc, SUM(quantity) AS qty FROM stock_quant
                        WHERE product_id IN %(p)s GROUP BY 1, 2)
            SELECT COALESCE(m.product_id, q.product_id), COALESCE(m.loc, q.loc), m.qty, q.qty
              FROM moves m FULL JOIN quants q ON q.product_id = m.product_id AND q.loc = m.loc
             WHERE ABS(COALESCE(m.qty, 0) - COALESCE(q.qty, 0)) > 0.0001
        """,
                p=pids,
            )
        )
        if bad:
            problems.append(
                f"{len(bad)} (product, location) quants differ from their done move lines, e.g. {bad[:3]}"
            )
        for problem in problems[:30]:
            print(f"  VERIFY: {problem}", flush=True)
        info.update(
            recomputed_orders=len(sample),
            amounts_checked=checked,
            problems=len(problems),
        )
        if problems:
            raise GenerationError(
                f"verification found {len(problems)} problem(s); nothing was committed"
            )

    def _verify_recompute(self, order_ids):
        """Recompute every stored computed field of the sample through the ORM and compare."""
        env = self.env
        problems = []
        # Not compared: the negotiated price and discount (editable computed fields: recomputing
        # them resets the list price, which is what a user's edit overrides), the quotation's
        # validity date (computed from the creation day: the ORM would use today) and the
        # warehouse (the ORM defaults it from the salesperson for new quotations; the history
        # ships from the warehouse of the customer's region when salespeople have no default).
        skip = {
            "sale.order": {"validity_date", "warehouse_id"},
            "sale.order.line": {"price_unit", "discount", "warehouse_id"},
        }
        lines = env["sale.order.line"].search([("order_id", "in", order_ids)])
        pickings = env["stock.picking"].search([("sale_id", "in", order_ids)])
        moves = env["stock.move"].search([("picking_id", "in", pickings.ids)])
        mls = env["stock.move.line"].search([("move_id", "in", moves.ids)])
        groups = [(env["sale.order"].browse(order_ids)), lines, pickings, moves, mls]

        def snapshot():
            data = {}
            for recs in groups:
                fnames = [
                    f
                    for f, field in recs._fields.items()
                    if field.store
                    and field.compute
                    and field.column_type
                    and f not in skip.get(recs._name, ())
                ]
                env.flush_all()
                self.cr.execute(
                    SQL(
                        "SELECT id, %s FROM %s WHERE id IN %s",
                        SQL(", ").join(SQL.identifier(f) for f in fnames),
                        SQL.identifier(recs._table),
                        tuple(recs.ids) or (0,),
                    )
                )
                for row in self.cr.fetchall():
                    for fname, value in zip(fnames, row[1:], strict=True):
                        data[(recs._name, row[0], fname)] = value
            return data

        before = snapshot()
        try:
            with self.cr.savepoint():
                env.invalidate_all()
                for recs in groups:
                    recs = recs.browse(recs.ids)
                    for fname, field in recs._fields.items():
                        if (
                            field.store
                            and field.compute
                            and fname not in skip.get(recs._name, ())
                        ):
                            env.add_to_compute(field, recs)
                env.flush_all()
                after = snapshot()
                raise _Rollback()
        except _Rollback:
            pass
        env.invalidate_all()
        diffs = Counter()
        examples = {}
        for key, value in before.items():
            other = after.get(key)
            if (
                isinstance(value, (int, float))
                and isinstance(other, (int, float))
                and not isinstance(value, bool)
            ):
                same = abs(float(value) - float(other)) <= 1e-6 * max(
                    1.0, abs(float(value))
                )
            else:
                same = value == other or (not value and not other)
            if not same:
                diffs[(key[0], key[2])] += 1
                examples.setdefault((key[0], key[2]), (key[1], value, other))
        for (model, fname), count in sorted(diffs.items()):
            rec_id, value, other = examples[(model, fname)]
            problems.append(
                f"{model}.{fname}: {count} record(s) differ after ORM recompute, "
                f"e.g. id {rec_id}: stored {value!r}, ORM {other!r}"
            )
        return problems

    def _verify_reports(self):
        env = self.env
        problems = []
        start = dt.datetime.combine(self.start_date, dt.time()) - UTC_OFFSET
        report = env["sale.report"]._read_group(
            [("state", "=", "sale"), ("date", ">=", start)],
            ["date:month", "categ_id"],
            ["price_subtotal:sum", "product_uom_qty:sum", "__count"],
        )
        orm = {
            (month.strftime("%Y-%m"), categ.id): (subtotal, qty)
            for month, categ, subtotal, qty, _c in report
        }
        rows = self.fetch(
            SQL(
                """
            SELECT to_char(date_trunc('month', so.date_order), 'YYYY-MM'), pt.categ_id,
                   SUM(sol.price_subtotal), SUM(sol.product_uom_qty)
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE so.state = 'sale' AND so.date_order >= %s AND sol.display_type IS NULL
             GROUP BY 1, 2""",
                start,
            )
        )
        raw = {(m, c): (float(s), float(q)) for m, c, s, q in rows}
        if set(orm) != set(raw):
            problems.append(
                f"sale.report groups differ from SQL: {sorted(set(orm) ^ set(raw))[:5]}"
            )
        for key in set(orm) & set(raw):
            if (
                abs(orm[key][0] - raw[key][0]) > 0.05
                or abs(orm[key][1] - raw[key][1]) > 1e-6
            ):
                problems.append(f"sale.report {key}: ORM {orm[key]} != SQL {raw[key]}")
        # pivot-like read group on the lines themselves (by product category, confirmed orders)
        lines = env["sale.order.line"]._read_group(
            [("state", "=", "sale"), ("order_id.date_order", ">=", start)],
            ["product_id.categ_id"],
            ["price_subtotal:sum", "margin:sum"],
        )
        query = SQL(
            """
            SELECT pt.categ_id, SUM(sol.price_subtotal) FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE sol.state = 'sale' AND so.date_order >= %s GROUP BY 1""",
            start,
        )
        raw_lines = {categ: float(total) for categ, total in self.fetch(query)}
        for categ, subtotal, _margin in lines:
            if abs(subtotal - raw_lines.get(categ.id, 0.0)) > 0.05:
                problems.append(
                    f"sale.order.line by category {categ.display_name}: ORM {subtotal} != "
                    f"SQL {raw_lines.get(categ.id)}"
                )
        self.report_months = len({k[0] for k in orm})
        return problems


OPTIONS = {
    "mccb": [("", ""), ("F", "带分励脱扣"), ("FZ", "分励+辅助触头"), ("P", "电动操作")],
    "mcb": [("", ""), ("L", "带漏电保护")],
    "acb": [("", ""), ("M", "M型智能控制器"), ("H", "H型通讯控制器")],
    "vcb": [("", ""), ("E", "DC220V操作"), ("A", "AC220V操作")],
    "contactor": [("", ""), ("F", "带辅助触头F4-22")],
    "ct": [("", ""), ("W", "户外型")],
    "meter": [("", ""), ("R", "RS485通讯"), ("G", "4G通讯")],
    "isolator": [("", ""), ("K", "带操作手柄")],
    "ats": [("", ""), ("C", "带控制器")],
    "thermal_relay": [("", ""), ("K", "带底座")],
    "fuse": [("", ""), ("B", "带底座")],
    "capacitor": [("", ""), ("P", "带电抗")],
    "protection": [("", ""), ("T", "带通讯")],
    "spd": [("", ""), ("R", "带遥信")],
    "cable_acc": [("", ""), ("J", "中间接头")],
    "load_switch": [("", ""), ("Z", "带接地开关")],
    "transformer": [("", ""), ("F", "带温控风机")],
    "var_controller": [("", ""), ("R", "RS485通讯")],
    "indicator": [("", ""), ("H", "带核相")],
    "arrester": [("", ""), ("J", "带计数器")],
}


def main(argv=None):
    args, odoo_args = parse_args(sys.argv[1:] if argv is None else argv)
    if not any(a.startswith("--log-level") for a in odoo_args):
        odoo_args.append("--log-level=warn")
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database] + odoo_args)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, SUPERUSER_ID, {})
        missing = [
            m
            for m in (
                "appliance_sales",
                "appliance_stock",
                "appliance_crm",
                "appliance_reports",
            )
            if not env["ir.module.module"].search_count(
                [("name", "=", m), ("state", "=", "installed")]
            )
        ]
        if missing:
            print(
                f"error: install the addons first (missing: {', '.join(missing)})",
                file=sys.stderr,
            )
            return 2
        try:
            generated = Generator(env, args).run()
        except GenerationError as exc:
            cr.rollback()
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if args.no_commit:
            cr.rollback()
            print("--no-commit: rolled back")
        elif generated:
            cr.commit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
