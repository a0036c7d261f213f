"""Shared pieces of the server-based adversarial suites (issue #8).

* :class:`Server`: an Odoo server with ``--workers`` on a free port, its own data
  dir and log, optional server-wide modules and environment; its workers can be
  listed and killed.
* :class:`Rpc`: a small JSON-RPC client (``/jsonrpc``, ``execute_kw``).
* :class:`PrivateCluster`: a PostgreSQL cluster of our own (``initdb`` in /tmp,
  own port and socket directory) that may be restarted or crashed at will,
  unlike the machine's shared server.
* :func:`create_db`: a database from scratch (our addons and demo data).
* :class:`SmtpSink`: an SMTP server on a free local port that counts what Odoo
  really sends.
* :func:`table`: the figure table every suite prints at its end.

Run the scripts with Odoo's interpreter (``/opt/odoo19/venv/bin/python`` or
``$ODOO_PYTHON``) from anywhere; they run Odoo from the repository root.
"""

import itertools
import json
import os
import random
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DEFAULT_ADDONS = "appliance_stock"

# With workers, Odoo starts its long-polling process by re-running its own command
# line with "gevent" added. RPC does not need it, and where gevent cannot start the
# master respawns it in a loop that eats a core: the launcher parks it instead.
LAUNCHER = """import sys, time
if len(sys.argv) > 1 and sys.argv[1] == "gevent":
    while True:  # the long-polling process: not needed for RPC
        time.sleep(3600)
from odoo.cli.command import main
main()
"""


def odoo_python():
    return os.environ.get("ODOO_PYTHON", sys.executable)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def loadavg():
    return "load %.2f %.2f %.2f" % os.getloadavg()


def nice(cmd):
    """``cmd`` under ``nice -n 19``: the machine is shared."""
    return ["nice", "-n", "19", *cmd]


def db_args(host=None, port=None):
    args = []
    if host:
        args.append(f"--db_host={host}")
    if port:
        args.append(f"--db_port={port}")
    return args


def create_db(db, data_dir, addons=DEFAULT_ADDONS, host=None, port=None, log=None):
    """Create ``db`` from scratch: ``addons`` with demo data (minutes)."""
    log = log or f"/tmp/adversarial-create-{db}.log"
    cmd = nice(
        [
            odoo_python(),
            "-m",
            "odoo",
            "-c",
            "odoo.conf",
            f"--data-dir={data_dir}",
            *db_args(host, port),
            "-d",
            db,
            "-i",
            addons,
            "--with-demo",
            "--stop-after-init",
            "--max-cron-threads=0",
            f"--http-port={free_port()}",
            "--log-level=warn",
        ]
    )
    print(f"creating database {db} ({addons}, demo data), log {log}", flush=True)
    started = time.monotonic()
    with open(log, "w") as handle:
        rc = subprocess.call(cmd, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
    if rc:
        sys.exit(f"creating {db} failed, see {log}")
    print(f"database {db} created in {time.monotonic() - started:.0f}s", flush=True)


def db_exists(db, host=None, port=None):
    import psycopg2  # noqa: PLC0415 - Odoo's environment

    kwargs = {"dbname": "postgres"}
    if host:
        kwargs.update(host=host, port=port)
    conn = psycopg2.connect(**kwargs)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
            return bool(cr.fetchone())
    finally:
        conn.close()


def drop_db(db, data_dir, host=None, port=None):
    """Drop ``db`` (ours: never a shared one) and its filestore."""
    import psycopg2  # noqa: PLC0415 - Odoo's environment
    from psycopg2 import sql  # noqa: PLC0415

    kwargs = {"dbname": "postgres"}
    if host:
        kwargs.update(host=host, port=port)
    conn = psycopg2.connect(**kwargs)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(db)
                )
            )
    finally:
        conn.close()
    shutil.rmtree(Path(data_dir) / "filestore" / db, ignore_errors=True)


def ensure_db(args):
    """``args.database`` ready: dropped first with ``--fresh``, created from
    scratch with ``--create`` (or ``--fresh``) when missing."""
    host, port = getattr(args, "db_host", None), getattr(args, "db_port", None)
    if getattr(args, "fresh", False):
        drop_db(args.database, args.data_dir, host, port)
    if not db_exists(args.database, host, port):
        if not (args.create or getattr(args, "fresh", False)):
            sys.exit(f"database {args.database} does not exist (use --create)")
        create_db(args.database, args.data_dir, host=host, port=port)


# ------------------------------------------------------------------ JSON-RPC


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data", {})
        super().__init__(data.get("message") or error.get("message"))
        self.name = data.get("name", "")
        self.debug = data.get("debug", "")

    @property
    def user_error(self):
        return self.name.endswith(("UserError", "ValidationError"))


_ids = itertools.count(1)


class Rpc:
    def __init__(self, url, db, login="admin", password="admin", timeout=600):
        self.url = f"{url}/jsonrpc"
        self.db = db
        self.password = password
        self.timeout = timeout
        self.uid = self.call("common", "login", db, login, password)
        if not self.uid:
            raise SystemExit(f"cannot log in as {login} on {db}")

    def call(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": next(_ids),
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer.get("result")

    def __call__(self, model, method, *args, **kwargs):
        return self.call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        return rows[0]["res_id"] if rows else False

    def main_stock(self, company_id):
        """(warehouse id, its stock location id) of ``company_id``'s first warehouse."""
        warehouse = self(
            "stock.warehouse",
            "search_read",
            [("company_id", "=", company_id)],
            ["lot_stock_id"],
            limit=1,
        )[0]
        return warehouse["id"], warehouse["lot_stock_id"][0]


# ------------------------------------------------------------------ server


class Server:
    """``odoo -d DB --workers=W`` on a free port, own data dir, own log."""

    def __init__(
        self,
        db,
        data_dir,
        workers=4,
        port=None,
        host=None,
        db_port=None,
        extra=(),
        env=None,
        log=None,
        name="server",
    ):
        self.db = db
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log or f"/tmp/adversarial-{name}-{db}-{self.port}.log"
        launcher = Path(data_dir) / "adversarial_launcher.py"
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        launcher.write_text(LAUNCHER)
        self.cmd = nice(
            [
                odoo_python(),
                str(launcher),
                "-c",
                "odoo.conf",
                f"--data-dir={data_dir}",
                *db_args(host, db_port),
                "-d",
                db,
                f"--db-filter=^{db}$",
                f"--workers={workers}",
                "--max-cron-threads=0",
                f"--http-port={self.port}",
                "--limit-time-real=600",
                "--limit-time-cpu=600",
                "--log-level=warn",
                # /jsonrpc works in 19.0 but warns at each request
                "--log-handler=odoo.addons.rpc.controllers.jsonrpc:ERROR",
                *extra,
            ]
        )
        self.env = {**os.environ, **(env or {})}
        self.proc = None

    def start(self, timeout=300):
        if self.proc:  # a master that died: its workers still hold the port
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
        self.log = open(self.log_path, "a")  # noqa: SIM115 - closed in stop()
        # own process group: stop() ends the master, its workers and nice
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server stopped, see {self.log_path}")
            if self.healthy():
                return self
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"server did not start, see {self.log_path}")

    def healthy(self):
        try:
            with urllib.request.urlopen(f"{self.url}/web/health", timeout=10):
                return True
        except OSError:
            return False

    def rpc(self, login="admin", password="admin", timeout=600):
        return Rpc(self.url, self.db, login, password, timeout=timeout)

    def master_pid(self):
        """The Odoo master (the child of ``nice``, which execs: same pid)."""
        return self.proc.pid

    def workers(self):
        """Pids of the HTTP workers (children of the master, but the parked
        long-polling process)."""
        import psutil  # noqa: PLC0415 - Odoo's environment has it

        try:
            master = psutil.Process(self.master_pid())
            children = master.children()
        except psutil.NoSuchProcess:
            return []
        return [
            child.pid for child in children if "gevent" not in " ".join(child.cmdline())
        ]

    def kill_worker(self, pid=None):
        pid = pid or random.choice(self.workers())
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc:
            try:  # workers left behind by a killed master
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if getattr(self, "log", None):
            self.log.close()
            self.log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# ------------------------------------------------------------------ PostgreSQL


class PrivateCluster:
    """A PostgreSQL cluster of our own: initdb in /tmp, own port and socket.

    Run by the ``postgres`` OS user (initdb refuses root) with ``root`` as
    superuser and trust authentication on its socket, so Odoo connects as on
    the shared server with ``--db_host=<socket dir> --db_port=<port>``.
    """

    def __init__(self, prefix, port=None):
        self.data = Path(f"/tmp/{prefix}-pg")
        self.sock = Path(f"/tmp/{prefix}-sock")
        self.port = port or free_port()
        self.log = Path(f"/tmp/{prefix}-pg.log")

    def _as_postgres(self, cmd, **kwargs):
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, **kwargs)

    def init(self):
        if self.data.exists():
            self.stop(missing_ok=True)
            shutil.rmtree(self.data)
        self.sock.mkdir(exist_ok=True)
        shutil.chown(self.sock, "postgres", "postgres")
        self._as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "root",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            stdout=subprocess.DEVNULL,
        )
        return self

    def _pg_ctl(self, action, *extra):
        self._as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-o",
                f"-p {self.port} -k {self.sock} -c listen_addresses=''"
                " -c fsync=on -c max_connections=200",
                action,
                *extra,
            ],
            stdout=subprocess.DEVNULL,
        )

    def start(self):
        if self.log.exists():
            shutil.chown(self.log, "postgres", "postgres")
        else:
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")
        self._pg_ctl("start")
        return self

    def restart_immediate(self):
        """``pg_ctl restart -m immediate``: a crash of the server (no
        checkpoint; recovery replays the WAL at start)."""
        self._pg_ctl("restart", "-m", "immediate")

    def stop(self, missing_ok=False):
        try:
            self._pg_ctl("stop", "-m", "fast")
        except subprocess.CalledProcessError:
            if not missing_ok:
                raise

    def psql(self, db, sql):
        out = subprocess.run(
            [
                str(PG_BIN / "psql"),
                "-h",
                str(self.sock),
                "-p",
                str(self.port),
                "-d",
                db,
                "-XAtqc",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout

    def copy_from_shared(self, source, target):
        """``pg_dump`` of ``source`` on the shared server (read only) restored
        as ``target`` here."""
        subprocess.run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                str(self.sock),
                "-p",
                str(self.port),
                target,
            ],
            check=True,
        )
        dump = subprocess.Popen(
            [str(PG_BIN / "pg_dump"), "--no-owner", source], stdout=subprocess.PIPE
        )
        subprocess.run(
            [
                str(PG_BIN / "psql"),
                "-h",
                str(self.sock),
                "-p",
                str(self.port),
                "-d",
                target,
                "-Xq",
                "-v",
                "ON_ERROR_STOP=1",
            ],
            stdin=dump.stdout,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        if dump.wait():
            raise SystemExit(f"pg_dump {source} failed")


# ------------------------------------------------------------------ SMTP sink


class SmtpSink(socketserver.ThreadingTCPServer):
    """Accepts every mail on a free local port and keeps (recipients, subject)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def reset(self):
        with self.lock:
            self.messages.clear()

    def received(self):
        with self.lock:
            return Counter(self.messages)


class _SmtpHandler(socketserver.StreamRequestHandler):
    def _reply(self, text):
        self.wfile.write(f"{text}\r\n".encode())

    def handle(self):
        self._reply("220 adversarial sink")
        rcpts = []
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().upper()
            if verb.startswith(("EHLO", "HELO")):
                self._reply("250 sink")
            elif verb.startswith("MAIL FROM"):
                rcpts = []
                self._reply("250 ok")
            elif verb.startswith("RCPT TO"):
                rcpts.append(verb.split(":", 1)[1].strip(" <>").lower())
                self._reply("250 ok")
            elif verb == "DATA":
                self._reply("354 end with .")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                mail = message_from_bytes(b"".join(data), policy=policy.default)
                with self.server.lock:
                    for rcpt in rcpts:
                        self.server.messages.append((rcpt, str(mail["Subject"])))
                self._reply("250 queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 ok")


# ------------------------------------------------------------------ output


def table(title, headers, rows):
    """Print a figure table (fixed-width columns)."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [
        max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h))
        for i, h in enumerate(headers)
    ]
    print(f"\n== {title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    sys.stdout.flush()


def wait_urlopen_error(exc):
    """True for the errors a killed worker or a restarted database cause."""
    return isinstance(
        exc, urllib.error.URLError | ConnectionError | TimeoutError | OSError
    )
