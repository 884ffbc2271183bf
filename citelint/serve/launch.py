"""Starting `citelint serve`: the options checked, the settings loaded (a bad
configuration stops the start), the socket bound, uvicorn run, the browser
opened. Starlette and uvicorn load here, never on other commands."""
from __future__ import annotations

import os
import sys

from .cli import TOKEN_ENV


class ServeError(Exception):
    """A reason the server cannot start: one line, exit status 2."""


def options_from(args) -> dict:
    """The server's options as plain JSON-able values (they cross to worker processes)."""
    from .security import is_loopback  # deferred
    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV) or None
    if token is not None and (len(token) < 8 or not token.isprintable() or token.strip() != token):
        raise ServeError("--token must be at least 8 printable characters without surrounding spaces")
    if not is_loopback(args.host) and not token:
        raise ServeError(f"--host {args.host} is not a loopback address: give --token (or ${TOKEN_ENV}) "
                         "so that only your CMS and editors can use the server")
    return {"host": args.host, "port": args.port, "token": token, "max_body": args.max_body,
            "cors_origins": list(args.cors_origin), "config": args.config, "isolated": bool(args.isolated),
            "cwd": os.getcwd(), "allow_host": list(args.allow_host), "archive_endpoint": args.archive_endpoint,
            "online_timeout": args.online_timeout, "link_timeout": args.link_timeout,
            "trust_env": bool(args.trust_env)}


def run(args) -> int:
    """Start the server; returns the exit status once it stops."""
    try:
        import starlette  # noqa: F401  # deferred
        import uvicorn  # deferred
    except ImportError:
        raise ServeError("citelint serve needs the serve extra: pip install 'citelint-news[serve]'") from None
    opts = options_from(args)
    from .app import build_state  # deferred
    build_state(opts)  # a bad configuration is reported now, once, before anything listens
    if args.workers > 1:
        return _run_workers(uvicorn, opts, args.workers, args.no_browser)
    return _run_one(uvicorn, opts, args.no_browser)


def _run_one(uvicorn, opts: dict, no_browser: bool) -> int:
    import socket  # deferred

    from .app import create_app  # deferred
    family = socket.AF_INET6 if ":" in opts["host"] else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((opts["host"].strip("[]"), opts["port"]))
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {opts['host']}:{opts['port']}: {exc.strerror or exc}") from None
    port = sock.getsockname()[1]
    url = page_url(opts, port)
    app = create_app(opts, on_ready=None if no_browser else (lambda: _open_browser(url, opts)))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=5)
    _announce(url, opts)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def _run_workers(uvicorn, opts: dict, workers: int, no_browser: bool) -> int:
    import json  # deferred

    from .app import OPTIONS_ENV  # deferred
    if opts["port"] == 0:
        raise ServeError("--workers needs a fixed --port")
    os.environ[OPTIONS_ENV] = json.dumps(opts)
    url = page_url(opts, opts["port"])
    _announce(url, opts)
    if not no_browser:
        import threading  # deferred
        threading.Timer(1.5, _open_browser, (url, opts)).start()
    uvicorn.run("citelint.serve.app:from_environment", factory=True, host=opts["host"].strip("[]"),
                port=opts["port"], workers=workers, log_level="warning", access_log=False,
                timeout_graceful_shutdown=5)
    return 0


def page_url(opts: dict, port: int) -> str:
    host = opts["host"]
    if host in ("0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def _announce(url: str, opts: dict) -> None:
    # The token is never printed: whoever started the server knows it.
    extra = " (requests need the token)" if opts["token"] else ""
    print(f"citelint serve: {url}{extra}  (Ctrl-C stops it)", file=sys.stderr, flush=True)


def _open_browser(url: str, opts: dict) -> None:
    import webbrowser  # deferred
    if opts["token"]:
        from urllib.parse import quote  # deferred
        url = f"{url}?token={quote(opts['token'], safe='')}"  # the page swaps it for a cookie at once
    try:
        webbrowser.open(url)
    except Exception:  # no browser here: the URL was printed
        pass
