"""What went wrong with a request, in the engine's few words (dns, timeout,
refused, reset, tls, invalid, broken), from the exception requests raised."""
from __future__ import annotations

import errno
import socket


def _causes(exc: BaseException):
    seen = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack.extend([e.__cause__, e.__context__])
        stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
        stack.append(getattr(e, "reason", None) if isinstance(getattr(e, "reason", None), BaseException) else None)


def classify_error(exc: BaseException) -> tuple[str, str]:
    """(error kind, detail) for a failed request."""
    return _dns(exc) or _request_kind(exc) or _socket_kind(exc) or _late_kind(exc)


def _dns(exc: BaseException) -> tuple[str, str] | None:
    for e in _causes(exc):
        if isinstance(e, socket.gaierror):
            if e.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                return "dns", "the name does not resolve"
            return "dns-temporary", f"name lookup failed: {e.strerror or e}"
    return None


def _request_kind(exc: BaseException) -> tuple[str, str] | None:
    import requests  # deferred
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "timeout", "connect"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "timeout", "read"
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls", "the TLS handshake or certificate check failed"
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema,
                        requests.exceptions.MissingSchema)):
        return "invalid", str(exc)
    return None


def _socket_kind(exc: BaseException) -> tuple[str, str] | None:
    for e in _causes(exc):
        if isinstance(e, ConnectionRefusedError) or getattr(e, "errno", None) == errno.ECONNREFUSED:
            return "refused", "the connection was refused"
        if isinstance(e, ConnectionResetError) or getattr(e, "errno", None) == errno.ECONNRESET:
            return "reset", "the connection was reset"
        if isinstance(e, socket.timeout):
            return "timeout", "read"
    return None


def _late_kind(exc: BaseException) -> tuple[str, str]:
    import requests  # deferred
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return "broken", "the response was cut off or could not be decoded"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "reset", "the connection failed"
    return "broken", f"{type(exc).__name__}: {exc}"
