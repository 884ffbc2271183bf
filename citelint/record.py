"""Value classes without `dataclasses`.

Importing dataclasses (and the inspect module it needs) and generating each
class's methods cost a one-file check about 25 ms, a fifth of its time. These
classes write their `__init__` out and take equality, hashing and repr from
the field names they list in `_fields`, so they cost nothing at start-up.
"""
from __future__ import annotations

from operator import attrgetter


class Record:
    """Equality and repr over `_fields`. Mutable, so not hashable."""
    __slots__ = ()
    _fields: tuple[str, ...] = ()

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
