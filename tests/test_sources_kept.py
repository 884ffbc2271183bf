"""A fix never removes a source: every URL a draft cites is still there after
`--fix --unsafe-fixes` (tracking parameters aside), except URLs that are
themselves assistant debris (private uploads, grounding redirects, sandbox paths)."""
import pytest

import citelint
from citelint.ruleset import all_rules
from citelint.config import Settings

from structure_oracle import lost_sources

DEBRIS_URL = ("ppl-ai-file-upload", "grounding-api-redirect", "sandbox:")
UNSAFE = Settings(unsafe_fixes=True)

CASES = [(r.code, i, e) for r in all_rules() if r.scope != "online"
         for i, e in enumerate(r.examples) if not e.trap]


@pytest.mark.parametrize("case", CASES, ids=[f"{c}-{i}" for c, i, _ in CASES])
def test_rule_example_keeps_its_sources(case):
    code, _, ex = case
    after = citelint.fix_text(ex.text, kind=ex.format, settings=UNSAFE).text
    lost = [u for u in lost_sources(ex.text, after) if not any(d in u for d in DEBRIS_URL)]
    assert not lost, f"{code}: the fix lost {lost}"


SEEN_IN_DRAFTS = [
    ("markdown", "Rates held [oai_citation:3‡The Hindu](https://www.thehindu.com/news/x.ece?utm_source=chatgpt.com).\n",
     "Rates held [The Hindu](https://www.thehindu.com/news/x.ece).\n"),
    ("markdown", "It spread. [AP News + 1](https://apnews.com/article/abc)\n",
     "It spread. [AP News](https://apnews.com/article/abc)\n"),
    ("markdown", "Prices rose.\n\n[3]: https://example.org/a?utm_source=chatgpt.com \"Title\"\n",
     "Prices rose.\n\n[3]: https://example.org/a \"Title\"\n"),
    ("text", "Prices rose.\n[3]: https://example.org/a?utm_source=chatgpt.com \"Title\"\n",
     "Prices rose.\n[3]: https://example.org/a \"Title\"\n"),
    ("markdown", "Licenses[1][2] are accepted.\n\nSources\n[1] https://www.tsa.gov/x\n[2] https://example.org/b\n",
     "Licenses[1][2] are accepted.\n\nSources\n[1] https://www.tsa.gov/x\n[2] https://example.org/b\n"),
]


@pytest.mark.parametrize("kind,draft,fixed", SEEN_IN_DRAFTS)
def test_fix_strips_decoration_and_keeps_the_link(kind, draft, fixed):
    assert citelint.fix_text(draft, kind=kind, settings=UNSAFE).text == fixed
