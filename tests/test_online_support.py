"""Real HTTP servers on loopback, with real faults, for the online tests.

Every server binds 127.0.0.1 on a free port and runs in daemon threads; nothing
here is a mock of the HTTP layer. `Site` serves routes (path -> handler);
`ResetServer` resets every connection. The other test_online_* modules import
this one (it also holds a small self-test so pytest collects it sensibly).
"""
from __future__ import annotations

import gzip
import http.server
import io
import json
import socket
import struct
import threading
import time
from urllib.parse import parse_qs, urlsplit


def html_page(title: str, body: str, site_name: str | None = None, twitter: str | None = None,
              json_ld: dict | None = None) -> bytes:
    head = [f"<title>{title}</title>", '<meta charset="utf-8">']
    if site_name:
        head.append(f'<meta property="og:site_name" content="{site_name}">')
    if twitter:
        head.append(f'<meta name="twitter:site" content="{twitter}">')
    if json_ld:
        head.append(f'<script type="application/ld+json">{json.dumps(json_ld)}</script>')
    return (f"<!doctype html><html lang=\"en\"><head>{''.join(head)}</head>"
            f"<body><article>{body}</article></body></html>").encode("utf-8")


FILLER = " ".join(["The committee met on Tuesday and heard evidence from officials."] * 8)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output clean
        pass

    def _dispatch(self):
        site = self.server.site
        path = self.path
        with site.lock:
            site.requests.append((self.command, path, dict(self.headers)))
        route = site.routes.get(urlsplit(path).path) or site.routes.get("*")
        if route is None:
            self.send(404, b"<html><head><title>Not here</title></head><body>no</body></html>")
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up on purpose (byte caps, deadlines)

    do_GET = _dispatch
    do_HEAD = _dispatch

    def send(self, status: int, body: bytes = b"", headers: dict | None = None, ctype="text/html; charset=utf-8"):
        self.send_response(status)
        hdrs = {"Content-Type": ctype, "Content-Length": str(len(body))}
        hdrs.update(headers or {})
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location: str, status: int = 302):
        self.send(status, b"", {"Location": location})


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients hang up on purpose (resets, byte caps, deadlines): no tracebacks


class Site:
    """A threaded HTTP server on 127.0.0.1 with a route table."""

    def __init__(self, routes: dict | None = None):
        self.routes = dict(routes or {})
        self.requests: list[tuple[str, str, dict]] = []
        self.lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.site = self
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class ResetServer:
    """Accepts, reads the request, then resets the connection (SO_LINGER 0)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _run(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            try:
                conn.settimeout(1)
                conn.recv(4096)
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            conn.close()

    def close(self):
        self._stop = True
        self.thread.join(timeout=2)
        self.sock.close()


# -- route handlers --------------------------------------------------------------------------

def page(body_html: bytes, headers: dict | None = None):
    return lambda h: h.send(200, body_html, headers)


def status(code: int, headers: dict | None = None, body: bytes = b"<html><body>no</body></html>"):
    return lambda h: h.send(code, body, headers)


def redirect(location: str, code: int = 302):
    return lambda h: h.redirect(location, code)


def reject_head(body_html: bytes):
    def handler(h):
        if h.command == "HEAD":
            h.send(405, b"", {"Allow": "GET"})
        else:
            h.send(200, body_html)
    return handler


def drip_headers(seconds_per_byte: float = 0.2, total_bytes: int = 400):
    """A slow-drip server: the status line and headers arrive a byte at a time."""
    def handler(h):
        data = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Drip: " + b"d" * total_bytes + b"\r\n\r\n"
        for i in range(len(data)):
            h.wfile.write(data[i:i + 1])
            h.wfile.flush()
            time.sleep(seconds_per_byte)
    return handler


def drip_body(seconds_per_chunk: float = 0.2, chunks: int = 400):
    """Headers at once, then the body a few bytes at a time, forever (well, long)."""
    def handler(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(b"<html><head><title>Slow but alive</title></head><body>")
        for _ in range(chunks):
            h.wfile.write(b"<p>drip</p>")
            h.wfile.flush()
            time.sleep(seconds_per_chunk)
        h.close_connection = True
    return handler


def huge(total: int = 50 * 1024 * 1024):
    """A 50 MB page, streamed."""
    block = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"

    def handler(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        sent = 0
        while sent < total:
            chunk = block[: total - sent]
            h.wfile.write(chunk)
            sent += len(chunk)
    return handler


def gzip_bomb_bytes(gib: int = 1) -> bytes:
    """About 1 MB of gzip that inflates to `gib` GiB of zeros: one member holding
    1 MiB of zeros, repeated (a gzip stream may hold many members)."""
    member = gzip.compress(b"\0" * (1024 * 1024), compresslevel=9)
    return member * (1024 * gib)


_BOMB = gzip_bomb_bytes()


def gzip_bomb(h):
    h.send(200, _BOMB, {"Content-Encoding": "gzip"}, ctype="text/html")


def gzipped(body_html: bytes):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as gz:
        gz.write(body_html)
    data = buf.getvalue()
    return lambda h: h.send(200, data, {"Content-Encoding": "gzip"})


def fake_archive(snapshots: dict | None = None, timestamp: str = "20240101000000"):
    """A Wayback-compatible availability endpoint: a snapshot for every URL asked
    about (or only those in `snapshots`)."""
    def handler(h):
        q = parse_qs(urlsplit(h.path).query)
        url = q.get("url", [""])[0]
        if snapshots is not None and url not in snapshots:
            body = {"url": url, "archived_snapshots": {}}
        else:
            snap = (snapshots or {}).get(url) or f"http://web.archive.org/web/{timestamp}/{url}"
            body = {"url": url, "archived_snapshots": {"closest": {
                "status": "200", "available": True, "url": snap, "timestamp": timestamp}}}
        h.send(200, json.dumps(body).encode(), ctype="application/json")
    return handler


def test_servers_start_and_answer():
    import http.client
    site = Site({"/": page(html_page("Home", "hello"))})
    reset = ResetServer()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", reset.port, timeout=5)
        try:
            conn.request("GET", "/")
            conn.getresponse()
        except OSError:
            pass
        else:
            raise AssertionError("the reset server answered")
        finally:
            conn.close()
    finally:
        site.close()
        reset.close()
