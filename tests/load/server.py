"""The Odoo server under test: start it with ``--workers``, sample the memory of
its workers, and read its log for workers killed or recycled by the limits."""

import os
import re
import signal
import socket
import subprocess
import threading
import time

import psutil
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# What Odoo's prefork server logs when a limit stops a worker (odoo/service/server.py)
LIMIT_PATTERNS = {
    "killed_timeout_http": re.compile(r"WorkerHTTP \(\d+\) timeout after \d+s"),
    "killed_timeout_cron": re.compile(r"WorkerCron \(\d+\) timeout after \d+s"),
    "cpu_time_limit": re.compile(r"Worker \(\d+\) CPU time limit"),
    "memory_soft_limit": re.compile(r"Worker \(\d+\) virtual memory limit"),
    "memory_hard_limit": re.compile(r"MemoryError"),
    "server_memory_limit": re.compile(r"(Server|Gevent virtual) memory limit"),
}
RECYCLE_PATTERNS = {
    "max_request": re.compile(r"Worker \(\d+\) max request"),
}
# concurrent updates Odoo retried (up to 5 times) before answering
RETRY = re.compile(r"SERIALIZATION_FAILURE, \d+ tries left")
BAD_QUERY = re.compile(r"odoo\.sql_db: bad query")
ALIVE = re.compile(r"Worker (WorkerHTTP|WorkerCron) \((\d+)\) alive")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ")
# werkzeug's access line in Odoo: "... HTTP/1.1" status size queries query_time other_time
ACCESS = re.compile(
    r'"(?:GET|POST) (?P<path>[^ ?"]+)[^"]* HTTP/1\.[01]" (?P<status>\d{3}) \S+ '
    r"(?P<queries>\d+) (?P<query_time>[\d.]+) (?P<other_time>[\d.]+)"
)


def free_port(start=8700):
    for port in range(start, start + 500):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            with socket.socket() as other:
                try:
                    other.bind(("127.0.0.1", port + 1))  # the gevent port
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port pair found")


class OdooServer:
    """``odoo --workers N`` on a free port, in its own process group."""

    def __init__(self, db, workers, data_dir, logfile, port=None, extra_args=()):
        self.db = db
        self.workers = workers
        self.port = port or free_port()
        self.logfile = logfile
        self.url = f"http://127.0.0.1:{self.port}"
        python = os.environ.get("ODOO_PYTHON", "/opt/odoo19/venv/bin/python")
        self.command = [
            python, "-m", "odoo", "-c", os.path.join(ROOT, "odoo.conf"),
            f"--data-dir={data_dir}", "-d", db, f"--db-filter=^{re.escape(db)}$",
            f"--workers={workers}", "--max-cron-threads=1",
            f"--http-port={self.port}", f"--gevent-port={self.port + 1}",
            "--http-interface=127.0.0.1", f"--logfile={logfile}", "--log-level=info",
            *extra_args,
        ]  # fmt: skip
        self.process = None

    def start(self, timeout=180):
        os.makedirs(os.path.dirname(os.path.abspath(self.logfile)), exist_ok=True)
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}; "
                    f"see {self.logfile}"
                )
            try:
                if requests.get(self.url + "/web/health", timeout=5).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"the server did not answer within {timeout}s")

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def stop(self):
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # our own process group
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


class LogWatcher:
    """Counts limit events, worker (re)starts and errors in the server log,
    from the log's size when the run starts."""

    def __init__(self, path):
        self.path = path
        self.offset = os.path.getsize(path) if path and os.path.exists(path) else 0
        self.kinds = {}  # pid -> WorkerHTTP / WorkerCron

    def scan(self):
        counts = dict.fromkeys([*LIMIT_PATTERNS, *RECYCLE_PATTERNS], 0)
        counts.update(
            workers_started=0,
            serialization_retries=0,
            error_lines=0,
            bad_query_lines=0,
            warning_lines=0,
        )
        samples = []
        access = {}
        if not self.path or not os.path.exists(self.path):
            return {"log": None, **counts, "samples": samples}
        position = 0
        with open(self.path, "rb") as handle:
            for raw in handle:
                position += len(raw)
                line = raw.decode(errors="replace")
                if match := ALIVE.search(line):
                    self.kinds[int(match.group(2))] = match.group(1)
                if position <= self.offset:
                    continue  # before the run: only which worker is which
                for name, pattern in (
                    *LIMIT_PATTERNS.items(),
                    *RECYCLE_PATTERNS.items(),
                ):
                    if pattern.search(line):
                        counts[name] += 1
                        if name in LIMIT_PATTERNS and len(samples) < 20:
                            samples.append(line.strip()[:300])
                if ALIVE.search(line):
                    counts["workers_started"] += 1
                if match := ACCESS.search(line):
                    path = match.group("path")
                    # call_kw/<model>/<method>, call_button#model.method: the method
                    label = (
                        line.split("#", 1)[1].split(" ", 1)[0]
                        if "#" in line[match.start() : match.end()]
                        else re.sub(r"/\d+", "/<id>", path)
                    )
                    access.setdefault(label, []).append(
                        (
                            int(match.group("queries")),
                            float(match.group("query_time")),
                            float(match.group("other_time")),
                        )
                    )
                if RETRY.search(line):
                    counts["serialization_retries"] += 1
                if match := LOG_LINE.match(line):
                    level = match.group(1)
                    if BAD_QUERY.search(line):
                        # logged before Odoo retries a serialization failure
                        counts["bad_query_lines"] += 1
                    elif level in ("ERROR", "CRITICAL"):
                        counts["error_lines"] += 1
                        if len(samples) < 20:
                            samples.append(line.strip()[:300])
                    elif level == "WARNING":
                        counts["warning_lines"] += 1
        counts["workers_killed_by_limits"] = sum(
            counts[name] for name in LIMIT_PATTERNS
        )
        return {
            "log": self.path,
            **counts,
            "samples": samples,
            "server_time_by_request": self._server_times(access),
        }

    @staticmethod
    def _server_times(access):
        """Per request label, from the access lines: count, mean SQL queries,
        mean SQL seconds and mean other (Python) seconds inside the worker."""
        result = {}
        for label, rows in access.items():
            n = len(rows)
            result[label] = {
                "count": n,
                "queries": round(sum(r[0] for r in rows) / n, 1),
                "sql_s": round(sum(r[1] for r in rows) / n, 3),
                "python_s": round(sum(r[2] for r in rows) / n, 3),
            }
        return dict(
            sorted(
                result.items(),
                key=lambda kv: -(kv[1]["sql_s"] + kv[1]["python_s"]) * kv[1]["count"],
            )
        )


class MemorySampler(threading.Thread):
    """Resident memory of every child of the server's master process, every
    ``interval`` seconds. HTTP and cron workers are told apart from the log."""

    def __init__(self, master_pid, clock, log_watcher=None, interval=5.0, db=None):
        super().__init__(daemon=True, name="memory-sampler")
        self.master = psutil.Process(master_pid) if master_pid else None
        self.clock = clock
        self.log_watcher = log_watcher
        self.interval = interval
        self.db = db
        self.samples = []  # (t, {pid: rss_mb})
        # CPU seconds (user + system) per process: first and last value seen
        self.cpu = {"odoo": {}, "postgres": {}}
        self.stop_event = threading.Event()
        self.failures = []

    def _cpu(self, kind, process):
        times = process.cpu_times()
        seen = self.cpu[kind].setdefault(process.pid, [times.user + times.system, 0])
        seen[1] = times.user + times.system

    def _postgres_backends(self):
        """Backends serving our database (their title: ``postgres: user db ...``)."""
        if not self.db:
            return
        for process in psutil.process_iter(["name", "cmdline"]):
            try:
                title = " ".join(process.info["cmdline"] or ())
                if title.startswith("postgres: ") and f" {self.db} " in title:
                    self._cpu("postgres", process)
            except psutil.Error:
                continue

    def run(self):
        while not self.stop_event.is_set() and self.master:
            try:
                self._sample()
            except Exception as exc:  # noqa: BLE001 - kept and reported
                self.failures.append(repr(exc))
            self.stop_event.wait(self.interval)

    def _sample(self):
        rss = {}
        children = self.master.children(recursive=False)
        self._cpu("odoo", self.master)
        for child in children:
            try:
                self._cpu("odoo", child)
                if "gevent" in child.cmdline():  # an argument, not --gevent-port
                    continue  # the websocket process: no business requests
                rss[child.pid] = child.memory_info().rss / 2**20
            except psutil.Error:
                continue
        self._postgres_backends()
        self.samples.append((self.clock.elapsed(), rss))

    def cpu_seconds(self):
        """CPU seconds used during the sampling by the Odoo processes and by the
        PostgreSQL backends of the database (a process's first sample is its
        baseline, so a worker born and dead between two samples is missed)."""
        return {
            kind: round(sum(last - first for first, last in per_pid.values()), 1)
            for kind, per_pid in self.cpu.items()
        }

    def stop(self):
        self.stop_event.set()

    def summary(self, since=0.0):
        """Mean/max RSS of HTTP workers over the first and the last 10 % of the
        samples taken after ``since`` and the growth between them."""
        if self.master is None:
            return None
        if self.failures:
            return {"samples": len(self.samples), "failures": self.failures[:5]}
        if self.log_watcher:
            self.log_watcher.scan()  # refresh which pid is which kind of worker
        kinds = self.log_watcher.kinds if self.log_watcher else {}
        samples = [
            (t, {pid: mb for pid, mb in rss.items() if kinds.get(pid) != "WorkerCron"})
            for t, rss in self.samples
            if t >= since and rss
        ]
        if len(samples) < 2:
            return {"samples": len(samples)}
        tenth = max(len(samples) // 10, 1)

        def stats(part):
            values = [mb for _t, rss in part for mb in rss.values()]
            return {
                "mean_mb": round(sum(values) / len(values), 1) if values else None,
                "max_mb": round(max(values), 1) if values else None,
            }

        first, last = stats(samples[:tenth]), stats(samples[-tenth:])
        peak = max((mb for _t, rss in samples for mb in rss.values()), default=None)
        pids = {pid for _t, rss in samples for pid in rss}
        growth = (
            round(100 * (last["mean_mb"] - first["mean_mb"]) / first["mean_mb"], 1)
            if first["mean_mb"] and last["mean_mb"]
            else None
        )
        cron = [
            mb
            for _t, rss in self.samples
            for pid, mb in rss.items()
            if kinds.get(pid) == "WorkerCron"
        ]
        return {
            "samples": len(samples),
            "http_workers_seen": len(pids),
            "first_10pct": first,
            "last_10pct": last,
            "growth_pct": growth,
            "peak_worker_mb": round(peak, 1) if peak else None,
            "cron_worker_peak_mb": round(max(cron), 1) if cron else None,
        }
