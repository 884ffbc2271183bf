"""Traps from the brief and the catalogue: ordinary writing that no rule may report."""
import pytest

TRAPS_TEXT = [
    "We use C++ and C# here; set x = A+1 and v2+1.",
    "Temperatures rose +3 degrees in Lahore (+3°C). The KSE +2% and Nasdaq +0.64%.",
    "Call +44 20 7946 0000 or +92 300 1234567 for tickets.",
    "Tune in on Channel 4 +1 at nine. Watch it on ITV +1.",
    "At dawn today the talks resumed. The guardian of the shrine spoke. Mint leaves.",
    "Write to press@dawn.com for the statement.",
    "He said it was [sic] final. [citation needed] was added. [Updated]",
    "\"[The army] will respond,\" the spokesman said.",
    "The ruling in [2024] UKSC 5 stands.",
    "ISLAMABAD (Reuters) — The talks resumed. KARACHI (AFP): Markets fell.",
    "Three cities (Karachi, Lahore, Quetta) voted.",
    "(Photo: Reuters) The rally drew thousands.",
    "Settlement is T+2; UTC+5 all year; Disney+ and Apple TV+ and Canal+ launched.",
    "McIlroy is +3 after the front nine. Verstappen +3.2s. Carlsen +12 rating points.",
    "Sources said the minister resigned. Sources close to the talks agreed.",
    "If you want to travel, take the bus.",
    "You said: I will quote you. She searched the web for hours.",
    "Turn to page 3. He spoke via video link from London.",
    "The #MeToo movement grew; she ranked #1; tickets @ Rs 500.",
    "An area of 500 km² and 10⁶ cells; x² + y².",
    "Return 0 in turn 3. The entity behind the fund is registered in Dubai.",
    "Ca2+ and Fe3+ ions. 18+ only. Grade B+.",
    "Prices rose 5% in Q3, the central bank said on Tuesday.",
]

REAL_REFERENCES = "The study found a rise [1] and a fall [2].\n\n[1] Smith, J. (2024). A study.\n[2] Jones, K. (2023). Another.\n"

CODE_MD = """# Leaks

Search for `:contentReference[oaicite:0]{index=0}` and `[web:1]` in archives.

```
Pakistan Today +3 Geo News +3 citeturn0search0 【4†source】 [cite: 4]
+2
```

    indented code [1][2] @handle #tag
"""

CODE_HTML = """<p>Search for <code>:contentReference[oaicite:0]{index=0}</code> in archives.</p>
<pre>Pakistan Today +3 Geo News +3
+2
citeturn0search0</pre>
<script>var s = "[cite: 4] [web:1]";</script>
<style>.x:after { content: "+3"; }</style>
"""


@pytest.mark.parametrize("text", TRAPS_TEXT)
def test_trap_is_not_reported(text, linter):
    for kind in ("text", "markdown"):
        found = linter.lint_text(text + "\n", kind)
        assert not found, [(f.code, f.message) for f in found]


def test_real_reference_list_keeps_markers(linter):
    result = linter.fix_text(REAL_REFERENCES, "text", unsafe=True)
    assert result.text == REAL_REFERENCES
    assert all(f.fix is None for f in result.remaining)


def test_artefacts_shown_in_markdown_code_are_not_touched(linter):
    assert linter.lint_text(CODE_MD, "markdown") == []


def test_artefacts_shown_in_html_code_are_not_touched(linter):
    assert linter.lint_text(CODE_HTML, "html") == []


def test_artefact_in_quotes_is_reported_not_fixed(linter):
    text = 'The paper printed "claims :contentReference[oaicite:0]{index=0} here" by mistake.\n'
    found = linter.lint_text(text, "text")
    assert [f.code for f in found] == ["AST001"]
    assert found[0].fix is None
    assert linter.fix_text(text, "text").text == text
