"""`make run`, first half: create or update the demo database, then add history.

- no database yet: create it with our addons, demo data and the zh_CN language;
- database exists: update our addons only when their files changed since the
  last run (a hash kept in .odoo-data), so a second `make run` starts at once;
- then bench/generate.py adds order history at the requested scale, once.
"""

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".odoo-data"


def odoo(*args):
    cmd = [
        sys.executable, "-m", "odoo", "-c", str(ROOT / "odoo.conf"),
        f"--data-dir={DATA}", "--stop-after-init", "--no-http", "--max-cron-threads=0",
        *args,
    ]  # fmt: skip
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)


def db_state(db, addons):
    """None when the database is missing, else the set of our addons installed."""
    import psycopg2  # noqa: PLC0415 - from Odoo's environment

    conn = psycopg2.connect(dbname="postgres")
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,))
            if not cr.fetchone():
                return None
    finally:
        conn.close()
    conn = psycopg2.connect(dbname=db)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
                (addons,),
            )
            return {name for (name,) in cr.fetchall()}
    except psycopg2.Error:
        return set()
    finally:
        conn.close()


def addons_hash(addons):
    digest = hashlib.sha256()
    for addon in addons:
        for path in sorted((ROOT / "addons" / addon).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons", required=True)
    parser.add_argument("--history", default="demo", help="generator scale, or 'none'")
    args = parser.parse_args()
    addons = args.addons.split(",")
    DATA.mkdir(exist_ok=True)
    stamp = DATA / f"addons-{args.db}.sha256"
    current = addons_hash(addons)

    installed = db_state(args.db, addons)
    if installed is None:
        print(
            f"Creating database {args.db} with {args.addons} and demo data (a few minutes)…"
        )
        odoo("-d", args.db, "-i", args.addons, "--with-demo", "--load-language=zh_CN")
    elif set(addons) - installed:
        odoo(
            "-d",
            args.db,
            "-i",
            ",".join(sorted(set(addons) - installed)),
            "--with-demo",
        )
    elif not stamp.exists() or stamp.read_text() != current:
        print(f"Addons changed since the last run: updating them in {args.db}…")
        odoo("-d", args.db, "-u", args.addons)
    else:
        print(f"Database {args.db} is up to date.")
    stamp.write_text(current)

    if args.history != "none":
        generator = ROOT / "bench" / "generate.py"
        cmd = [sys.executable, str(generator), "-c", str(ROOT / "odoo.conf"),
               "-d", args.db, "--scale", args.history]  # fmt: skip
        print("$", " ".join(cmd), flush=True)
        subprocess.run(cmd, cwd=ROOT, check=True)


if __name__ == "__main__":
    sys.exit(main())
