"""Kept for importers of the first release: the report writers now live in
citelint/reports/, one module per format."""
from __future__ import annotations

from .reports import (DOCS_URL, FORMATS, JSON_VERSION, NEEDS_SOURCES, STATISTICS_FORMATS, Report,  # noqa: F401
                      finding_dict, use_color)
from .reports.common import applicable as _applicable  # noqa: F401
from .reports.json import write as to_json  # noqa: F401
from .reports.text import write as text  # noqa: F401
