#!/usr/bin/env python3
"""Screenshots of a running Odoo web client, taken in a real headless Chromium.

Logs in over JSON-RPC (/web/session/authenticate), hands the ``session_id``
cookie to a fresh headless Chromium, drives it over the DevTools protocol,
waits until Odoo's JavaScript has rendered the page (a CSS selector exists and
no RPC / loading indicator / blockUI is pending), then saves a PNG.

Usage (run with the Odoo venv interpreter, which has requests and
websocket-client)::

    python tools/screenshot.py --url http://127.0.0.1:8069 --db mydb \\
        --login admin --password admin \\
        --path '/odoo/action-appliance_sales.product_template_action_appliance_set' \\
        --wait-for '.o_kanban_record' --out docs/screenshots/sets-kanban.png \\
        --path '/odoo/sales' --wait-for '.o_list_view' \\
        --out docs/screenshots/sales-list.png

Several shots may be taken in one browser session: ``--path``, ``--out``,
``--wait-for`` and ``--click`` describe one shot each, in any order; repeating
an option that the current shot already has starts the next shot.  Every shot
needs ``--path`` and ``--out``.  ``--wait-for`` defaults to
``.o_action_manager > .o_action`` (the web client rendered an action); pass
``--wait-for body`` for pages outside the web client.  ``--click SELECTOR``
clicks the element (e.g. a notebook tab ``a[name=appliance_specs]``) once the
page is ready, then waits for idle again before the capture.

``--mobile`` emulates a 390x844 phone (device scale factor 2, touch, mobile
user agent); otherwise the viewport is ``--width`` x ``--height``.

Exit status is 0 when every screenshot was written, 1 otherwise (the message
on stderr says what failed: login refused, selector not found, ...).
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.parse import urljoin, urlsplit

import requests
import websocket

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",  # Chromium picks a free port, see DevToolsActivePort
]
DEFAULT_WAIT_FOR = ".o_action_manager > .o_action"
MOBILE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
MOBILE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36"
)

# Injected before any page script: counts in-flight XHR/fetch requests so we
# know when Odoo's RPCs are done (the web client's loading indicator only
# appears after 250 ms, so it alone is not enough).
TRACK_REQUESTS_JS = r"""
(() => {
    if (window.__shotInflight !== undefined) { return; }
    window.__shotInflight = 0;
    const done = () => {
        window.__shotInflight = Math.max(0, window.__shotInflight - 1);
    };
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (...args) {
        window.__shotInflight++;
        this.addEventListener("loadend", done, { once: true });
        try { return send.apply(this, args); } catch (e) { done(); throw e; }
    };
    const origFetch = window.fetch;
    if (origFetch) {
        window.fetch = function (...args) {
            window.__shotInflight++;
            let p;
            try { p = origFetch.apply(this, args); } catch (e) { done(); throw e; }
            p.then(done, done);
            return p;
        };
    }
    // No blinking text caret in screenshots (the search box has focus).
    const style = () => {
        const el = document.createElement("style");
        el.textContent = "* { caret-color: transparent !important; }";
        document.head.appendChild(el);
    };
    if (document.head) {
        style();
    } else {
        document.addEventListener("DOMContentLoaded", style);
    }
})();
"""

# Returns null when the page is idle, else a short reason.
BUSY_JS = r"""
(() => {
    const q = (sel) => document.querySelector(sel);
    if (document.readyState !== "complete") { return "page " + document.readyState; }
    if (window.__shotInflight) { return window.__shotInflight + " request(s) pending"; }
    if (q(".o_loading_indicator")) { return "Odoo loading indicator shown"; }
    if (q(".o_blockUI")) { return "Odoo UI blocked (blockUI)"; }
    if (document.fonts && document.fonts.status !== "loaded") { return "fonts"; }
    const img = Array.from(document.images).find((i) => !i.complete);
    if (img) { return "image loading: " + img.src.slice(0, 120); }
    return null;
})()
"""

ERROR_DIALOG_JS = r"""
(() => {
    const sel = ".o_error_dialog, .o_dialog .modal-body .o_error_detail";
    const d = document.querySelector(sel);
    return d ? (d.closest(".modal-content") || d).innerText.slice(0, 600) : null;
})()
"""


class ShotError(Exception):
    """A failure with a message meant for the user."""


# --------------------------------------------------------------------------- CLI


class ShotOption(argparse.Action):
    """Collect --path/--out/--wait-for/--click into a list of shot dicts."""

    def __call__(self, parser, namespace, value, option_string=None):
        shots = getattr(namespace, "shots", None) or []
        if not shots or self.dest in shots[-1]:
            shots.append({})
        shots[-1][self.dest] = value
        namespace.shots = shots


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Repeat --path/--out[/--wait-for/--click] for several shots.",
    )
    parser.add_argument(
        "--url", required=True, help="Odoo base URL, e.g. http://127.0.0.1:8069"
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument(
        "--path",
        dest="path",
        action=ShotOption,
        metavar="PATH",
        help="page to open, relative to --url (e.g. /odoo/sales)",
    )
    parser.add_argument(
        "--out",
        dest="out",
        action=ShotOption,
        metavar="FILE.png",
        help="where to write the PNG",
    )
    parser.add_argument(
        "--wait-for",
        dest="wait_for",
        action=ShotOption,
        metavar="SELECTOR",
        help="CSS selector that must exist before capture "
        f"(default {DEFAULT_WAIT_FOR!r})",
    )
    parser.add_argument(
        "--click",
        dest="click",
        action=ShotOption,
        metavar="SELECTOR",
        help="click this element once ready, then wait for idle again",
    )
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="device scale factor (desktop)"
    )
    parser.add_argument(
        "--mobile", action="store_true", help="emulate a 390x844 phone, scale 2"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds to wait for the selector / idle page (default 30)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=0.8,
        help="extra seconds after idle, for animations (default 0.8)",
    )
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.set_defaults(shots=[])
    args = parser.parse_args(argv)
    if not args.shots:
        parser.error("give at least one --path ... --out ... shot")
    for i, shot in enumerate(args.shots, 1):
        missing = [f"--{k}" for k in ("path", "out") if k not in shot]
        if missing:
            parser.error(f"shot {i} ({shot}) lacks {' and '.join(missing)}")
        shot.setdefault("wait_for", DEFAULT_WAIT_FOR)
    return args


# ------------------------------------------------------------------------ login


def login(base_url, db, user, password):
    """Authenticate over JSON-RPC and return the session_id cookie value."""
    url = urljoin(base_url + "/", "web/session/authenticate")
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {"db": db, "login": user, "password": password},
    }
    try:
        resp = requests.post(url, json=payload, timeout=60)
    except requests.ConnectionError as exc:
        raise ShotError(f"cannot connect to {base_url} (is Odoo running?)") from exc
    except requests.RequestException as exc:
        raise ShotError(f"cannot reach Odoo at {base_url}: {exc}") from exc
    if resp.status_code != 200:
        raise ShotError(f"login: HTTP {resp.status_code} from {url}")
    try:
        body = resp.json()
    except ValueError as exc:
        raise ShotError(
            f"login: {url} did not answer JSON (is --url an Odoo server?)"
        ) from exc
    if body.get("error"):
        err = body["error"]
        msg = (err.get("data") or {}).get("message") or err.get("message")
        raise ShotError(f"login refused for {user!r} on database {db!r}: {msg}")
    result = body.get("result") or {}
    if not result.get("uid"):
        raise ShotError(f"login refused for {user!r} on database {db!r}")
    sid = resp.cookies.get("session_id")
    if not sid:
        raise ShotError("login succeeded but Odoo set no session_id cookie")
    return sid


# --------------------------------------------------------------------- chromium


class CDP:
    """Minimal synchronous Chrome DevTools Protocol client over one websocket."""

    def __init__(self, ws_url, verbose=False):
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.verbose = verbose

    def send(self, method, params=None, timeout=60):
        self.next_id += 1
        msg_id = self.next_id
        self.ws.send(
            json.dumps({"id": msg_id, "method": method, "params": params or {}})
        )
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ShotError(
                    f"DevTools: no answer to {method} within {timeout:.0f}s"
                )
            self.ws.settimeout(remaining)
            try:
                msg = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue
            except (websocket.WebSocketException, OSError) as exc:
                raise ShotError(
                    f"DevTools connection lost during {method}: {exc}"
                ) from exc
            if msg.get("id") != msg_id:
                continue  # an event; we poll the page instead of following events
            if "error" in msg:
                raise ShotError(
                    f"DevTools {method} failed: {msg['error'].get('message')}"
                )
            return msg.get("result", {})

    def evaluate(self, expression):
        res = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}
        )
        if "exceptionDetails" in res:
            detail = res["exceptionDetails"]
            text = (detail.get("exception") or {}).get("description") or detail.get(
                "text"
            )
            raise ShotError(f"page script failed: {text}")
        return res.get("result", {}).get("value")

    def close(self):
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - best effort on shutdown
            pass


def start_chromium(binary, user_data_dir, timeout=30):
    """Start headless Chromium; return (process, DevTools HTTP port)."""
    if not os.path.exists(binary):
        raise ShotError(f"Chromium not found at {binary}")
    cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"]
    log = open(os.path.join(user_data_dir, "chromium.log"), "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        cmd,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    log.close()
    port_file = os.path.join(user_data_dir, "DevToolsActivePort")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ShotError(
                f"Chromium exited at start (code {proc.returncode}):\n"
                + tail(os.path.join(user_data_dir, "chromium.log"))
            )
        try:
            with open(port_file) as fh:
                first = fh.readline().strip()
            if first:
                return proc, int(first)
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise ShotError(
        f"Chromium did not open its DevTools port within {timeout}s:\n"
        + tail(os.path.join(user_data_dir, "chromium.log"))
    )


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])
    except OSError:
        return ""


def page_ws_url(port, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            targets = requests.get(
                f"http://127.0.0.1:{port}/json/list", timeout=5
            ).json()
            pages = [
                t
                for t in targets
                if t.get("type") == "page" and t.get("webSocketDebuggerUrl")
            ]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            new = requests.put(
                f"http://127.0.0.1:{port}/json/new?about:blank", timeout=5
            ).json()
            return new["webSocketDebuggerUrl"]
        except (requests.RequestException, ValueError, KeyError):
            time.sleep(0.2)
    raise ShotError("Chromium has no page target to drive")


def stop_chromium(proc, cdp=None):
    if proc is None or proc.poll() is not None:
        return
    if cdp is not None:
        try:  # graceful: the browser reaps its own helper processes
            cdp.send("Browser.close", timeout=5)
        except ShotError:
            pass
        try:
            proc.wait(5)
            return
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, 15)  # its own session: the browser and its helpers only
    except ProcessLookupError:
        return
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass
        proc.wait(5)


# ------------------------------------------------------------------------ shots


def wait_for_selector(cdp, selector, timeout):
    check = f"!!document.querySelector({json.dumps(selector)})"
    deadline = time.monotonic() + timeout
    while True:
        if cdp.evaluate(check):
            return
        err = cdp.evaluate(ERROR_DIALOG_JS)
        if err:
            raise ShotError(
                f"Odoo shows an error dialog while waiting for {selector!r}:\n{err}"
            )
        if time.monotonic() > deadline:
            where = cdp.evaluate("location.href")
            hint = (
                " (redirected to the login page: session refused?)"
                if "/web/login" in where
                else ""
            )
            raise ShotError(
                f"selector {selector!r} not found within {timeout:.0f}s "
                f"on {where}{hint}"
            )
        time.sleep(0.1)


def wait_for_idle(cdp, timeout, quiet=0.5):
    """Wait until BUSY_JS reports idle continuously for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    idle_since = None
    while True:
        busy = cdp.evaluate(BUSY_JS)
        now = time.monotonic()
        if busy is None:
            idle_since = idle_since or now
            if now - idle_since >= quiet:
                return
        else:
            idle_since = None
            if now > deadline:
                raise ShotError(f"page not idle after {timeout:.0f}s: {busy}")
        time.sleep(0.1)


def take_shot(cdp, args, shot, log):
    t0 = time.monotonic()
    url = urljoin(args.url + "/", shot["path"].lstrip("/"))
    log(f"open {url}")
    res = cdp.send("Page.navigate", {"url": url})
    if res.get("errorText"):
        raise ShotError(f"cannot load {url}: {res['errorText']}")
    wait_for_selector(cdp, shot["wait_for"], args.timeout)
    wait_for_idle(cdp, args.timeout)
    if shot.get("click"):
        sel = shot["click"]
        log(f"click {sel}")
        wait_for_selector(cdp, sel, args.timeout)
        cdp.evaluate(f"document.querySelector({json.dumps(sel)}).click()")
        time.sleep(0.2)
        wait_for_idle(cdp, args.timeout)
    time.sleep(args.settle)
    err = cdp.evaluate(ERROR_DIALOG_JS)
    if err:
        raise ShotError(f"Odoo shows an error dialog on {url}:\n{err}")
    if cdp.evaluate("!!document.querySelector('.o_view_sample_data')"):
        print(
            f"screenshot: warning: {shot['out']}: the view shows Odoo's sample data "
            "(no real records match)",
            file=sys.stderr,
        )
    # Move the mouse out of the way so no hover/tooltip shows up.
    cdp.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 0, "y": 0})
    data = cdp.send("Page.captureScreenshot", {"format": "png"})["data"]
    out = shot["out"]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "wb") as fh:
        fh.write(base64.b64decode(data))
    log(f"wrote {out} in {time.monotonic() - t0:.1f}s")


def run(args):
    log = (
        (lambda m: print(f"[screenshot] {m}", file=sys.stderr))
        if args.verbose
        else (lambda m: None)
    )
    t0 = time.monotonic()
    args.url = args.url.rstrip("/")
    sid = login(args.url, args.db, args.login, args.password)
    log(f"logged in as {args.login} on {args.db}")
    tmp = tempfile.mkdtemp(prefix="odoo-shot-")
    proc = cdp = None
    try:
        proc, port = start_chromium(args.chromium, tmp)
        log(f"chromium pid {proc.pid}, DevTools port {port}")
        cdp = CDP(page_ws_url(port), verbose=args.verbose)
        cdp.send("Page.enable")
        cdp.send("Network.enable")
        cdp.send("Page.addScriptToEvaluateOnNewDocument", {"source": TRACK_REQUESTS_JS})
        host = urlsplit(args.url).hostname
        ok = cdp.send(
            "Network.setCookie",
            {
                "name": "session_id",
                "value": sid,
                "url": args.url + "/",
                "domain": host,
                "path": "/",
                "httpOnly": True,
            },
        )
        if ok.get("success") is False:
            raise ShotError("Chromium refused the session cookie")
        if args.mobile:
            cdp.send("Emulation.setDeviceMetricsOverride", MOBILE)
            cdp.send(
                "Emulation.setTouchEmulationEnabled",
                {"enabled": True, "maxTouchPoints": 5},
            )
            cdp.send("Emulation.setUserAgentOverride", {"userAgent": MOBILE_UA})
        else:
            cdp.send(
                "Emulation.setDeviceMetricsOverride",
                {
                    "width": args.width,
                    "height": args.height,
                    "deviceScaleFactor": args.scale,
                    "mobile": False,
                },
            )
        for shot in args.shots:
            try:
                take_shot(cdp, args, shot, log)
            except ShotError as exc:
                raise ShotError(f"{shot['out']}: {exc}") from exc
    finally:
        stop_chromium(proc, cdp)
        if cdp:
            cdp.close()
        shutil.rmtree(tmp, ignore_errors=True)
    log(f"done in {time.monotonic() - t0:.1f}s")


def main(argv=None):
    args = parse_args(argv)
    try:
        run(args)
    except ShotError as exc:
        print(f"screenshot: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("screenshot: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
