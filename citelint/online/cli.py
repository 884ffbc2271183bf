"""`citelint check --online`: the options, and the pass that runs after the
offline checks. Importing this module costs nothing: requests and the outlet
registry load only when --online is given."""
from __future__ import annotations

import argparse
import sys
import threading
import time


def _seconds(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        n = 0.0
    if not n > 0 or n != n or n == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {value!r}")
    return n


def _allow_host(value: str) -> str:
    from .guard import parse_allow_entry  # deferred
    try:
        parse_allow_entry(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("online verification (off unless --online)")
    g.add_argument("--online", action="store_true",
                   help="also fetch every cited link: dead links, soft 404s, redirects, publisher and quote checks")
    g.add_argument("--allow-host", action="append", default=[], type=_allow_host, metavar="HOST[:PORT]",
                   help="admit this internal host (private and loopback addresses are refused otherwise); repeatable")
    g.add_argument("--archive-endpoint", metavar="URL",
                   help="Wayback-compatible availability API for dead links ('off' to skip; "
                        "default https://archive.org/wayback/available)")
    g.add_argument("--online-timeout", type=_seconds, metavar="SECONDS",
                   help="stop checking links after this long (default 300); the rest are reported as not verified")
    g.add_argument("--link-timeout", type=_seconds, metavar="SECONDS",
                   help="the most time one link may take, redirects and retries included (default 15)")
    g.add_argument("--trust-env", action="store_true",
                   help="use proxy settings and .netrc from the environment (ignored by default)")


class LinkProgress:
    """`checking links: 12/40` on stderr, redrawn at most ten times a second, only on a terminal."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = 0.0
        self.shown = False
        self._lock = threading.Lock()  # called from the fetch workers

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        with self._lock:
            now = time.monotonic()
            if now - self._last < 0.1 and done < total:
                return
            self._last = now
            self.stream.write(f"\rchecking links: {done}/{total}")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def options_for(args, settings_list) -> "object":
    """Online options for the run. Only the command line and a file named with
    --config can admit hosts or name an archive endpoint (config.GUARD_KEYS), and
    both reach every file alike, so one guard serves the whole run; the timeout
    is the command line's, else the first configuration's that says."""
    from .fetch import DEFAULT_TOTAL_TIMEOUT  # deferred
    from .verify import Options  # deferred

    allow: list[str] = []
    for s in settings_list:
        allow.extend(a for a in s.allow_hosts if a not in allow)
    for a in getattr(args, "allow_host", None) or ():
        if a not in allow:
            allow.append(a)
    timeout = getattr(args, "online_timeout", None)
    for s in settings_list:
        timeout = timeout if timeout is not None else s.online_timeout
    from .guard import parse_allow_entry  # deferred
    for a in allow:
        try:
            parse_allow_entry(a)
        except ValueError as exc:
            from ..config import ConfigError  # deferred
            raise ConfigError(f"allow-hosts: {exc}") from None
    endpoints = [e for e in (archive_endpoint(s) for s in settings_list) if e is not None]
    link_timeout = getattr(args, "link_timeout", None) or 15.0
    if timeout is not None:
        link_timeout = min(link_timeout, timeout)
    return Options(allow=tuple(allow), archive_endpoint=endpoints[0] if endpoints else None,
                   total_timeout=timeout or DEFAULT_TOTAL_TIMEOUT,
                   link_timeout=link_timeout, use_cache=not getattr(args, "no_cache", False),
                   trust_env=bool(getattr(args, "trust_env", False)))


def archive_endpoint(settings) -> str | None:
    """The archive endpoint a file's settings ask (the command line's already
    merged in), or None when look-ups are off for it."""
    from .archive import endpoint_or_none  # deferred
    endpoint = endpoint_or_none(settings.archive_endpoint)
    if endpoint is not None and not endpoint.lower().startswith(("http://", "https://")):
        from ..config import ConfigError  # deferred
        raise ConfigError(f"archive-endpoint: {endpoint!r} is not an http(s) URL (or 'off')")
    return endpoint


def warn_untrusted(settings_list) -> None:
    """One line per configuration found beside the drafts that tried to relax the guard."""
    from ..config import GUARD_NOTE  # deferred
    from ..reports.common import printable  # deferred
    seen = set()
    for s in settings_list:
        if s.ignored and s.source not in seen:
            seen.add(s.source)
            print(f"citelint: warning: {printable(str(s.source))}: {', '.join(s.ignored)} ignored: {GUARD_NOTE}",
                  file=sys.stderr)


def prepare(args, sources, kind=None):
    """The online pass, before any file is checked: collect the links every
    (path, settings, text) source cites, verify each once, and return the
    results (verify.OnlineState) for the per-file check to hand its NET rules;
    None when no file has a NET rule in force. Archive swaps then go through
    the ordinary fix loop and the file's single atomic write."""
    from ..formats import load  # deferred
    from ..runner import linter_for  # deferred
    from .citations import citations  # deferred
    from .verify import Need, OnlineState, verify  # deferred

    work = []   # (settings, NET codes in force, doc)
    for path, settings, text in sources:
        codes = {r.code for r in linter_for(settings).rules_for(path) if r.scope == "online"}
        if codes:
            work.append((settings, codes, load(text, kind, path)))
    if not work:
        return None
    warn_untrusted([w[0] for w in work])
    registry = _registry([w[0] for w in work])
    opts = options_for(args, [w[0] for w in work])
    needs: dict[str, Need] = {}
    for settings, codes, doc in work:
        want_meta = "NET006" in codes and registry is not None
        archive = bool(codes & {"NET001", "NET002"}) and archive_endpoint(settings) is not None
        for c in citations(doc, registry if want_meta else None, want_outlets=want_meta):
            need = Need(meta=want_meta and bool(c.named), text="NET007" in codes and bool(c.quotes), archive=archive)
            needs.setdefault(c.url, Need()).merge(need)
    progress = LinkProgress()
    try:
        found = verify(needs, opts, registry, progress)
    finally:
        progress.close()
    return OnlineState(found, registry)


def _registry(settings_list):
    try:
        from ..outlets import load_registry  # deferred
        extra: list[str] = []
        for s in settings_list:
            extra.extend(p for p in s.outlets if p not in extra)
        return load_registry(tuple(extra))
    except ImportError:
        return None
