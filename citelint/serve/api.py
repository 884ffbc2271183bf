"""The JSON endpoints. Each reads its body through validate.parse_json, does
its work in a worker thread (linting is CPU work; the event loop stays free),
and answers with the same finding objects as `citelint check --format json`.
Bad input is a 4xx with `{"error": "one line"}`; nothing here writes a draft
to disk or to a log."""
from __future__ import annotations

import functools
import sys

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from ..reports.common import applied_dict, finding_dict
from .drafts import guess_kind
from .validate import BadRequest, parse_json

DRAFT = ("text", "kind", "path")


def endpoint(fn):
    """Known failures become a one-line JSON error; anything else a one-line 500."""
    @functools.wraps(fn)
    async def wrapped(request):
        try:
            return await fn(request, request.app.state.citelint)
        except BadRequest as exc:
            return error(str(exc), exc.status)
        except Exception as exc:
            from ..config import ConfigError  # deferred
            from ..files import InputError  # deferred
            if isinstance(exc, (ConfigError, InputError)):
                return error(str(exc), 422 if isinstance(exc, InputError) else 400)
            import os  # deferred
            if os.environ.get("CITELINT_DEBUG"):
                raise
            print(f"citelint serve: internal error: {type(exc).__name__} in {fn.__name__}", file=sys.stderr)
            return error(f"internal error: {type(exc).__name__}; please report this "
                         f"(CITELINT_DEBUG=1 shows the traceback)", 500)
    return wrapped


def error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": " ".join(message.split())}, status_code=status)


async def _json(request, allowed, required=("text",)) -> dict:
    return parse_json(await request.body(), request.headers.get("content-type", ""), allowed, required)


def _draft(body: dict) -> tuple[str, str, str]:
    text, path = body["text"], body.get("path") or "-"
    return text, body.get("kind") or guess_kind(text, path), path


@endpoint
async def check(request, state):
    body = await _json(request, DRAFT + ("select", "ignore"))
    return JSONResponse(await run_in_threadpool(_check, state, body))


def _check(state, body: dict) -> dict:
    text, kind, path = _draft(body)
    linter = state.linter_for(body.get("select"), body.get("ignore"))
    return {"kind": kind, "findings": [finding_dict(f) for f in linter.lint_text(text, kind, path)]}


@endpoint
async def fix(request, state):
    body = await _json(request, DRAFT + ("unsafe", "only", "findings", "select", "ignore"))
    return JSONResponse(await run_in_threadpool(_fix, state, body))


def _fix(state, body: dict) -> dict:
    from ..fixer import fix_loop  # deferred
    text, kind, path = _draft(body)
    linter = state.linter_for(body.get("select"), body.get("ignore"))
    unsafe = body.get("unsafe", state.settings.unsafe_fixes)
    only = body.get("only")
    if only is not None:
        state.check_codes("only", only)

    def lint(t: str) -> list:
        found = linter.lint_text(t, kind, path)
        return found if only is None else [f for f in found if any(f.code.startswith(c) or c == "ALL" for c in only)]

    refs = body.get("findings")
    if refs is not None:
        chosen = _chosen(lint(text), refs, unsafe)
        passes = iter([chosen])  # these findings' fixes, once: the editor chose them, not the loop
        result = fix_loop(text, lambda t: next(passes, []), unsafe)
    else:
        result = fix_loop(text, lint, unsafe)
    remaining = linter.lint_text(result.text, kind, path)
    return {"kind": kind, "text": result.text, "applied": [applied_dict(a) for a in result.fixes],
            "remaining": [finding_dict(f) for f in remaining], "refused": sorted(result.refused),
            "converged": result.converged}


def _chosen(found: list, refs: list, unsafe: bool) -> list:
    from ..model import Safety  # deferred
    by_site = {(f.code, f.start): f for f in found}
    chosen = []
    for code, start in refs:
        f = by_site.get((code, start))
        if f is None:
            raise BadRequest(f"there is no {code} finding at offset {start} in this text; check it again", 409)
        if f.fix is None:
            raise BadRequest(f"the {code} finding at offset {start} has no fix")
        if f.fix.safety is Safety.UNSAFE and not unsafe:
            raise BadRequest(f"the {code} finding at offset {start} has an unsafe fix: "
                             f"send \"unsafe\": true once an editor has agreed to it")
        chosen.append(f)
    return chosen


@endpoint
async def credits(request, state):
    from .credits import credits as find_credits  # deferred
    body = await _json(request, DRAFT)
    text, kind, path = _draft(body)
    found = await run_in_threadpool(lambda: find_credits(text, kind, path, state.registry()))
    return JSONResponse({"kind": kind, "outlets": found})


@endpoint
async def diff(request, state):
    body = await _json(request, ("original", "text", "path"), ("original", "text"))
    return JSONResponse({"diff": await run_in_threadpool(_diff, body)})


def _diff(body: dict) -> str:
    import difflib  # deferred
    name = (body.get("path") or "draft").replace("\n", " ")
    lines = difflib.unified_diff(body["original"].splitlines(keepends=True), body["text"].splitlines(keepends=True),
                                 f"a/{name} (as pasted)", f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@endpoint
async def decode(request, state):
    from .drafts import decoded  # deferred
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/octet-stream":
        raise BadRequest("send the file's bytes with `Content-Type: application/octet-stream`", 415)
    name = request.query_params.get("name") or "-"
    encoding = request.query_params.get("encoding") or None
    if len(name) > 255 or not name.isprintable():
        raise BadRequest("`name` must be a printable file name of at most 255 characters")
    data = await request.body()
    return JSONResponse(await run_in_threadpool(decoded, data, name, encoding))


@endpoint
async def encode(request, state):
    from .drafts import encoded  # deferred
    body = await _json(request, ("text", "encoding", "bom", "newline"))
    try:
        data = encoded(body["text"], body.get("encoding", "utf-8"), body.get("bom", False), body.get("newline", "lf"))
    except UnicodeEncodeError as exc:
        raise BadRequest(f"the text cannot be written in {exc.encoding}: {exc.object[exc.start:exc.end]!r} "
                         f"at character {exc.start} has no place in it; download it as UTF-8", 422) from None
    return Response(data, media_type="application/octet-stream")


@endpoint
async def verify(request, state):
    from .streams import verify_response  # deferred
    body = await _json(request, DRAFT + ("stream",))
    return await verify_response(state, body, *_draft(body))


@endpoint
async def rules(request, state):
    return Response(state.rules_json(), media_type="application/json")


@endpoint
async def rule(request, state):
    from ..ruledoc import docs_url, rule_doc  # deferred
    wanted = request.path_params["code"]
    r = state.rule(wanted)
    if r is None:
        raise BadRequest(f"no rule {wanted[:40]!r}; GET /api/rules lists them", 404)
    return JSONResponse(dict(r.docs(), enabled=r.code in state.enabled, docs=docs_url(r.code), markdown=rule_doc(r)))


@endpoint
async def outlets(request, state):
    q = request.query_params.get("q", "").strip()
    if not q or len(q) > 200:
        raise BadRequest("`q` must be a name, domain, URL or handle of 1 to 200 characters")
    found = await run_in_threadpool(lambda: state.registry().matching(q))
    return JSONResponse({"outlets": [o.as_dict() for o in found]})


@endpoint
async def settings(request, state):
    return JSONResponse(state.settings_json())


@endpoint
async def health(request, state):
    from .. import __version__  # deferred
    return JSONResponse({"status": "ok", "version": __version__})
