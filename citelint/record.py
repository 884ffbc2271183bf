"""Value classes without `dataclasses`.

Importing dataclasses (and the inspect module it needs) and generating each
class's methods cost a one-file check about 25 ms, a fifth of its time. These
classes write their `__init__` out and take equality, hashing and repr from
the field names they list in `_fields`, so they cost nothing at start-up.
"""
from __future__ import annotations


class Record:
    """Equality and repr over `_fields`. Mutable, so not hashable."""
    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, f) for f in self._fields)

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
    """A Record treated as immutable once built: hashable, and changed only by
    `replace`, which returns a new one."""
    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._values())

    def replace(self, **changes):
        values = self.as_dict()
        unknown = set(changes) - set(values)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field(s) {', '.join(sorted(unknown))}")
        values.update(changes)
        return type(self)(**values)
