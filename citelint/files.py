"""Reading drafts exactly and writing fixes back without ever losing a byte."""
from __future__ import annotations

import codecs
import os
import stat
import sys
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .model import Record

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class InputError(Exception):
    """A problem with one input file; str() is a one-line message naming it."""


class BinaryFile(InputError):
    pass


class SourceFile(Record):
    __slots__ = ("path", "text", "encoding", "bom", "digest", "mode")
    _fields = __slots__

    def __init__(self, path: str, text: str, encoding: str, bom: bytes, digest: str, mode: int | None = None):
        self.path = path      # as given, for reports
        self.text, self.encoding, self.bom = text, encoding, bom
        self.digest = digest  # SHA-256 of the bytes read (to detect changes before writing), or None
        self.mode = mode


# C0 control bytes no text holds (tab, the line breaks, form feed and ESC,
# which ISO-2022 text uses, are left out): a binary file is full of them.
_CONTROLS = bytes(c for c in range(32) if c not in (9, 10, 11, 12, 13, 27))
_HEAD = 8192  # how much of a file the guesses below look at


def is_binary(data: bytes, encoding: str = "utf-8") -> bool:
    """Whether data is binary, by its content, never by a magic number (a draft
    may well begin "ID3" or "%PDF"): control bytes make up 3% of its head, or
    some are there and a tenth of the head does not decode. A stray NUL in a
    draft, or a draft in a legacy encoding, is still text."""
    head = data[:_HEAD]
    controls = len(head) - len(head.translate(None, _CONTROLS))
    if not controls:
        return False
    if controls * 100 >= len(head) * 3:
        return True
    try:
        undecodable = head.decode(encoding, "replace").count("\ufffd")
    except LookupError:
        return False  # decode() names the unknown encoding
    return undecodable * 10 >= len(head)


# (encoding, byte positions (mod 4) that are NUL in its ASCII-range text, ones that are not)
_WIDE = (("utf-32-le", (3, 2), (0,)), ("utf-32-be", (0, 1), (3,)),
         ("utf-16-le", (1, 3), (0, 2)), ("utf-16-be", (0, 2), (1, 3)))


def sniff_wide(data: bytes) -> str | None:
    """The UTF-16 or UTF-32 encoding of a draft saved without a BOM, told by
    where its NUL bytes fall ("A" is 41 00 in UTF-16-LE), or None. Only a
    guess that decodes the whole file cleanly counts."""
    if data.find(b"\x00", 0, _HEAD) < 0:
        return None  # the common case, asked without copying the head
    head = data[:_HEAD]
    head = head[:len(head) - len(head) % 4]
    n = len(head) // 4
    if not n or b"\x00" not in head:
        return None
    nuls = [head[k::4].count(0) for k in range(4)]
    for enc, zero, other in _WIDE:
        if all(nuls[k] * 2 >= n for k in zero) and sum(nuls[k] for k in other) * 10 <= sum(nuls[k] for k in zero):
            try:
                data.decode(enc)
            except UnicodeDecodeError:
                continue
            return enc
    return None


def decode(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str, bytes]:
    bom = b""
    enc = encoding or "utf-8"
    if encoding is None:
        named = "utf-8"  # (no look-up for the default, once a draft)
    else:
        try:
            named = codecs.lookup(enc).name
        except LookupError:
            raise InputError(f"{path}: unknown encoding {enc!r}") from None
    utf8 = named == "utf-8"
    for mark, name in _BOMS:
        # A BOM names the encoding, unless the caller named another one.
        if data.startswith(mark) and (encoding is None or (utf8 and name == "utf-8")):
            bom, enc = mark, name
            break
    body = data[len(bom):]
    # NUL bytes are ordinary in UTF-16 and UTF-32 text, named or recognised.
    wide = named.startswith(("utf-16", "utf-32"))
    if not bom and not wide:
        guess = sniff_wide(data) if encoding is None else None
        if guess:
            enc = guess
        elif is_binary(data, enc):
            raise BinaryFile(f"{path}: binary file (control bytes), skipped")
    try:
        return body.decode(enc), enc, bom
    except UnicodeDecodeError as exc:
        bad = body[exc.start:exc.start + 1]
        raise InputError(f"{path}: not valid {enc} (byte 0x{bad.hex()} at offset {exc.start + len(bom)}); "
                         f"use --encoding if the draft is in another encoding") from None
    except LookupError:
        raise InputError(f"{path}: unknown encoding {enc!r}") from None


# A draft larger than this is not read (the `max-file-size` setting's default).
MAX_FILE_SIZE = 50_000_000


def too_large(path: str, limit: int) -> InputError:
    return InputError(f"{path}: larger than the max-file-size limit of {limit:,} bytes; not checked "
                      f"(raise `max-file-size` or exclude the file)")


def read_bytes(path: str, limit: int | None = MAX_FILE_SIZE) -> tuple[bytes, os.stat_result]:
    """A regular file's bytes and status; InputError for anything else, and
    for a file over `limit` bytes (never read whole: its size is checked first
    and the read stops just past the limit, should the file grow meanwhile)."""
    try:
        # Non-blocking, so a FIFO or device named like a draft is refused below,
        # not waited on forever; it changes nothing for a regular file.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise InputError(f"{path}: not a regular file")
            if limit is not None and st.st_size > limit:
                raise too_large(path, limit)
            # Plain reads on the descriptor: no buffered file object per draft.
            cap = limit + 1 if limit is not None else None  # one byte past the limit tells it was passed
            chunks, got, want = [], 0, st.st_size + 1
            while cap is None or got < cap:
                ask = want if cap is None else min(want, cap - got)
                chunk = os.read(fd, ask)
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
                if got == st.st_size and len(chunk) < ask and len(chunks) == 1:
                    break  # the first read gave the size fstat saw and no byte more: the end (one read a draft)
                want = 1 << 16
            if cap is not None and got >= cap:
                raise too_large(path, limit)
            return b"".join(chunks), st
        finally:
            os.close(fd)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL in the name
        raise InputError(f"{path}: cannot read: {exc}") from None


def read_source(path: str, encoding: str | None = None, digest: bool = True,
                limit: int | None = MAX_FILE_SIZE) -> SourceFile:
    """A draft's text. `digest=False` (a check that neither writes nor caches)
    skips hashing the bytes, and with it importing hashlib on a one-file check.
    `limit`: the largest draft read, in bytes (None: no limit)."""
    data, st = read_bytes(path, limit)
    text, enc, bom = decode(data, path, encoding)
    return SourceFile(path, text, enc, bom, sha256_hex(data) if digest else None, stat.S_IMODE(st.st_mode))


def sha256_hex(data: bytes) -> str:
    import hashlib  # here, not at the top: a check that neither writes nor caches never needs it
    return hashlib.sha256(data).hexdigest()


def encode(sf: SourceFile, text: str) -> bytes:
    try:
        return sf.bom + text.encode(sf.encoding)
    except UnicodeEncodeError as exc:
        raise InputError(f"{sf.path}: the fix cannot be written in {sf.encoding}: {exc.reason}") from None


def write_source(sf: SourceFile, text: str) -> None:
    """Replace the file's contents atomically: a temporary file beside the target,
    then a rename. A symlink is followed, never replaced. A file that changed
    since it was read is left alone."""
    data = encode(sf, text)
    if sf.digest is None:
        raise ValueError("write_source needs a SourceFile read with its digest")
    if sha256_hex(encode(sf, sf.text)) != sf.digest:
        # Some encodings (stateful ones such as ISO-2022-JP) would write bytes
        # the fix never touched differently: refuse rather than change them.
        raise InputError(f"{sf.path}: {sf.encoding} does not give back this file's bytes exactly; not fixed")
    target = os.path.realpath(sf.path)
    try:
        _check_unchanged(sf, target)
        st = os.stat(target)
    except OSError as exc:
        raise InputError(f"{sf.path}: cannot write: {exc.strerror or exc}") from None
    folder = os.path.dirname(target) or "."
    _remove_stale_temps(folder)
    if not os.access(target, os.W_OK) and os.geteuid() != 0:
        raise InputError(f"{sf.path}: read-only; not fixed")
    if not (st.st_mode & 0o222):
        raise InputError(f"{sf.path}: read-only; not fixed")
    with _signals_held():
        _write_temp_and_rename(sf, data, folder, target, st)


def _write_temp_and_rename(sf: SourceFile, data: bytes, folder: str, target: str, st) -> None:
    fd, tmp = None, None
    try:
        import tempfile  # deferred
        fd, tmp = tempfile.mkstemp(prefix=".citelint-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as out:
            fd = None
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:
            pass  # keeping the owner needs privileges we may not have; the mode is kept
        _check_unchanged(sf, target)  # again, just before the rename: writing took time
        if _exchange(tmp, target):
            # Swapped atomically: `tmp` now holds what the draft held an instant
            # ago. An editor's save that landed after the check is there, not
            # lost: swap it back and leave the draft alone.
            with open(tmp, "rb") as fh:
                before = fh.read()
            if sha256_hex(before) != sf.digest:
                if not _exchange(tmp, target):
                    kept, tmp = tmp, None  # cannot undo: keep the editor's version beside the draft
                    raise InputError(f"{sf.path}: changed while being fixed; the other version is kept as {kept}")
                raise InputError(f"{sf.path}: changed since it was read; not overwritten")
            os.unlink(tmp)
        else:
            os.replace(tmp, target)  # (no atomic exchange here: a save in the last instant can be lost)
        tmp = None
    except OSError as exc:
        raise InputError(f"{sf.path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if fd is not None:
            os.close(fd)
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def _signals_held():
    """Hold Ctrl-C (SIGINT) and SIGTERM while the temporary copy is written and
    renamed, then act on them: an interrupted run leaves each draft old or new
    and no temporary file. (SIGKILL cannot be held: see _remove_stale_temps.)"""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; it is the one signals interrupt
        return
    held: list[int] = []
    wanted = [s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s]
    previous = {s: signal.signal(s, lambda signum, frame: held.append(signum)) for s in wanted}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        if held:
            signal.raise_signal(held[0])


_RENAME_EXCHANGE = 2  # Linux renameat2() flag
_renameat2: list = []   # the libc function, looked up once ([None] where there is none)


def _exchange(a: str, b: str) -> bool:
    """Swap two paths atomically (Linux renameat2 with RENAME_EXCHANGE, through
    ctypes: os has no binding). False where the system or file system cannot."""
    if not _renameat2:
        fn = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes  # deferred
                fn = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
                if fn is not None:
                    fn.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
                    fn.restype = ctypes.c_int
            except (OSError, ImportError):
                fn = None
        _renameat2.append(fn)
    fn = _renameat2[0]
    if fn is None:
        return False
    at_fdcwd = -100
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _check_unchanged(sf: SourceFile, target: str) -> None:
    # Read and close first, then compare: the caller renames right after the
    # comparison, with no system call (where another thread could run) between.
    with open(target, "rb") as fh:
        now = fh.read()
    if sha256_hex(now) != sf.digest:
        raise InputError(f"{sf.path}: changed since it was read; not overwritten")


# A write takes milliseconds, so a temporary file this old was left by a run that
# was killed (SIGKILL, power loss) between creating it and renaming it.
STALE_TEMP_AGE = 3600.0
_SWEPT: set[str] = set()


def _remove_stale_temps(folder: str) -> None:
    """Delete `.citelint-*.tmp` files a killed run left in folder (once per
    folder per process). They hold a complete or partial fixed copy; the
    draft itself is always whole, because only a finished copy is renamed."""
    if folder in _SWEPT:
        return
    _SWEPT.add(folder)
    cutoff = time.time() - STALE_TEMP_AGE
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".citelint-") and n.endswith(".tmp")]
        for name in names:
            p = os.path.join(folder, name)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                os.unlink(p)
    except OSError:
        pass  # tidying up is a courtesy; the fix itself goes ahead


def relpath(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
