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

import re
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from time import perf_counter
from typing import Iterable

from .tomlcache import load_toml
from .fixer import growth_limit
from .model import Finding, Safety, Severity
from .rule import Context, Example, Rule, lazy_regex, validate_rule

PATTERN_TIMEOUT = 2.0  # seconds a rule's patterns may spend on a small draft, all its views together...
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
    "default": (bool, None), "prefilter": (list, None), "prefilter-patterns": (list, None),
    "example": (list, None), "trap": (list, None),
}
REQUIRED_FIELDS = ("code", "name", "pattern", "message")
_RULE_KEYS = set(RULE_FIELDS)
_EXAMPLE_KEYS = {"bad", "good", "format"}
_TRAP_KEYS = {"text", "format"}


class PackError(ValueError):
    """A rule pack that cannot be used; the message names the pack and rule."""


class PatternTimeout(RuntimeError):
    pass


class PatternBudget:
    """The time each pack rule's patterns have spent on one draft. A rule has
    one budget per draft, shared by its pattern and conditions and by all its
    views: a `scope = "url"` rule gets one budget for all the draft's links,
    not one per link. A user's pack also shares it across the passes of
    `--fix` (see fixing()); built-in rules, tested with citelint, get one per pass."""
    __slots__ = ("spent",)

    def __init__(self):
        self.spent: dict[str, float] = {}

    def run(self, rule: "PatternRule", what: str, doc, call):
        """`call(timeout)` with the time the rule has left on `doc` (time_limit()
        of its size); PatternTimeout once it is spent."""
        spent = self.spent.get(rule.code, 0.0)
        limit = time_limit(len(doc.source))
        start = perf_counter()
        try:
            if spent >= limit:
                raise TimeoutError
            return call(limit - spent)
        except TimeoutError:
            raise PatternTimeout(_timeout_message(rule, what, doc)) from None
        finally:
            self.spent[rule.code] = spent + perf_counter() - start


_FIXING: ContextVar[PatternBudget | None] = ContextVar("citelint_pattern_budget", default=None)


@contextmanager
def fixing():
    """While one draft is fixed: user packs' rules share one budget over every pass."""
    token = _FIXING.set(PatternBudget())
    try:
        yield
    finally:
        _FIXING.reset(token)


def _budget(ctx: Context, rule: "PatternRule") -> PatternBudget:
    shared = None if rule.builtin else _FIXING.get()
    if shared is not None:
        return shared
    if "pattern-budget" not in ctx.cache:
        ctx.cache["pattern-budget"] = PatternBudget()
    return ctx.cache["pattern-budget"]


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
        self._plan_patterns = _prefilter(spec.get("prefilter-patterns", []), where, self.code, "prefilter-patterns")
        self._plan: tuple | None = None  # the Needs the engine's prefilter asks (prefilter_for)
        self._sources = {k: _pattern_text(spec[k], where, self.code, k)
                         for k in ("pattern", "requires", "unless") if k in spec}
        self._compiled: dict = {}
        self._size: tuple[int, int] | None = None  # see _replacement_size
        if not lazy:  # a user's pack: report a bad pattern when the pack loads
            for key in self._sources:
                self._regex(key)
            for i, source in enumerate(self._plan_patterns):
                _compile(source, where, self.code, f"prefilter-patterns[{i}]")
        self.examples = [Example(e["bad"], e.get("good"), e.get("format", "text")) for e in spec.get("example", [])]
        self.examples += [Example(t["text"], None, t.get("format", "text"), trap=True) for t in spec.get("trap", [])]

    def _regex(self, key: str):
        if key not in self._compiled:
            src = self._sources.get(key)
            self._compiled[key] = None if src is None else _compile(src, self.where, self.code, key)
        return self._compiled[key]

    @property
    def prefilter_reads(self) -> str:
        """The view the rule's pattern reads: its prefilter holds there (Rule.prefilter_reads)."""
        return self.scope if self.scope in ("prose", "markup") else ""

    def prefilter_for(self, settings) -> tuple:
        """The strings; or, where the rule gives `prefilter-patterns`, those
        patterns, which the engine asks instead (prefilter.Needs). A
        `scope = "url"` rule reads, in a plain-text draft, only the URLs
        written out in it: there it is asked for those first (`://`)."""
        if self._plan is None:
            plan = self.prefilter if not self._plan_patterns else \
                tuple(_plan_needs(source, self.builtin) for source in self._plan_patterns)
            self._plan = _urls_first(plan) if self.scope == "url" and plan else plan
        return self._plan

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
        budget, doc = _budget(ctx, self), ctx.doc
        for view in ctx.views(self.scope):
            text = view.text
            if self.prefilter and not any(s in text for s in self.prefilter):
                continue
            if self.requires is not None and not budget.run(
                    self, "condition", doc, lambda t: self.requires.search(text, timeout=t)):
                continue
            if self.unless is not None and budget.run(
                    self, "condition", doc, lambda t: self.unless.search(text, timeout=t)):
                continue
            # The time limit is the pattern's alone: matches first, citelint's own work after.
            matches = budget.run(self, "pattern", doc, lambda t: [
                m for m in self.pattern.finditer(text, timeout=t) if m.end() > m.start()])
            yield from self._findings(ctx, view, matches)

    def _findings(self, ctx: Context, view, matches):
        for m in matches:
            groups = _Groups({k: (v or "") for k, v in m.groupdict().items()})
            groups["match"] = m.group().strip()
            message = self.message.format_map(groups)
            replacement = None
            if self.fix_kind == "delete":
                replacement = ""
            elif self.fix_kind == "replace" and self._room(ctx, m):
                replacement = m.expand(self.replacement)
            f = ctx.finding(self, view, m.start(), m.end(), message, replacement=replacement)
            if f is not None:
                if self.fix_kind == "replace" and replacement is None:
                    f.extra["fix-refused"] = "grows"  # the fixer reports it (fixer.fix_loop)
                yield f

    def _room(self, ctx: Context, m) -> bool:
        """Whether this match's replacement fits in what the rule's replacements
        may still add to the draft (fixer.growth_limit), judged before it is
        built: `\\g<0>` a thousand times over a long match would not fit in memory."""
        key = ("pack-growth", self.code)
        if key not in ctx.cache:
            size = len(ctx.doc.source)
            ctx.cache[key] = growth_limit(size) - size
        literal, refs = self._replacement_size()
        added = literal + refs * (m.end() - m.start()) - (m.end() - m.start())
        if added > ctx.cache[key]:
            ctx.cache[key] = -1  # one refused, all refused: the fixer refuses the rule's fixes
            return False
        ctx.cache[key] -= max(added, 0)
        return True

    def _replacement_size(self) -> tuple[int, int]:
        """(literal characters, group references) of `replacement`: its length
        for a match is at most literal + references x the match's length.
        Read from stand-in matches with the pattern's groups."""
        if self._size is None:
            names = {n: name for name, n in self.pattern.groupindex.items()}

            def width(lead: str, inner: str) -> int:
                groups = "".join(f"(?P<{names[i]}>{inner})" if i in names else f"({inner})"
                                 for i in range(1, self.pattern.groups + 1))
                stand_in = lazy_regex.compile(lead + groups)
                return len(stand_in.match(lead + inner * self.pattern.groups).expand(self.replacement))
            literal = width("", "")
            whole = width("z", "") - literal  # references to the whole match (\g<0>)
            parts = width("", "x") - literal - whole * self.pattern.groups
            self._size = (literal, whole + parts)
        return self._size


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


def _prefilter(value, where: str, code: str, key: str = "prefilter") -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PackError(f"{where}: rule {code}: `{key}` must be a list of non-empty strings")
    return tuple(value)


def _urls_first(plan: tuple) -> tuple:
    """A url rule's prefilter, asked of a plain-text draft only where it holds a
    written-out URL (formats.load_text finds no other link), as it was of Markdown
    and HTML, whose links may be relative."""
    from .prefilter import Needs  # deferred

    def any_of(text: str) -> bool:
        return any(p.search(text) if hasattr(p, "search") else p in text for p in plan)
    others = tuple(p if isinstance(p, Needs) and p.kinds else
                   Needs(p, test=_yes, kinds=("markdown", "html")) if isinstance(p, str) else
                   Needs(p.guards, test=p.search, kinds=("markdown", "html")) for p in plan)
    return (Needs("://", test=any_of, kinds=("text",)),) + others


def _yes(text: str) -> bool:
    return True


def _plan_needs(source: str, builtin: bool):
    """What the engine's prefilter asks for one of a rule's `prefilter-patterns`,
    guarded by the plain characters it starts with (searched for as a string
    first), or its first character where that is a plain one. A built-in
    pattern runs on the standard library's `re` (the built-in ones are linear
    and read the same in `re` and `regex`; tests/test_lazy_views.py checks
    both); a user's runs on `regex` under the pattern time limit, and one that
    runs out of time counts as a match: the rule then runs, under its own
    limit, and reports it."""
    from .prefilter import Needs, literal_prefix, pattern_guard  # deferred
    if builtin and not any(c in source for c in "\\.^$*+?{}[]|()"):
        return source  # a plain string: searched for as prefilter strings are, faster than a pattern
    prefix = literal_prefix(source)
    guard = prefix if len(prefix) > 1 else pattern_guard(source)
    if builtin:
        return Needs(guard, pattern=source)
    compiled = []

    def search(text: str) -> bool:
        if not compiled:
            compiled.append(lazy_regex.compile(source, lazy_regex.V0))
        try:
            return compiled[0].search(text, timeout=time_limit(len(text))) is not None
        except TimeoutError:
            return True
    return Needs(guard, test=search)


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
    if not lazy:  # a built-in pack's templates are tested with citelint (its examples render every message)
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
                    list: "a list of non-empty strings" if key in ("prefilter", "prefilter-patterns") else "an array of tables"}[kind]
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




MAX_FORMAT_WIDTH = 200  # the widest `{match:>200}` a message may ask for


def _check_message(message: str, where: str, code) -> None:
    """A message names only `{match}` or a pattern group: a template, never an
    expression (`{match.__class__}` would walk Python objects). Its format specs
    must suit text (every value is a string: `{match:d}` would fail on every
    file) and ask for no more than MAX_FORMAT_WIDTH characters (`{match:>500000000}`
    would fill memory): both are refused when the pack loads."""
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
        if any(len(n.lstrip("0")) > 3 or int(n) > MAX_FORMAT_WIDTH for n in re.findall(r"\d+", spec or "")):
            raise PackError(f"{where}: rule {code}: `message` field {{{field}:{spec}}} asks for more than "
                            f"{MAX_FORMAT_WIDTH} characters")
        try:
            format("sample", spec or "")  # what a finding gives it: the matched text, a string
        except ValueError as exc:
            raise PackError(f"{where}: rule {code}: `message` field {{{field}:{spec}}} does not suit "
                            f"text: {exc}") from None


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
