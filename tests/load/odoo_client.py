"""A browser-like Odoo client for the load tests: JSON-RPC calls as the web client
makes them (``/web/dataset/call_kw``, ``call_button``, ``/mail/...``), plain GETs
for the portal, and the field specifications the web client derives from its views.

Standard library + ``requests`` (present in Odoo's environment); no Odoo import.
"""

import itertools
import threading
import time
import xml.etree.ElementTree as ET

import requests

RELATIONAL = ("many2one", "one2many", "many2many")
X2MANY_LIMIT = 40  # the web client's default page size of an x2many list


class RpcError(Exception):
    """An error answered by the server (JSON-RPC error or HTTP status)."""

    def __init__(self, message, name="", debug=""):
        super().__init__(message)
        self.name = name
        self.debug = debug

    def __str__(self):
        return f"{self.name}: {self.args[0]}" if self.name else self.args[0]


class Client:
    """One browser: its own cookie jar (session), user and context.

    ``recorder.record(label, seconds, error)`` receives every HTTP request; the
    label names the endpoint (``sale.order.web_read``, ``GET /my/orders``...).
    """

    _ids = itertools.count(1)

    def __init__(self, url, db, recorder, timeout=300):
        self.url = url.rstrip("/")
        self.db = db
        self.recorder = recorder
        self.timeout = timeout
        self.http = requests.Session()
        self.uid = None
        self.context = {}
        self.login = None

    # ------------------------------------------------------------------ transport
    def _timed(self, label, send):
        started = time.perf_counter()
        error = None
        try:
            return send()
        except RpcError as exc:
            error = exc
            raise
        except requests.RequestException as exc:
            error = RpcError(str(exc)[:500], type(exc).__name__)
            raise error from exc
        finally:
            self.recorder.record(
                label, time.perf_counter() - started, error and str(error)
            )

    def jsonrpc(self, path, params, label=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": params,
            "id": next(self._ids),
        }

        def send():
            response = self.http.post(
                self.url + path, json=payload, timeout=self.timeout
            )
            if response.status_code != 200:
                raise RpcError(
                    f"HTTP {response.status_code} on {path}: {response.text[:300]}",
                    "HTTPError",
                )
            answer = response.json()
            if "error" in answer:
                data = answer["error"].get("data") or {}
                raise RpcError(
                    data.get("message") or answer["error"].get("message", "?"),
                    data.get("name", ""),
                    data.get("debug", ""),
                )
            return answer.get("result")

        return self._timed(label or path, send)

    def get(self, path, label=None, expect=200):
        """GET ``path`` (portal pages, PDF); returns the ``requests`` response."""

        def send():
            response = self.http.get(self.url + path, timeout=self.timeout)
            if response.status_code != expect:
                raise RpcError(
                    f"HTTP {response.status_code} on GET {path}", "HTTPError"
                )
            if "/web/login" in response.url:
                raise RpcError(f"GET {path} asks to log in", "SessionExpired")
            return response

        return self._timed(label or "GET " + path.split("?")[0], send)

    # ------------------------------------------------------------------ session
    def authenticate(self, login, password):
        info = self.jsonrpc(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
            label="authenticate",
        )
        if not info or not info.get("uid"):
            raise RpcError(f"login refused for {login}", "AccessDenied")
        self.uid = info["uid"]
        self.login = login
        self.context = dict(info.get("user_context") or {})
        return info

    def call_kw(self, model, method, args=(), kwargs=None, label=None):
        kwargs = dict(kwargs or {})
        kwargs["context"] = {**self.context, **kwargs.get("context", {})}
        return self.jsonrpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            label=label or f"{model}.{method}",
        )

    def call_button(self, model, method, ids, context=None, label=None):
        return self.jsonrpc(
            "/web/dataset/call_button",
            {
                "model": model,
                "method": method,
                "args": [list(ids)],
                "kwargs": {"context": {**self.context, **(context or {})}},
            },
            label=label or f"{model}.{method}",
        )

    def load_action(self, xmlid):
        return self.jsonrpc(
            "/web/action/load", {"action_id": xmlid}, label="/web/action/load"
        )


# ---------------------------------------------------------------------- views
class ViewSet:
    """The views of one action as the web client loads them (``get_views``) and
    the specifications it derives: list, form, and the x2many sub-lists."""

    def __init__(self, client, model, action=None, views=None):
        self.model = model
        self.action = action or {}
        views = views or self.action.get("views") or [[False, "list"], [False, "form"]]
        views = [
            [view_id, "list" if kind == "tree" else kind] for view_id, kind in views
        ]
        if not any(kind == "search" for _id, kind in views):
            search_view = self.action.get("search_view_id") or False
            if isinstance(search_view, list):  # [id, name]
                search_view = search_view[0]
            views.append([search_view, "search"])
        options = {"load_filters": True, "toolbar": True}
        if self.action.get("id"):
            options["action_id"] = self.action["id"]
        result = client.call_kw(
            model,
            "get_views",
            [],
            {"views": views, "options": options},
            label=f"{model}.get_views",
        )
        self.fields = {name: info["fields"] for name, info in result["models"].items()}
        self.archs = {
            kind: ET.fromstring(view["arch"])
            for kind, view in result["views"].items()
            if kind in ("list", "kanban", "form", "search")
        }

    def spec(self, kind):
        arch = self.archs.get(kind)
        return field_spec(arch, self.model, self.fields) if arch is not None else {}

    def domain(self, uid):
        """The action's domain and its default filters (literal domains only)."""
        domain = self.action.get("domain") or []
        if isinstance(domain, str):
            try:
                domain = _literal(domain.replace("uid", str(uid)))
            except (ValueError, SyntaxError):
                domain = []
        return list(domain) + self.default_filter_domain(uid)

    def default_filter_domain(self, uid):
        """Domain of the search filters the action's context turns on
        (``search_default_<name>``), for the simple literal domains only."""
        context = self.action.get("context") or {}
        if isinstance(context, str):
            names = [
                part.split(":")[0].strip().strip("'\"")[len("search_default_") :]
                for part in context.strip("{} ").split(",")
                if "search_default_" in part
            ]
        else:
            names = [
                key[len("search_default_") :]
                for key, value in context.items()
                if key.startswith("search_default_") and value
            ]
        domain = []
        search = self.archs.get("search")
        if search is None:
            return domain
        for node in search.iter("filter"):
            if node.get("name") in names and node.get("domain"):
                text = node.get("domain").replace("uid", str(uid))
                try:
                    domain += _literal(text)
                except (ValueError, SyntaxError):
                    continue  # a filter computed from dates etc.: not needed here
        return domain


def _literal(text):
    import ast  # noqa: PLC0415 - only for the rare filter domains

    return list(ast.literal_eval(text))


def field_spec(arch, model, fields_by_model):
    """Web client specification of ``arch`` (list or form) of ``model``: every
    field of the view (invisible ones too, as the client reads them for its
    modifiers), many2one as ``display_name``, x2many with their sub-list."""
    fields = fields_by_model.get(model, {})
    spec = {}
    if arch.tag == "form":
        spec["display_name"] = {}

    def visit(node):
        for child in node:
            if child.tag == "field" and child.get("name") in fields:
                name = child.get("name")
                info = fields[name]
                kind = info.get("type")
                if kind == "many2one":
                    spec[name] = {"fields": {"display_name": {}}}
                elif kind in ("one2many", "many2many"):
                    sub = next(
                        (c for c in child if c.tag in ("list", "kanban", "form")), None
                    )
                    if sub is not None and kind == "one2many":
                        list_view = next((c for c in child if c.tag == "list"), sub)
                        spec[name] = {
                            "fields": field_spec(
                                list_view, info["relation"], fields_by_model
                            ),
                            "limit": X2MANY_LIMIT,
                        }
                    else:
                        spec[name] = {"fields": {"display_name": {}}}
                else:
                    spec[name] = {}
                continue  # a field's own sub-views are handled above
            visit(child)

    visit(arch)
    return spec


class Stopwatch:
    """Thread-safe clock shared by the users: start, deadline, stop flag."""

    def __init__(self, duration):
        self.started = time.monotonic()
        self.deadline = self.started + duration if duration else None
        self.stop_event = threading.Event()

    def elapsed(self):
        return time.monotonic() - self.started

    def done(self):
        return self.stop_event.is_set() or (
            self.deadline is not None and time.monotonic() >= self.deadline
        )

    def sleep(self, seconds):
        """Think: sleep ``seconds`` unless the run ends first; False if it ended."""
        if self.deadline is not None:
            seconds = min(seconds, max(self.deadline - time.monotonic(), 0))
        self.stop_event.wait(seconds)
        return not self.done()
