"""Adversarial suite, issue #8 item 1: the access-rights matrix.

Every model of the four appliance addons (wizards and SQL-view reports included)
× every role of the READMEs × create/read/write/unlink, checked with
``check_access`` as the real users, against the table below. The table is written
from each addon's README (readme/CONFIGURE.md and DESCRIPTION.md); a comment says
where a cell rests on something the README leaves implicit.
"""

import logging

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.appliance_sales.tests.common import ApplianceCase

_logger = logging.getLogger(__name__)

OUR_ADDONS = (
    "appliance_sales",
    "appliance_stock",
    "appliance_crm",
    "appliance_reports",
)
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}

# Roles (columns): "sales" is checked for salesperson A and for salesperson B.
# approver = Complete-Set Sales: Approver; manager = Sales: Administrator;
# wh / wh_mgr = Inventory: User / Administrator; buyer = Purchase: User;
# finance = Invoicing: Billing; fin_mgr = Billing Administrator; auditor =
# Accounting: Read-only; portal = a customer's portal user; public = the website's
# anonymous user. Cells: r read, w write, c create, u unlink, - nothing.
EXPECTED = """
model                           | sales | approver | manager | wh   | wh_mgr | buyer | finance | fin_mgr | auditor | portal | public
# appliance_sales: salespeople quote and read the set master; managers maintain it;
# the warehouse reads sets and components; portal users only their own documents.
appliance.brand                 | r     | r        | rwcu    | r    | r      | r     | r       | r       | r       | -      | -
# inventory managers also maintain the components of a set (README to say so)
appliance.set.component         | r     | r        | rwcu    | r    | rwcu   | r     | r       | r       | r       | -      | -
# customer model codes: kept by the salespeople (Sales > Products)
appliance.model.alias           | rwcu  | rwcu     | rwcu    | r    | r      | r     | r       | r       | r       | -      | -
# milestone history: append-only (nobody creates or writes; the milestone methods do)
appliance.order.milestone       | r     | r        | r       | r    | r      | -     | -       | -       | -       | -      | -
# notification settings: managers edit; read by whoever sets a milestone
appliance.milestone.notification| r     | r        | rwcu    | r    | r      | r     | r       | r       | r       | -      | -
appliance.order.import          | rwcu  | rwcu     | rwcu    | -    | -      | -     | -       | -       | -       | -      | -
# an approval rule may name any user as approver: the reject wizard is theirs
appliance.order.reject          | rwc   | rwc      | rwc     | rwc  | rwc    | rwc   | rwc     | rwc     | rwc     | -      | -
# milestones: salespeople (production, ready) and the warehouse (transit, delivered)
appliance.milestone.set         | rwc   | rwc      | rwc     | rwc  | rwc    | -     | -       | -       | -       | -      | -
# appliance_stock: the monitor for stock, purchase and sales; portal/finance nothing
appliance.stock.monitor         | r     | r        | r       | r    | r      | r     | -       | -       | -       | -      | -
# commitment locks: read by inventory and sales managers, written by the guard only
appliance.stock.commitment      | -     | -        | r       | -    | r      | -     | -       | -       | -       | -      | -
# cost components: inventory manager and finance; nobody in sales/warehouse/purchase
appliance.storage.cost.rule     | -     | -        | -       | -    | rwcu   | -     | r       | rwcu    | r       | -      | -
appliance.cost.structure.report | -     | -        | -       | -    | r      | -     | r       | r       | r       | -      | -
appliance.stock.reason          | -     | -        | -       | r    | rwcu   | -     | -       | -       | -       | -      | -
# count sessions: the warehouse creates and runs them (unlink: drafts only, enforced
# by the session's ondelete check)
appliance.count.session         | -     | -        | -       | rwcu | rwcu   | -     | -       | -       | -       | -      | -
appliance.count.line            | -     | -        | -       | rwcu | rwcu   | -     | -       | -       | -       | -      | -
appliance.count.entry           | -     | -        | -       | rwcu | rwcu   | -     | -       | -       | -       | -      | -
appliance.count.import          | -     | -        | -       | rwcu | rwcu   | -     | -       | -       | -       | -      | -
appliance.count.adjustment      | -     | -        | -       | rwcu | rwcu   | -     | -       | -       | -       | -      | -
# appliance_crm: only sales managers edit channels, strategies and rules
appliance.sales.channel         | r     | r        | rwcu    | r    | r      | r     | r       | r       | r       | -      | -
# classification rows: written by the classification's SQL only
appliance.customer.band         | r     | r        | r       | -    | -      | -     | -       | -       | -       | -      | -
appliance.customer.band.history | r     | r        | rwcu    | -    | -      | -     | -       | -       | -       | -      | -
appliance.customer.strategy     | r     | r        | rwcu    | -    | -      | -     | -       | -       | -       | -      | -
appliance.partner.duplicate     | r     | r        | r       | -    | -      | -     | -       | -       | -       | -      | -
appliance.installed.set         | r     | r        | r       | r    | r      | -     | -       | -       | -       | -      | -
appliance.partner.merge         | -     | -        | rwcu    | -    | -      | -     | -       | -       | -       | -      | -
appliance.customer.import       | rwcu  | rwcu     | rwcu    | -    | -      | -     | -       | -       | -       | -      | -
appliance.customer.visit        | rwc   | rwc      | rwcu    | -    | -      | -     | -       | -       | -       | -      | -
appliance.followup.rule         | r     | r        | rwcu    | -    | -      | -     | -       | -       | -       | -      | -
appliance.followup              | rw    | rw       | rwcu    | -    | -      | -     | -       | -       | -       | -      | -
# types and stages: the portal complaint pages list them
appliance.complaint.type        | r     | r        | rwcu    | r    | r      | r     | r       | r       | r       | r      | -
appliance.complaint.stage       | r     | r        | rwcu    | r    | r      | r     | r       | r       | r       | r      | -
appliance.complaint             | rwc   | rwc      | rwcu    | -    | -      | -     | -       | -       | -       | r      | -
# appliance_reports: salespeople their own figures, approvers/managers/finance all;
# bought-together not for salespeople; purchase cycles for the sales team (menu)
appliance.sales.analysis        | r     | r        | r       | -    | -      | -     | r       | r       | -       | -      | -
appliance.conversion.analysis   | r     | r        | r       | -    | -      | -     | r       | r       | -       | -      | -
appliance.product.affinity      | -     | r        | r       | -    | -      | -     | r       | r       | -       | -      | -
appliance.purchase.cycle        | r     | r        | r       | -    | -      | -     | -       | -       | -       | -      | -
appliance.sales.digest          | -     | rwc      | rwcu    | -    | -      | -     | rwc     | rwc     | -       | -      | -
"""

# Abstract models hold no records (mixins and computation helpers): no ACL, no cell.
ABSTRACT_OK = {
    "appliance.partner.360",
    "appliance.partner.classification",
    "appliance.sales.kpi",
    "report.appliance_reports.sales_digest_xlsx",
}


def parse_matrix(text):
    """``{model: {role: "rwcu"-subset}}`` from the table above."""
    lines = [
        line
        for line in text.strip().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    header = [cell.strip() for cell in lines[0].split("|")]
    roles = header[1:]
    matrix = {}
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.split("|")]
        matrix[cells[0]] = {
            role: cell.replace("-", "")
            for role, cell in zip(roles, cells[1:], strict=True)
        }
    return roles, matrix


def our_models(env):
    """Registry classes defined (``_name`` introduced) by our addons."""
    return {
        name: cls
        for name, cls in env.registry.items()
        if cls._original_module in OUR_ADDONS
    }


class AdversarialRolesCase(ApplianceCase):
    """ApplianceCase's users plus the finance manager, the auditor and the public
    user: one real user per role of the READMEs (no tests here; the other suites
    of this addon build on it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.finance_manager = new_test_user(
            env, "adv_fin_mgr", groups="account.group_account_manager"
        )
        cls.auditor = new_test_user(
            env, "adv_auditor", groups="account.group_account_readonly"
        )
        cls.public_user = env.ref("base.public_user")
        # role -> users of that role (the "sales" column is two users)
        cls.role_users = {
            "sales": cls.salesperson_a | cls.salesperson_b,
            "approver": cls.approver,
            "manager": cls.sales_manager,
            "wh": cls.warehouse_user,
            "wh_mgr": cls.warehouse_manager,
            "buyer": cls.purchaser,
            "finance": cls.finance_user,
            "fin_mgr": cls.finance_manager,
            "auditor": cls.auditor,
            "portal": cls.portal_user,
            "public": cls.public_user,
        }


@tagged("post_install", "-at_install")
class TestAccessMatrix(AdversarialRolesCase):
    def test_every_cell_of_the_matrix_is_as_the_readmes_say(self):
        roles, matrix = parse_matrix(EXPECTED)
        self.assertEqual(set(roles), set(self.role_users))
        models = our_models(self.env)
        concrete = {name for name, cls in models.items() if not cls._abstract}
        # the table covers every model of ours, and only those
        self.assertEqual(
            sorted(concrete - set(matrix)), [], "models missing from the matrix"
        )
        self.assertEqual(
            sorted(set(matrix) - concrete), [], "matrix rows naming no model of ours"
        )
        self.assertEqual(
            {name for name, cls in models.items() if cls._abstract}, ABSTRACT_OK
        )
        cells = 0
        mismatches = []
        for model, expected in sorted(matrix.items()):
            for role, allowed in expected.items():
                for user in self.role_users[role]:
                    records = self.env[model].with_user(user).browse()
                    for letter, operation in OPERATIONS.items():
                        cells += 1
                        granted = records.has_access(operation)
                        if granted != (letter in allowed):
                            mismatches.append(
                                f"{model} {operation} {role} ({user.login}):"
                                f" {'granted' if granted else 'refused'},"
                                f" README: {'yes' if letter in allowed else 'no'}"
                            )
                        if not granted:
                            # has_access and check_access agree (the latter raises)
                            with self.assertRaises(AccessError):
                                records.check_access(operation)
        _logger.info(
            "access matrix: %s models x %s users x 4 operations = %s cells checked,"
            " %s mismatches",
            len(matrix),
            sum(len(users) for users in self.role_users.values()),
            cells,
            len(mismatches),
        )
        self.assertEqual(mismatches, [], "\n".join(mismatches))

    def test_no_model_of_ours_without_access_rows(self):
        models = our_models(self.env)
        concrete = sorted(name for name, cls in models.items() if not cls._abstract)
        Access = self.env["ir.model.access"]
        without = [
            name
            for name in concrete
            if not Access.search_count([("model_id.model", "=", name)])
        ]
        _logger.info(
            "access rows: %s models of ours, %s without an ir.model.access row",
            len(concrete),
            len(without),
        )
        self.assertEqual(without, [])
        # abstract models have no rows, so nobody but the superuser may call them
        for name in ABSTRACT_OK:
            self.assertFalse(Access.search_count([("model_id.model", "=", name)]))

    def test_every_company_bound_model_has_a_multi_company_rule(self):
        """A model of ours with a stored company is filtered by the user's allowed
        companies for everybody (a global rule on ``company_ids``)."""
        Rule = self.env["ir.rule"]
        missing = []
        checked = 0
        for name, cls in sorted(our_models(self.env).items()):
            field = cls._fields.get("company_id")
            if cls._abstract or not field or not field.store:
                continue
            checked += 1
            rules = Rule.search(
                [("model_id.model", "=", name), ("global", "=", True)]
            ).filtered(lambda rule: "company_ids" in (rule.domain_force or ""))
            if not rules.filtered("perm_read"):
                missing.append(name)
        _logger.info(
            "multi-company rules: %s company-bound models, %s without one",
            checked,
            len(missing),
        )
        self.assertEqual(missing, [])
