"""The ASGI application: the settings in force, the routes, and the guard.

`create_app(options)` builds it for one process; `from_environment()` is the
factory each `--workers` process calls (the options travel in an environment
variable). The settings come from the configuration the server was started
with (`--config`, or the one for the folder it was started in), once."""
from __future__ import annotations

import json
import os
import threading
from importlib.resources import files

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from . import api
from .security import Guard, is_loopback

OPTIONS_ENV = "CITELINT_SERVE_OPTIONS"  # how `--workers N` hands the options to each worker process
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}


class State:
    """What every request reads: settings, the Linter, rules and (on first use) the outlet registry."""

    def __init__(self, opts: dict):
        import citelint  # deferred
        from ..config import Resolver  # deferred
        self.opts = opts
        cwd = opts.get("cwd") or os.getcwd()
        self.settings = Resolver(opts.get("config"), bool(opts.get("isolated"))).for_path(cwd)
        self.linter = citelint.linter(self.settings)  # a bad configuration raises ConfigError here
        self.rules = {r.code: r for r in self.linter.known}
        self.enabled = {r.code for r in self.linter.rules}
        self._registry = None
        self._online = None
        self._lock = threading.Lock()
        self._rules_json = None
        self.online_options()  # a bad --allow-host or archive endpoint is reported at start

    def linter_for(self, select, ignore):
        """The Linter for a request's own `select` / `ignore` (the server's when it names none)."""
        import citelint  # deferred
        if select is None and not ignore:
            return self.linter
        self.check_codes("select", select or ())
        self.check_codes("ignore", ignore or ())
        s = self.settings
        return citelint.linter(s.replace(select=tuple(select) if select is not None else s.select,
                                         ignore=s.ignore + tuple(ignore or ())))

    def check_codes(self, field: str, codes) -> None:
        from .validate import BadRequest  # deferred
        for c in codes:
            if c != "ALL" and not any(code.startswith(c) for code in self.rules):
                raise BadRequest(f"`{field}`: unknown rule code or prefix {c[:40]!r}; GET /api/rules lists them")

    def rule(self, wanted: str):
        code = wanted.upper()
        return self.rules.get(code) or next((r for r in self.rules.values() if r.name == wanted), None)

    def registry(self):
        with self._lock:
            if self._registry is None:
                from ..outlets import load_registry  # deferred
                self._registry = load_registry(tuple(self.settings.outlets))
            return self._registry

    def online_options(self):
        if self._online is None:
            from .verify import online_options  # deferred
            self._online = online_options(self.opts, self.settings)
        return self._online

    def rules_json(self) -> bytes:
        if self._rules_json is None:
            from ..ruledoc import docs_url  # deferred
            self._rules_json = json.dumps({"rules": [dict(r.docs(), enabled=r.code in self.enabled, docs=docs_url(r.code))
                                                     for r in self.rules.values()]}, ensure_ascii=False).encode("utf-8")
        return self._rules_json

    def settings_json(self) -> dict:
        s = self.settings
        return {"source": s.source, "root": s.root, "toml": s.as_toml(),
                "select": list(s.select) if s.select is not None else None, "extend_select": list(s.extend_select),
                "ignore": list(s.ignore), "per_file_ignores": {g: list(c) for g, c in s.per_file_ignores},
                "severity": dict(s.severity), "unsafe_fixes": s.unsafe_fixes, "rule_packs": list(s.rule_packs),
                "outlets": list(s.outlets), "rules_in_force": sorted(self.enabled),
                "limits": {"max_body": self.opts.get("max_body"), "token": bool(self.opts.get("token"))}}


def build_state(opts: dict) -> State:
    return State(opts)


def _asset(name: str) -> bytes:
    return files(__package__).joinpath("static", name).read_bytes()


def _routes(state: State) -> list:
    from .openapi import docs_page, schema  # deferred
    index = _asset("index.html")
    assets = {name: _asset(name) for name in STATIC}
    spec = json.dumps(schema(), ensure_ascii=False).encode("utf-8")
    docs = docs_page(schema())

    async def page(request):
        return Response(index, media_type="text/html; charset=utf-8")

    async def static(request):
        name = request.path_params["name"]
        if name not in assets:
            raise HTTPException(404)
        return Response(assets[name], media_type=STATIC[name])

    async def openapi(request):
        return Response(spec, media_type="application/json")

    async def docs_html(request):
        return HTMLResponse(docs)

    async def favicon(request):
        return Response(status_code=204)  # no icon, and no 404 in the console

    post = ["POST"]
    return [
        Route("/", page), Route("/static/{name}", static), Route("/openapi.json", openapi), Route("/docs", docs_html),
        Route("/favicon.ico", favicon),
        Route("/api/check", api.check, methods=post), Route("/api/fix", api.fix, methods=post),
        Route("/api/verify", api.verify, methods=post), Route("/api/credits", api.credits, methods=post),
        Route("/api/diff", api.diff, methods=post), Route("/api/decode", api.decode, methods=post),
        Route("/api/encode", api.encode, methods=post),
        Route("/api/rules", api.rules), Route("/api/rules/{code}", api.rule), Route("/api/outlets", api.outlets),
        Route("/api/settings", api.settings), Route("/api/health", api.health),
    ]


async def _http_error(request, exc):
    messages = {404: f"no such page or endpoint: {request.url.path[:80]}; GET /openapi.json lists the API",
                405: f"{request.method} is not allowed on {request.url.path[:80]}"}
    return JSONResponse({"error": messages.get(exc.status_code, exc.detail)}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


def create_app(opts: dict, state: State | None = None, on_ready=None):
    """The ASGI app, wrapped in the guard; `on_ready` runs once it is listening."""
    state = state or build_state(opts)
    lifespan = None
    if on_ready is not None:
        from contextlib import asynccontextmanager  # deferred

        @asynccontextmanager
        async def lifespan(app):
            threading.Thread(target=on_ready, daemon=True).start()
            yield
    app = Starlette(routes=_routes(state), exception_handlers={HTTPException: _http_error}, lifespan=lifespan)
    app.state.citelint = state
    inner = app
    if opts.get("cors_origins"):
        from starlette.middleware.cors import CORSMiddleware  # deferred
        inner = CORSMiddleware(app, allow_origins=list(opts["cors_origins"]), allow_methods=["GET", "POST"],
                               allow_headers=["Authorization", "Content-Type", "X-Citelint-Token"])
    guard = Guard(inner, opts.get("token"), int(opts.get("max_body") or 5 * 1024 * 1024),
                  loopback_only=is_loopback(opts.get("host", "127.0.0.1")), cors=bool(opts.get("cors_origins")))
    guard.citelint = state
    return guard


def from_environment():
    """The app for one `--workers` process (uvicorn's factory)."""
    return create_app(json.loads(os.environ[OPTIONS_ENV]))
