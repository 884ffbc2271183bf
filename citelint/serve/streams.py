"""`POST /api/verify`: one draft's online pass in a worker thread, answered
whole (JSON) or, with `"stream": true`, as it goes (NDJSON: the links first,
then as each link settles a `link` line with its verdict and a `progress`
line, then the result).

At most two passes run at once; a third request gets 429."""
from __future__ import annotations

import asyncio
import json
import threading

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, StreamingResponse

from .validate import BadRequest

MAX_PASSES = 2
_passes = threading.BoundedSemaphore(MAX_PASSES)


def _line(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n"


async def verify_response(state, body: dict, text: str, kind: str, path: str):
    from .verify import Pass  # deferred
    if not _passes.acquire(blocking=False):
        raise BadRequest(f"{MAX_PASSES} verifications are already running; try again when one ends", 429)
    try:
        p = await run_in_threadpool(Pass, state.linter, text, kind, path, state.registry())
        options = state.online_options()
    except BaseException:
        _passes.release()
        raise
    if not body.get("stream"):
        try:
            result = await run_in_threadpool(p.run, options)
        finally:
            _passes.release()
        return JSONResponse(dict(result, kind=kind))
    return StreamingResponse(_events(p, options, kind), media_type="application/x-ndjson")


async def _events(p, options, kind: str):
    """The pass as NDJSON lines; the worker thread reports each settled link."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    total = len(p.urls)

    def progress(done: int, of: int) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, ("progress", {"done": done, "total": of}))

    def settled(url: str, verdict: dict) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, ("link", {"url": url, "verdict": verdict}))

    def work() -> None:
        try:
            out = ("result", p.run(options, progress, settled))
        except Exception as exc:  # one line for the page; the pass is over either way
            out = ("error", {"error": f"verification failed: {type(exc).__name__}"})
        finally:
            _passes.release()
        loop.call_soon_threadsafe(queue.put_nowait, out)

    started = False
    try:
        yield _line({"event": "links", "kind": kind, "total": total,
                     "links": [{"url": lk["url"], "start_offset": lk["start_offset"], "end_offset": lk["end_offset"]}
                               for lk in p.links]})
        threading.Thread(target=work, name="citelint-serve-verify", daemon=True).start()
        started = True
        last = 0
        while True:
            event, data = await queue.get()
            if event == "link":
                yield _line({"event": "link", **data})
                continue
            if event == "progress":
                if data["done"] > last:  # lines arrive from several fetch workers: never step back
                    last = data["done"]
                    yield _line({"event": "progress", **data})
                continue
            yield _line({"event": event, **data})
            return
    finally:
        if not started:  # the client left before the pass began: its slot is free again
            _passes.release()
