"""Run rules over a document: selection, suppression comments, positions."""
from __future__ import annotations

from bisect import bisect_right

from . import config as cfg
from .document import Document, kind_for_path
from .formats import load
from .fixer import FixResult, fix_loop
from .model import Finding, Severity
from .packs import fixing
from .prefilter import Plan, use_evidence
from .ruleset import all_rules, builtin_rules
from .packs import PatternTimeout
from .rule import Context, Rule, RuleError


def evidence_plan(settings) -> Plan:
    """The built-in assistant-markup (AST) and tracking (TRK) rules with their
    prefilter plan: what a document's facts run to tell whether it carries
    assistant debris, whatever rules are selected."""
    rules = [r for r in builtin_rules() if r.code.startswith(("AST", "TRK"))]
    plan = Plan(rules, [r.prefilter_for(settings) for r in rules])
    use_evidence(plan)  # the rules' own prefilters ask it whether a draft could show debris
    return plan


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
        self._plans: dict = {}  # (ignored selectors, kind) -> Plan; and kind -> Plan, with no per-file-ignores
        self._view_plans: dict[tuple, Plan] = {}

    def rules_for(self, path: str) -> list[Rule]:
        ignored = frozenset(cfg.ignored_for(self.settings, path))
        if not ignored:
            return self.rules
        if ignored not in self._per_path:
            self._per_path[ignored] = [r for r in self.rules if not any(r.code.startswith(i) or i == "ALL" for i in ignored)]
        return self._per_path[ignored]

    def plan_for(self, path: str, kind: str | None = None) -> Plan:
        """The prefilter plan of the offline rules in force for `path`, for
        documents of `kind` (None: any). (NET rules run only when an online
        pass gives them its results.)"""
        if not self.settings.per_file_ignores:  # (asked once a draft: the common case costs a look-up)
            plan = self._plans.get(kind)
            if plan is not None:
                return plan
        ignored = frozenset(cfg.ignored_for(self.settings, path))
        key = (ignored, kind)
        if key not in self._plans:
            rules = [r for r in self.rules_for(path) if r.scope != "online"]
            self._plans[key] = Plan(rules, [r.prefilter_for(self.settings) for r in rules], kind)
            if not ignored and not self.settings.per_file_ignores:
                self._plans[kind] = self._plans[key]
        return self._plans[key]

    def _selected(self, doc: Document, online) -> list[Rule]:
        rules = self.plan_for(doc.path, doc.kind).select(prefilter_texts(doc.source, doc.kind, doc))
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
        plan = self.plan_for(path, kind)
        rules = plan.select(prefilter_texts(text, kind))
        if not rules:  # the common case: nothing to look for, so no view is built
            return []
        doc = load(text, kind, path)
        if kind == "markdown":
            rules = self._narrowed(doc, rules, plan.debris_in(rules))
            if not rules:
                return []
        return self._run(doc, rules)

    def _narrowed(self, doc: Document, rules: list[Rule], debris: bool | None = None) -> list[Rule]:
        """The rules whose prefilter still holds in the view they read
        (Rule.prefilter_reads), asked again once the views are built: what made
        a Markdown draft pass (a `+1` in a code block, `[1]` in a snippet) no longer
        counts. Building the views finds no links: only code, comments and tags."""
        keep = [r for r in rules if r.prefilter_reads not in ("prose", "markup")]
        for view in ("prose", "markup"):
            mine = [r for r in rules if r.prefilter_reads == view]
            if mine:
                keep.extend(self._view_plan(mine).select((getattr(doc, view).text,), source=doc.source,
                                                         debris=debris))
        if len(keep) == len(rules):
            return rules
        kept = set(keep)
        return [r for r in rules if r in kept]

    def _view_plan(self, rules: list[Rule]) -> Plan:
        key = tuple(id(r) for r in rules)
        plan = self._view_plans.get(key)
        if plan is None:
            if len(self._view_plans) >= 256:  # drafts pass in many combinations: keep the cache small
                self._view_plans.clear()
            plan = self._view_plans[key] = Plan(rules, [r.prefilter_for(self.settings) for r in rules], "markdown")
        return plan

    def fix_text(self, text: str, kind: str | None = None, path: str = "-",
                 unsafe: bool = False, online=None) -> FixResult:
        """Fix until nothing changes; with `online`, archive swaps go through
        the same loop as every other fix, so a draft is written once. A user's
        pack rule has one pattern time budget for all the passes (packs.fixing)."""
        with fixing():
            return fix_loop(text, lambda t: self.lint_text(t, kind, path, online), unsafe)


def prefilter_texts(source: str, kind: str, doc: Document | None = None) -> tuple[str, ...]:
    """What the prefilter reads for a draft: the source, where every view is the
    source with parts masked (but for raw-HTML link targets in Markdown, which
    the url view reads with entities decoded: see packs._plan_needs); for an
    HTML page (loaded: `doc`) also its prose and its links, whose entities and
    tags are decoded away."""
    if kind == "html":
        return (source, doc.prose.text, "\n".join(link.url for link in doc.links))
    return (source,)


def suppress(doc: Document, findings: list[Finding]) -> list[Finding]:
    """Drop findings inside `disable`/`enable` ranges and `ignore` blocks.
    Each code found is judged on its own: its disabled ranges and its ignored
    blocks, each sorted once and looked up by bisection, so a draft with many
    directives and many findings costs (directives + findings) x codes found."""
    if not findings or not doc.directives:
        return findings
    directives = sorted(doc.directives, key=lambda d: d.start)
    verdicts = {code: _Suppressed(code, directives) for code in {f.code for f in findings}}
    return [f for f in findings if not verdicts[f.code].covers(f.start)]


class _Suppressed:
    """Where one rule code is suppressed: the positions where its disabled
    state changes, and its ignored blocks merged into disjoint spans."""
    __slots__ = ("changes", "off", "ignore_starts", "ignore_ends")

    def __init__(self, code: str, directives):
        # Only selectors that are a prefix of this code bear on it, so each set
        # holds at most a few of them however many directives there are.
        all_off, off, on = False, set(), set()
        changes, states, ignored = [-1], [False], []
        for d in directives:
            mine = {c for c in d.codes if code.startswith(c)}
            if d.action == "ignore":
                if not d.codes or mine:
                    ignored.append((d.start, d.end))
                continue
            if not d.codes:  # a bare disable or enable: everything off, or back on
                all_off, off, on = d.action == "disable", set(), set()
            elif d.action == "disable":
                off, on = off | mine, on - mine
            else:
                off, on = off - mine, on | mine
            changes.append(d.start)
            states.append((all_off and not on) or bool(off))
        self.changes, self.off = changes, states
        merged: list[list[int]] = []
        for a, b in sorted(ignored):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.ignore_starts = [a for a, _ in merged]
        self.ignore_ends = [b for _, b in merged]

    def covers(self, pos: int) -> bool:
        if self.off[bisect_right(self.changes, pos) - 1]:
            return True
        i = bisect_right(self.ignore_starts, pos) - 1
        return i >= 0 and pos < self.ignore_ends[i]
