"""Flag names that Odoo 19 removed or deprecated (STYLE.md, "write it this way"),
one line each with what to write instead. Pre-commit hook `odoo19-idioms`.

Complements the other gates rather than repeating them: Odoo's upgrade_code scripts
(tools/odoo-idiom-gate) rewrite <tree>, _sql_constraints, type='json', self._cr;
pylint-odoo flags name_get, cr.commit(), _("..." % x); OCA's module checks flag
oe_chatter and category_id on groups. Files under migrations/ are skipped: a
migration script may have to name what it migrates away from.

Usage: check_odoo19_idioms.py FILE...   (exit 1 when anything is found)
"""

import re
import sys

PY_RULES = [
    (r"\bgroup_operator\s*=", "group_operator= is now aggregator="),
    (r"\bodoo\.osv\b", "odoo.osv is deprecated in 19.0: use odoo.fields.Domain"),
    (
        r"\bread_group\(",
        "read_group() is deprecated in 19.0: _read_group() in Python, "
        "formatted_read_group() for the web client",
    ),
    (
        r"\.check_access_rights\(|\.check_access_rule\(",
        "use check_access(operation) / has_access(operation)",
    ),
    (r"\.check_field_access_rights\(", "use _check_field_access() / fields_get()"),
    (r"\._filter_access_rules(_python)?\(", "use _filtered_access(operation)"),
    (r"\._check_(m2m_)?recursion\(", "use _has_cycle()"),
    (r"\.toggle_active\(", "use action_archive() / action_unarchive()"),
    (
        r"\bgroups_id\b",
        "groups_id is group_ids in 19.0 (users, menus, views, actions)",
    ),
    (
        r"\bdef _name_search\(",
        "_name_search() is no longer called in 19.0: override "
        "_search_display_name() or set _rec_names_search",
    ),
    (
        r"\bdef create\(self, vals?\)",
        "use @api.model_create_multi / def create(self, vals_list)",
    ),
]
XML_RULES = [
    (
        r"\s(attrs|states)=[\"']",
        "attrs=/states= are gone since 17.0: use invisible=/readonly=/required= "
        "with a Python expression",
    ),
    (r"name=[\"']groups_id[\"']", "groups_id is group_ids in 19.0"),
    (
        r"name=[\"'](numbercall|doall)[\"']",
        "ir.cron has no numbercall/doall since 18.0",
    ),
]
RULES = {
    ".py": [(re.compile(p), m) for p, m in PY_RULES],
    ".xml": [(re.compile(p), m) for p, m in XML_RULES],
}


def check_file(path):
    rules = RULES.get(path[path.rfind(".") :], [])
    if not rules or "/migrations/" in f"/{path}":
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    return [
        f"{path}:{lineno}: {message}"
        for lineno, line in enumerate(lines, start=1)
        for pattern, message in rules
        if pattern.search(line)
    ]


def main(paths):
    findings = [finding for path in paths for finding in check_file(path)]
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
