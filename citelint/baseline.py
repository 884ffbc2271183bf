"""Baselines: accept today's findings, report only new ones.

A finding's identity is its rule, its file, the text it matched and a little of
the text around it on the same line, never its line number, so it survives
edits elsewhere in the file. Identical findings are counted, so a second copy
of an accepted artefact is still reported.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from .model import Finding, Value

FORMAT_VERSION = 1
CONTEXT = 24  # characters either side, within the line


class BaselineError(ValueError):
    """A baseline that cannot be read or written; the message names the file."""


def _squash(s: str) -> str:
    return " ".join(s.split())


def context(text: str, start: int, end: int) -> tuple[str, str]:
    before = text[max(0, start - CONTEXT):start]
    after = text[end:end + CONTEXT]
    before = before[max(before.rfind("\n"), before.rfind("\r")) + 1:]
    cut = [i for i in (after.find("\n"), after.find("\r")) if i >= 0]
    after = after[:min(cut)] if cut else after
    return _squash(before), _squash(after)


def content_key(f: Finding, text: str) -> str:
    """The path-free part of a finding's identity."""
    before, after = context(text, f.start, f.end)
    raw = json.dumps([f.code, text[f.start:f.end], before, after], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def key_of(f: Finding) -> str:
    """The fingerprint the check attached, or, for a finding made without the
    text at hand (an online check's), one from what it says and links to."""
    key = f.extra.get("fingerprint") if f.extra else None
    if key:
        return key
    raw = json.dumps([f.code, f.message, f.url or ""], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:32]


class Entry(Value):
    """One accepted finding (a Value, not a dataclass: a run with a finding
    fingerprints it, and must not pay for importing dataclasses)."""
    __slots__ = ("path", "code", "key", "text")
    _fields = __slots__

    def __init__(self, path: str, code: str, key: str, text: str):
        self.path = path   # relative to the baseline file's folder, with `/`
        self.code, self.key = code, key
        self.text = text   # what the finding matched, for people reading the file


def _rel(path: str, base: Path) -> str:
    if path == "-":
        return path
    try:
        return Path(os.path.relpath(os.path.abspath(path), base)).as_posix()
    except ValueError:  # another drive
        return Path(os.path.abspath(path)).as_posix()


class Baseline:
    def __init__(self, file: str, entries: Counter | None = None):
        self.file = file
        self.base = Path(os.path.abspath(file)).parent
        self.entries: Counter = entries or Counter()

    def entry(self, f: Finding) -> Entry:
        return Entry(_rel(f.path, self.base), f.code, key_of(f), _squash(f.extra.get("matched", "")) or f.message)

    def filter(self, findings: list[Finding], checked=None) -> tuple[list[Finding], list[tuple[Entry, int]]]:
        """The findings not in the baseline, and the entries not seen (stale) among
        the files `checked` (all entries when None): a run over one file says
        nothing about the others."""
        left = Counter({(e.path, e.code, e.key): n for e, n in self.entries.items()})
        new = []
        for f in findings:
            k = (_rel(f.path, self.base), f.code, key_of(f))
            if left[k] > 0:
                left[k] -= 1
            else:
                new.append(f)
        scope = None if checked is None else {_rel(p, self.base) for p in checked}
        stale = [(e, left[(e.path, e.code, e.key)]) for e in sorted(self.entries, key=_order)
                 if left[(e.path, e.code, e.key)] > 0 and (scope is None or e.path in scope)]
        return new, stale

    @classmethod
    def from_findings(cls, file: str, findings: list[Finding]) -> "Baseline":
        b = cls(file)
        b.entries = Counter(b.entry(f) for f in findings)
        return b

    @classmethod
    def load(cls, file: str) -> "Baseline":
        from .capped import MAX_BASELINE_BYTES, read_capped  # deferred
        try:
            data = json.loads(read_capped(file, MAX_BASELINE_BYTES).decode("utf-8"))
        except OSError as exc:
            raise BaselineError(f"{file}: cannot read baseline: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise BaselineError(f"{file}: not a citelint baseline (invalid JSON: {exc})") from None
        except RecursionError:
            raise BaselineError(f"{file}: not a citelint baseline (JSON nested too deeply)") from None
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION or not isinstance(
                data.get("findings"), list):
            raise BaselineError(f"{file}: not a citelint baseline (version {FORMAT_VERSION} expected)")
        entries: Counter = Counter()
        try:
            for row in data["findings"]:
                e = Entry(str(row["path"]), str(row["code"]), str(row["key"]), str(row.get("text", "")))
                entries[e] += int(row.get("count", 1))
        except (AttributeError, KeyError, OverflowError, TypeError, ValueError):
            shown = repr(row)
            shown = shown if len(shown) <= 200 else shown[:199] + "\u2026"
            raise BaselineError(f"{file}: damaged baseline entry {shown}") from None
        return cls(file, entries)

    def write(self) -> None:
        rows = [{"path": e.path, "code": e.code, "text": e.text, "key": e.key, "count": n}
                for e, n in sorted(self.entries.items(), key=lambda kv: _order(kv[0]))]
        doc = {"version": FORMAT_VERSION, "tool": "citelint",
               "about": "Findings accepted on purpose: `citelint check --baseline` "
                        "does not report them. Rewrite with --write-baseline.",
               "findings": rows}
        body = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        try:
            body.encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8: \u escapes round-trip it
            body = json.dumps(doc, ensure_ascii=True, indent=2) + "\n"
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=".citelint-baseline-", suffix=".tmp", dir=self.base)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(body)
            os.replace(tmp, self.file)
            tmp = None
        except OSError as exc:
            raise BaselineError(f"{self.file}: cannot write baseline: {exc.strerror or exc}") from None
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)


def _order(e: Entry):
    return (e.path, e.code, e.text, e.key)
