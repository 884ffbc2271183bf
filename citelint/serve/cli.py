"""The `citelint serve` command: its options, and starting uvicorn.

Kept light (argparse only) because the main parser imports it on every run;
the server's own modules, Starlette and uvicorn load in `run`."""
from __future__ import annotations

import argparse
import os
import sys

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8484
DEFAULT_MAX_BODY = 5 * 1024 * 1024
TOKEN_ENV = "CITELINT_TOKEN"


class ServeError(Exception):
    """A reason the server cannot start: one line, exit status 2."""


def _port(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, not {value!r}")
    return n


def _size(value: str) -> int:
    """A byte count: 5000000, 5MB or 512KB."""
    v = value.strip().upper()
    scale = 1
    for suffix, mult in (("MB", 1024 * 1024), ("KB", 1024), ("B", 1)):
        if v.endswith(suffix):
            v, scale = v[:-len(suffix)].strip(), mult
            break
    try:
        n = int(float(v) * scale)
    except ValueError:
        n = 0
    if n < 1024:
        raise argparse.ArgumentTypeError(f"expected a size of at least 1KB (e.g. 5MB), not {value!r}")
    return n


def _workers(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= 64:
        raise argparse.ArgumentTypeError(f"expected a whole number of workers from 1 to 64, not {value!r}")
    return n


def _seconds(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        n = 0.0
    if not 0 < n < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {value!r}")
    return n


def _allow_host(value: str) -> str:
    from ..online.guard import parse_allow_entry  # deferred: only when the option is given
    try:
        parse_allow_entry(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def add_parser(sub) -> None:
    """The `serve` subcommand on the main parser."""
    s = sub.add_parser("serve", help="a web page for editors and a JSON API for a CMS (needs citelint-news[serve])")
    s.add_argument("--host", default=DEFAULT_HOST,
                   help="address to listen on (default 127.0.0.1; any other needs --token)")
    s.add_argument("--port", type=_port, default=DEFAULT_PORT, help="port (default 8484; 0 picks a free one)")
    s.add_argument("--no-browser", action="store_true", help="do not open the page in a browser")
    s.add_argument("--config", help="use this configuration file (default: the one for the current folder)")
    s.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    s.add_argument("--token", help=f"every request must carry this token (or set ${TOKEN_ENV}); "
                                   "required when listening on an address other than loopback")
    s.add_argument("--max-body", type=_size, default=DEFAULT_MAX_BODY, metavar="SIZE",
                   help="largest request body (default 5MB); a larger one is refused with 413")
    s.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                   help="let pages from this origin call the API (CORS is off by default); repeatable")
    s.add_argument("--workers", type=_workers, default=1, help="worker processes (default 1)")
    g = s.add_argument_group("Verify sources (the page's button and /api/verify), as `check --online`")
    g.add_argument("--allow-host", action="append", default=[], type=_allow_host, metavar="HOST[:PORT]",
                   help="admit this internal host (private and loopback addresses are refused otherwise); repeatable")
    g.add_argument("--archive-endpoint", metavar="URL", help="Wayback-compatible availability API ('off' to skip)")
    g.add_argument("--online-timeout", type=_seconds, metavar="SECONDS", help="the most one verification may take")
    g.add_argument("--link-timeout", type=_seconds, metavar="SECONDS", help="the most one link may take (default 15)")
    g.add_argument("--trust-env", action="store_true", help="use proxy settings from the environment")


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
