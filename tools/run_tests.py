"""`make test`: fresh database, install our addons with tests enabled, run every
Odoo test of our addons, then the pytest suites of tests/pytest on that database.

Prints one last line ``N passed, N failed`` and exits non-zero on any failure.
Odoo's own exit code and summary are read, but not trusted alone: a skipped test
(Odoo skips browser tests when Chromium or websocket-client is missing and still
exits 0), a test module that fails to import, an error logged outside any test,
or an install that ran no test at all each count as a failure.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / ".test-logs"

RESULT_RE = re.compile(
    r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
SKIP_RE = re.compile(r" INFO \S+ (odoo\.addons\.\S+): skipped (.*)")
LOG_LINE_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) \S+ (\S+): (.*)$"
)
# ERROR lines that only summarise failures already counted from the result line
SUMMARY_LOGGERS = ("odoo.tests.result", "odoo.modules.loading", "odoo.service.server")
ECHO_RE = re.compile(
    r" (ERROR|CRITICAL|WARNING) | INFO \S+ odoo\.addons\.\S+\.tests\.\S+: (Starting|skipped)"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drop_db(name):
    import psycopg2  # noqa: PLC0415 - from Odoo's environment

    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def run_odoo_tests(db, addons, log_path, tag=""):
    tags = ",".join(f"{tag}/{a}" for a in addons.split(","))
    cmd = [
        sys.executable, "-m", "odoo", "-c", str(ROOT / "odoo.conf"),
        f"--data-dir={LOGS / 'data'}",
        "-d", db, "-i", addons, "--with-demo", "--load-language=zh_CN",
        "--test-enable", f"--test-tags={tags}",
        f"--http-port={free_port()}", "--stop-after-init",
        "--max-cron-threads=0", "--log-level=info",
    ]  # fmt: skip
    print("$", " ".join(cmd), flush=True)
    stats = {
        "failed": 0,
        "errors": 0,
        "run": 0,
        "skipped": [],
        "stray": [],
        "result": False,
    }
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for line in proc.stdout:
            log.write(line)
            if ECHO_RE.search(line):
                sys.stdout.write(line)
                sys.stdout.flush()
            if m := RESULT_RE.search(line):
                stats["failed"] += int(m[1])
                stats["errors"] += int(m[2])
                stats["run"] += int(m[3])
                stats["result"] = True
            elif m := SKIP_RE.search(line):
                stats["skipped"].append(f"{m[1]}: {m[2]}")
            elif (m := LOG_LINE_RE.match(line)) and m[1] in ("ERROR", "CRITICAL"):
                logger = m[2]
                if ".tests." not in logger and not logger.startswith(SUMMARY_LOGGERS):
                    stats["stray"].append(line.strip())
        rc = proc.wait()
    return rc, stats


def run_pytest(db, junit):
    suite = ROOT / "tests" / "pytest"
    if not any(suite.glob("test_*.py")):
        return 0, 0, 0
    cmd = [
        sys.executable, "-m", "pytest", str(suite), "-p", "no:cacheprovider",
        f"--odoo-database={db}", f"--odoo-config={ROOT / 'odoo.conf'}",
        "--odoo-log-level=warn", f"--junitxml={junit}", "-q",
    ]  # fmt: skip
    print("$", " ".join(cmd), flush=True)
    rc = subprocess.call(cmd, cwd=ROOT)
    if not junit.exists():
        return rc, 0, 1
    suites = ET.parse(junit).getroot()
    suites = [suites] if suites.tag == "testsuite" else list(suites)
    total = sum(int(s.get("tests", 0)) for s in suites)
    bad = sum(
        int(s.get(k, 0)) for s in suites for k in ("failures", "errors", "skipped")
    )
    if rc != 0 and bad == 0:
        bad = 1
    return rc, total - bad, bad


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="appliance_test")
    parser.add_argument("--addons", required=True)
    parser.add_argument(
        "--tag",
        default="",
        help="run only the tests with this tag (e.g. appliance_slow), no pytest",
    )
    args = parser.parse_args()
    # One folder per database, so that parallel runs on other databases keep their logs.
    logs = LOGS / args.db
    logs.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    drop_db(args.db)
    log_path = logs / "odoo-tests.log"
    rc, stats = run_odoo_tests(args.db, args.addons, log_path, args.tag)

    failed = (
        stats["failed"] + stats["errors"] + len(stats["skipped"]) + len(stats["stray"])
    )
    passed = stats["run"] - stats["failed"] - stats["errors"] - len(stats["skipped"])
    problems = []
    if stats["skipped"]:
        problems.append("skipped tests count as failures (browser missing?):")
        problems += [f"  {s}" for s in stats["skipped"]]
    if stats["stray"]:
        problems.append("errors logged outside any test:")
        problems += [f"  {s[:300]}" for s in stats["stray"][:20]]
    if not stats["result"] or stats["run"] == 0:
        problems.append("Odoo ran no test (install failed?)")
        failed += 1
    elif rc != 0 and failed == 0:
        problems.append(f"Odoo exited with {rc}")
        failed += 1

    _py_rc, py_passed, py_failed = (
        (0, 0, 0) if args.tag else run_pytest(args.db, logs / "pytest.xml")
    )
    passed += py_passed
    failed += py_failed

    elapsed = time.monotonic() - started
    print(
        f"\nOdoo tests: {stats['run']} run, {stats['failed']} failed, "
        f"{stats['errors']} errors, {len(stats['skipped'])} skipped (log: {log_path})"
    )
    print(f"pytest: {py_passed} passed, {py_failed} failed")
    for p in problems:
        print(p)
    print(f"time: {elapsed:.0f} s")
    print(f"{max(passed, 0)} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
