"""Idempotent preparation of a benchmark database for the load tests, over
JSON-RPC as the administrator (so it works on a server given by ``--url`` too):

* passwords of the bench salespeople (``bench.<name>``, password = login);
* approvers ``load.approver.N`` (Sales: Administrator, which implies Approver);
* portal customers ``load.portal.NNN``: a contact of one of the customers with
  the most confirmed orders, with portal access (password = login);
* what the simulated users need to know: model codes of the catalogue, the
  customers of each salesperson (code and id).

Users that exist already are left as they are; a password is set once (the
logins that have one are listed in ``ir.config_parameter``
``appliance_load.passwords_set``).
"""

import json

from odoo_client import Client

PASSWORD_PARAM = "appliance_load.passwords_set"


def _xmlid(admin, xmlid):
    module, name = xmlid.split(".")
    rows = admin.call_kw(
        "ir.model.data",
        "search_read",
        [[("module", "=", module), ("name", "=", name)]],
        {"fields": ["res_id"], "limit": 1},
        label="setup",
    )
    if not rows:
        raise RuntimeError(f"{xmlid} not found: are the appliance addons installed?")
    return rows[0]["res_id"]


def _set_passwords(admin, users):
    """Password = login for ``users`` ([{id, login}]) not set before."""
    done = set(
        json.loads(
            admin.call_kw(
                "ir.config_parameter",
                "get_param",
                [PASSWORD_PARAM, "[]"],
                label="setup",
            )
            or "[]"
        )
    )
    todo = [user for user in users if user["login"] not in done]
    for user in todo:
        admin.call_kw(
            "res.users",
            "write",
            [[user["id"]], {"password": user["login"]}],
            label="setup",
        )
    if todo:
        admin.call_kw(
            "ir.config_parameter",
            "set_param",
            [PASSWORD_PARAM, json.dumps(sorted(done | {u["login"] for u in todo}))],
            label="setup",
        )
    return len(todo)


def prepare(url, db, recorder, admin_login, admin_password, n_approvers, n_portal,
            report_url=None, async_emails=None, log=print):  # fmt: skip
    admin = Client(url, db, recorder)
    admin.authenticate(admin_login, admin_password)
    admin.context = {"lang": "en_US", "tz": "Asia/Shanghai", "active_test": False}
    if report_url:
        # wkhtmltopdf fetches the report assets from this server, not from
        # whatever web.base.url says (another port, or nothing)
        admin.call_kw(
            "ir.config_parameter",
            "set_param",
            ["report.url", report_url],
            label="setup",
        )

    if async_emails is not None:
        # Odoo's "asynchronous order e-mails": the confirmation e-mail (and the
        # PDF it carries) is sent by a cron instead of inside the confirmation
        admin.call_kw(
            "ir.config_parameter",
            "set_param",
            ["sale.async_emails", "True" if async_emails else "False"],
            label="setup",
        )
        admin.call_kw(
            "ir.cron",
            "write",
            [
                [_xmlid(admin, "sale.send_pending_emails_cron")],
                {"active": async_emails},
            ],
            label="setup",
        )

    salesman_group = _xmlid(admin, "sales_team.group_sale_salesman")
    manager_group = _xmlid(admin, "sales_team.group_sale_manager")
    portal_group = _xmlid(admin, "base.group_portal")
    internal_group = _xmlid(admin, "base.group_user")

    sales = admin.call_kw(
        "res.users",
        "search_read",
        [[("login", "=like", "bench.%"), ("active", "=", True)]],
        {"fields": ["login", "group_ids"], "order": "id"},
        label="setup",
    )
    sales = [user for user in sales if salesman_group in user["group_ids"]]
    if not sales:
        raise RuntimeError(
            "no bench salespeople (bench.*): build the database with "
            "bench/generate.py --scale bench"
        )

    approvers = []
    for index in range(1, n_approvers + 1):
        login = f"load.approver.{index}"
        found = admin.call_kw(
            "res.users", "search_read", [[("login", "=", login)]], {"fields": ["login"]},
            label="setup",
        )  # fmt: skip
        if not found:
            user_id = admin.call_kw(
                "res.users",
                "create",
                [
                    {
                        "name": f"Load Approver {index}",
                        "login": login,
                        "email": f"{login}@example.cn",
                        "group_ids": [(6, 0, [internal_group, manager_group])],
                        "tz": "Asia/Shanghai",
                    }
                ],
                {"context": {"no_reset_password": True}},
                label="setup",
            )
            found = [{"id": user_id, "login": login}]
        approvers.append(found[0])

    # portal customers: contacts of the customers with the most confirmed orders
    portal = admin.call_kw(
        "res.users",
        "search_read",
        [[("login", "=like", "load.portal.%")]],
        {"fields": ["login", "partner_id"], "order": "login"},
        label="setup",
    )
    if len(portal) < n_portal:
        recent = admin.call_kw(
            "sale.order",
            "search_read",
            [[("state", "=", "sale")]],
            {"fields": ["partner_id"], "limit": 20000, "order": "id desc"},
            label="setup",
        )
        counts = {}
        for row in recent:
            if row["partner_id"]:
                counts[row["partner_id"][0]] = counts.get(row["partner_id"][0], 0) + 1
        taken = set()
        if portal:
            parents = admin.call_kw(
                "res.partner",
                "read",
                [[user["partner_id"][0] for user in portal], ["parent_id"]],
                label="setup",
            )
            taken = {p["parent_id"][0] for p in parents if p["parent_id"]}
        companies = [
            pid
            for pid, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if pid not in taken
        ]
        for index in range(len(portal) + 1, n_portal + 1):
            company = companies.pop(0)
            login = f"load.portal.{index:03d}"
            partner_id = admin.call_kw(
                "res.partner",
                "create",
                [
                    {
                        "name": f"Load Portal Contact {index:03d}",
                        "parent_id": company,
                        "type": "contact",
                        "email": f"{login}@example.cn",
                    }
                ],
                label="setup",
            )
            user_id = admin.call_kw(
                "res.users",
                "create",
                [
                    {
                        "name": f"Load Portal Contact {index:03d}",
                        "login": login,
                        "partner_id": partner_id,
                        "group_ids": [(6, 0, [portal_group])],
                    }
                ],
                {"context": {"no_reset_password": True}},
                label="setup",
            )
            portal.append({"id": user_id, "login": login, "partner_id": [partner_id]})
    portal = portal[:n_portal]

    changed = _set_passwords(
        admin,
        [{"id": u["id"], "login": u["login"]} for u in (*sales, *approvers, *portal)],
    )

    products = admin.call_kw(
        "product.product",
        "search_read",
        [[("appliance_kind", "in", ("set", "component")), ("sale_ok", "=", True)]],
        {"fields": ["appliance_model_code", "appliance_kind", "list_price"]},
        label="setup",
    )
    products = [p for p in products if p["appliance_model_code"]]
    customers = admin.call_kw(
        "res.partner",
        "search_read",
        [
            [
                ("user_id", "in", [u["id"] for u in sales]),
                ("is_company", "=", True),
                ("appliance_customer_code", "!=", False),
            ]
        ],
        {"fields": ["user_id", "appliance_customer_code"]},
        label="setup",
    )
    by_salesperson = {}
    for row in customers:
        by_salesperson.setdefault(row["user_id"][0], []).append(
            (row["id"], row["appliance_customer_code"])
        )
    log(
        f"setup: {len(sales)} salespeople, {len(approvers)} approvers, "
        f"{len(portal)} portal customers ({changed} passwords set), "
        f"{len(products)} products, {len(customers)} customers"
    )
    return {
        "sales": [
            {
                "id": u["id"],
                "login": u["login"],
                "customers": by_salesperson.get(u["id"], []),
            }
            for u in sales
            if by_salesperson.get(u["id"])
        ],
        "approvers": [u["login"] for u in approvers],
        "portal": [u["login"] for u in portal],
        "sets": [p for p in products if p["appliance_kind"] == "set"],
        "components": [p for p in products if p["appliance_kind"] == "component"],
    }
