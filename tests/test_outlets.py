"""The outlet registry: coverage, integrity, look-ups, house overrides, offline domains."""
import socket
import subprocess
import sys
from collections import Counter

import pytest

from citelint.config import Settings
from citelint.engine import Linter
from citelint.outlets import load_registry, registered_domain, unwrap
from citelint.outlets.registry import RegistryError, builtin_dir, read_file


@pytest.fixture(scope="module")
def reg():
    return load_registry()


def test_coverage_and_integrity(reg):
    outlets = list(reg.outlets.values())
    assert len(outlets) >= 500
    countries = Counter(o.country for o in outlets)
    for cc, at_least in {"PK": 60, "IN": 100, "AF": 15, "BD": 25, "GB": 50, "US": 70}.items():
        assert countries[cc] >= at_least, cc
    assert sum(1 for o in outlets if o.country in {"AE", "SA", "QA", "KW", "BH", "OM"}) >= 25
    assert all(o.origin for o in outlets), "every entry records where its facts came from"
    domains = Counter(d for o in outlets for d in o.domains + o.hosts + o.legacy_domains)
    assert [d for d, n in domains.items() if n > 1] == []
    assert not [d for d in domains if d.startswith("www.") or d != d.lower()]
    ids = [o.id for path in builtin_dir().glob("*.toml") for o in read_file(path)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name,outlet_id", [
    ("AP", "us.ap"), ("Reuters", "gb.reuters"), ("AFP", "fr.afp"), ("APP", "pk.app"), ("PTI", "in.pti"),
    ("ANI", "in.ani"), ("PA Today", "pk.pakistan-today"), ("Ndtv", "in.ndtv"), ("Geo News", "pk.geo-news"),
])
def test_names_abbreviations_and_garbles(reg, name, outlet_id):
    assert outlet_id in {o.id for o in reg.lookup_name(name)}


def test_common_words_are_flagged(reg):
    """An ordinary word is either flagged common-word or listed as an ambiguous form."""
    for name in ("Dawn", "Mint", "The Hindu", "Express", "AP", "PA", "The Nation"):
        forms = reg.forms(name)
        assert forms, name
        assert all(f.outlet.common_word or f.kind == "ambiguous" for f in forms), name


def test_domains_hosts_and_handles(reg):
    assert reg.by_domain("https://www.dawn.com/news/1").id == "pk.dawn"
    assert reg.by_domain("epaper.dawn.com").id == "pk.dawn"
    assert reg.by_domain("news.bbc.co.uk").name == "BBC News"
    assert reg.by_handle("@ndtv").id == "in.ndtv"
    assert reg.by_domain("https://example.org/x") is None


def test_unwrap_archive_amp_and_redirects():
    assert unwrap("https://web.archive.org/web/20240101000000/https://www.dawn.com/news/1") == "https://www.dawn.com/news/1"
    assert unwrap("https://www-dawn-com.cdn.ampproject.org/c/s/www.dawn.com/news/amp/1") == "https://www.dawn.com/news/amp/1"
    assert unwrap("https://www.google.com/url?q=https://www.dawn.com/x&sa=D") == "https://www.dawn.com/x"


def test_tldextract_never_touches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network use")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    import citelint.outlets.urls as urls
    monkeypatch.setattr(urls, "_extract", None)
    registered_domain.cache_clear()
    assert registered_domain("news.bbc.co.uk") == "bbc.co.uk"
    assert registered_domain("epaper.dawn.com") == "dawn.com"


def test_house_outlets_extend_and_override(tmp_path):
    house = tmp_path / "house-outlets.toml"
    house.write_text('''
[[outlet]]
id = "xx.valley-courier"
name = "Valley Courier"
domains = ["valleycourier.example"]
country = "PK"
kind = "newspaper"
origin = "house list"

[[outlet]]
id = "pk.pakistan-today"
name = "Pakistan Today"
garbles = ["PA Today", "Pak Today"]
domains = ["pakistantoday.com.pk"]
country = "PK"
kind = "newspaper"
origin = "house correction"
''')
    linter = Linter(Settings(outlets=(str(house),)))
    found = linter.lint_text("The talks failed. [Valley Courier].\nAccording to Pak Today, it rained.\n")
    codes = {f.code for f in found}
    assert "CHP006" in codes and "ATR001" in codes


def test_bad_house_file_is_a_one_line_error(tmp_path):
    house = tmp_path / "house.toml"
    house.write_text('[[outlet]]\nid = "x"\nname = "X"\nkind = "blog"\n')
    (tmp_path / "citelint.toml").write_text('outlets = ["house.toml"]\n')
    (tmp_path / "a.txt").write_text("Hello.\n")
    run = subprocess.run([sys.executable, "-m", "citelint", "check", "a.txt"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "house.toml" in run.stderr and "kind" in run.stderr
    with pytest.raises(RegistryError):
        read_file(house)


def test_outlets_command():
    run = subprocess.run([sys.executable, "-m", "citelint", "outlets", "PA Today"], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0 and "Pakistan Today" in run.stdout
    run = subprocess.run([sys.executable, "-m", "citelint", "outlets", "https://www.ndtv.com/india-news/x"],
                         capture_output=True, text=True, timeout=60)
    assert "NDTV" in run.stdout
    run = subprocess.run([sys.executable, "-m", "citelint", "outlets", "zzzz-no-such-outlet"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1


def test_matcher_finds_names_garbles_domains_and_handles(reg):
    from citelint.outlets import matcher_for
    text = ("According to PA Today, talks failed. At dawn today it rained. Ndtv reported it. "
            "See dawn.com and @ndtv. The Times of India carried it. Eventually Dawn reported on it.")
    found = [(m.text, m.method) for m in matcher_for(reg).find(text)]
    assert ("PA Today", "garble") in found and ("Ndtv", "garble") in found
    assert ("dawn.com", "domain") in found and ("@ndtv", "handle") in found
    assert ("The Times of India", "name") in found
    assert ("Dawn", "name") in found                       # "Dawn reported": credited
    assert sum(1 for t, _ in found if t.lower() == "dawn") == 1   # "At dawn today" is not Dawn


def test_word_by_word_garbles(reg):
    assert [o.id for o in reg.garbled("Pak Today")] == ["pk.pakistan-today"]
    assert [o.name for o in reg.garbled("Fin Times")] == ["Financial Times"]
    assert reg.garbled("Karachi Lahore") == [] and reg.garbled("Times") == []


def test_unlisted_garble_counts_in_an_outlet_list(linter):
    text = "Attacks continue. Dawn +2 (Pak Today, Geo News), +3.\n"
    assert linter.fix_text(text).text == "Attacks continue.\n"
