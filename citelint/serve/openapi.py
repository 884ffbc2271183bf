"""The API's OpenAPI 3.1 description, served at /openapi.json (and as a
plain page at /docs). Written out by hand: it is small, and Starlette alone
has no schema generator worth a dependency."""
from __future__ import annotations

from .. import __version__

_S, _B, _I = {"type": "string"}, {"type": "boolean"}, {"type": "integer"}
_CODES = {"type": "array", "items": _S}
_KIND = {"type": "string", "enum": ["text", "markdown", "html"],
         "description": "default: from `path`'s extension, else guessed from the text"}
_DRAFT = {"text": dict(_S, description="the draft, decoded"), "kind": _KIND,
          "path": dict(_S, description="names the draft in findings and selects per-file-ignores; nothing is read")}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict, required=()) -> dict:
    out = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    return out


_FINDING = _obj({
    "code": _S, "name": _S, "severity": {"type": "string", "enum": ["error", "warning", "info"]}, "message": _S,
    "path": _S, "line": _I, "column": _I, "end_line": _I, "end_column": _I,
    "start_offset": dict(_I, description="character offset into `text`"), "end_offset": _I,
    "fixable": {"type": ["string", "null"], "enum": ["safe", "unsafe", None]},
    "fix": {"type": ["object", "null"], "properties": {
        "applicability": _S, "message": {"type": ["string", "null"]},
        "edits": {"type": "array", "items": _obj({"start": _I, "end": _I, "content": _S})}}},
    "url": {"type": ["string", "null"]}, "docs": _S})
_APPLIED = _obj({"code": _S, "name": _S, "message": _S, "path": _S, "line": _I, "column": _I,
                 "applicability": _S, "removed": dict(_S, description="the exact text the fix replaced"),
                 "inserted": _S, "url": {"type": ["string", "null"]}})
_ERROR = _obj({"error": dict(_S, description="one line")}, ["error"])


def _post(summary: str, request: dict, response: dict, errors=(400, 413, 415), description: str = "") -> dict:
    op = {"summary": summary,
          "requestBody": {"required": True, "content": {"application/json": {"schema": request}}},
          "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": response}}}}}
    if description:
        op["description"] = description
    for code in errors:
        op["responses"][str(code)] = {"$ref": f"#/components/responses/E{code}"}
    return {"post": op}


def _get(summary: str, response: dict, params=(), errors=()) -> dict:
    op = {"summary": summary, "parameters": list(params),
          "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": response}}}}}
    for code in errors:
        op["responses"][str(code)] = {"$ref": f"#/components/responses/E{code}"}
    return {"get": op}


_FINDINGS = {"type": "array", "items": _ref("Finding")}
_ERRORS = {400: "bad input: not JSON, a wrong type, an unknown field or rule code",
           401: "missing or wrong token", 404: "no such rule", 409: "the finding is not in this text (check again)",
           413: "the body is over the server's limit (5 MB by default)",
           415: "wrong Content-Type", 422: "the file or text cannot be decoded or encoded as asked",
           429: "two verifications are already running"}


def schema() -> dict:
    paths = {
        "/api/check": _post("Check a draft", _obj(dict(_DRAFT, select=_CODES, ignore=_CODES), ["text"]),
                            _obj({"kind": _KIND, "findings": _FINDINGS})),
        "/api/fix": _post(
            "Fix a draft", _obj(dict(_DRAFT, unsafe=dict(_B, description="also unsafe fixes (default: the configuration's "
                                                                            "unsafe-fixes)"),
                                     only=dict(_CODES, description="fix only these rules (codes or prefixes)"),
                                     findings={"type": "array", "description": "apply just these findings' fixes, once",
                                               "items": _obj({"code": _S, "start_offset": _I}, ["code", "start_offset"])},
                                     select=_CODES, ignore=_CODES), ["text"]),
            _obj({"kind": _KIND, "text": _S, "applied": {"type": "array", "items": _ref("AppliedFix")},
                  "remaining": _FINDINGS, "refused": _CODES, "converged": _B}), (400, 409, 413, 415)),
        "/api/verify": _post(
            "Verify the draft's sources online", _obj(dict(_DRAFT, stream=dict(
                _B, description="answer as NDJSON: a `links` line, `progress` lines, then a `result` line")), ["text"]),
            _obj({"kind": _KIND, "findings": _FINDINGS, "links": {"type": "array", "items": {"type": "object"}}}),
            (400, 413, 415, 429),
            "The `--online` checks (NET rules) for the draft's links, with the same address guard and limits."),
        "/api/credits": _post("The outlets the draft names or links to", _obj(_DRAFT, ["text"]),
                              _obj({"kind": _KIND, "outlets": {"type": "array", "items": {"type": "object"}}})),
        "/api/diff": _post("A unified diff of two versions of a draft",
                           _obj({"original": _S, "text": _S, "path": _S}, ["original", "text"]), _obj({"diff": _S})),
        "/api/encode": {"post": {
            "summary": "A draft's text as bytes in its own encoding, byte-order mark and line endings",
            "requestBody": {"required": True, "content": {"application/json": {"schema": _obj({
                "text": _S, "encoding": _S, "bom": _B, "newline": {"type": "string", "enum": ["lf", "crlf", "cr"]}},
                ["text"])}}},
            "responses": {"200": {"description": "the bytes", "content": {"application/octet-stream": {}}},
                          **{str(c): {"$ref": f"#/components/responses/E{c}"} for c in (400, 413, 415, 422)}}}},
        "/api/decode": {"post": {
            "summary": "A file's bytes decoded as `citelint check` decodes files",
            "parameters": [{"name": "name", "in": "query", "schema": _S}, {"name": "encoding", "in": "query", "schema": _S}],
            "requestBody": {"required": True, "content": {"application/octet-stream": {}}},
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": _obj({
                "text": _S, "encoding": _S, "bom": _B, "newline": _S, "mixed_newlines": _B, "kind": _KIND, "path": _S})}}},
                **{str(c): {"$ref": f"#/components/responses/E{c}"} for c in (400, 413, 415, 422)}}}},
        "/api/rules": _get("Every rule, with its documentation", _obj({"rules": {"type": "array"}})),
        "/api/rules/{code}": _get("One rule's documentation (also as Markdown)", {"type": "object"},
                                  [{"name": "code", "in": "path", "required": True, "schema": _S}], (404,)),
        "/api/outlets": _get("Look an outlet up by name, domain, URL or handle", _obj({"outlets": {"type": "array"}}),
                             [{"name": "q", "in": "query", "required": True, "schema": _S}], (400,)),
        "/api/settings": _get("The settings in force (read-only)", {"type": "object"}),
        "/api/health": _get("Whether the server is up", _obj({"status": _S, "version": _S})),
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "citelint serve", "version": __version__,
                 "description": "Check and fix news drafts for citation debris. Findings are the objects of "
                                "`citelint check --format json`. Errors are `{\"error\": \"one line\"}`."},
        "paths": paths,
        "components": {
            "schemas": {"Finding": _FINDING, "AppliedFix": _APPLIED, "Error": _ERROR},
            "responses": {f"E{c}": {"description": d, "content": {"application/json": {"schema": _ref("Error")}}}
                          for c, d in _ERRORS.items()},
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                          "description": "needed when the server was started with --token"}},
        },
        "security": [{}, {"token": []}],
    }


def docs_page(spec: dict) -> str:
    """/docs: the endpoints as a plain table, no script."""
    from html import escape  # deferred
    rows = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            codes = ", ".join(sorted(op["responses"]))
            rows.append(f"<tr><td><code>{escape(method.upper())} {escape(path)}</code></td>"
                        f"<td>{escape(op['summary'])}</td><td>{escape(codes)}</td></tr>")
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>citelint serve API</title>"
            "<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body class=\"docs\"><main>"
            "<h1>citelint serve API</h1><p>The schema: <a href=\"/openapi.json\">/openapi.json</a> (OpenAPI 3.1).</p>"
            "<table><thead><tr><th>endpoint</th><th>what</th><th>answers</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></main></body></html>")
