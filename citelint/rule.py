"""What a rule is, and the context it reads a document through.

A rule is an object with a stable `code`, a kebab-case `name`, a `severity`, the
`scope` it reads, its documentation, and a `check(ctx)` method yielding findings.
Rules from TOML packs (see packs.py) and plugin rules (entry-point group
`citelint.rules`) are the same kind of object.
"""
from __future__ import annotations

import re as _re
from typing import Iterable, Iterator

from .document import Document
# Lazily compiled patterns, re-exported here: rule modules and plugins import them from citelint.rule.
from .patterns import LazyPattern, LazyRe, lazy_regex  # noqa: F401
from .model import Edit, Finding, Fix, Record, Safety, Severity
from .view import View

CODE_RE = _re.compile(r"^[A-Z]{1,4}[0-9]{3}$")
NAME_RE = _re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
SCOPES = ("prose", "markup", "url", "document", "online")  # online: NET rules, with --online only
QUOTE_POLICIES = ("fix", "report", "skip")


class RuleError(Exception):
    """A rule's check() raised (or called sys.exit()): the rule and what it raised,
    so the one line that reports it can name the rule and, for a plugin, the plugin."""

    def __init__(self, rule, cause: BaseException):
        super().__init__(f"rule {getattr(rule, 'code', '?')}: {type(cause).__name__}: {cause}")
        self.rule, self.cause = rule, cause


class Example(Record):
    """A documented example: `bad` text, the `good` text after fixing (None when
    the rule only reports), or a trap (`bad` is None) that must not fire."""
    _fields = ("text", "fixed", "format", "trap")

    def __init__(self, text: str, fixed: str | None = None, format: str = "text", trap: bool = False):
        self.text, self.fixed, self.format, self.trap = text, fixed, format, trap


class Rule:
    code: str = ""
    name: str = ""
    severity: Severity = Severity.WARNING
    scope: str = "prose"
    summary: str = ""           # what it finds (one line)
    why: str = ""               # why it matters
    fix_safety: Safety | None = None
    fix_title: str = ""
    quotes: str = "report"      # inside quoted speech / blockquotes: fix, report or skip
    links: str = "report"       # inside a link's visible text: report (as anywhere) or skip
    default: bool = True        # enabled unless the configuration says otherwise
    # Strings one of which must occur in what the rule reads for it to find
    # anything. The engine skips the rule where none occurs (see prefilter.py),
    # so a document without candidates costs a few substring tests, not a regex.
    # Choose strings with an uncommon character where you can: `[cite`, not `cite`.
    # A Python rule may also list compiled `re` patterns, for what a string cannot say.
    prefilter: tuple = ()
    # The view ("prose" or "markup") in which every finding's candidates lie, so the
    # rule's prefilter may be asked again of that view once it is built: a Markdown
    # draft's code no longer counts. "" (the default, and every plugin's unless it
    # says so): the prefilter is asked of the source only.
    prefilter_reads: str = ""
    examples: list[Example] = []
    origin: str = ""            # where the rule is defined, for `citelint rule`

    def check(self, ctx: "Context") -> Iterable[Finding]:  # pragma: no cover - interface
        raise NotImplementedError

    def prefilter_for(self, settings) -> tuple[str, ...]:
        """The prefilter under these settings (a rule whose strings are data,
        such as the registry's garbles, overrides this)."""
        return self.prefilter

    def docs(self) -> dict:
        return {
            "code": self.code, "name": self.name, "severity": self.severity.value,
            "scope": self.scope, "summary": self.summary, "why": self.why,
            "fix": self.fix_safety.value if self.fix_safety else None,
            "fix_title": self.fix_title, "default": self.default, "origin": self.origin,
            "examples": [e.__dict__ for e in self.examples],
        }


class Context:
    """Per-document state shared by the rules that run over it."""
    __slots__ = ("doc", "settings", "findings", "cache", "evidence", "_facts")

    def __init__(self, doc: Document, settings=None, evidence=None):
        self.doc, self.settings = doc, settings
        self.findings: list[Finding] = []  # collected by the engine; rules never read them
        self.cache: dict = {}              # memo for shared computations
        self.evidence = evidence           # engine.evidence_plan(settings): what facts.debris runs
        self._facts = None

    @property
    def facts(self):
        """Evidence about the document that rules share (citelint/facts/), computed
        once and whatever rules are selected."""
        if self._facts is None:
            from .facts import Facts  # deferred
            self._facts = Facts(self.doc, self.settings, self, self.evidence)
        return self._facts

    @property
    def raw(self) -> View:
        """The source itself, unmasked: for rules that own markup they delete whole."""
        if "raw" not in self.cache:
            self.cache["raw"] = View(self.doc.source)
        return self.cache["raw"]

    def views(self, scope: str) -> Iterator[View]:
        if scope == "prose":
            yield self.doc.prose
        elif scope == "markup":
            yield self.doc.markup
        elif scope == "url":
            for link in self.doc.links:
                yield link.view

    def finding(self, rule: Rule, view: View, start: int, end: int, message: str, *,
                replacement: str | None = None, safety: Safety | None = None,
                severity: Severity | None = None, title: str = "", url: str | None = None,
                edits: list[tuple[int, int, str]] | None = None) -> Finding | None:
        """Build a finding from view offsets. `replacement` (or explicit view `edits`)
        makes it fixable; the fix is dropped where it would touch masked source or
        where the quote policy says so. Returns None when the policy skips it."""
        spans = view.to_source(start, end)
        src_start, src_end = spans[0][0], spans[-1][1]
        if view.soft and view.inside_soft(src_start, src_end):
            return None  # prose rules do not read inside link targets
        if rule.links == "skip" and self.facts.link_text_at(spans[-1][1] - 1, spans[-1][1]) is not None:
            return None  # the link is the structure: `<a href="#fnref1">↩</a>` is a real back-link
        quoted = view is self.doc.prose and rule.quotes != "fix" and self.doc.in_quote(start, end)
        if quoted and rule.quotes == "skip":
            return None
        fix = None
        if (replacement is not None or edits) and not quoted and not _shown_as_example(self.doc.source, src_start):
            fix = self._fix(view, [(start, end, replacement)] if edits is None else edits,
                            safety or rule.fix_safety or Safety.SAFE, title or rule.fix_title)
        return Finding(rule.code, rule.name, severity or rule.severity, message,
                       src_start, src_end, fix, self.doc.path, url=url)

    def _fix(self, view: View, edits, safety: Safety, title: str) -> Fix | None:
        out: list[Edit] = []
        for a, b, text in edits:
            spans = view.to_source(a, b)
            if any(view.touches_mask(s, e) for s, e in spans):
                return None  # never edit code, comments or hidden link targets
            if text:
                if len(spans) > 1:
                    return None  # a replacement across markup would move tags
                if not view.identity and self.doc.kind == "html":
                    # The view decoded entities: `&lt;script&gt;` reads as `<script>`. What goes
                    # back into the source is escaped again, so text never turns into markup.
                    from html import escape  # deferred: only an HTML draft's fixes need it
                    text = escape(text, quote=False)
                out.append(Edit(spans[0][0], spans[0][1], text))
            else:
                out.extend(Edit(s, e, "") for s, e in spans if e > s)
        if not out:
            return None
        if any(not e.text and self.facts.leaves_empty(e.start, e.end) for e in out):
            return None  # `<li></li>`, `[](url)`, an empty heading: report, never leave one
        return Fix(tuple(out), safety, title)


_EXAMPLE_CUE = _re.compile(
    r"(?i)(?:\bfor (?:example|instance)\b|\bexamples?:|\b(?:might|may|would|will|can) look like\b"
    r"|\blooks? like this\b)(?:(?![.!?]\s).)*$")


def _shown_as_example(source: str, start: int) -> bool:
    """Whether the text before `start` in its sentence introduces an example
    ("for example, a link might look like …"): a draft about the artefact
    shows it on purpose, so it is reported, never fixed."""
    line_start = source.rfind("\n", max(0, start - 300), start) + 1
    before = source[max(line_start, start - 300):start]
    return bool(before) and _EXAMPLE_CUE.search(before) is not None


def validate_rule(rule: Rule, where: str) -> None:
    """Raise ValueError for a rule that breaks the conventions every rule keeps."""
    if not isinstance(rule.code, str) or not CODE_RE.match(rule.code):
        raise ValueError(f"{where}: rule code {rule.code!r} must be 1-4 capitals and 3 digits")
    if not isinstance(rule.name, str) or not NAME_RE.match(rule.name):
        raise ValueError(f"{where}: rule {rule.code} name {rule.name!r} must be kebab-case")
    if rule.scope not in SCOPES:
        raise ValueError(f"{where}: rule {rule.code} scope must be one of {', '.join(SCOPES)}")
    if rule.links not in ("report", "skip"):
        raise ValueError(f"{where}: rule {rule.code} links must be report or skip")
    if rule.quotes not in QUOTE_POLICIES:
        raise ValueError(f"{where}: rule {rule.code} quotes must be one of {', '.join(QUOTE_POLICIES)}")
    if not isinstance(rule.severity, Severity):
        raise ValueError(f"{where}: rule {rule.code} has no valid severity")
