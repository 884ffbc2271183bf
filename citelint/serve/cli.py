"""The `citelint serve` command's options. Kept light (argparse only): the
main parser imports it on every run. Starting the server is launch.py."""
from __future__ import annotations

import argparse

from ..online.cli import allow_host_arg, seconds_arg

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8484
DEFAULT_MAX_BODY = 5 * 1024 * 1024
TOKEN_ENV = "CITELINT_TOKEN"


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
    g.add_argument("--allow-host", action="append", default=[], type=allow_host_arg, metavar="HOST[:PORT]",
                   help="admit this internal host (private and loopback addresses are refused otherwise); repeatable")
    g.add_argument("--archive-endpoint", metavar="URL", help="Wayback-compatible availability API ('off' to skip)")
    g.add_argument("--online-timeout", type=seconds_arg, metavar="SECONDS", help="the most one verification may take")
    g.add_argument("--link-timeout", type=seconds_arg, metavar="SECONDS", help="the most one link may take (default 15)")
    g.add_argument("--trust-env", action="store_true", help="use proxy settings from the environment")
