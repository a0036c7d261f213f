"""Latency and event recording for the load tests (thread-safe)."""

import contextlib
import math
import threading
import time
from collections import defaultdict


def percentile(values, fraction):
    """Nearest-rank percentile of ``values`` (sorted or not); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


class Recorder:
    """Latencies and errors per label, plus timestamped business events.

    ``record`` is fed by the client (one entry per HTTP request) or by
    ``action`` (one entry per user action, e.g. "open an order": web_read +
    chatter requests, measured end to end).
    """

    def __init__(self, clock, max_error_samples=40):
        self.clock = clock
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)  # label -> [(t, seconds)]
        self.errors = defaultdict(int)
        self.error_samples = []
        self.max_error_samples = max_error_samples
        self.events = defaultdict(list)  # name -> [(t, n)]
        self.measuring = True  # False during the warm-up (ramp-up) if excluded

    def record(self, label, seconds, error=None):
        now = self.clock.elapsed()
        with self.lock:
            self.latencies[label].append((now, seconds))
            if error:
                self.errors[label] += 1
                if len(self.error_samples) < self.max_error_samples:
                    self.error_samples.append(
                        {"t": round(now, 1), "label": label, "error": str(error)[:600]}
                    )

    @contextlib.contextmanager
    def action(self, label):
        started = time.perf_counter()
        error = None
        try:
            yield
        except Exception as exc:
            error = exc
            exc.recorded = True  # the user's loop must not count it again
            raise
        finally:
            self.record(label, time.perf_counter() - started, error)

    def event(self, name, count=1):
        with self.lock:
            self.events[name].append((self.clock.elapsed(), count))

    def event_total(self, name, since=0.0, until=None):
        with self.lock:
            return sum(
                n
                for t, n in self.events.get(name, ())
                if t >= since and (until is None or t < until)
            )

    def summary(self, since=0.0):
        """{label: {count, errors, p50, p95, max, mean}} over entries after ``since``."""
        with self.lock:
            items = {label: list(values) for label, values in self.latencies.items()}
            errors = dict(self.errors)
        result = {}
        for label, values in sorted(items.items()):
            kept = [seconds for t, seconds in values if t >= since]
            if not kept:
                continue
            result[label] = {
                "count": len(kept),
                "errors": errors.get(label, 0),
                "p50": round(percentile(kept, 0.50), 3),
                "p95": round(percentile(kept, 0.95), 3),
                "max": round(max(kept), 3),
                "mean": round(sum(kept) / len(kept), 3),
            }
        return result

    def rate_windows(self, name, since, until, window):
        """Events per hour in consecutive windows of ``window`` seconds."""
        rates = []
        start = since
        while start + window <= until + 1e-6:
            total = self.event_total(name, start, start + window)
            rates.append(round(total * 3600 / window))
            start += window
        return rates


def format_table(summary, title):
    lines = [
        title,
        f"{'action':34}{'count':>7}{'errors':>7}{'p50 s':>8}{'p95 s':>8}{'max s':>8}",
    ]
    for label, row in summary.items():
        lines.append(
            f"{label[:34]:34}{row['count']:>7}{row['errors']:>7}"
            f"{row['p50']:>8.3f}{row['p95']:>8.3f}{row['max']:>8.3f}"
        )
    return "\n".join(lines)
