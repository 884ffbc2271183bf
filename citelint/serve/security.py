"""The server's guard, one ASGI middleware in front of every route: the Host
header (a page elsewhere that rebinds its name to 127.0.0.1 is refused), the
token, the request body limit, and the headers every response carries (the
page's Content-Security-Policy among them). It also turns an unexpected
exception into a one-line JSON 500 that names no draft text."""
from __future__ import annotations

import hmac
import json
import os
import sys
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote

COOKIE = "citelint_token"
# Only the page's own script and style; nothing inline, nothing from elsewhere.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
           (b"cross-origin-opener-policy", b"same-origin"), (b"cross-origin-resource-policy", b"same-origin"),
           (b"cache-control", b"no-store")]
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def error_body(message: str) -> bytes:
    return json.dumps({"error": " ".join(message.split())}, ensure_ascii=False).encode("utf-8")


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


class Guard:
    def __init__(self, app, token: str | None, max_body: int, loopback_only: bool, cors: bool = False):
        self.app = app
        self.token = token.encode() if token else None
        self.max_body = max_body
        self.loopback_only = loopback_only  # bound to loopback: only loopback names in Host
        self.cors = cors

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])  # lower-case names; a repeated header keeps its last value
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        refusal = self._refusal(scope, headers)
        if refusal is not None:
            return await _respond(send_with_headers, *refusal)
        body = await self._read_body(receive)
        if body is None:
            return await _respond(send_with_headers, 413, self._too_large())
        try:
            await self.app(scope, _replay(body, receive), send_with_headers)
        except Exception as exc:  # a bug: one line, never a traceback or the draft's text
            if os.environ.get("CITELINT_DEBUG"):
                raise
            print(f"citelint serve: internal error: {type(exc).__name__} on {scope.get('path', '')}",
                  file=sys.stderr)
            if not started:
                await _respond(send_with_headers, 500, error_body(
                    f"internal error: {type(exc).__name__}; please report this (CITELINT_DEBUG=1 shows the traceback)"))

    async def _read_body(self, receive) -> bytes | None:
        """The whole request body, read before any route runs (None past the
        limit): a chunked upload cannot slip past Content-Length's check."""
        chunks, seen = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)  # the client went away: the route sees an empty body
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self) -> bytes:
        return error_body(f"the request body is larger than the server's limit of {_mb(self.max_body)} "
                          f"({self.max_body:,} bytes; --max-body raises it)")

    def _refusal(self, scope, headers: dict):
        """(status, body[, extra headers]) when the request is refused before it runs."""
        if self.loopback_only and not _loopback_host(headers.get(b"host", b"")):
            return 421, error_body("this server answers only requests addressed to localhost or 127.0.0.1")
        length = headers.get(b"content-length")
        if length is not None:
            try:
                n = int(length)
            except ValueError:
                return 400, error_body("Content-Length is not a number")
            if n > self.max_body:
                return 413, self._too_large()
        if self.token is not None:
            return self._token_refusal(scope, headers)
        return None

    def _token_refusal(self, scope, headers: dict):
        if self.cors and scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            return None  # a CORS preflight carries no credentials; the request that follows must
        if self._has_token(headers):
            return None
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [""])[-1].encode()
        if scope["path"] == "/" and given and hmac.compare_digest(given, self.token):
            # The page opened with ?token=…: keep it in a cookie the page's own requests carry, and drop it from the address bar.
            cookie = f"{COOKIE}={quote(self.token.decode(), safe='')}; HttpOnly; SameSite=Strict; Path=/"
            return 303, b"", [(b"location", b"/"), (b"set-cookie", cookie.encode())]
        return 401, error_body("missing or wrong token: send the header `Authorization: Bearer TOKEN`"), \
            [(b"www-authenticate", b"Bearer")]

    def _has_token(self, headers: dict) -> bool:
        auth = headers.get(b"authorization", b"")
        if auth[:7].lower() == b"bearer " and hmac.compare_digest(auth[7:].strip(), self.token):
            return True
        direct = headers.get(b"x-citelint-token")
        if direct is not None and hmac.compare_digest(direct.strip(), self.token):
            return True
        raw = headers.get(b"cookie")
        if raw:
            try:
                jar = SimpleCookie(raw.decode("latin-1"))
            except Exception:  # a malformed cookie header is no token
                return False
            morsel = jar.get(COOKIE)
            if morsel is not None:
                from urllib.parse import unquote  # deferred
                return hmac.compare_digest(unquote(morsel.value).encode(), self.token)
        return False


def _replay(body: bytes, receive):
    """A receive channel that gives the route the body already read, then
    passes on what the client sends next (a disconnect)."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replay


def is_loopback(host: str) -> bool:
    import ipaddress  # deferred: only at start-up
    h = host.strip("[]")
    if h.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def _loopback_host(host: bytes) -> bool:
    h = host.decode("latin-1").strip().lower()
    if h.startswith("["):
        h = h[:h.find("]") + 1] if "]" in h else h
    elif ":" in h:
        h = h.rsplit(":", 1)[0]
    if h in LOOPBACK_NAMES:
        return True
    import ipaddress  # deferred
    try:
        return ipaddress.ip_address(h.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: a page elsewhere may have pointed it at this machine


async def _respond(send, status: int, body: bytes, extra=None):
    headers = [(b"content-type", b"application/json; charset=utf-8"),
               (b"content-length", str(len(body)).encode())] + list(extra or [])
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
