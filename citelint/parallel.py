"""Check many drafts: from the cache where it can, in worker processes when
there are enough files to repay starting them, and always in the order given."""
from __future__ import annotations

import os

from .engine import Linter
from .files import BinaryFile, InputError, decode, encode, read_bytes, read_source, sha256_hex, write_source
from .fixer import MAX_ITERATIONS
from .model import Finding, Safety
from .record import Record, Value

# Starting worker processes costs about as much as checking 1 MB of drafts, so
# smaller runs (a pre-commit hook's handful of files) stay in one process.
PARALLEL_MIN_FILES = 16
PARALLEL_MIN_BYTES = 1_000_000


class Job(Value):
    """What to do with every file of a run."""
    __slots__ = ("fix", "diff", "unsafe", "kind", "encoding", "keep_source", "cached")
    _fields = __slots__

    def __init__(self, fix: bool = False, diff: bool = False, unsafe: bool = False, kind: str | None = None,
                 encoding: str | None = None, keep_source: bool = False, cached: bool = True):
        self.fix = fix              # apply fixes (also with --diff, which writes nothing)
        self.diff = diff
        self.unsafe = unsafe        # --unsafe-fixes on the command line
        self.kind, self.encoding = kind, encoding
        self.keep_source = keep_source  # return the final text (for reports that show it)
        self.cached = cached        # results go to a findings cache (so each needs its bytes' key)

    def unsafe_for(self, settings) -> bool:
        return self.unsafe or settings.unsafe_fixes


class FileResult(Record):
    __slots__ = ("path", "findings", "fixed", "diff", "source", "error", "notice", "warning", "cache_key", "applied")
    _fields = __slots__

    def __init__(self, path: str, findings: list[Finding] | None = None, fixed: int = 0, diff: str = "",
                 source: str | None = None, error: str | None = None, notice: str | None = None,
                 warning: str | None = None, cache_key: str | None = None):
        self.path = path
        self.findings = findings if findings is not None else []
        self.fixed, self.diff, self.source = fixed, diff, source
        self.error = error            # one line: the file could not be checked or written
        self.notice = notice          # one line: skipped (binary)
        self.warning = warning        # one line: fixes did not settle
        self.cache_key = cache_key    # the final bytes' key, when the findings may be cached
        self.applied: list = []       # AppliedFix for each fix --fix applied (what it removed)


_LINTERS: dict = {}  # per process; filled before forking, so workers inherit them
_LAST: list = [None, None]  # the last (settings, linter): runs pass the same object for a whole folder


def linter_for(settings) -> Linter:
    if _LAST[0] is settings:
        return _LAST[1]
    if settings not in _LINTERS:
        _LINTERS[settings] = Linter(settings)
    _LAST[:] = [settings, _LINTERS[settings]]
    return _LAST[1]


def fingerprint(findings: list[Finding], text: str) -> None:
    if not findings:
        return
    from .baseline import content_key
    for f in findings:  # what a baseline needs: the text is not at hand later
        f.extra["fingerprint"] = content_key(f, text)
        f.extra["matched"] = text[f.start:f.end][:200]


def check_text(text: str, name: str, settings, job: Job, online=None) -> tuple[FileResult, str]:
    """Lint or fix one text; returns the result and the final text. `online`
    is the online pass's results, when there was one (the NET rules run too)."""
    linter = linter_for(settings)
    res = FileResult(name)
    if not job.fix:
        res.findings = linter.lint_text(text, job.kind, name, online)
        fingerprint(res.findings, text)
        return res, text
    result = linter.fix_text(text, job.kind, name, unsafe=job.unsafe_for(settings), online=online)
    if not result.converged:
        res.warning = (f"{name}: fixes did not settle after {MAX_ITERATIONS} passes; "
                       f"please report this")
    if job.diff and result.text != text:
        import difflib
        res.diff = "".join(difflib.unified_diff(
            text.splitlines(keepends=True), result.text.splitlines(keepends=True), f"a/{name}", f"b/{name}"))
    res.fixed = result.applied
    res.applied = result.fixes
    res.findings = result.remaining
    fingerprint(res.findings, result.text)
    return res, result.text


def check_file(path: str, settings, job: Job, online=None) -> FileResult:
    """Read, check, and with --fix write back one draft (once). Runs in workers."""
    try:
        sf = read_source(path, job.encoding, digest=job.fix or job.cached)
        res, final = check_text(sf.text, path, settings, job, online)
        written = final != sf.text and not job.diff
        if written:
            write_source(sf, final)
        if job.cached and (written or final == sf.text):  # the key of the bytes now on disk
            from .cache import file_key
            res.cache_key = file_key(path, sha256_hex(encode(sf, final)) if written else sf.digest)
        if job.keep_source:
            res.source = final if not job.diff else sf.text
        return res
    except BinaryFile as exc:
        return FileResult(path, notice=str(exc))
    except InputError as exc:
        return FileResult(path, error=str(exc))
    except Exception as exc:  # one bad file must not end the run or show a traceback
        return FileResult(path, error=failure_message(path, exc))


def failure_message(path: str, exc: Exception) -> str:
    """One line for an unexpected error on one file (CITELINT_DEBUG=1 re-raises it)."""
    if os.environ.get("CITELINT_DEBUG"):
        raise exc
    from .packs import PatternTimeout
    if isinstance(exc, PatternTimeout):  # a rule's pattern ran out of time on this file
        return str(exc)
    detail = " ".join(str(exc).split())[:300]
    return f"{path}: internal error: {type(exc).__name__}{': ' + detail if detail else ''}; please report this"


_INTERRUPTED = [False]  # in a worker: Ctrl-C reached it, so it takes on no more files
_BUSY = [False]         # in a worker: checking a chunk (else idle, waiting for one)


def _worker_init() -> None:
    """Ctrl-C reaches the workers too. An idle worker notes it and waits to be
    shut down (a KeyboardInterrupt there would print a traceback); a busy one
    stops between steps (writes are never cut: see files.write_source)."""
    import signal

    def interrupted(signum, frame):
        _INTERRUPTED[0] = True
        if _BUSY[0]:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    # A worker waits on a pipe it also holds open, so it never sees its parent
    # die (killed, or cut short at exit): it leaves when it is orphaned.
    import threading
    import time
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
        return [check_file(*item) for item in chunk]
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
    if not bucket.entries:
        return None  # a cold cache: no need to read the file twice
    try:
        data = read_bytes(path)[0]  # never blocks on a FIFO named like a draft
    except InputError:
        return None  # let the real read report it
    from .cache import file_key
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
            done.append(check_file(*item, online=online))
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
    # Imported here, not at start-up: a one-file check never needs them (~15 ms).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

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
        import signal
        import threading
        self.held: list[int] = []
        self.active = threading.current_thread() is threading.main_thread()  # only it may set handlers
        if self.active:
            self.previous = signal.signal(signal.SIGINT, lambda signum, frame: self.held.append(signum))

    def __exit__(self, *exc):
        import signal
        if self.active:
            signal.signal(signal.SIGINT, signal.SIG_DFL if self.previous is None else self.previous)
            if self.held and exc[0] is None:
                raise KeyboardInterrupt


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
