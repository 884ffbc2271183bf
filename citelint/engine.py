"""Run rules over a document: selection, suppression comments, positions."""
from __future__ import annotations

from bisect import bisect_right

from . import config as cfg
from .document import Document, kind_for_path
from .formats import load
from .fixer import FixResult, fix_loop
from .model import Finding, Severity
from .packs import fixing
from .prefilter import Plan
from .ruleset import all_rules, builtin_rules
from .packs import PatternTimeout
from .rule import Context, Rule, RuleError


def evidence_plan(settings) -> Plan:
    """The built-in assistant-markup (AST) and tracking (TRK) rules with their
    prefilter plan: what a document's facts run to tell whether it carries
    assistant debris, whatever rules are selected."""
    rules = [r for r in builtin_rules() if r.code.startswith(("AST", "TRK"))]
    return Plan(rules, [r.prefilter_for(settings) for r in rules])


class Linter:
    """The rules in force for one set of settings, ready to run on documents."""

    def __init__(self, settings: cfg.Settings | None = None, rules: tuple[Rule, ...] | None = None):
        self.settings = settings or cfg.Settings()
        known = rules if rules is not None else all_rules(self.settings.rule_packs)
        cfg.check_selectors(self.settings, {r.code for r in known})
        self.known = known
        self.rules = cfg.enabled(self.settings, known)
        self.severity = {c: Severity(s) for c, s in self.settings.severity}
        if self.settings.outlets:  # a newsroom's outlet files: report a bad one now, once
            from .outlets import load_registry  # deferred
            load_registry(tuple(self.settings.outlets))
        self.evidence = evidence_plan(self.settings)
        self._per_path: dict[frozenset, list[Rule]] = {}
        self._plans: dict[frozenset, Plan] = {}

    def rules_for(self, path: str) -> list[Rule]:
        ignored = frozenset(cfg.ignored_for(self.settings, path))
        if not ignored:
            return self.rules
        if ignored not in self._per_path:
            self._per_path[ignored] = [r for r in self.rules if not any(r.code.startswith(i) or i == "ALL" for i in ignored)]
        return self._per_path[ignored]

    def plan_for(self, path: str) -> Plan:
        """The prefilter plan of the offline rules in force for `path`. (NET
        rules run only when an online pass gives them its results.)"""
        ignored = frozenset(cfg.ignored_for(self.settings, path))
        if ignored not in self._plans:
            rules = [r for r in self.rules_for(path) if r.scope != "online"]
            self._plans[ignored] = Plan(rules, [r.prefilter_for(self.settings) for r in rules])
        return self._plans[ignored]

    def _selected(self, doc: Document, online) -> list[Rule]:
        if doc.kind == "html":  # entities and tags: the views may hold what the source spells otherwise
            texts = (doc.source, doc.prose.text, "\n".join(link.url for link in doc.links))
        else:  # every view is the source with parts masked, so the source holds all they hold
            texts = (doc.source,)
        rules = self.plan_for(doc.path).select(texts)
        if online is not None:
            rules = rules + [r for r in self.rules_for(doc.path) if r.scope == "online"]
        return rules

    def lint(self, doc: Document, online=None) -> list[Finding]:
        """The findings in a loaded document. `online` is the online pass's
        results (online/verify.OnlineState): with them the NET rules run too."""
        return self._run(doc, self._selected(doc, online), online)

    def _run(self, doc: Document, rules: list[Rule], online=None) -> list[Finding]:
        ctx = Context(doc, self.settings, self.evidence)
        if online is not None:
            ctx.cache["online"] = online
        for rule in rules:
            try:
                for f in rule.check(ctx):
                    if f is not None:  # ctx.finding() returns None where policy drops a finding
                        ctx.findings.append(f)
            except PatternTimeout:
                raise
            except (Exception, SystemExit) as exc:  # a plugin's sys.exit() must not end the run unexplained
                raise RuleError(rule, exc) from exc
        return self.finish(doc, ctx.findings)

    def finish(self, doc: Document, found: list[Finding]) -> list[Finding]:
        """Suppression comments, severity overrides and 1-based positions, in order."""
        findings = suppress(doc, [f for f in found if f is not None])
        for f in findings:
            if f.code in self.severity:
                f.severity = self.severity[f.code]
            f.path = doc.path
            f.line, f.column = doc.line_col(f.start)
            f.end_line, f.end_column = doc.line_col(f.end)
        findings.sort(key=Finding.sort_key)
        return findings

    def lint_text(self, text: str, kind: str | None = None, path: str = "-", online=None) -> list[Finding]:
        kind = kind or kind_for_path(path)
        if kind == "html" or online is not None:
            return self.lint(load(text, kind, path), online)
        rules = self.plan_for(path).select((text,))
        if not rules:  # the common case: nothing to look for, so no view is built
            return []
        return self._run(load(text, kind, path), rules)

    def fix_text(self, text: str, kind: str | None = None, path: str = "-",
                 unsafe: bool = False, online=None) -> FixResult:
        """Fix until nothing changes; with `online`, archive swaps go through
        the same loop as every other fix, so a draft is written once. A user's
        pack rule has one pattern time budget for all the passes (packs.fixing)."""
        with fixing():
            return fix_loop(text, lambda t: self.lint_text(t, kind, path, online), unsafe)


class _State:
    __slots__ = ("pos", "all_off", "off", "on")

    def __init__(self, pos: int, all_off: bool, off: frozenset, on: frozenset = frozenset()):
        self.pos = pos
        self.all_off = all_off  # a bare `disable` is in force...
        self.off = off          # ...or these selectors are disabled...
        self.on = on            # ...except these, enabled again after a bare disable


def _matches(code: str, selectors) -> bool:
    return any(code.startswith(s) for s in selectors)


def suppress(doc: Document, findings: list[Finding]) -> list[Finding]:
    """Drop findings inside `disable`/`enable` ranges and `ignore` blocks."""
    if not doc.directives or not findings:
        return findings
    timeline: list[_State] = [_State(-1, False, frozenset())]
    ignores = []
    for d in sorted(doc.directives, key=lambda d: d.start):
        cur = timeline[-1]
        if d.action == "ignore":
            ignores.append(d)
        elif d.action == "disable":
            if not d.codes:
                timeline.append(_State(d.start, True, frozenset()))
            else:
                timeline.append(_State(d.start, cur.all_off, cur.off | set(d.codes), cur.on - set(d.codes)))
        elif not d.codes:  # bare enable: everything back on
            timeline.append(_State(d.start, False, frozenset()))
        else:
            timeline.append(_State(d.start, cur.all_off, cur.off - set(d.codes), cur.on | set(d.codes)))
    starts = [s.pos for s in timeline]
    out = []
    for f in findings:
        st = timeline[bisect_right(starts, f.start) - 1]
        if (st.all_off and not _matches(f.code, st.on)) or _matches(f.code, st.off):
            continue
        if any(d.start <= f.start < d.end and (not d.codes or _matches(f.code, d.codes)) for d in ignores):
            continue
        out.append(f)
    return out
