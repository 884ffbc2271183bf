"""Connections that obey the guard and a wall-clock deadline.

requests/urllib3 time out per socket operation, so a server that drips one
byte a second keeps a worker forever. Each request here runs under a deadline
(set per thread); a watchdog thread shuts the socket down when it passes, which
ends any blocked read at once. The connection classes also route every connect
through the SSRF guard, so the check sees the address actually connected to.
"""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from .guard import Guard

_local = threading.local()


class Watchdog:
    """Shuts down sockets whose deadline has passed."""

    def __init__(self):
        self._heap: list[tuple[float, int]] = []
        self._armed: dict[int, socket.socket] = {}
        self._fired: set[int] = set()
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="citelint-watchdog", daemon=True)
        self._thread.start()

    def arm(self, sock: socket.socket, deadline: float) -> int:
        with self._cond:
            token = next(self._ids)
            self._armed[token] = sock
            earliest = not self._heap or deadline < self._heap[0][0]
            heapq.heappush(self._heap, (deadline, token))
            if earliest:  # otherwise the watchdog already wakes up in time
                self._cond.notify()
            return token

    def disarm(self, token: int) -> bool:
        """Forget the socket; True when the deadline had already fired on it."""
        with self._cond:
            self._armed.pop(token, None)
            fired = token in self._fired
            self._fired.discard(token)
            return fired

    def fired(self, token: int) -> bool:
        with self._cond:
            return token in self._fired

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        with self._cond:
            while not self._stopped:
                now = time.monotonic()
                while self._heap and (self._heap[0][0] <= now or self._heap[0][1] not in self._armed):
                    _, token = heapq.heappop(self._heap)
                    sock = self._armed.pop(token, None)
                    if sock is not None:
                        self._fired.add(token)
                        try:
                            sock.shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass  # already closed: nothing left to cut
                wait = self._heap[0][0] - now if self._heap else None
                self._cond.wait(wait)


def set_deadline(watchdog: Watchdog | None, deadline: float | None) -> None:
    """The deadline for requests made by this thread from now on."""
    _local.watchdog = watchdog
    _local.deadline = deadline
    _local.tokens = []


def release_deadline() -> bool:
    """Disarm this thread's sockets; True if the deadline cut one of them."""
    fired = False
    wd = getattr(_local, "watchdog", None)
    for token in getattr(_local, "tokens", ()):
        fired = wd.disarm(token) or fired
    _local.tokens = []
    return fired


def _arm(sock) -> None:
    wd = getattr(_local, "watchdog", None)
    deadline = getattr(_local, "deadline", None)
    if wd is not None and deadline is not None and sock is not None:
        _local.tokens.append(wd.arm(sock, deadline))


def _cut() -> bool:
    wd = getattr(_local, "watchdog", None)
    return wd is not None and any(wd.fired(t) for t in getattr(_local, "tokens", ()))


class _GuardedMixin:
    guard: Guard  # set on the subclass made for each run

    def _new_conn(self):
        try:
            sock = self.guard.connect(self._dns_host, self.port, self.timeout,
                                      self.source_address, self.socket_options)
        except socket.gaierror as e:
            raise NameResolutionError(self.host, self, e) from e
        except socket.timeout as e:
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from e
        except OSError as e:
            raise NewConnectionError(self, f"Failed to establish a new connection: {e}") from e
        _arm(sock)
        return sock

    def getresponse(self, *args, **kwargs):
        # A kept-alive connection was armed for an earlier link: arm it for this one.
        _arm(self.sock)
        resp = super().getresponse(*args, **kwargs)
        if _cut():
            # The deadline cut the headers short: http.client reads what came
            # before the cut as a complete response. It is not one.
            resp.close()
            raise socket.timeout("the deadline passed while the headers were arriving")
        return resp


class GuardedAdapter(HTTPAdapter):
    """An HTTPAdapter whose pools connect only through the guard."""

    def __init__(self, guard: Guard, **kwargs):
        attrs = {"guard": guard}
        http_conn = type("GuardedHTTPConnection", (_GuardedMixin, HTTPConnection), attrs)
        https_conn = type("GuardedHTTPSConnection", (_GuardedMixin, HTTPSConnection), attrs)
        self._pools = {
            "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
        }
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools
