"""Request bodies checked against what each endpoint takes: bad input becomes
one line for a 4xx answer (BadRequest), never an exception deeper in."""
from __future__ import annotations

import json

from .drafts import KINDS, NEWLINES


class BadRequest(Exception):
    """A request the API cannot take: str() is the one-line error, `status` the code."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _string(name, v):
    if not isinstance(v, str):
        raise BadRequest(f"`{name}` must be a string")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadRequest(f"`{name}` holds a lone surrogate at character {exc.start}: not valid Unicode") from None
    return v


def _kind(name, v):
    if v not in KINDS:
        raise BadRequest(f"`{name}` must be one of {', '.join(KINDS)}")
    return v


def _bool(name, v):
    if not isinstance(v, bool):
        raise BadRequest(f"`{name}` must be true or false")
    return v


def _codes(name, v):
    if not isinstance(v, list) or not all(isinstance(c, str) and c.strip() for c in v):
        raise BadRequest(f"`{name}` must be a list of rule codes or prefixes (none empty)")
    if len(v) > 500:
        raise BadRequest(f"`{name}` lists more than 500 codes")
    return [c.strip().upper() for c in v]


def _refs(name, v):
    if not isinstance(v, list) or len(v) > 10_000:
        raise BadRequest(f"`{name}` must be a list of {{\"code\", \"start_offset\"}} objects")
    out = []
    for r in v:
        if not (isinstance(r, dict) and set(r) <= {"code", "start_offset"} and isinstance(r.get("code"), str)
                and isinstance(r.get("start_offset"), int) and not isinstance(r.get("start_offset"), bool)):
            raise BadRequest(f"each of `{name}` must be {{\"code\": \"AST001\", \"start_offset\": 12}}")
        out.append((r["code"].strip().upper(), r["start_offset"]))
    return out


def _encoding(name, v):
    import codecs  # deferred
    _string(name, v)
    try:
        codecs.lookup(v)
    except LookupError:
        raise BadRequest(f"`{name}`: unknown encoding {v[:40]!r}") from None
    return v


def _newline(name, v):
    if v not in NEWLINES:
        raise BadRequest(f"`{name}` must be one of {', '.join(NEWLINES)}")
    return v


FIELDS = {"text": _string, "original": _string, "path": _string, "kind": _kind, "select": _codes,
          "ignore": _codes, "only": _codes, "unsafe": _bool, "stream": _bool, "findings": _refs,
          "encoding": _encoding, "bom": _bool, "newline": _newline}


def parse_json(body: bytes, content_type: str, allowed: tuple[str, ...], required: tuple[str, ...] = ("text",)) -> dict:
    """The request's JSON object, its fields checked; unknown fields are errors."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise BadRequest("send the body as JSON with `Content-Type: application/json`", 415)
    if not body.strip():
        raise BadRequest("the request body is empty: expected a JSON object")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        raise BadRequest(f"the request body is not valid JSON{where}") from None
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(repr(k)[:60] for k in unknown[:5])}; "
                         f"this endpoint takes {', '.join(allowed)}")
    for key in required:
        if key not in data:
            raise BadRequest(f"`{key}` is required")
    return {k: FIELDS[k](k, v) for k, v in data.items() if v is not None or k in required}
