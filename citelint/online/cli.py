"""`citelint check --online`: the options, and the pass that runs after the
offline checks. Importing this module costs nothing: requests and the outlet
registry load only when --online is given."""
from __future__ import annotations

import argparse
import sys
import threading
import time


def seconds_arg(value: str) -> float:
    """An option's positive, finite number of seconds (argparse type)."""
    try:
        n = float(value)
    except ValueError:
        n = 0.0
    if not n > 0 or n != n or n == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {value!r}")
    return n


def allow_host_arg(value: str) -> str:
    """An `--allow-host` entry, checked as the guard reads it (argparse type)."""
    from .guard import parse_allow_entry  # deferred
    try:
        parse_allow_entry(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _checked(parse, option: str):
    """An argparse type from an options.py parser: its ValueError becomes the usage error."""
    def convert(value: str):
        try:
            return parse(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{option}: {exc}") from None
    convert.__name__ = option.lstrip("-")  # argparse names the type in some messages
    return convert


def _accept(value: str) -> str:
    from .options import accept_text, parse_accept  # deferred
    parse_accept(value)
    return accept_text(value)


def _pattern(value: str) -> str:
    from .options import compile_pattern  # deferred
    compile_pattern(value)
    return value


def _duration(value: str) -> float:
    from .options import parse_duration  # deferred
    return parse_duration(value)


def _count(low: int, high: int | None):
    def parse(value: str) -> int:
        from .options import parse_count  # deferred
        return parse_count(value, low, high)
    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("online verification (off unless --online)")
    g.add_argument("--online", action="store_true",
                   help="also fetch every cited link: dead links, soft 404s, redirects, publisher and quote checks")
    g.add_argument("--allow-host", action="append", default=[], type=allow_host_arg, metavar="HOST[:PORT]",
                   help="admit this internal host (private and loopback addresses are refused otherwise); repeatable")
    g.add_argument("--archive-endpoint", metavar="URL",
                   help="Wayback-compatible availability API for dead links ('off' to skip; "
                        "default https://archive.org/wayback/available)")
    g.add_argument("--online-timeout", type=seconds_arg, metavar="SECONDS",
                   help="stop checking links after this long (default 300); the rest are reported as not verified")
    g.add_argument("--link-timeout", type=seconds_arg, metavar="SECONDS",
                   help="the most time one link may take, redirects and retries included (default 15)")
    g.add_argument("--trust-env", action="store_true",
                   help="use proxy settings and .netrc from the environment (ignored by default)")
    from .options import MAX_CONCURRENCY, MAX_HOST_CONCURRENCY  # light: no network code
    g.add_argument("--accept", type=_checked(_accept, "--accept"), metavar="CODES",
                   help="status codes that count as alive, lychee's syntax: codes and ranges such as "
                        "'200..=299, 403, 429' (a..b leaves b out; default 100..=103,200..=299)")
    g.add_argument("--exclude-link", "--exclude", dest="exclude_link", action="append", default=[],
                   type=_checked(_pattern, "--exclude-link"), metavar="REGEX",
                   help="do not check links whose address matches this regular expression; repeatable")
    g.add_argument("--include-link", "--include", dest="include_link", action="append", default=[],
                   type=_checked(_pattern, "--include-link"), metavar="REGEX",
                   help="check links matching this even if excluded; given alone, only matching links "
                        "are checked; repeatable")
    g.add_argument("--max-retries", type=_checked(_count(0, None), "--max-retries"), metavar="N",
                   help="retries of a link after 429, 5xx, a reset or a read timeout, with backoff that honours "
                        "Retry-After within the link's deadline (default 2)")
    g.add_argument("--max-concurrency", type=_checked(_count(1, MAX_CONCURRENCY), "--max-concurrency"),
                   metavar="N", help=f"links fetched at once in all (default 32, at most {MAX_CONCURRENCY})")
    g.add_argument("--host-concurrency", type=_checked(_count(1, MAX_HOST_CONCURRENCY), "--host-concurrency"),
                   metavar="N", help=f"requests at once to one host (default 2, at most {MAX_HOST_CONCURRENCY})")
    g.add_argument("--cache-max-age", type=_checked(_duration, "--cache-max-age"), metavar="AGE",
                   help="reuse cached verdicts up to this old: 1d, 12h, 30m or seconds (default 1d; 0 reuses none)")


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


def _first(settings_list, attr: str):
    """A run-wide setting: the command line's (merged into every file's
    settings), else the first configuration's that says."""
    return next((getattr(s, attr) for s in settings_list if getattr(s, attr) is not None), None)


def options_for(args, settings_list) -> "object":
    """Online options for the run. Only the command line and a file named with
    --config can admit hosts or name an archive endpoint (config.GUARD_KEYS), and
    both reach every file alike, so one guard serves the whole run; the timeout
    and the tuning options (accept, retries, concurrency, cache age) are the
    command line's, else the first configuration's that says."""
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
                   trust_env=bool(getattr(args, "trust_env", False)), **_tuning(settings_list))


def _tuning(settings_list) -> dict:
    """The Options fields the tuning settings give (absent ones keep their defaults)."""
    from .options import DEFAULT_ACCEPT, parse_accept  # deferred
    kw: dict = {"accept": parse_accept(_first(settings_list, "accept") or DEFAULT_ACCEPT)}
    age = _first(settings_list, "cache_max_age")
    if age is not None:
        kw["cache_max_age"] = age
    fetch = {}
    for attr, field in (("max_retries", "retries"), ("max_concurrency", "workers"),
                        ("host_concurrency", "host_concurrency")):
        value = _first(settings_list, attr)
        if value is not None:
            fetch[field] = value
    if fetch:
        kw["fetch"] = fetch
    return kw


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
    the ordinary fix loop and the file's single atomic write. A link a file's
    --exclude-link / --include-link patterns skip is not fetched for it."""
    from ..formats import load  # deferred
    from ..runner import linter_for  # deferred
    from .verify import OnlineState, verify  # deferred

    work = []   # (path, settings, NET codes in force, doc)
    for path, settings, text in sources:
        codes = {r.code for r in linter_for(settings).rules_for(path) if r.scope == "online"}
        if codes:
            work.append((path, settings, codes, load(text, kind, path)))
    if not work:
        return None
    warn_untrusted([w[1] for w in work])
    registry = _registry([w[1] for w in work])
    opts = options_for(args, [w[1] for w in work])
    filters = link_filters()
    needs, cited, excluded = _needs(work, registry, filters)
    progress = LinkProgress()
    try:
        found = verify(needs, opts, registry, progress)
    finally:
        progress.close()
    state = OnlineState(found, registry, filters)
    state.cited = cited
    state.excluded = {u: where for u, where in excluded.items() if u not in needs}
    return state


def _needs(work, registry, filters):
    """What every link cited by the files in `work` must be checked for, and
    where each is cited: (needs, cited, excluded), the last two url -> [(file, line)]."""
    from .citations import citations  # deferred
    from .verify import Need  # deferred

    needs: dict = {}
    cited: dict[str, list[tuple[str, int]]] = {}
    excluded: dict[str, list[tuple[str, int]]] = {}
    for path, settings, codes, doc in work:
        want_meta = "NET006" in codes and registry is not None
        archive = bool(codes & {"NET001", "NET002"}) and archive_endpoint(settings) is not None
        skip = filters(settings)
        for c in citations(doc, registry if want_meta else None, want_outlets=want_meta):
            where = (str(path), doc.line_col(c.link.start)[0])
            if skip.excluded(c.url):
                excluded.setdefault(c.url, []).append(where)
                continue
            cited.setdefault(c.url, []).append(where)
            need = Need(meta=want_meta and bool(c.named), text="NET007" in codes and bool(c.quotes), archive=archive)
            needs.setdefault(c.url, Need()).merge(need)
    return needs, cited, excluded


def link_filters():
    """Settings -> their LinkFilter, built once per settings (the patterns were
    checked when the configuration or the command line was read)."""
    from ..config import ConfigError  # deferred
    from .options import LinkFilter  # deferred
    built: dict = {}

    def for_settings(settings):
        f = built.get(settings)
        if f is None:
            f = built[settings] = LinkFilter(getattr(settings, "include_links", ()),
                                             getattr(settings, "exclude_links", ()), error=ConfigError)
        return f
    return for_settings


def _registry(settings_list):
    try:
        from ..outlets import load_registry  # deferred
        extra: list[str] = []
        for s in settings_list:
            extra.extend(p for p in s.outlets if p not in extra)
        return load_registry(tuple(extra))
    except ImportError:
        return None
