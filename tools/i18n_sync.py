"""Bring each addon's zh_CN.po in line with its freshly exported .pot.

`odoo i18n export -l zh_CN` cannot be used for that: translations of Python
strings live only in the .po files, not in the database, so a re-export would
drop them. This keeps every existing translation, adds new terms with an empty
msgstr (the test suite then names them) and drops terms that are gone.

Usage (from `make i18n`): python tools/i18n_sync.py addon [addon...]
        [--translations file.json ...]

``--translations`` fills still empty msgstr from JSON files of
{"English msgid": "中文"} (how work done in parallel hands its translations in).
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


POT_HEADER = """# Translation of Odoo Server.
# This file contains the translation of the following modules:
# \t* {addon}
#
msgid ""
msgstr ""
"Project-Id-Version: Odoo Server 19.0\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: \\n"
"""


def sync(addon, extra=None):
    i18n = ROOT / "addons" / addon / "i18n"
    pot_path = i18n / f"{addon}.pot"
    if not pot_path.read_text(encoding="utf-8").strip():
        # Odoo writes an empty file for an addon without terms; keep a valid template
        pot_path.write_text(POT_HEADER.format(addon=addon), encoding="utf-8")
    pot = polib.pofile(str(pot_path))
    po_path = i18n / "zh_CN.po"
    old = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    known = dict(extra or {})
    known.update({entry.msgid: entry.msgstr for entry in old if entry.msgstr})
    new = polib.POFile(wrapwidth=78)
    new.metadata = old.metadata or dict(pot.metadata, Language="zh_CN")
    new.metadata["Language"] = "zh_CN"
    for entry in pot:
        new.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=known.get(entry.msgid, ""),
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
                flags=entry.flags,
            )
        )
    new.save(str(po_path))
    untranslated = [e.msgid for e in new if not e.msgstr]
    print(f"{addon}: {len(new)} terms, {len(untranslated)} to translate")
    for msgid in untranslated:
        print(f"  {msgid!r}")


if __name__ == "__main__":
    args = sys.argv[1:]
    addons, extra = [], {}
    while args:
        arg = args.pop(0)
        if arg == "--translations":
            while args and args[0].endswith(".json"):
                extra.update(json.loads(Path(args.pop(0)).read_text(encoding="utf-8")))
        else:
            addons.append(arg)
    for name in addons:
        sync(name, extra)
