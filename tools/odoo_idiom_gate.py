"""Odoo 19 idiom gate: fail when Odoo's own ``upgrade_code`` scripts would rewrite
any file of our addons (``<tree>``, ``_sql_constraints``, ``type='json'`` routes,
``self._cr``/``_uid``/``_context``, old dynamic-date domains ...).

Run with Odoo's interpreter (``tools/odoo-idiom-gate`` finds it); rewrites nothing.

Why not ``python -m odoo upgrade_code --from 17.0 --dry-run --addons-path=addons``:
that command exits 1 when a file would change, but through Odoo's CLI it replaces the
addons path by ``odoo.addons.__path__``, which also holds Odoo's own addons, so it
scans the whole platform (about a minute) and lists hundreds of core files. This
script runs the same scripts (``odoo/upgrade_code/*.py`` from --from up to the
installed release) over the given addons directories only, one script at a time, and
prints which script would change what, with a diff.
"""

import argparse
import difflib
import logging
import sys
import warnings
from pathlib import Path

from odoo import release
from odoo.cli.upgrade_code import FileManager, get_upgrade_code_scripts
from odoo.tools.parse_version import parse_version

# Vendored front-end libraries are not ours to upgrade.
SKIP_PARTS = ("static/lib/", "static/src/lib/")
MAX_DIFF_LINES = 60


def check(addons_dirs, from_version):
    """Yield (script name, path, diff lines) for every file a script would change."""
    with warnings.catch_warnings():
        # SourceFileLoader.load_module() is deprecated; that is Odoo's business.
        warnings.simplefilter("ignore", DeprecationWarning)
        scripts = get_upgrade_code_scripts(
            parse_version(from_version), parse_version(release.version)
        )
    for name, module in scripts:
        # A fresh view of the files for each script: every finding is reported
        # against the file as it is, attributed to the script that wants it changed.
        file_manager = FileManager(addons_dirs, "**/*")
        module.upgrade(file_manager)
        for file in file_manager:
            if not file.dirty or any(p in file.path.as_posix() for p in SKIP_PARTS):
                continue
            before = file.path.read_text().splitlines(keepends=True)
            after = file.content.splitlines(keepends=True)
            diff = list(
                difflib.unified_diff(
                    before, after, f"a/{file.path}", f"b/{file.path}", n=1
                )
            )
            yield name, file.path, diff


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "addons_dirs",
        nargs="*",
        default=["addons", "tests/addons"],
        help="directories holding addons (default: addons tests/addons)",
    )
    parser.add_argument(
        "--from",
        dest="from_version",
        default="17.0",
        help="run Odoo's upgrade_code scripts from this version on (default: 17.0)",
    )
    args = parser.parse_args()
    dirs = [d for d in args.addons_dirs if Path(d).is_dir()]
    if not dirs:
        parser.error(f"no such directory: {', '.join(args.addons_dirs)}")
    # Scripts log their own notes (e.g. domains they cannot parse): keep warnings.
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )

    findings = list(check(dirs, args.from_version))
    for name, path, diff in findings:
        print(f"{path}: would be rewritten by odoo/upgrade_code/{name}")
        shown = diff[:MAX_DIFF_LINES]
        for line in shown:
            sys.stdout.write(line if line.endswith("\n") else line + "\n")
        if len(diff) > len(shown):
            print(f"... ({len(diff) - len(shown)} more diff lines)")
    if findings:
        files = len({path for _name, path, _diff in findings})
        print(
            f"\n{files} file(s) use idioms that Odoo {release.version}'s upgrade_code "
            f"rewrites (from {args.from_version}); write them the Odoo 19 way "
            "(see STYLE.md).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
