"""The small value types every part of citelint shares: edits, fixes, findings."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Safety(str, Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Edit:
    """Replace source[start:end] with `text`. Offsets are in characters of the decoded file."""

    start: int
    end: int
    text: str = ""


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...]
    safety: Safety = Safety.SAFE
    title: str = ""

    @property
    def start(self) -> int:
        return min(e.start for e in self.edits)

    @property
    def end(self) -> int:
        return max(e.end for e in self.edits)


@dataclass
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    start: int  # character offsets into the source text
    end: int
    fix: Fix | None = None
    path: str = "-"
    # Filled in by the engine once the source is known (1-based).
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    url: str | None = None  # a link the finding is about (online checks, chips with links)
    extra: dict = field(default_factory=dict)

    @property
    def fixable(self) -> str | None:
        return self.fix.safety.value if self.fix else None

    def sort_key(self):
        return (self.path, self.start, self.end, self.code)
