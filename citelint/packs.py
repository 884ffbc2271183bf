"""Declarative rule packs: TOML files with one `[[rule]]` entry per rule.

A pack is data only; nothing in it is executed. Patterns use the `regex`
module's syntax and run with a time limit, so a pack cannot hang a run.
See README.md ("Writing rules") for the format.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Iterable

import regex

from .model import Finding, Safety, Severity
from .rule import Context, Example, Rule, validate_rule

PATTERN_TIMEOUT = 2.0  # seconds a single pattern may spend on one view

_RULE_KEYS = {
    "code", "name", "severity", "scope", "pattern", "message", "fix", "replacement",
    "fix-safety", "fix-title", "quotes", "requires", "unless", "summary", "why", "default",
    "example", "trap",
}
_EXAMPLE_KEYS = {"bad", "good", "format"}
_TRAP_KEYS = {"text", "format"}


class PackError(ValueError):
    """A rule pack that cannot be used; the message names the pack and rule."""


class PatternTimeout(RuntimeError):
    pass


class _Groups(dict):
    def __missing__(self, key):
        return "{" + key + "}"


class PatternRule(Rule):
    """A rule defined by a regular expression in a pack."""

    def __init__(self, spec: dict, where: str):
        self.where = where
        self.code = spec["code"]
        self.name = spec["name"]
        self.severity = Severity(spec.get("severity", "warning"))
        self.scope = spec.get("scope", "prose")
        self.summary = spec.get("summary", "")
        self.why = spec.get("why", "")
        self.message = spec["message"]
        self.quotes = spec.get("quotes", "report")
        self.default = spec.get("default", True)
        self.origin = where
        self.fix_kind = spec.get("fix")
        self.replacement = spec.get("replacement", "")
        self.fix_safety = Safety(spec.get("fix-safety", "safe")) if self.fix_kind else None
        self.fix_title = spec.get("fix-title", "")
        self.pattern = _compile(spec["pattern"], where, self.code, "pattern")
        self.requires = _compile(spec["requires"], where, self.code, "requires") if "requires" in spec else None
        self.unless = _compile(spec["unless"], where, self.code, "unless") if "unless" in spec else None
        self.examples = [Example(e["bad"], e.get("good"), e.get("format", "text")) for e in spec.get("example", [])]
        self.examples += [Example(t["text"], None, t.get("format", "text"), trap=True) for t in spec.get("trap", [])]

    def check(self, ctx: Context) -> Iterable[Finding]:
        for view in ctx.views(self.scope):
            text = view.text
            if self.requires is not None and not _search(self.requires, text, self):
                continue
            if self.unless is not None and _search(self.unless, text, self):
                continue
            try:
                for m in self.pattern.finditer(text, timeout=PATTERN_TIMEOUT):
                    if m.end() == m.start():
                        continue
                    groups = _Groups({k: (v or "") for k, v in m.groupdict().items()})
                    groups["match"] = m.group().strip()
                    message = self.message.format_map(groups)
                    replacement = None
                    if self.fix_kind == "delete":
                        replacement = ""
                    elif self.fix_kind == "replace":
                        replacement = m.expand(self.replacement)
                    f = ctx.finding(self, view, m.start(), m.end(), message, replacement=replacement)
                    if f is not None:
                        yield f
            except TimeoutError:
                raise PatternTimeout(f"{self.where}: rule {self.code} pattern took longer than "
                                     f"{PATTERN_TIMEOUT:g}s on {ctx.doc.path}; simplify the pattern")


def _search(pattern, text: str, rule: PatternRule):
    try:
        return pattern.search(text, timeout=PATTERN_TIMEOUT)
    except TimeoutError:
        raise PatternTimeout(f"{rule.where}: rule {rule.code} condition took longer than "
                             f"{PATTERN_TIMEOUT:g}s; simplify the pattern") from None


def _compile(pattern: str, where: str, code: str, key: str):
    if not isinstance(pattern, str) or not pattern:
        raise PackError(f"{where}: rule {code}: `{key}` must be a non-empty string")
    try:
        return regex.compile(pattern, regex.V0)
    except regex.error as exc:
        raise PackError(f"{where}: rule {code}: `{key}` does not compile: {exc}") from None


def load_pack(path: Path, label: str | None = None) -> list[PatternRule]:
    where = label or str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PackError(f"{where}: cannot read rule pack: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PackError(f"{where}: not valid TOML: {exc}") from None
    unknown = set(data) - {"pack", "rule"}
    if unknown:
        raise PackError(f"{where}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    rules = []
    for i, spec in enumerate(data.get("rule", [])):
        rules.append(_rule_from_spec(spec, where, i))
    return rules


def _rule_from_spec(spec: dict, where: str, index: int) -> PatternRule:
    code = spec.get("code", f"#{index + 1}") if isinstance(spec, dict) else f"#{index + 1}"
    if not isinstance(spec, dict):
        raise PackError(f"{where}: rule {code}: must be a table")
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise PackError(f"{where}: rule {code}: unknown key(s): {', '.join(sorted(unknown))}")
    for key in ("code", "name", "pattern", "message"):
        if key not in spec:
            raise PackError(f"{where}: rule {code}: missing `{key}`")
    for e in spec.get("example", []):
        if set(e) - _EXAMPLE_KEYS or "bad" not in e:
            raise PackError(f"{where}: rule {code}: an example takes `bad`, `good` and `format`")
    for t in spec.get("trap", []):
        if set(t) - _TRAP_KEYS or "text" not in t:
            raise PackError(f"{where}: rule {code}: a trap takes `text` and `format`")
    if spec.get("fix") not in (None, "delete", "replace"):
        raise PackError(f"{where}: rule {code}: `fix` must be \"delete\" or \"replace\"")
    if spec.get("fix") == "replace" and "replacement" not in spec:
        raise PackError(f"{where}: rule {code}: `fix = \"replace\"` needs `replacement`")
    try:
        rule = PatternRule(spec, where)
        validate_rule(rule, where)
    except (ValueError, KeyError) as exc:
        if isinstance(exc, PackError):
            raise
        raise PackError(f"{where}: rule {code}: {exc}") from None
    return rule
