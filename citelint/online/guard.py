"""SSRF guard: which addresses citelint may connect to.

A draft comes from anywhere, so every link in it is untrusted: a link (or a
redirect) to 169.254.169.254, a router's admin page or a service on the
checking machine must never be fetched. Names are resolved once and the check
runs on the address actually connected to, at connect time, so DNS tricks
(a public answer for the check, a private one for the connection) do not work
and every redirect hop is covered. `--allow-host HOST[:PORT]` admits named
internal hosts for intranets and tests; everything else stays blocked.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ..model import Value

SCHEMES = ("http", "https")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class BlockedAddress(Exception):
    """Refused before any byte was sent. Deliberately not an OSError, so neither
    urllib3 nor requests retries it or wraps it as a connection error."""

    def __init__(self, host: str, reason: str):
        super().__init__(f"{host}: {reason}")
        self.host = host
        self.reason = reason


def address_problem(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why a connection to `ip` is refused, or None for a public address."""
    if ip.version == 6:
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return address_problem(mapped)
        if ip.teredo is not None:
            return address_problem(ip.teredo[1])
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata lives here)"
    if ip.version == 4 and ip in _CGNAT:
        return "a carrier-grade NAT address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return None


def _ip(host: str):
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def host_problem(host: str | None) -> str | None:
    """Why `host` cannot be a name anyone resolves (an empty label, a label over
    63 characters, a name over 253, one IDNA cannot encode), or None. Checked
    before any look-up: the resolver would only fail on it, later and noisily."""
    if not host or _ip(host) is not None:
        return None
    name = host[:-1] if host.endswith(".") else host
    if len(name) > 253:
        return "the host name is longer than 253 characters"
    for label in name.split("."):
        if not label:
            return "the host name has an empty label"
        if len(label) > 63:
            return "a label of the host name is longer than 63 characters"
    try:
        name.encode("idna")
    except UnicodeError as exc:
        return f"the host name is not a valid international name ({exc.__cause__ or exc})"
    return None


def _getaddrinfo(host: str, port: int):
    try:
        return socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    except UnicodeError as exc:  # IDNA refused the name: for a caller it is a name that does not resolve
        raise socket.gaierror(socket.EAI_NONAME, f"{host}: {exc}") from None


def resolve(host: str, port: int, timeout: float | None):
    """getaddrinfo, but bounded: the OS resolver cannot be interrupted, so a name
    is looked up in a daemon thread that a slow resolver may keep, not the worker."""
    if timeout is None or _ip(host) is not None:
        return _getaddrinfo(host, port)
    import threading  # deferred

    box: list = []
    done = threading.Event()

    def look_up():
        try:
            box.append(_getaddrinfo(host, port))
        except Exception as exc:  # noqa: BLE001 - handed to the caller, never a thread traceback
            box.append(exc)
        done.set()

    threading.Thread(target=look_up, name="citelint-dns", daemon=True).start()
    if not done.wait(timeout):
        raise socket.timeout(f"looking up {host} took more than {timeout:g} s")
    if isinstance(box[0], Exception):
        raise box[0]
    return box[0]


class AllowEntry(Value):
    """A host (and port) admitted despite the address guard: hashable, never changed."""
    _fields = ("host", "port")
    __slots__ = _fields

    def __init__(self, host: str, port: int | None):
        self.host, self.port = host, port


def parse_allow_entry(text: str) -> AllowEntry:
    """`HOST`, `HOST:PORT`, `[V6]` or `[V6]:PORT`; raises ValueError otherwise."""
    raw = text.strip()
    if not raw or "/" in raw or "@" in raw or any(c.isspace() for c in raw):
        raise ValueError(f"--allow-host {text!r}: expected HOST or HOST:PORT")
    port = None
    if raw.startswith("["):
        host, sep, rest = raw[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"--allow-host {text!r}: expected [IPv6] or [IPv6]:PORT")
        port_text = rest[1:] if rest else None
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
    elif ":" in raw:
        host, port_text = raw, None  # a bare IPv6 address
    else:
        host, port_text = raw, None
    if port_text is not None:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"--allow-host {text!r}: the port must be a number from 1 to 65535")
        port = int(port_text)
    host = host.lower().rstrip(".")
    if not host:
        raise ValueError(f"--allow-host {text!r}: no host")
    ip = _ip(host)
    return AllowEntry(str(ip) if ip else host, port)


class Guard:
    """The policy for one run: the admitted hosts, and the checks on URLs and sockets."""

    def __init__(self, allow: tuple[str, ...] | list[str] = ()):
        self.allow = tuple(parse_allow_entry(a) for a in allow)
        self._any_port = {e.host for e in self.allow if e.port is None}
        self._with_port = {(e.host, e.port) for e in self.allow if e.port is not None}

    def admitted(self, host: str, port: int | None) -> bool:
        if not self.allow:
            return False
        host = (host or "").lower().rstrip(".").strip("[]")
        if ":" in host or host[-1:].isdigit():
            ip = _ip(host)
            if ip is not None:
                host = str(ip)
        return host in self._any_port or (host, port) in self._with_port

    def check_url(self, url: str) -> str | None:
        """Why `url` may not be fetched, judged from the URL alone (no DNS), or None.
        Hostnames are judged again on the address actually connected to."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return "not a valid URL"
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            return f"the {scheme or 'missing'} scheme is not fetched (only http and https)"
        host = parts.hostname
        if not host:
            return "the URL names no host"
        port = port or _DEFAULT_PORTS[scheme]
        if self.admitted(host, port):
            return None
        ip = _ip(host)
        if ip is not None:
            problem = address_problem(ip)
            return f"{host} is {problem}" if problem else None
        if host == "localhost" or host.endswith(".localhost"):
            return f"{host} is a loopback name"
        return None

    def connect(self, host: str, port: int, timeout, source_address=None, socket_options=None) -> socket.socket:
        """Resolve once, refuse what is not public (unless admitted), connect to a
        checked address and confirm the peer is that address."""
        admitted = self.admitted(host, port)
        infos = resolve(host.strip("[]"), port, timeout)
        candidates, refused = [], None
        for family, socktype, proto, _, sockaddr in infos:
            problem = None if admitted else address_problem(_ip(sockaddr[0]))
            if problem:
                refused = refused or f"resolves to {sockaddr[0]}, {problem}"
            else:
                candidates.append((family, socktype, proto, sockaddr))
        if not candidates:
            raise BlockedAddress(host, refused or "no address to connect to")
        err: OSError | None = None
        for family, socktype, proto, sockaddr in candidates:
            sock = socket.socket(family, socktype, proto)
            try:
                for opt in socket_options or ():
                    sock.setsockopt(*opt)
                if timeout is not None:
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
                peer = sock.getpeername()[0]
                if not admitted and address_problem(_ip(peer)):
                    sock.close()
                    raise BlockedAddress(host, f"connected to {peer}, {address_problem(_ip(peer))}")
                return sock
            except OSError as exc:
                err = exc
                sock.close()
        raise err  # type: ignore[misc]
