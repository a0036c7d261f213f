"""Checks of the repository itself: every addon carries what the project promises."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADDONS = sorted(p.parent for p in (ROOT / "addons").glob("*/__manifest__.py"))
ALL_ADDONS = ADDONS + sorted(
    p.parent for p in (ROOT / "tests/addons").glob("*/__manifest__.py")
)


def manifest(addon):
    return ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))


def test_the_four_addons_are_there():
    assert [a.name for a in ADDONS] == [
        "appliance_crm",
        "appliance_reports",
        "appliance_sales",
        "appliance_stock",
    ]


@pytest.mark.parametrize("addon", ALL_ADDONS, ids=lambda a: a.name)
def test_manifest(addon):
    data = manifest(addon)
    assert re.fullmatch(r"19\.0\.\d+\.\d+\.\d+", data["version"]), data["version"]
    assert data["license"] == "LGPL-3"
    for key in ("data", "demo"):
        for rel in data.get(key, []):
            assert (addon / rel).is_file(), f"{addon.name}: {key} file {rel} missing"


def test_dependencies_flow_one_way():
    deps = {a.name: set(manifest(a)["depends"]) for a in ADDONS}
    assert "appliance_sales" in deps["appliance_stock"]
    assert "appliance_sales" in deps["appliance_crm"]
    assert {"appliance_stock", "appliance_crm"} <= deps["appliance_reports"]
    ours = set(deps)
    assert not deps["appliance_sales"] & ours
    assert not deps["appliance_crm"] & {"appliance_stock", "appliance_reports"}
    assert not deps["appliance_stock"] & {"appliance_crm", "appliance_reports"}


@pytest.mark.parametrize("addon", ADDONS, ids=lambda a: a.name)
def test_addon_layout(addon):
    for rel in (
        "security/ir.model.access.csv",
        "readme/DESCRIPTION.md",
        "README.md",
        f"i18n/{addon.name}.pot",
        "i18n/zh_CN.po",
        "tests/__init__.py",
    ):
        assert (addon / rel).exists(), f"{addon.name} has no {rel}"


def _po_entries(path):
    """(msgid, msgstr) pairs of a .po file, multi-line strings joined."""
    entries, current, key = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if "msgid" in current:
                entries.append((current["msgid"], current.get("msgstr", "")))
            current, key = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgstr ")):
            key, _, rest = line.partition(" ")
            current[key] = ast.literal_eval(rest)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    return [(i, s) for i, s in entries if i]


@pytest.mark.parametrize("addon", ADDONS, ids=lambda a: a.name)
def test_chinese_translation_is_complete(addon):
    pot = {i for i, _s in _po_entries(addon / f"i18n/{addon.name}.pot")}
    po = dict(_po_entries(addon / "i18n/zh_CN.po"))
    missing = sorted(pot - po.keys())
    empty = sorted(i for i, s in po.items() if i in pot and not s.strip())
    assert not missing, f"not in zh_CN.po: {missing[:10]}"
    assert not empty, f"untranslated in zh_CN.po: {empty[:10]}"


def test_no_odoo_platform_code_is_tracked():
    # split so that this file does not carry the header it looks for
    header = "Part of Odoo. " + "See LICENSE file for full copyright"
    for path in list((ROOT / "addons").rglob("*.py")) + list(
        (ROOT / "tests").rglob("*.py")
    ):
        assert header not in path.read_text(encoding="utf-8"), path
    assert not (ROOT / "odoo-bin").exists()


def test_addon_readmes_are_built_from_their_fragments():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools/gen_readmes.py"), "--check"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
