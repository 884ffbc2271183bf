"""Regression tests for issue 14's pack, fixer, HTML-memory and cache items:
one pattern time budget per rule per draft (#13), fixes that grow the draft
and HTML views that grew with the attributes (#15), the findings cache at
scale and a shipped cache that claims a draft is clean (#23), `citelint rule`
for a pack's rules and caches kept out of the repository (#24).

Hostile inputs are generated here; packs, drafts and caches are real files in
tmp_path, run through the real CLI."""
from __future__ import annotations

import textwrap
import time
import tracemalloc

import pytest

from citelint import cli, packs
from citelint.config import Settings
from citelint.engine import Linter
from citelint.model import Edit, Finding, Fix, Safety, Severity
from citelint.rule import Example, Rule

SLOW = "(a|aa)+$"  # backtracks exponentially against a run of a's ending in b


def pack_rule(pattern: str, scope: str = "prose", extra: str = "", code: str = "HSE201") -> str:
    return textwrap.dedent(f'''\
        [[rule]]
        code = "{code}"
        name = "house-rule-{code.lower()}"
        severity = "error"
        scope = "{scope}"
        pattern = \'\'\'{pattern}\'\'\'
        message = "house rule: `{{match}}`"
        summary = "A house rule."
        why = "Tests."
        ''') + extra


def with_pack(tmp_path, pack: str, draft: str, name: str = "story.md"):
    (tmp_path / "citelint.toml").write_text('rule-packs = ["house.toml"]\n')
    (tmp_path / "house.toml").write_text(pack, encoding="utf-8")
    (tmp_path / name).write_text(draft, encoding="utf-8")
    return tmp_path / name


def run_cli(tmp_path, monkeypatch, capsys, *args):
    monkeypatch.chdir(tmp_path)
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


# --- #13: one pattern budget per rule per draft ----------------------------------------

def _slow_run(budget: float) -> str:
    """A run of a's ending in b on which SLOW takes about a quarter of `budget`
    here (calibrated on this machine, so no absolute time is assumed)."""
    import regex
    slow = regex.compile(SLOW)
    for n in range(12, 60):
        start = time.perf_counter()
        slow.search("a" * n + "b")
        if time.perf_counter() - start > budget / 4:
            return "a" * n + "b"
    pytest.skip("the pattern never got slow enough to measure")


@pytest.mark.parametrize("where", ["pattern", "requires"])
def test_a_slow_url_pattern_gets_one_budget_for_all_the_links(tmp_path, monkeypatch, capsys, where):
    """A `scope = "url"` rule whose pattern took just under its limit on each
    link ran on (63 s over 60 links): the limit was per link. Its budget is now
    one per draft: the run stops, naming the rule, after about one budget."""
    budget, links = 0.5, 64
    monkeypatch.setattr(packs, "PATTERN_TIMEOUT", budget)
    rule = pack_rule(SLOW, "url") if where == "pattern" else pack_rule(
        "x", "url", f"requires = '''{SLOW}'''\n")
    run = _slow_run(budget)
    draft = "".join(f"See [source {i}](https://example.com/{i}/{run}).\n\n" for i in range(links))
    with_pack(tmp_path, rule, draft)
    start = time.perf_counter()
    code, out, err = run_cli(tmp_path, monkeypatch, capsys, "check", "--no-cache", "story.md")
    elapsed = time.perf_counter() - start
    assert code == 2 and "HSE201" in err and f"{budget:g}s" in err and "story.md" in err
    # A budget per link would run every link: about links/4 budgets. One per draft: about one.
    assert elapsed < budget * links / 16, elapsed


def test_a_user_pack_has_one_budget_across_the_passes_of_fix(tmp_path, monkeypatch):
    """Each pass of --fix lints again; a user's pack rule does not get a fresh
    budget on each. Counted, not timed: the budget object is the same one."""
    seen = []
    real = packs.PatternBudget.run

    def spy(self, rule, what, path, call):
        seen.append(id(self))
        return real(self, rule, what, path, call)

    monkeypatch.setattr(packs.PatternBudget, "run", spy)
    # "ab" -> "b" takes one "a" a pass: several passes over the draft.
    rule = pack_rule("ab", extra='fix = "replace"\nreplacement = "b"\n')
    path = with_pack(tmp_path, rule, "Start aaaab end.\n", "story.txt")
    assert cli.main(["check", "--no-cache", "--fix", str(path)]) == 0
    assert path.read_text() == "Start b end.\n"
    assert len(seen) >= 5 and len(set(seen)) == 1


# --- #15: fixes that grow the draft ------------------------------------------------------

GROWER = "\\\\g<0>" * 100  # in the pack's TOML: `\g<0>` a hundred times


def test_a_replacement_that_grows_each_pass_is_refused_and_the_draft_untouched(tmp_path, monkeypatch, capsys):
    """Each pass multiplied the match a hundredfold (3.9 GB before). The draft
    may grow to twice its length or by 1 Mi characters at most; past that the
    rule's fixes are refused, reported, and nothing of theirs stays."""
    rule = pack_rule("a+", extra=f'fix = "replace"\nreplacement = "{GROWER}"\n')
    draft = "Start aaaa end. Prices rose [web:1].\n"
    path = with_pack(tmp_path, rule, draft, "story.txt")
    code, out, err = run_cli(tmp_path, monkeypatch, capsys, "check", "--no-cache", "--fix", "story.txt")
    assert path.read_text() == draft.replace(" [web:1]", "")  # the other rule's fix is kept
    assert code == 1 and "HSE201" in out
    assert "fixes from HSE201 were refused" in err and "twice its length" in err


def test_one_huge_replacement_is_never_built(tmp_path):
    """A replacement is measured before it is built: `\\g<0>` a hundred times
    over a 200 KB match would take 20 MB, past what the draft may grow by."""
    rule = pack_rule("(?s)Start.+", extra=f'fix = "replace"\nreplacement = "{GROWER}"\n')
    (tmp_path / "house.toml").write_text(rule)
    linter = Linter(Settings(rule_packs=(str(tmp_path / "house.toml"),)))
    draft = "Start " + "word " * 40_000 + "\n"
    linter.lint_text("Start x\n", "text")  # rules compiled outside the measurement
    tracemalloc.start()
    try:
        result = linter.fix_text(draft, "text")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.text == draft and result.grown == {"HSE201"}
    assert peak < 20 * len(draft), peak / len(draft)


class _Grower(Rule):
    """A plugin rule whose fix inserts a copy of the whole text before it."""
    code, name, severity, scope = "HSE202", "grower", Severity.ERROR, "prose"
    summary, why, fix_safety, origin = "Grows.", "Tests.", Safety.SAFE, "tests"
    examples = [Example("x")]

    def check(self, ctx):
        yield Finding(self.code, self.name, self.severity, "grows", 0, 1,
                      Fix((Edit(0, 0, ctx.doc.source),), Safety.SAFE))


def test_a_plugin_fix_that_doubles_the_draft_each_pass_is_refused():
    draft = "A draft that a plugin keeps doubling. " * 3000  # 114 KB: past the limit in pass 4
    result = Linter(rules=(_Grower(),)).fix_text(draft, "text")
    assert result.text == draft and result.applied == 0 and result.grown == {"HSE202"}


# --- #15: HTML views linear in memory ------------------------------------------------------

def _attributes(n: int, quote: str = "") -> str:
    return " ".join(f"a{i}={quote}{i}{quote}" for i in range(n))


@pytest.mark.parametrize("kind, draft, most", [
    # One tag of 1 MB of attributes: its pattern kept state for each character (190x).
    ("html", "<p>Text</p><a " + _attributes(80_000) + ">x</a>\n", 10),
    ("html", "<p>Text</p><a " + _attributes(70_000, '"') + ">x</a>\n", 10),
    ("html", "<p>Text</p><a " + _attributes(70_000, "'"), 10),  # never closed
    ("markdown", "Text <a " + _attributes(80_000) + "> x</a>\n", 10),  # raw HTML in Markdown
    # Tags packed tight: a record per tag, still a constant times the draft.
    ("html", "<b a=1 b=2 c=3>w " * 60_000, 40),
])
def test_html_views_are_linear_in_memory(kind, draft, most):
    linter = Linter()
    linter.lint_text("<p>x</p>", kind)  # rules compiled outside the measurement
    tracemalloc.start()
    try:
        linter.fix_text(draft, kind)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(draft) > 900_000 and peak < most * len(draft), peak / len(draft)


# --- #23: the findings cache at scale, and a shipped cache ---------------------------------

@pytest.fixture
def user_cache(tmp_path, monkeypatch):
    """A user cache folder of the test's own (the cache's key lives there)."""
    from citelint import findings_cache
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv("CITELINT_CACHE_DIR", raising=False)
    findings_cache.user_key.cache_clear()
    yield tmp_path / "user-cache" / "citelint"
    findings_cache.user_key.cache_clear()


def test_the_cache_holds_every_file_of_a_large_tree(tmp_path, user_cache):
    """The cache held 20,000 entries: a warm run over more files evicted its own
    entries run after run. Now every file keeps its entry (counted, not timed);
    benchmarks/cache_bench.py gives the times."""
    from citelint.findings_cache import Cache, file_key
    n = 25_000
    finding = Finding("AST001", "x", Severity.ERROR, "m", 0, 1)
    cache = Cache(str(tmp_path / "cache"))
    bucket = cache.bucket(Settings())
    for i in range(n):
        bucket.put(file_key(f"desk/story{i}.md", f"{i:064x}"), [finding] if i % 2 else [])
    cache.save()
    again = Cache(str(tmp_path / "cache")).bucket(Settings())
    hits = [again.get(file_key(f"desk/story{i}.md", f"{i:064x}"), f"desk/story{i}.md") for i in range(n)]
    assert sum(h is not None for h in hits) == n
    assert [len(h) for h in hits[:4]] == [0, 1, 0, 1]
    assert again.get(file_key("desk/story1.md", "0" * 64), "desk/story1.md") is None  # other bytes: a miss
    shards = list((tmp_path / "cache").rglob("*.json"))
    assert 200 < len(shards) <= 256  # spread over shards: a look-up reads one small file


def _story(tmp_path):
    (tmp_path / "story.md").write_text("Prices rose :contentReference[oaicite:0]{index=0}.\n")


def _check(tmp_path, monkeypatch, capsys):
    return run_cli(tmp_path, monkeypatch, capsys, "check", "--isolated", "story.md")


@pytest.mark.parametrize("forge", ["same-seal", "other-key", "unsealed"])
def test_a_shipped_cache_cannot_claim_a_draft_is_clean(tmp_path, monkeypatch, capsys, user_cache, forge):
    """A repository can ship `.citelint_cache` with an entry claiming a draft is
    clean. Every shard is sealed with a key in the user's own cache folder: an
    entry that does not verify is not read, so the findings are still reported."""
    import hashlib
    import json
    from citelint import findings_cache
    _story(tmp_path)
    code, out, _ = _check(tmp_path, monkeypatch, capsys)
    assert code == 1 and "AST001" in out
    shards = list((tmp_path / ".citelint_cache").rglob("*.json"))
    assert shards and (user_cache / findings_cache.KEY_FILE).stat().st_mode & 0o077 == 0
    for shard in shards:  # the attacker knows where the bucket is, but not the user's key
        data = shard.read_bytes()
        at = len(findings_cache._HEAD) + findings_cache._SEAL_LEN + len(findings_cache._MID)
        entries = {slot: [digest, []] for slot, (digest, _) in json.loads(data[at:-1]).items()}
        body = json.dumps(entries, separators=(",", ":")).encode()
        seal = {"same-seal": data[len(findings_cache._HEAD):][:findings_cache._SEAL_LEN].decode(),
                "other-key": findings_cache._seal(hashlib.sha256(b"attacker").digest(),
                                                  f"{shard.parent.name}/{shard.name}", body),
                "unsealed": ""}[forge]
        if forge == "unsealed":
            shard.write_text(json.dumps({"format": 2, "entries": entries}))
        else:
            shard.write_bytes(findings_cache._HEAD + seal.encode() + findings_cache._MID + body + b"}")
    code, out, _ = _check(tmp_path, monkeypatch, capsys)
    assert code == 1 and "AST001" in out


def test_a_cache_written_by_another_user_is_not_read(tmp_path, monkeypatch, capsys, user_cache):
    from citelint import findings_cache
    _story(tmp_path)
    calls = []
    from citelint import runner
    real = runner.check_file
    monkeypatch.setattr(runner, "check_file", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    _check(tmp_path, monkeypatch, capsys)
    _check(tmp_path, monkeypatch, capsys)
    assert calls == ["story.md"]  # the second run came from the cache
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    findings_cache.user_key.cache_clear()
    code, out, _ = _check(tmp_path, monkeypatch, capsys)
    assert calls == ["story.md", "story.md"] and code == 1 and "AST001" in out


def test_the_least_recently_used_buckets_are_removed_past_the_size_cap(tmp_path, monkeypatch, capsys, user_cache):
    import os
    from citelint import findings_cache
    _story(tmp_path)
    monkeypatch.setattr(findings_cache, "MAX_BYTES", 1)  # every bucket but the run's own is too many
    version = None
    for i, select in enumerate(("AST001", "AST", "ALL")):  # other settings: another bucket each
        run_cli(tmp_path, monkeypatch, capsys, "check", "--isolated", "--select", select, "story.md")
        [version] = [p for p in (tmp_path / ".citelint_cache").iterdir() if p.is_dir()]
        buckets = [p for p in version.iterdir() if p.is_dir()]
        assert len(buckets) == 1, buckets  # the older buckets went
        os.utime(buckets[0], (1, 1))  # and this one is old by the next run
    elsewhere = tmp_path / "keep.json"
    elsewhere.write_text("{}")
    os.symlink(elsewhere, version / "link.json")  # never followed, never removed through
    run_cli(tmp_path, monkeypatch, capsys, "check", "--isolated", "--select", "AST0", "story.md")
    assert elsewhere.read_text() == "{}"


# --- #24: `citelint rule` for a pack's rules; caches never beside a configured file -----------

def test_citelint_rule_knows_a_configured_packs_rules(tmp_path, monkeypatch, capsys):
    with_pack(tmp_path, pack_rule("house", code="HSE301"), "Clean.\n")
    code, out, err = run_cli(tmp_path, monkeypatch, capsys, "rule", "HSE301")
    assert code == 0 and out.startswith("# house-rule-hse301 (HSE301)") and "house.toml" in out, err
    code, out, _ = run_cli(tmp_path, monkeypatch, capsys, "rule", "house-rule-hse301", "--format", "json")
    assert code == 0 and '"HSE301"' in out
    code, _, err = run_cli(tmp_path, monkeypatch, capsys, "rule", "HSE301", "--isolated")
    assert code == 2 and "no rule 'HSE301'" in err


def test_no_cache_is_written_beside_a_configured_outlets_file(tmp_path):
    """A configured outlet file is read through a marshal cache; that cache used
    to go to `__pycache__/` beside the file, inside the repository."""
    import os
    import subprocess
    import sys
    repo = tmp_path / "repo"
    (repo / "config").mkdir(parents=True)
    (repo / "config" / "outlets.toml").write_text(
        '[[outlet]]\nid = "xx.valley-courier"\nname = "Valley Courier"\ndomains = ["valleycourier.example"]\n'
        'country = "PK"\nkind = "newspaper"\norigin = "house list"\n')
    (repo / "citelint.toml").write_text('outlets = ["config/outlets.toml"]\n')
    (repo / "story.md").write_text("The Valley Courier reported it [web:1].\n")
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "user-cache")
    for args in (["check", "--no-cache", "story.md"], ["outlets", "Valley Courier"]):
        proc = subprocess.run([sys.executable, "-m", "citelint", *args], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before
    assert list((tmp_path / "user-cache" / "citelint" / "toml").glob("outlets.toml.*.marshal"))
