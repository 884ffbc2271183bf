"""Declarative rule packs: TOML files with one `[[rule]]` entry per rule.

A pack is data only; nothing in it is executed. Patterns use the `regex`
module's syntax and run with a time limit, so a pack cannot hang a run.
See README.md ("Writing rules") for the format.

Start-up matters (a pre-commit hook checks one file per run), so the built-in
packs are read through a marshal cache and their patterns compile on first
use: a rule whose `prefilter` strings are absent from a document never
compiles its pattern at all.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .tomlcache import load_toml
from .model import Finding, Safety, Severity
from .rule import Context, Example, Rule, lazy_regex, validate_rule

PATTERN_TIMEOUT = 2.0  # seconds a single pattern may spend on one view of a small draft...
PATTERN_TIMEOUT_PER_MB = 1.0  # ...plus this much per megabyte: a linear pattern passes on any draft accepted


def time_limit(size: int) -> float:
    """The seconds a pattern may spend on a draft of `size` characters. It grows
    with the draft, so a linear pattern (the built-in ones are) never runs out of time
    on a large draft, while a catastrophic one is still stopped."""
    return PATTERN_TIMEOUT + PATTERN_TIMEOUT_PER_MB * size / 1e6


def _limit_words(size: int) -> str:
    return (f"its time limit of {time_limit(size):.3g}s ({PATTERN_TIMEOUT:g}s plus {PATTERN_TIMEOUT_PER_MB:g}s "
            f"per MB; the draft is {size / 1e6:.2g} MB)")

# The rule-pack schema, declared once: each key's type and, where it is a
# choice, its allowed values. Validation and the README's pack format follow it.
RULE_FIELDS: dict[str, tuple[type, tuple | None]] = {
    "code": (str, None), "name": (str, None), "pattern": (str, None), "message": (str, None),
    "severity": (str, ("error", "warning", "info")),
    "scope": (str, ("prose", "markup", "url")),  # `document` and `online` are for Python rules only
    "fix": (str, ("delete", "replace")), "replacement": (str, None),
    "fix-safety": (str, ("safe", "unsafe")), "fix-title": (str, None),
    "quotes": (str, ("fix", "report", "skip")), "links": (str, ("report", "skip")),
    "requires": (str, None), "unless": (str, None), "summary": (str, None), "why": (str, None),
    "default": (bool, None), "prefilter": (list, None), "example": (list, None), "trap": (list, None),
}
REQUIRED_FIELDS = ("code", "name", "pattern", "message")
_RULE_KEYS = set(RULE_FIELDS)
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

    def __init__(self, spec: dict, where: str, lazy: bool = False):
        self.where = where
        self.builtin = lazy  # shipped and tested with citelint (see load_pack)
        self.code = spec["code"]
        self.name = spec["name"]
        self.severity = Severity(spec.get("severity", "warning"))
        self.scope = spec.get("scope", "prose")
        self.summary = spec.get("summary", "")
        self.why = spec.get("why", "")
        self.message = spec["message"]
        self.quotes = spec.get("quotes", "report")
        self.links = spec.get("links", "report")
        self.default = spec.get("default", True)
        self.origin = where
        self.fix_kind = spec.get("fix")
        self.replacement = spec.get("replacement", "")
        self.fix_safety = Safety(spec.get("fix-safety", "safe")) if self.fix_kind else None
        self.fix_title = spec.get("fix-title", "")
        self.prefilter = _prefilter(spec.get("prefilter", []), where, self.code)
        self._sources = {k: _pattern_text(spec[k], where, self.code, k)
                         for k in ("pattern", "requires", "unless") if k in spec}
        self._compiled: dict = {}
        if not lazy:  # a user's pack: report a bad pattern when the pack loads
            for key in self._sources:
                self._regex(key)
        self.examples = [Example(e["bad"], e.get("good"), e.get("format", "text")) for e in spec.get("example", [])]
        self.examples += [Example(t["text"], None, t.get("format", "text"), trap=True) for t in spec.get("trap", [])]

    def _regex(self, key: str):
        if key not in self._compiled:
            src = self._sources.get(key)
            self._compiled[key] = None if src is None else _compile(src, self.where, self.code, key)
        return self._compiled[key]

    @property
    def pattern(self):
        return self._regex("pattern")

    @property
    def requires(self):
        return self._regex("requires")

    @property
    def unless(self):
        return self._regex("unless")

    def check(self, ctx: Context) -> Iterable[Finding]:
        for view in ctx.views(self.scope):
            text = view.text
            if self.prefilter and not any(s in text for s in self.prefilter):
                continue
            if self.requires is not None and not _search(self.requires, text, self, ctx.doc):
                continue
            if self.unless is not None and _search(self.unless, text, self, ctx.doc):
                continue
            try:  # the time limit is the pattern's alone: matches first, citelint's own work after
                matches = [m for m in self.pattern.finditer(text, timeout=time_limit(len(ctx.doc.source)))
                           if m.end() > m.start()]
            except TimeoutError:
                raise PatternTimeout(_timeout_message(self, "pattern", ctx.doc)) from None
            yield from self._findings(ctx, view, matches)

    def _findings(self, ctx: Context, view, matches):
        for m in matches:
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


def _search(pattern, text: str, rule: PatternRule, doc):
    try:
        return pattern.search(text, timeout=time_limit(len(doc.source)))
    except TimeoutError:
        raise PatternTimeout(_timeout_message(rule, "condition", doc)) from None


def _timeout_message(rule: PatternRule, what: str, doc) -> str:
    """One line naming the rule, the draft and the limit. A built-in pattern is
    linear, so on one the draft itself is too big for the time allowed."""
    path, size = doc.path, len(doc.source)
    if rule.builtin:
        return (f"{path}: too big to check in time: rule {rule.code} ({rule.where}) ran past "
                f"{_limit_words(size)}; split the draft")
    return f"{rule.where}: rule {rule.code} {what} took longer than {_limit_words(size)} on {path}; simplify the pattern"


def _pattern_text(pattern, where: str, code: str, key: str) -> str:
    if not isinstance(pattern, str) or not pattern:
        raise PackError(f"{where}: rule {code}: `{key}` must be a non-empty string")
    return pattern


def _prefilter(value, where: str, code: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PackError(f"{where}: rule {code}: `prefilter` must be a list of non-empty strings")
    return tuple(value)


def _compile(pattern: str, where: str, code: str, key: str):
    try:
        return lazy_regex.compile(pattern, lazy_regex.V0)
    except lazy_regex.error as exc:
        raise PackError(f"{where}: rule {code}: `{key}` does not compile: {exc}") from None


def load_pack(path: Path, label: str | None = None, builtin: bool = False) -> list[PatternRule]:
    """The rules in one pack. `builtin` packs (shipped and tested with citelint)
    are read through the cache and compile their patterns lazily."""
    where = label or str(path)
    data = load_toml(path, where, PackError, "rule pack", cache=builtin)
    unknown = set(data) - {"pack", "rule"}
    if unknown:
        raise PackError(f"{where}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    if not isinstance(data.get("rule", []), list):
        raise PackError(f"{where}: `rule` must be an array of tables ([[rule]])")
    rules = []
    for i, spec in enumerate(data.get("rule", [])):
        rules.append(_rule_from_spec(spec, where, i, lazy=builtin))
    return rules


def _rule_from_spec(spec: dict, where: str, index: int, lazy: bool = False) -> PatternRule:
    code = spec.get("code", f"#{index + 1}") if isinstance(spec, dict) else f"#{index + 1}"
    if not isinstance(spec, dict):
        raise PackError(f"{where}: rule {code}: must be a table")
    _check_fields(spec, f"{where}: rule {code}")
    _check_message(spec["message"], where, code)
    _check_examples(spec, f"{where}: rule {code}")
    if spec.get("fix") == "replace" and "replacement" not in spec:
        raise PackError(f"{where}: rule {code}: `fix = \"replace\"` needs `replacement`")
    try:
        rule = PatternRule(spec, where, lazy)
        validate_rule(rule, where)
    except (ValueError, KeyError) as exc:
        if isinstance(exc, PackError):
            raise
        raise PackError(f"{where}: rule {code}: {exc}") from None
    if rule.fix_kind == "replace" and not lazy:
        _check_replacement(rule)
    return rule


def _check_fields(spec: dict, where: str) -> None:
    """Every key known, the required ones present, each of its declared type and
    among its allowed values (a user's pack is untrusted data)."""
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise PackError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
    for key in REQUIRED_FIELDS:
        if key not in spec:
            raise PackError(f"{where}: missing `{key}`")
    for key, value in spec.items():
        kind, allowed = RULE_FIELDS[key]
        if not isinstance(value, kind):
            what = {str: "a string", bool: "true or false",
                    list: "a list of non-empty strings" if key == "prefilter" else "an array of tables"}[kind]
            raise PackError(f"{where}: `{key}` must be {what}")
        if allowed is not None and value not in allowed:
            raise PackError(f"{where}: `{key}` must be one of {', '.join(allowed)}, not {value!r}")


def _check_examples(spec: dict, where: str) -> None:
    for key, keys, needed in (("example", _EXAMPLE_KEYS, "bad"), ("trap", _TRAP_KEYS, "text")):
        for e in spec.get(key, []):
            if not isinstance(e, dict) or not all(isinstance(v, str) for v in e.values()):
                raise PackError(f"{where}: each `{key}` must be a table of strings")
            if set(e) - keys or needed not in e:
                raise PackError(f"{where}: {'an example' if key == 'example' else 'a trap'} takes "
                                + ", ".join(f"`{k}`" for k in sorted(keys)))




def _check_message(message: str, where: str, code) -> None:
    """A message names only `{match}` or a pattern group: a template, never an
    expression (`{match.__class__}` would walk Python objects)."""
    import string  # deferred
    try:
        fields = list(string.Formatter().parse(message))
    except ValueError as exc:
        raise PackError(f"{where}: rule {code}: `message` is not a valid template: {exc}") from None
    for _, field, spec, conversion in fields:
        if field is None:
            continue
        if not field.isidentifier() or conversion or "{" in (spec or ""):
            raise PackError(f"{where}: rule {code}: `message` may only name {{match}} or a pattern "
                            f"group, not {{{field}{'!' + conversion if conversion else ''}"
                            f"{':' + spec if spec else ''}}}")


def _check_replacement(rule: "PatternRule") -> None:
    """Try the replacement on a stand-in match with the same groups, so a bad
    escape or an unknown group is a configuration error, not a failure mid-run."""
    names = {n: name for name, n in rule.pattern.groupindex.items()}
    stand_in = lazy_regex.compile("".join(f"(?P<{names[i]}>)" if i in names else "()"
                                     for i in range(1, rule.pattern.groups + 1)))
    try:
        stand_in.match("").expand(rule.replacement)
    except (lazy_regex.error, IndexError) as exc:
        raise PackError(f"{rule.where}: rule {rule.code}: `replacement` is not valid for its pattern: {exc}") from None
