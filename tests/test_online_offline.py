"""Offline by default: without --online, citelint opens no socket and resolves no
name, whatever the drafts link to (an audit hook in the child process proves it)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HOOK = '''
import os, sys
_log = os.environ["CITELINT_NET_LOG"]
def _hook(event, args):
    # Not socket.bind: urllib3 (imported by tldextract) probes for IPv6 at import by
    # binding a socket to ::1; that reaches no network and sends nothing.
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                 "socket.sendto", "socket.sendmsg", "http.client.connect"):
        with open(_log, "a") as fh:
            fh.write(f"{os.getpid()} {event} {args!r}\\n")
        raise RuntimeError(f"network use without --online: {event}")
sys.addaudithook(_hook)
'''

LINKS = [
    "https://www.dawn.com/news/1834567?utm_source=chatgpt.com",
    "http://169.254.169.254/latest/meta-data/",
    "https://tribune.com.pk/story/2468013/budget",
    "https://bit.ly/3xYz",
    "http://127.0.0.1:9/admin",
    "https://web.archive.org/web/2020/https://example.com/",
]


def _drafts(folder: Path, copies: int) -> None:
    for i in range(copies):
        md = "\n\n".join(f"Story {i}: “a quoted phrase here” ([Dawn]({u})) and {u} too." for u in LINKS)
        (folder / f"s{i}.md").write_text(md + "\n", encoding="utf-8")
        html = "".join(f'<p>According to <a href="{u}">Reuters</a>, prices rose.</p>' for u in LINKS)
        (folder / f"s{i}.html").write_text(html, encoding="utf-8")
        (folder / f"s{i}.txt").write_text(" ".join(LINKS) + "\n", encoding="utf-8")


def _run(args, folder: Path, tmp: Path):
    hook_dir = tmp / "hook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    log = tmp / "net.log"
    env = dict(os.environ, PYTHONPATH=f"{hook_dir}{os.pathsep}{ROOT}", CITELINT_NET_LOG=str(log),
               XDG_CACHE_HOME=str(tmp / "cache"))
    proc = subprocess.run([sys.executable, "-m", "citelint", *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=120)
    return proc, (log.read_text() if log.exists() else "")


def test_the_hook_would_catch_network_use(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.txt").write_text("x\n", encoding="utf-8")
    proc, log = _run(["check", "a.txt", "--online", "--isolated", "--no-cache", "--archive-endpoint", "off",
                      "--allow-host", "127.0.0.1"], folder, tmp_path)
    assert log == ""  # a draft without links: nothing to fetch, even online
    (folder / "a.txt").write_text("See http://127.0.0.1:9/x\n", encoding="utf-8")
    proc, log = _run(["check", "a.txt", "--online", "--isolated", "--no-cache", "--archive-endpoint", "off",
                      "--allow-host", "127.0.0.1"], folder, tmp_path)
    assert "socket.connect" in log or "socket.getaddrinfo" in log


def test_no_socket_without_online(tmp_path):
    folder = tmp_path / "drafts"
    folder.mkdir()
    _drafts(folder, 8)  # 24 files: enough for the parallel path too
    for args in (["check", "."], ["check", ".", "--jobs", "2", "--no-cache"], ["check", ".", "--fix"],
                 ["check", ".", "--format", "json", "--no-cache"]):
        proc, log = _run([*args, "--isolated"], folder, tmp_path)
        assert log == "", log
        assert proc.returncode in (0, 1), proc.stderr
        assert "Traceback" not in proc.stderr


def test_online_code_is_not_imported_offline():
    code = ("import sys; from citelint.cli import main, build_parser; build_parser(); "
            "import citelint.online.rules, citelint.online.cli; "
            "from citelint import check_text; check_text('Plain words, no links.'); "
            "bad = [m for m in ('requests', 'urllib3', 'bs4', 'citelint.online.fetch', 'citelint.online.transport') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
