"""Real `citelint serve` servers for tests/test_serve_*.py: uvicorn on a free
loopback port, either in a thread of the test process (the app built from the
same options the command builds) or as the real command in a subprocess.

The server's packages are the `serve` extra; outside CI a missing one skips
the tests with the install hint, in CI (CI=true) it fails them, as the browser
test does for Chromium."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def need_serve() -> None:
    missing = []
    for name in ("starlette", "uvicorn"):
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    if missing:
        why = f"needs {', '.join(missing)} (pip install '.[serve]' or '.[test]')"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"the serve tests must run in CI: {why}")
        pytest.skip(why)


def options(**changes) -> dict:
    """The options `citelint serve` builds, with a test's changes."""
    opts = {"host": "127.0.0.1", "port": 0, "token": None, "max_body": 5 * 1024 * 1024, "cors_origins": [],
            "config": None, "isolated": True, "cwd": str(ROOT), "allow_host": [], "archive_endpoint": "off",
            "online_timeout": None, "link_timeout": 5.0, "trust_env": False}
    opts.update(changes)
    return opts


class ThreadServer:
    """The app under real uvicorn, in a daemon thread, on 127.0.0.1:<free port>."""

    def __init__(self, **changes):
        import uvicorn

        from citelint.serve.app import create_app
        self.opts = options(**changes)
        self.app = create_app(self.opts)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    @property
    def state(self):
        return self.app.citelint

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


class CommandServer:
    """`python -m citelint serve …` in a subprocess; the URL is read from the
    line it prints, and readiness from /api/health."""

    def __init__(self, *args: str, cwd: Path | None = None, env: dict | None = None, browser: bool = False,
                 port: int = 0):
        import requests
        flags = ([] if browser else ["--no-browser"]) + ["--port", str(port)]
        self.proc = subprocess.Popen([sys.executable, "-m", "citelint", "serve", *flags, *args],
                                     cwd=cwd or ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=dict(os.environ, PYTHONPATH=str(ROOT), **(env or {})), text=True)
        line = self.proc.stderr.readline()
        if "citelint serve: http://" not in line:
            self.proc.kill()
            raise RuntimeError(f"citelint serve did not start: {line}{self.proc.stderr.read()}")
        self.base = line.split()[2].rstrip("/")
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(self.base + "/api/health", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("citelint serve did not answer") from None
                time.sleep(0.05)

    def url(self, path: str = "/") -> str:
        return self.base + path

    def stop(self) -> str:
        """Stop the server (as Ctrl-C does); returns what it wrote on stderr."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.stderr.read()
