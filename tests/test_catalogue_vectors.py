"""Appendix A of the artefact catalogue: every family's positive vectors fire the
right rule, and the negative vectors fire nothing from that family."""
import pytest

POSITIVE = [
    ("Sial are Rajputs :contentReference[oaicite:20]{index=20}.", "AST001"),
    ("[oai_citation:1 -- maly.ru](https://www.maly.ru/en/people/EvdokimovaA?utm_source=chatgpt.com)", "AST002"),
    ("features \ue200cite\ue202turn0search3\ue201.", "AST003"),
    ("\ue200entity\ue202[\"people\",\"Imran Khan\"]\ue201 said", "AST004"),
    ("known for roles in Solo Leveling.\uea012\uea02", "AST006"),
    ("citeturn0news84turn3news0", "AST007"),
    ("iturn0image0turn0image1turn0image4turn0image5", "AST007"),
    ("navlistWichtige Nachrichten – Europa & Weltlageturn0news0,turn0news49,turn0news47", "AST008"),
    ("【4:0†TEst W1q1.pdf】", "AST010"), ("【85†L261-269】", "AST010"), ("〖4:2†source〗", "AST010"),
    ("[cite: 230-234]", "AST011"), ("[cite_start]", "AST011"),
    ("<grok-card data-id=\"e8ff4f\" data-type=\"citation_card\">", "AST013"),
    ("support.[web:1][web:17][web:41]", "AST014"),
    ("[citation:2][citation:1]", "AST016"),
    ("GitHub[^10^].", "AST017"), ("in this article (^3^) here", "AST017"),
    ("(cite index=\"12-1\">authors are tempted</cite>", "AST019"),
    (":::writing{variant=\"document\" id=\"51724\"}\nBody\n:::", "AST020"),
    ("See https://x.org/a?utm_source=chatgpt.com&id=7 now", "TRK001"),
    ("See https://y.org/b?id=7&utm_source=openai. Next", "TRK001"),
    ("See https://y.org/b?referrer=grok.com now", "TRK001"),
    ("It belongs here IT Governance+3ISO+3ISO+3.", "CHP001"),
    ("Margins fell Wikipedia+15The Economic Times+15website+15HDFC Sky+3 last year", "CHP001"),
    ("It went on BYJU'S+1Wikipedia+1Wikipedia", "CHP001"),
    ("territory. Pakistan Today +3 Geo News +3 | Ndtv.com (NDTV) +3 (PA Today, Geo News, Ndtv), +3.", "CHP002"),
    ("talks. Financial Times + 2 *Pakistan Today.", "CHP002"),
    ("It grew fast. Wikipedia+1 Then it slowed.", "CHP002"),
    ("info\nReddit\n+6\nand more text", "CHP002"),
    ("Prices rose [cite: 1].\n+2\nMore.", "CHP003"),
    ("[AP News+1](https://apnews.com/article/1)", "CHP004"),
    ("tokens[sobot+1](https://www.sobot.io/blog/x/)", "CHP004"),
    ("terrorists. [Geo News].", "CHP006"),
    ("carried by Ndtv.com (NDTV) today", "CHP007"),
    ("effectively. W. Dawn Page", "CHP009"), ("effectively. via Dawn", "CHP009"),
    ("licenses[1][2] at", "REF001"),
    ("sources⁷⁸, you can", "REF003"),
    ("[1]: https://klingonska.org/dict/?utm_source=chatgpt.com \"Klingon\"", "REF005"),
    ("KLAS Research. https://klasresearch.com ↩ ↩ 2", "REF006"),
    ("### Sources:\n[1] https://example.com/a", "REF007"),
    ("— Arfa Khan (@thearfakhan) November 12, 2025", "SOC006"),
    ("level pic.twitter.com/vhn5yGGfjs", "SOC001"),
    ("A photo posted by 何穗 sui he (@hesui923) on", "SOC001"),
    ("has confirmed this tweet from @matthrubhumi", "SOC005"),
    ("If you want, I can also create an even snappier version. Do you want me to do that next?", "AST030"),
    ("Thought for 12s", "AST021"),
]

NEGATIVE = [
    ("\ue000 icon glyph \uf8ff", "AST"), ("unicode-range: U+EA01-EA03", "AST"), ("a lone \uea01 here", "AST"),
    ("Return 0 in turn 3.", "AST"), ("【公告】本周停课", "AST"), ("【6】 chapter", "AST"),
    ("cite_start() and [cite]", "AST"), ("Pandoc x^2^", "AST"),
    ("utm_source=openai is the analytics source", "TRK"), ("https://x.org/?utm_source=copilot.com.evil", "TRK"),
    ("https://x.org/?utm_source=twitter", "TRK"),
    ("C++", "CHP"), ("A+1", "CHP"), ("C++11", "CHP"), ("x+1", "CHP"), ("5+", "CHP"),
    ("B*BBC+1.+1F>X", "CHP"), ("BBC+18 pg 27", "CHP"), ("0x14178B8C+1", "CHP"), ("Ca2+ and Fe3+", "CHP"),
    ("Excel+1С", "CHP"),
    ("Tune in on Channel 4 +1 at nine.", "CHP"), ("Watch it on ITV +1.", "CHP"),
    ("McIlroy is +3 after the front nine.", "CHP"), ("Call +44 20 7946 0958", "CHP"),
    ("Temperatures rose +3 degrees.", "CHP"), ("Settlement is T+2", "CHP"), ("UTC+5 all year", "CHP"),
    ("A +2 dioptre lens.", "CHP"), ("Disney+ 4K", "CHP"), ("Scheffler finished -12; Rory +3.", "CHP"),
    ("Verstappen +3.2s", "CHP"), ("Lahore +3°C", "CHP"), ("KSE +2%", "CHP"),
    ("[the report](https://x.org)", "CHP"), ("[1](https://x)", "CHP"),
    ("items[1];", "REF"), ("[2024] UKSC 5", "REF"), ("[sic]", "REF"), ("[citation needed]", "REF"),
    ("500 km²", "REF"), ("10⁶ cells", "REF"), ("x² + y²", "REF"),
    ("Sources said the minister resigned.", "REF"),
    ("— Reuters", "SOC"), ("He said — quietly — it was over.", "SOC"),
    ("press@dawn.com", "SOC"), ("tickets @ Rs 500", "SOC"), ("ranked #1", "SOC"), ("C# developers", "SOC"),
    ("&#8211;", "SOC"),
    ("If you want to travel, take the bus.", "AST"), ("You said: I will quote you", "AST"),
    ("ISLAMABAD (Reuters) — The talks resumed", "CHP"), ("Three cities (Karachi, Lahore, Quetta) voted.", "CHP"),
    ("Three cities voted (Karachi, Lahore, Quetta).", "CHP"),
    ("\"[The army] will respond.\"", "CHP"), ("Turn to page 3.", "CHP"), ("via video link from London", "CHP"),
]


@pytest.mark.parametrize("text,code", POSITIVE)
def test_positive_vector(text, code, linter):
    found = {f.code for f in linter.lint_text(text + "\n", "text")}
    assert code in found, found


@pytest.mark.parametrize("text,family", NEGATIVE)
def test_negative_vector(text, family, linter):
    found = [f.code for f in linter.lint_text(text + "\n", "text") if f.code.startswith(family)]
    assert not found
