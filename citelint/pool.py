"""Check many drafts: from the cache where it can, in worker processes when
there are enough files to repay starting them, and always in the order given.
One file's work is runner.py's."""
from __future__ import annotations

import os

from . import runner
from .files import InputError, decode, read_bytes, sha256_hex
from .model import Finding, Safety
from .runner import FileResult, Job, linter_for

# Starting worker processes costs about as much as checking 1 MB of drafts, so
# smaller runs (a pre-commit hook's handful of files) stay in one process.
PARALLEL_MIN_FILES = 16
PARALLEL_MIN_BYTES = 1_000_000


_INTERRUPTED = [False]  # in a worker: Ctrl-C reached it, so it takes on no more files
_BUSY = [False]         # in a worker: checking a chunk (else idle, waiting for one)


def _worker_init() -> None:
    """Ctrl-C reaches the workers too. An idle worker notes it and waits to be
    shut down (a KeyboardInterrupt there would print a traceback); a busy one
    stops between steps (writes are never cut: see files.write_source)."""
    import signal  # deferred

    def interrupted(signum, frame):
        _INTERRUPTED[0] = True
        if _BUSY[0]:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    # A worker waits on a pipe it also holds open, so it never sees its parent
    # die (killed, or cut short at exit): it leaves when it is orphaned.
    import threading  # deferred
    import time  # deferred
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent and not _BUSY[0]:
                os._exit(1)

    threading.Thread(target=watch, name="citelint-orphan-watch", daemon=True).start()


def _check_many(chunk):
    if _INTERRUPTED[0]:
        raise KeyboardInterrupt  # chunks already queued are dropped at once, not checked
    _BUSY[0] = True
    try:
        return [runner.check_file(*item) for item in chunk]
    except KeyboardInterrupt:
        _INTERRUPTED[0] = True
        raise
    finally:
        _BUSY[0] = False


def _needs_work(findings: list[Finding], settings, job: Job) -> bool:
    """With --fix, a cached file still needs a run if any finding has a fix to apply."""
    if not job.fix:
        return False
    unsafe = job.unsafe_for(settings)
    return any(f.fix is not None and (unsafe or f.fix.safety is Safety.SAFE) for f in findings)


def _from_cache(path: str, settings, job: Job, cache) -> FileResult | None:
    bucket = cache.bucket(settings, (job.kind, job.encoding))
    if not bucket.may_hold(path):
        return None  # a cold cache: no need to read the file twice
    try:
        data = read_bytes(path, settings.max_file_size)[0]  # never blocks on a FIFO named like a draft
    except InputError:
        return None  # let the real read report it
    from .findings_cache import file_key  # deferred
    findings = bucket.get(file_key(path, sha256_hex(data)), path)
    if findings is None or _needs_work(findings, settings, job):
        return None
    res = FileResult(path, findings)
    if job.keep_source:
        try:
            res.source = decode(data, path, job.encoding)[0]
        except InputError:
            return None
    return res


def run(targets: list[tuple[str, object]], job: Job, jobs: int = 1, cache=None, progress=None,
        online=None) -> list[FileResult]:
    """Check every (path, settings) target; results come back in the same order.
    With `online` (the online pass's results, which the network took far longer
    to give than the check takes) the files are checked in this process."""
    results: list[FileResult | None] = [None] * len(targets)
    if cache is None and job.cached:
        job = job.replace(cached=False)  # no cache: no file needs its bytes hashed
    todo: list[int] = []
    for i, (path, settings) in enumerate(targets):
        hit = _from_cache(path, settings, job, cache) if cache is not None else None
        if hit is None:
            todo.append(i)
        else:
            results[i] = hit
            if progress:
                progress.step()
    for settings in {targets[i][1] for i in todo}:
        linter_for(settings)  # build (and validate) in the parent: forked workers inherit it
    items = [(targets[i][0], targets[i][1], job) for i in todo]
    if online is None and jobs > 1 and len(items) >= PARALLEL_MIN_FILES and _total_size(items) >= PARALLEL_MIN_BYTES:
        done = _parallel(items, jobs, progress)
    else:
        done = []
        for item in items:
            done.append(runner.check_file(*item, online=online))
            if progress:
                progress.step()
    for i, res in zip(todo, done):
        results[i] = res
        if cache is not None and res.cache_key and res.error is None:
            path, settings = targets[i]
            cache.bucket(settings, (job.kind, job.encoding)).put(res.cache_key, res.findings)
    if cache is not None:
        cache.save()
    return results  # type: ignore[return-value]


def _total_size(items) -> int:
    total = 0
    for path, _settings, _job in items:
        try:
            total += os.stat(path).st_size
        except (OSError, TypeError, ValueError):
            pass  # standard input or a vanished file: check_file reports it
        if total >= PARALLEL_MIN_BYTES:
            break
    return total


def _parallel(items, jobs: int, progress) -> list[FileResult]:
    # Imported here, not at start-up: a one-file check never needs them.
    import multiprocessing  # deferred
    from concurrent.futures import ProcessPoolExecutor  # deferred

    # Chunks keep inter-process traffic low; several per worker keep them all busy.
    size = max(1, min(64, len(items) // (jobs * 8)))
    chunks = [items[k:k + size] for k in range(0, len(items), size)]
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    out: list[FileResult] = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=ctx,
                             initializer=_worker_init) as pool:
        try:
            with _ctrl_c_held():  # the workers fork here; each installs its own handler first
                batches = pool.map(_check_many, chunks)
            for batch in batches:
                out.extend(batch)
                if progress:
                    progress.step(len(batch))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return out


class _ctrl_c_held:
    """Ctrl-C held while the pool forks its workers. A worker inherits the
    handler in force when it forks, and one interrupted before its initializer
    has installed its own would print multiprocessing's traceback. The parent
    acts on a held Ctrl-C as soon as the workers are up."""

    def __enter__(self):
        import signal  # deferred
        import threading  # deferred
        self.held: list[int] = []
        self.active = threading.current_thread() is threading.main_thread()  # only it may set handlers
        if self.active:
            self.previous = signal.signal(signal.SIGINT, lambda signum, frame: self.held.append(signum))

    def __exit__(self, *exc):
        import signal  # deferred
        if self.active:
            signal.signal(signal.SIGINT, signal.SIG_DFL if self.previous is None else self.previous)
            if self.held and exc[0] is None:
                raise KeyboardInterrupt


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
