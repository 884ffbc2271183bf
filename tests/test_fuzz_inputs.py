"""Fuzzing the inputs a run is configured with (issue 14): configuration files
(`citelint.toml`, `pyproject.toml`'s [tool.citelint]) with random keys, values,
types and nesting; rule packs whose entries take random values for every field
in packs.RULE_FIELDS, hostile patterns and templates included; and drafts with
random names (any Unicode, control characters, bytes that are not UTF-8,
leading dashes, spaces, newlines). The real command runs in-process on each.

Whatever the input: the exit status is 0, 1 or 2; nothing on stderr is a
traceback or an "internal error"; each error is one line naming the file (or
the setting) at fault; standard output and error are valid UTF-8; and the
stdout of --format json always parses.
"""
import contextlib
import io
import json
import math
import os
import string
import tempfile

from hypothesis import HealthCheck, given, settings, strategies as st

from citelint.cli import main
from citelint.config import CONFIG_FIELDS
from citelint.packs import RULE_FIELDS
from citelint.reports.common import escape_chars, printable

ART = ":contentReference[oaicite:0]{index=0}"
SAFE_SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- writing TOML (no TOML writer is a dependency) --------------------------------------------

# TOML files are UTF-8: no surrogates. Everything else may appear, escaped as TOML needs.
toml_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")  # JSON's escapes are TOML's


def toml_key(k: str) -> str:
    return k if k and all(c in string.ascii_letters + string.digits + "-_" for c in k) else toml_str(k)


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


def toml_table(table: dict, header: str | None = None) -> str:
    lines = [f"[{header}]"] if header else []
    lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


# --- values ---------------------------------------------------------------------------------------

CODES = ["AST", "AST001", "TRK", "ALL", "NET", "XYZ", "", " ", "\t", "AST 001", "ast0", "A", "HOS001", "\u200b"]
code = st.sampled_from(CODES) | toml_text
scalar = (st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True, allow_infinity=True)
          | toml_text)
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(toml_text, inner, max_size=3), max_leaves=10)


VALID_CONFIG = {  # values that pass validation, so the run itself is exercised too
    "select": st.lists(st.sampled_from(["AST", "AST001", "TRK", "ALL", "AST00"]), max_size=3),
    "extend-select": st.lists(st.sampled_from(["AST", "TRK", "ALL", "HOS"]), max_size=2),
    "ignore": st.lists(st.sampled_from(["AST001", "TRK", "AST01"]), max_size=2),
    "per-file-ignores": st.dictionaries(st.sampled_from(["*.md", "draft*", "[", "**"]),
                                        st.lists(st.sampled_from(["AST001", "ALL"]), min_size=1, max_size=2),
                                        max_size=2),
    "rule-packs": st.sampled_from([[], ["pack.toml"]]), "outlets": st.just([]),
    "exclude": st.lists(st.sampled_from(["*", "*.txt", "[", "**/x", "a*a*a*a*a*c", "draft.md/"]), max_size=2),
    "extend-exclude": st.lists(st.sampled_from(["*.html", "d*"]), max_size=2),
    "severity": st.dictionaries(st.sampled_from(["AST001", "TRK001"]), st.sampled_from(["error", "warning", "info"]),
                                max_size=2),
    "unsafe-fixes": st.booleans(), "respect-gitignore": st.booleans(),
    "allow-hosts": st.lists(st.sampled_from(["127.0.0.1", "example.org", ""]), max_size=2),
    "archive-endpoint": st.sampled_from(["http://127.0.0.1:1/", "https://archive.example/"]),
    "online-timeout": st.floats(0.001, 1e6),
    "max-file-size": st.sampled_from([1, 10, 50_000_000, "1KB", "50MB", "2 KiB"]),
    "accept": st.sampled_from(["200", "200..=204, 429", "..300", "500..", [200, 403]]),
    "exclude-links": st.lists(st.sampled_from(["example\\.org", "^https://x/", "(a+)+$"]), max_size=2),
    "include-links": st.lists(st.sampled_from(["news", "\\.pk/"]), max_size=2),
    "max-retries": st.integers(0, 5), "max-concurrency": st.integers(1, 256), "host-concurrency": st.integers(1, 16),
    "cache-max-age": st.sampled_from(["1d", "12h", "1h30m", 0, 3600]),
}


def test_every_configuration_key_has_valid_values_to_fuzz():
    assert set(VALID_CONFIG) == set(CONFIG_FIELDS), "add the new key's valid values to VALID_CONFIG"


def config_value(key: str, strict: bool = False):
    """Mostly the right kind of value for a known key, sometimes anything; with
    `strict`, a value that passes validation."""
    if strict:
        return VALID_CONFIG[key]
    kind = CONFIG_FIELDS[key][0] if key in CONFIG_FIELDS else None
    right = {
        "codes": st.lists(code, max_size=3),
        "paths": st.lists(st.sampled_from(["pack.toml", "missing.toml", "", ".", "/dev/null", "draft.md"])
                          | toml_text, max_size=2),
        "strings": st.lists(st.sampled_from(["*", "*.md", "[", "**/x", "a*a*a*a*a*c", "127.0.0.1"]) | toml_text,
                            max_size=3),
        "globs-to-codes": st.dictionaries(st.sampled_from(["*.md", "[", ""]) | toml_text, st.lists(code, max_size=2),
                                          max_size=2),
        "codes-to-severity": st.dictionaries(code, st.sampled_from(["error", "warning", "info", "fatal", ""]),
                                             max_size=2),
        "bool": st.booleans(),
        "string": st.sampled_from(["http://127.0.0.1:1/", "https://archive.example/", ""]) | toml_text,
        "seconds": st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 10**30),
        "bytes": st.integers(-5, 10**30) | st.sampled_from(["50MB", "1 KiB", "0", "-1MB", "1e3", "MB", ""]),
        "status-codes": st.sampled_from(["200", "200..=204", "..", "999..100", "abc", ""]) | st.lists(st.integers()),
        "patterns": st.lists(st.sampled_from(["(", "[a-", "a{99999}", ".*", ""]) | toml_text, max_size=2),
        "count": st.integers(-5, 10**9), "concurrency": st.integers(-5, 10**9),
        "host-concurrency": st.integers(-5, 10**9),
        "duration": st.sampled_from(["1d", "-1h", "1x", "", "99999999999w"]) | st.integers(-5, 10**30),
    }.get(kind)
    return value if right is None else (right | value)


config_key = st.sampled_from(sorted(CONFIG_FIELDS)) | toml_text
config_table = st.one_of(
    st.lists(config_key, max_size=6, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({k: config_value(k) for k in keys})),
    st.lists(st.sampled_from(sorted(CONFIG_FIELDS)), max_size=6, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({k: config_value(k, strict=True) for k in keys})),
)

GARBAGE = {  # by name: hypothesis shows the name, not 10 KB of brackets
    "deep-array": "a = " + "[" * 10_000 + "]" * 10_000, "open-array": "a = [" * 2000,
    "deep-table": "a = " + "{b = " * 1500 + "1" + "}" * 1500, "open-header": "[tool.citelint\n", "no-value": "x = ",
    "nul": "\x00", "no-key": "= 1", "table-and-array": "[[rule]]\n[rule]\n", "repeated": "a.b.c.d = 1\n" * 3,
    "bom": "\ufeffselect = []\n", "crlf": "select = [\"AST\"]\r\n", "lone-cr": "select = [\"AST\"]\rignore = []",
}
garbage = st.sampled_from(sorted(GARBAGE)) | st.text(max_size=40).filter(lambda s: not any("\ud800" <= c <= "\udfff" for c in s))

PATTERNS = ["rose", r"(a+)+$", r"(?:a|a)*b", "\\", "[", "(?P<x>", r"(?<=a+)b", "(?R)", r"\p{L}+", r"a{1000000}",
            r"(?V1)[[a]--[b]]", r"(?P<name>\w+) rose", r"(?P<m>oai)cite", r"\b", "", "(?i)PRICES", r"x*",
            r"(?P<a>.)(?P=a)", r"(?:)", r"\N{LATIN SMALL LETTER A}", r"\d{2,1}", r"(?<!x)", "[\\w--\\d]"]
TEMPLATES = ["{match}", "{match:d}", "{match:>500000000}", "{x}", "{0}", "{}", "{match.__class__}", "{match!r}",
             "{match:{w}}", "{", "}", "{name}: {match:>10.3}", "{match:=5}", "{match:,}", "{m:^200}", "%s"]
REPLACEMENTS = [r"\g<0>", r"\1", r"\g<name>", "\\", "", r"\g<m>x", r"\9", "{match}"]


def rule_field(key: str):
    if key not in RULE_FIELDS:
        return value
    kind, allowed = RULE_FIELDS[key]
    if allowed:
        right = st.sampled_from(allowed) | st.sampled_from(["document", "online", ""])
    elif key in ("pattern", "requires", "unless"):
        right = st.sampled_from(PATTERNS) | toml_text
    elif key == "message":
        right = st.sampled_from(TEMPLATES) | toml_text
    elif key == "replacement":
        right = st.sampled_from(REPLACEMENTS) | toml_text
    elif key == "code":
        right = st.sampled_from(["HOS001", "HOS002", "AST001", "hos001", "HOS1", ""]) | toml_text
    elif key == "name":
        right = st.sampled_from(["hostile", "Hostile", "a-b", "-x", ""]) | toml_text
    elif kind is bool:
        right = st.booleans()
    elif key == "prefilter":
        right = st.lists(st.sampled_from(["rose", "oaicite", ""]) | toml_text, max_size=3)
    elif kind is list:  # example / trap: arrays of tables
        right = st.lists(st.dictionaries(st.sampled_from(["bad", "good", "text", "format", "x"]),
                                         st.sampled_from(["text", "markdown", "html", "rose"]) | toml_text
                                         | st.integers(), max_size=3), max_size=2)
    else:
        right = toml_text
    return st.one_of(right, right, right, value)  # mostly the right type


REQUIRED = {"code": "HOS001", "name": "hostile", "pattern": "rose", "message": "{match}"}
rule_keys = st.lists(st.sampled_from(sorted(RULE_FIELDS)) | st.sampled_from(["colour", "Code"]),
                     max_size=8, unique=True)
loose_rule = st.tuples(rule_keys, st.booleans()).flatmap(
    lambda t: st.fixed_dictionaries({k: rule_field(k) for k in t[0]}).map(
        lambda d, keep=t[1]: {**REQUIRED, **d} if keep else d))
# A rule that loads, with every optional field in play: the run itself is exercised.
valid_rule = st.fixed_dictionaries(
    {"name": st.sampled_from(["hostile", "echo-it"]),
     "pattern": st.sampled_from(["rose", r"(?P<m>oai)cite", r"(?P<name>\w+) rose", r"\bPrices\b", r"[^\n]{3}",
                                 r"(?:)x", r"\p{L}+", "(?i)clean"]),
     "message": st.sampled_from(["{match}", "{name}: {match:>10.3}", "{m:^20}", "plain", "{match:.1}"])},
    optional={"severity": st.sampled_from(["error", "warning", "info"]),
              "scope": st.sampled_from(["prose", "markup", "url"]),
              "fix": st.sampled_from(["delete", "replace"]), "fix-safety": st.sampled_from(["safe", "unsafe"]),
              "quotes": st.sampled_from(["fix", "report", "skip"]), "links": st.sampled_from(["report", "skip"]),
              "requires": st.sampled_from(["Prices", "x"]), "unless": st.sampled_from(["never", "Clean"]),
              "default": st.booleans(), "prefilter": st.lists(st.sampled_from(["rose", "oai", "<"]), max_size=2),
              "summary": toml_text, "why": toml_text, "fix-title": toml_text,
              "example": st.lists(st.fixed_dictionaries({"bad": st.sampled_from(["Prices rose.", "x"])}),
                                  max_size=1)}).map(
    lambda r: {**r, "replacement": "[\\g<0>]"} if r.get("fix") == "replace" else r)
rule_entry = st.tuples(st.booleans(), loose_rule | valid_rule)


def pack_text(rules: list[tuple[bool, dict]], extra_top: dict) -> str:
    out = toml_table(extra_top) if extra_top else ""
    for i, (numbered, r) in enumerate(rules):
        if numbered or "code" not in r:  # distinct codes, or a duplicate is all the pack tests
            r = {"code": f"HOS{101 + i}", **r} if "code" not in r else {**r, "code": f"HOS{101 + i}"}
        out += "[[rule]]\n" + "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in r.items())
    return out


pack = st.one_of(
    st.tuples(st.lists(rule_entry, max_size=3), st.just({}) | st.dictionaries(st.sampled_from(["pack", "x"]),
                                                                                 value, max_size=1))
    .map(lambda t: pack_text(*t)),
    st.lists(st.tuples(st.just(True), valid_rule), min_size=1, max_size=3).map(lambda rules: pack_text(rules, {})),
    garbage,
)

# File names: anything a POSIX file system takes (no "/" or NUL, at most 255 bytes).
name_text = st.text(st.characters(exclude_characters="/\x00", exclude_categories=("Cs",)), min_size=1, max_size=20)
name_bytes = st.binary(min_size=1, max_size=20).filter(lambda b: b"/" not in b and b"\x00" not in b)
suffix = st.sampled_from([".md", ".txt", ".html", ".MD", ".markdown", "", ".md\n", ".md "])
file_name = st.tuples(st.one_of(name_text.map(os.fsencode), name_bytes,
                                st.sampled_from([b"-x", b"--fix", b"-", b" ", b"a\nb", b"\xff\xfe", b"\x1b[31m"])),
                      suffix.map(str.encode)).map(lambda t: t[0] + t[1]).filter(
    lambda b: b not in (b".", b"..") and len(b) <= 255)

draft = st.sampled_from([f"Prices rose {ART}.\n", "Clean.\n", "aaaaaaaaaaaaaaaaaaaa!\n", "", "\ufeffPrices rose.\n",
                         "<p>Prices rose [cite: 2].</p>\n"]) | st.text(max_size=40).filter(
    lambda s: not any("\ud800" <= c <= "\udfff" for c in s))
flags = st.lists(st.sampled_from([["--fix"], ["--unsafe-fixes"], ["--statistics"], ["--select", "ALL"],
                                  ["--ignore", "AST"], ["--extend-select", "TRK"], ["--exit-zero"]]),
                 max_size=2).map(lambda groups: [a for g in groups for a in g])


# --- running it -------------------------------------------------------------------------------------

def run(folder: str, args: list[str]) -> tuple[int, str, str]:
    """citelint.cli.main in `folder`, with what it printed."""
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["check", "--no-cache", "--jobs", "1", "--format", "json", *args])
    finally:
        os.chdir(here)
    return status, out.getvalue(), err.getvalue()


def assert_sound(status: int, out: str, err: str, names: list[str]) -> None:
    assert status in (0, 1, 2), (status, err)
    out.encode("utf-8")  # strict: no lone surrogates in a report
    err.encode("utf-8")
    assert "Traceback" not in err and "internal error" not in err, err
    for line in err.splitlines():
        assert line.startswith("citelint: "), err  # one line each: a message never spills onto the next
        if line.startswith("citelint: error: "):
            assert any(n in line for n in names), (line, names)
    if status in (0, 1) or out:
        report = json.loads(out)
        assert report["version"] == "1"


def expand(body: str) -> str:
    """A GARBAGE entry's text (examples show its name), or the text itself."""
    return GARBAGE.get(body, body)


def write_draft(folder: str, name: bytes, text: str) -> str:
    path = os.path.join(os.fsencode(folder), name)
    with open(path, "wb") as fh:
        fh.write(text.encode("utf-8"))
    return os.fsdecode(name)


CONFIG_FILES = ["citelint.toml", ".citelint.toml", "pyproject.toml"]
COMMON = ["command line", "argument --"]  # errors in flags name the flag


@SAFE_SETTINGS
@given(table=config_table, where=st.sampled_from(CONFIG_FILES), nest=st.booleans(), raw=st.one_of(st.none(), st.none(), st.none(), garbage),
       pack_body=pack, text=draft, extra=flags)
def test_any_configuration_file(table, where, nest, raw, pack_body, text, extra):
    with tempfile.TemporaryDirectory() as folder:
        if raw is not None:
            body = expand(raw)
        elif where == "pyproject.toml":
            body = toml_table(table, "tool.citelint") if nest else toml_table({"tool": {"citelint": table}})
        else:
            body = toml_table(table)
        with open(os.path.join(folder, where), "w", encoding="utf-8") as fh:
            fh.write(body)
        with open(os.path.join(folder, "pack.toml"), "w", encoding="utf-8") as fh:
            fh.write(expand(pack_body))
        write_draft(folder, b"draft.md", text)
        status, out, err = run(folder, [*extra, "draft.md"])
        # A pack or outlet file that cannot be used is named as the configuration resolves it.
        listed = [v for k in ("rule-packs", "outlets") if isinstance(table.get(k), list)
                  for v in table[k] if isinstance(v, str)]
        assert_sound(status, out, err, [where, "pack.toml", "draft.md", printable(folder), *map(printable, listed),
                                        *COMMON])


@SAFE_SETTINGS
@given(pack_body=pack, text=draft, extra=flags, fmt_check=st.booleans())
def test_any_rule_pack(pack_body, text, extra, fmt_check):
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "hostile-pack.toml"), "w", encoding="utf-8") as fh:
            fh.write(expand(pack_body))
        with open(os.path.join(folder, "citelint.toml"), "w", encoding="utf-8") as fh:
            fh.write('rule-packs = ["hostile-pack.toml"]\nextend-select = ["ALL"]\n' if fmt_check
                     else 'rule-packs = ["hostile-pack.toml"]\n')
        write_draft(folder, b"draft.md", text)
        status, out, err = run(folder, [*extra, "draft.md"])
        assert_sound(status, out, err, ["hostile-pack.toml", "citelint.toml", "draft.md", *COMMON])


@SAFE_SETTINGS
@given(names=st.lists(file_name, min_size=1, max_size=3, unique=True), text=draft, extra=flags,
       named=st.booleans())
def test_any_file_name(names, text, extra, named):
    with tempfile.TemporaryDirectory() as folder:
        shown = [write_draft(folder, n, text) for n in names]
        named_args = ["./-" if s == "-" else s for s in shown]  # a lone "-" is standard input
        args = ["--isolated", *extra] + (["--", *named_args] if named else ["."])
        status, out, err = run(folder, args)
        # An error names its file as the text report writes it: control characters escaped.
        assert_sound(status, out, err, [printable(s) for s in shown] + COMMON)
        if status in (0, 1):  # each name exactly, its undecodable bytes as \udcXX (SURROGATES)
            reported = {f["path"] for f in json.loads(out).get("findings", [])}
            assert reported <= {escape_chars(s) for s in shown}
