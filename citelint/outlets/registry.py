"""The outlet registry: news outlets, agencies and platforms, loaded from the
TOML files in rules/outlets/ plus any a newsroom names in `outlets = [...]`.

An entry in a later file with the same `id` replaces the earlier one, so a
house file can correct or extend the built-in registry.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..model import Value

KINDS = ("newspaper", "broadcaster", "agency", "site", "magazine", "aggregator")
_LIST_FIELDS = ("aliases", "abbreviations", "ambiguous", "garbles", "domains", "hosts",
                "legacy-domains", "handles", "languages")
# The outlet-entry schema, declared once: each key and the kind of value it takes.
OUTLET_FIELDS = {"id": "required", "name": "required", "kind": "required", "common-word": "bool",
                 "country": "string", "owner": "string", "role": "string", "origin": "string",
                 **{k: "strings" for k in _LIST_FIELDS}}
_KEYS = set(OUTLET_FIELDS)
_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names the file and entry."""


class Outlet(Value):
    _fields = ("id", "name", "aliases", "abbreviations", "ambiguous", "garbles", "common_word", "domains",
               "hosts", "legacy_domains", "handles", "country", "languages", "kind", "owner", "role", "origin")
    __slots__ = _fields

    def __init__(self, id: str, name: str, aliases: tuple[str, ...] = (), abbreviations: tuple[str, ...] = (),
                 ambiguous: tuple[str, ...] = (), garbles: tuple[str, ...] = (), common_word: bool = False,
                 domains: tuple[str, ...] = (), hosts: tuple[str, ...] = (), legacy_domains: tuple[str, ...] = (),
                 handles: tuple[str, ...] = (), country: str = "", languages: tuple[str, ...] = (),
                 kind: str = "site", owner: str = "", role: str = "", origin: str = ""):
        self.id, self.name, self.aliases, self.abbreviations = id, name, aliases, abbreviations
        self.ambiguous, self.garbles, self.common_word = ambiguous, garbles, common_word
        self.domains, self.hosts, self.legacy_domains, self.handles = domains, hosts, legacy_domains, handles
        self.country, self.languages, self.kind, self.owner = country, languages, kind, owner
        self.role = role  # for aggregators: aggregator, social, archive, shortener, reference
        self.origin = origin

    @property
    def is_platform(self) -> bool:
        return self.kind == "aggregator"


class Form(Value):
    """One way of writing an outlet's name, and what kind of form it is."""
    __slots__ = ("outlet", "text", "kind")
    _fields = __slots__

    def __init__(self, outlet: Outlet, text: str, kind: str):
        self.outlet, self.text = outlet, text
        self.kind = kind  # name, alias, abbreviation, ambiguous, garble


def normalize(name: str) -> str:
    """Compare names case-folded, without a leading "the", possessive or final dot."""
    key = _NORMALIZED.get(name)
    if key is None:
        key = _ascii_key(name) if name.isascii() else _full_key(name)
        if len(_NORMALIZED) >= _NORMALIZED_MAX:
            _NORMALIZED.clear()
        _NORMALIZED[name] = key
    return key


# Names asked about and their keys: a run asks about the same names again and again
# (chip labels, link texts, bracketed tags), and each key costs several steps.
_NORMALIZED: dict[str, str] = {}
_NORMALIZED_MAX = 50_000


def _full_key(name: str) -> str:
    s = unicodedata.normalize("NFKC", name).casefold().strip()
    s = s.replace("\u2019", "'")
    s = re.sub(r"'s$", "", s)
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"\s+", " ", s).strip(" .,;:*")
    return s


def _ascii_key(name: str) -> str:
    """_full_key() of an ASCII name, with string methods: NFKC leaves ASCII as
    it is, casefold() is lower(), and str.split() splits where `\\s+` matches."""
    s = name.lower().strip()
    if s.endswith("'s"):
        s = s[:-2]
    if s.startswith("the") and s[3:4].isspace():
        s = s[3:].lstrip()
    return " ".join(s.split()).strip(" .,;:*")


class Registry:
    def __init__(self):
        self.outlets: dict[str, Outlet] = {}
        self._names: dict[str, list[Form]] = {}
        self._hosts: dict[str, Outlet] = {}
        self._domains: dict[str, Outlet] = {}
        self._handles: dict[str, Outlet] = {}
        self._matcher = None                 # built by matcher_for(), once
        self._initials: dict | None = None   # built by garbled(), once
        self._garbles: dict | None = None    # built by garble_variants(), once

    def add(self, o: Outlet) -> None:
        self.outlets[o.id] = o

    def build(self, normalized: dict[str, str] | None = None) -> "Registry":
        """Index the outlets. `normalized` maps names to normalize(name) where
        that is already known (the built-in registry's cache)."""
        normalized = normalized or {}
        self._names.clear(), self._hosts.clear(), self._domains.clear(), self._handles.clear()
        for o in self.outlets.values():
            for text, kind in _forms(o):
                key = normalized.get(text)
                self._names.setdefault(normalize(text) if key is None else key, []).append(Form(o, text, kind))
            for d in o.domains + o.legacy_domains:
                self._domains.setdefault(d.lower(), o)
            for h in o.hosts:
                self._hosts.setdefault(h.lower(), o)
            for h in o.handles:
                self._handles.setdefault(h.lower().lstrip("@"), o)
        return self

    # -- look-ups ----------------------------------------------------------
    def by_id(self, outlet_id: str) -> Outlet | None:
        return self.outlets.get(outlet_id)

    def forms(self, text: str) -> list[Form]:
        """Every registered way of writing `text` (case-insensitive)."""
        return self._names.get(normalize(text), [])

    def knows(self, text: str) -> bool:
        """Whether `text` is a registered way of writing some outlet (forms(), without the list)."""
        return normalize(text) in self._names

    def lookup_name(self, text: str) -> list[Outlet]:
        seen, out = set(), []
        for f in self.forms(text):
            if f.outlet.id not in seen:
                seen.add(f.outlet.id)
                out.append(f.outlet)
        return out

    def garbled(self, text: str) -> list[Outlet]:
        """Outlets whose multi-word name `text` abbreviates word by word, as a chip
        garbles it: "PA Today" -> Pakistan Today (each word equal to the name's
        word or a prefix of at least two letters, same number of words, one equal)."""
        words = normalize(text).split()
        if len(words) < 2 or any(not w.isalpha() for w in words):
            return []
        found = {}
        for form in self._by_initials().get(tuple(w[0] for w in words), ()):
            names = normalize(form.text).split()
            same = sum(a == b for a, b in zip(words, names))
            if same and all(a == b or (len(a) >= 2 and b.startswith(a)) for a, b in zip(words, names)):
                found.setdefault(form.outlet.id, form.outlet)
        return list(found.values())

    def _by_initials(self) -> dict:
        if self._initials is None:
            index: dict[tuple, list[Form]] = {}
            for forms in self._names.values():
                for f in forms:
                    if f.kind in ("name", "alias"):
                        words = normalize(f.text).split()
                        if len(words) >= 2:
                            index.setdefault(tuple(w[0] for w in words), []).append(f)
            self._initials = index
        return self._initials

    def garble_variants(self) -> dict[str, Form]:
        """Each declared garble as written, upper-, lower- and title-cased."""
        if self._garbles is None:
            self._garbles = {}
            for forms in self._names.values():
                for f in forms:
                    if f.kind == "garble":
                        for variant in _variants(f.text):
                            self._garbles.setdefault(variant, f)
        return self._garbles

    def by_handle(self, handle: str) -> Outlet | None:
        return self._handles.get(handle.lower().lstrip("@"))

    def by_domain(self, host_or_url: str) -> Outlet | None:
        """The outlet a host belongs to: its own entry, else the nearest parent domain.

        Registered domains are keys here, so walking up the host's labels finds
        them without the public suffix list (and without importing tldextract,
        which is slow to load)."""
        from .urls import host_of  # deferred
        host = host_of(host_or_url)
        if not host:
            return None
        if host.startswith("www."):
            host = host[4:]
        if host in self._hosts:
            return self._hosts[host]
        labels = host.split(".")
        for i in range(len(labels) - 1):
            outlet = self._domains.get(".".join(labels[i:]))
            if outlet is not None:
                return outlet
        return None

    def related(self, a: Outlet, b: Outlet) -> bool:
        return a.id == b.id or bool(a.owner and a.owner == b.owner)

    def all_forms(self) -> list[Form]:
        return [f for forms in self._names.values() for f in forms]

    def matching(self, query: str) -> list[Outlet]:
        """For `citelint outlets QUERY`: by name, domain, handle, or a name fragment."""
        found: dict[str, Outlet] = {}
        q = query.strip()
        for o in self.lookup_name(q):
            found[o.id] = o
        if "." in q or "/" in q:
            o = self.by_domain(q)
            if o:
                found[o.id] = o
        o = self.by_handle(q)
        if o and (q.startswith("@") or not found):
            found[o.id] = o
        if not found and len(q) >= 3:
            nq = normalize(q)
            for key, forms in self._names.items():
                if nq in key:
                    for f in forms:
                        found.setdefault(f.outlet.id, f.outlet)
        return list(found.values())


def _entry(raw: dict, where: str) -> Outlet:
    oid = raw.get("id", "?")
    unknown = set(raw) - _KEYS
    if unknown:
        raise RegistryError(f"{where}: outlet {oid}: unknown key(s): {', '.join(sorted(unknown))}")
    kw = {}
    for key, kind in OUTLET_FIELDS.items():
        value = raw.get(key)
        if kind == "required" and (not isinstance(value, str) or not value):
            raise RegistryError(f"{where}: outlet {oid}: `{key}` is required")
        if value is not None and not _FIELD_OK[kind](value):
            raise RegistryError(f"{where}: outlet {oid}: `{key}` must be {_FIELD_WHAT[kind]}")
        kw[key.replace("-", "_")] = _FIELD_VALUE[kind](value)
    if not _ID.match(raw["id"]):
        raise RegistryError(f"{where}: outlet {oid}: id must be lowercase letters, digits, dots and dashes")
    if raw["kind"] not in KINDS:
        raise RegistryError(f"{where}: outlet {oid}: kind must be one of {', '.join(KINDS)}")
    return Outlet(**kw)


_FIELD_OK = {"required": lambda v: isinstance(v, str), "string": lambda v: isinstance(v, str),
             "bool": lambda v: isinstance(v, bool),
             "strings": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)}
_FIELD_WHAT = {"required": "a string", "string": "a string", "bool": "true or false", "strings": "a list of strings"}
_FIELD_VALUE = {"required": lambda v: v, "string": lambda v: v or "", "bool": bool,
                "strings": lambda v: tuple(v or ())}


def read_file(path: Path, label: str | None = None) -> list[Outlet]:
    from ..tomlcache import load_toml  # parses once, then reads a marshal cache (far faster than parsing)
    where = label or str(path)
    data = load_toml(path, where, RegistryError, "outlet file", cache=True)
    if set(data) - {"outlet"}:
        raise RegistryError(f"{where}: an outlet file holds only [[outlet]] tables")
    return [_entry(raw, where) for raw in data.get("outlet", [])]


def builtin_dir() -> Path:
    from ..datadir import rules_dir  # deferred
    return rules_dir() / "outlets"


def _forms(o: Outlet):
    yield o.name, "name"
    for kind, texts in (("alias", o.aliases), ("abbreviation", o.abbreviations),
                        ("ambiguous", o.ambiguous), ("garble", o.garbles)):
        for text in texts:
            yield text, kind


_CACHE_FORMAT = 2  # of the built-in registry's cache


def _variants(text: str) -> tuple[str, ...]:
    """A garble as written, and lower-, upper- and title-cased."""
    return tuple(dict.fromkeys((text, text.lower(), text.upper(), text.title())))


def _builtin_data() -> tuple[list, dict[str, str], list[str]]:
    """The built-in outlets as field tuples (in file order), their names
    normalised, and every garble's variants. All three are kept in a marshal
    cache (see tomlcache.py): validating 900 entries and normalising 2,300
    names would cost every one-file check (benchmarks/README.md)."""
    files = _builtin_files()

    def compute():
        outlets: dict[str, Outlet] = {}
        for path in files:
            for o in read_file(path, f"rules/outlets/{path.name}"):
                outlets[o.id] = o
        rows = [o._values() for o in outlets.values()]  # in Outlet's argument order
        names = {text: normalize(text) for o in outlets.values() for text, _ in _forms(o)}
        garbles = list(dict.fromkeys(v for o in outlets.values() for g in o.garbles for v in _variants(g)))
        return rows, names, garbles

    from ..tomlcache import cached  # deferred
    return cached(builtin_dir() / "registry", _builtin_key(files), compute)


def _builtin_files() -> list[Path]:
    return sorted(builtin_dir().glob("*.toml"))


def _builtin_key(files: list[Path]) -> tuple:
    """What the built-in registry's caches are keyed by: every file's size and mtime."""
    return (_CACHE_FORMAT, tuple((p.name, st.st_size, st.st_mtime_ns) for p in files for st in [p.stat()]))


def garble_variants(extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What Registry.garble_variants() holds, without building the registry
    when there are no house files (ATR001's prefilter needs only this)."""
    if extra:
        return tuple(load_registry(extra).garble_variants())
    from ..tomlcache import cached  # a small cache of its own: the registry's is 200 KB
    return tuple(cached(builtin_dir() / "garbles", _builtin_key(_builtin_files()), lambda: _builtin_data()[2]))


class NameIndex:
    """What a prefilter asks of the registry, without building it: whether a
    name is a registered way of writing some outlet (Registry.knows), whether
    it could be a garble of one (Registry.garbled), whether a handle is an
    outlet's (Registry.by_handle). Read from the built-in registry's cache
    (its names already normalised); with a newsroom's outlet files, from the
    registry itself. A clean article asks nothing and costs nothing."""
    __slots__ = ("keys", "initials", "handles")

    def __init__(self, keys, initials: dict, handles):
        self.keys = frozenset(keys)           # normalize() of every form of every outlet
        self.initials = initials              # first letters -> the words of multi-word names and aliases
        self.handles = frozenset(handles)     # lower case, without "@"

    def knows(self, text: str) -> bool:
        return normalize(text) in self.keys

    def garbled(self, text: str) -> bool:
        """Whether Registry.garbled(text) finds some outlet (its rule, on the words alone)."""
        words = normalize(text).split()
        if len(words) < 2 or any(not w.isalpha() for w in words):
            return False
        for names in self.initials.get(tuple(w[0] for w in words), ()):
            if sum(a == b for a, b in zip(words, names)) and \
                    all(a == b or (len(a) >= 2 and b.startswith(a)) for a, b in zip(words, names)):
                return True
        return False

    def by_handle(self, handle: str) -> bool:
        return handle.lower().lstrip("@") in self.handles


@lru_cache(maxsize=16)
def name_index(extra: tuple[str, ...] = ()) -> NameIndex:
    """The NameIndex of the built-in registry with the files in `extra` applied."""
    if extra:
        reg = load_registry(extra)
        initials = {k: [normalize(f.text).split() for f in forms] for k, forms in reg._by_initials().items()}
        return NameIndex(reg._names, initials, reg._handles)
    from ..tomlcache import cached  # deferred: a small cache of its own, as the garbles have
    keys, initials, handles = cached(builtin_dir() / "names", _builtin_key(_builtin_files()), _index_data)
    return NameIndex(keys, initials, handles)


def _index_data() -> tuple[list, dict, list]:
    """The built-in registry's NameIndex, as plain data for its cache."""
    rows, normalized, _ = _builtin_data()
    initials: dict[tuple, list] = {}
    for row in rows:  # (in Outlet's argument order: id, name, aliases, ..., handles at 10)
        for text in (row[1], *row[2]):  # the name and the aliases (Registry._by_initials)
            words = normalized.get(text, normalize(text)).split()
            if len(words) >= 2:
                initials.setdefault(tuple(w[0] for w in words), []).append(words)
    handles = sorted({h.lower().lstrip("@") for row in rows for h in row[10]})
    return sorted(set(normalized.values())), initials, handles


@lru_cache(maxsize=16)
def load_registry(extra: tuple[str, ...] = ()) -> Registry:
    """The built-in registry, with the files in `extra` applied on top."""
    reg = Registry()
    rows, normalized, _ = _builtin_data()
    for row in rows:
        reg.add(Outlet(*row))
    for p in extra:
        for o in read_file(Path(p)):
            reg.add(o)
    return reg.build(normalized)
