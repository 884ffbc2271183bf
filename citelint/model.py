"""The small value types every part of citelint shares: edits, fixes, findings,
and the two base classes they are built on.

Record and Value are value classes without `dataclasses`: importing it (and the
inspect module it needs) and generating each class's methods would cost every
one-file check time at start-up (benchmarks/README.md). They write their
`__init__` out and take equality, hashing and repr from the field names they
list in `_fields`.
"""
from __future__ import annotations

from enum import Enum
from operator import attrgetter


class Record:
    """Equality and repr over `_fields`. Mutable, so not hashable.

    A subclass writes its own `__init__`, or lists `_defaults` and takes this
    one: fields by position or by name, a missing one from `_defaults` (a list,
    dict or set default is copied, never shared)."""
    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _defaults: dict = {}

    def __init__(self, *args, **kw):
        name = type(self).__name__
        if len(args) > len(self._fields):
            raise TypeError(f"{name} takes at most {len(self._fields)} fields")
        values = dict(zip(self._fields, args))
        for key, value in kw.items():
            if key not in self._fields or key in values:
                raise TypeError(f"{name}: unexpected or repeated field {key!r}")
            values[key] = value
        for f in self._fields:
            if f not in values:
                if f not in self._defaults:
                    raise TypeError(f"{name}: missing field {f!r}")
                d = self._defaults[f]
                values[f] = d.copy() if isinstance(d, (list, dict, set)) else d
            setattr(self, f, values[f])

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        fields = cls._fields
        # One C-speed getter of every field (attrgetter returns a bare value for one name).
        cls._get = attrgetter(*fields) if len(fields) > 1 else (lambda obj: tuple(getattr(obj, f) for f in fields))

    @staticmethod
    def _get(obj) -> tuple:
        return ()

    def _values(self) -> tuple:
        return type(self)._get(self)

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{f}={getattr(self, f)!r}' for f in self._fields)})"

    def as_dict(self) -> dict:
        return {f: getattr(self, f) for f in self._fields}


class Value(Record):
    """A Record treated as immutable once built: hashable (the hash is kept),
    and changed only by `replace`, which returns a new one."""
    __slots__ = ("_hash",)

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:
            self._hash = hash(self._values())
            return self._hash

    def __reduce__(self):
        # Rebuilt from its fields: a kept hash must not travel to another
        # process, whose string hashes differ. (`__init__` takes the fields in order.)
        return (type(self), self._values())

    def replace(self, **changes):
        values = self.as_dict()
        unknown = set(changes) - set(values)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field(s) {', '.join(sorted(unknown))}")
        values.update(changes)
        return type(self)(**values)



class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Safety(str, Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


class Edit(Value):
    """Replace source[start:end] with `text`. Offsets are in characters of the decoded file."""
    __slots__ = ("start", "end", "text")
    _fields = __slots__

    def __init__(self, start: int, end: int, text: str = ""):
        self.start, self.end, self.text = start, end, text

    def __lt__(self, other: "Edit") -> bool:  # edits sort by position
        return self._values() < other._values()


class Fix(Value):
    __slots__ = ("edits", "safety", "title")
    _fields = __slots__

    def __init__(self, edits: tuple[Edit, ...], safety: Safety = Safety.SAFE, title: str = ""):
        self.edits, self.safety, self.title = edits, safety, title

    @property
    def start(self) -> int:
        return min(e.start for e in self.edits)

    @property
    def end(self) -> int:
        return max(e.end for e in self.edits)


class Finding(Record):
    __slots__ = ("code", "name", "severity", "message", "start", "end", "fix", "path",
                 "line", "column", "end_line", "end_column", "url", "extra")
    _fields = __slots__

    def __init__(self, code: str, name: str, severity: Severity, message: str, start: int, end: int,
                 fix: Fix | None = None, path: str = "-", line: int = 0, column: int = 0,
                 end_line: int = 0, end_column: int = 0, url: str | None = None, extra: dict | None = None):
        self.code, self.name, self.severity, self.message = code, name, severity, message
        self.start, self.end = start, end  # character offsets into the source text
        self.fix, self.path = fix, path
        # Filled in by the engine once the source is known (1-based).
        self.line, self.column, self.end_line, self.end_column = line, column, end_line, end_column
        self.url = url  # a link the finding is about (online checks, chips with links)
        self.extra = {} if extra is None else extra

    @property
    def fixable(self) -> str | None:
        return self.fix.safety.value if self.fix else None

    def sort_key(self):
        return (self.path, self.start, self.end, self.code)


class AppliedFix(Record):
    """A fix `--fix` applied: what it removed, and the link it touched, so that
    nothing an editor may need is lost, even from the log."""
    __slots__ = ("code", "name", "message", "path", "line", "column", "removed", "inserted", "url", "safety")
    _fields = __slots__

    def __init__(self, code: str, name: str, message: str, path: str, line: int, column: int,
                 removed: str, inserted: str, url: str | None, safety: Safety):
        self.code, self.name, self.message, self.path = code, name, message, path
        self.line, self.column = line, column    # where it was, in the text of the pass that fixed it
        self.removed, self.inserted = removed, inserted  # the source text the fix replaced, and with what
        self.url, self.safety = url, safety
