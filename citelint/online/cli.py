"""`citelint check --online`: the options, and the pass that runs after the
offline checks. Importing this module costs nothing: requests, BeautifulSoup
and the outlet registry load only when --online is given."""
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
    from .guard import parse_allow_entry
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
    """Online options for the run: the command line, else the first configuration
    that says; allowed hosts from every configuration in play."""
    from .archive import endpoint_or_none
    from .fetch import DEFAULT_TOTAL_TIMEOUT
    from .verify import Options

    allow: list[str] = []
    for s in settings_list:
        allow.extend(a for a in s.allow_hosts if a not in allow)
    for a in getattr(args, "allow_host", None) or ():
        if a not in allow:
            allow.append(a)
    endpoint = getattr(args, "archive_endpoint", None)
    timeout = getattr(args, "online_timeout", None)
    for s in settings_list:
        endpoint = endpoint if endpoint is not None else s.archive_endpoint
        timeout = timeout if timeout is not None else s.online_timeout
    from .guard import parse_allow_entry
    for a in allow:
        try:
            parse_allow_entry(a)
        except ValueError as exc:
            from ..config import ConfigError
            raise ConfigError(f"allow-hosts: {exc}") from None
    endpoint = endpoint_or_none(endpoint)
    if endpoint is not None and not endpoint.lower().startswith(("http://", "https://")):
        from ..config import ConfigError
        raise ConfigError(f"archive-endpoint: {endpoint!r} is not an http(s) URL (or 'off')")
    link_timeout = getattr(args, "link_timeout", None) or 15.0
    if timeout is not None:
        link_timeout = min(link_timeout, timeout)
    return Options(allow=tuple(allow), archive_endpoint=endpoint,
                   total_timeout=timeout or DEFAULT_TOTAL_TIMEOUT,
                   link_timeout=link_timeout, use_cache=not getattr(args, "no_cache", False),
                   trust_env=bool(getattr(args, "trust_env", False)))


def run_online(args, targets, results, job, stdin_out):
    """Add the NET findings to each checked file's result (and, with --fix
    --unsafe-fixes, apply the archive swaps). Returns the bytes standard input's
    fix should print (changed only when an archive swap applied to it)."""
    from ..formats import load
    from ..parallel import fingerprint, linter_for
    from .verify import Need, OnlineState, verify

    settings_of = dict(targets)
    work = []   # (result, settings, linter, doc, online rules)
    for res in results:
        if res is None or res.error or res.notice or res.source is None:
            continue
        settings = settings_of.get(res.path, next(iter(settings_of.values()), None))
        if settings is None:
            continue
        linter = linter_for(settings)
        rules = [r for r in linter.rules_for(res.path) if r.scope == "online"]
        if not rules:
            continue
        work.append((res, settings, linter, load(res.source, job.kind, res.path), rules))
    if not work:
        return stdin_out
    registry = _registry([w[1] for w in work])
    opts = options_for(args, [w[1] for w in work])
    needs: dict[str, Need] = {}
    from .citations import citations
    cites: dict[int, list] = {}
    for res, settings, linter, doc, rules in work:
        codes = {r.code for r in rules}
        want_meta = "NET006" in codes and registry is not None
        cites[id(doc)] = citations(doc, registry if want_meta else None, want_outlets=want_meta)
        for c in cites[id(doc)]:
            need = Need(meta=want_meta and bool(c.named), text="NET007" in codes and bool(c.quotes),
                        archive=bool(codes & {"NET001", "NET002"}))
            needs.setdefault(c.url, Need()).merge(need)
    progress = LinkProgress()
    try:
        found = verify(needs, opts, registry, progress)
    finally:
        progress.close()
    state = OnlineState(found, registry)

    fix = bool(args.fix or args.fix_only) and not args.diff
    for res, settings, linter, doc, rules in work:
        findings = lint_online(linter, doc, rules, state, cites.get(id(doc)))
        if fix and job.unsafe_for(settings) and any(f.fix for f in findings):
            new_text, applied = _apply(res, doc, findings, args, stdin_out)
            if applied:
                res.fixed += applied
                if stdin_out is not None:
                    stdin_out = _encode_like(stdin_out, res.source, new_text)
                res.source = new_text
                doc = load(new_text, job.kind, res.path)
                res.findings = linter.lint(doc)
                fingerprint(res.findings, new_text)
                findings = lint_online(linter, doc, rules, state)
        fingerprint(findings, doc.source)
        res.findings.extend(findings)
        res.findings.sort(key=lambda f: f.sort_key())
    return stdin_out


def lint_online(linter, doc, rules, state, cites=None) -> list:
    """Linter.lint for the online rules alone, with the results in the context."""
    from ..rule import Context

    ctx = Context(doc, linter.settings, linter.evidence)
    ctx.cache["online"] = state
    if cites is not None:
        ctx.cache["online-citations"] = cites
    for rule in rules:
        ctx.findings.extend(rule.check(ctx))
    return linter.finish(doc, ctx.findings)


def _apply(res, doc, findings, args, stdin_out) -> tuple[str, int]:
    """Apply the archive swaps to the file (atomically) or to standard input's text."""
    from ..files import InputError, read_source, write_source
    from ..fixer import apply_fixes

    new_text, applied = apply_fixes(doc.source, [f.fix for f in findings if f.fix])
    if not applied or new_text == doc.source:
        return doc.source, 0
    if stdin_out is not None:  # standard input: printed by the caller, nothing to write here
        if _encode_like(stdin_out, doc.source, new_text) is stdin_out:
            return doc.source, 0
        return new_text, applied
    try:
        sf = read_source(res.path, args.encoding)
        if sf.text != doc.source:
            raise InputError(f"{res.path}: changed since it was read; not overwritten")
        write_source(sf, new_text)
    except InputError as exc:
        res.error = str(exc)
        return doc.source, 0
    return new_text, applied


def _encode_like(data: bytes | None, old: str, new: str):
    """Standard input's bytes for `new`, when `data` is `old` in UTF-8 (with or
    without a BOM); otherwise `data` unchanged (the swap is then not applied)."""
    if data is None:
        return None
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    if data[len(bom):] != old.encode("utf-8"):
        return data
    return bom + new.encode("utf-8")


def _registry(settings_list):
    try:
        from ..outlets import load_registry
        extra: list[str] = []
        for s in settings_list:
            extra.extend(p for p in s.outlets if p not in extra)
        return load_registry(tuple(extra))
    except ImportError:
        return None
