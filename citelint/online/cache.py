"""The verdict cache: what a link was found to be, kept for a day (--cache-max-age).

One JSON file in the user's cache folder (userdirs.py: $XDG_CACHE_HOME/citelint,
else the platform's own). Only settled answers are kept (a page that answered, a
404/410, a redirect); anything that may pass (timeouts, 403/429/5xx, refused
connections, blocked addresses, names that did not resolve) is checked afresh
every run, as lychee does. Pages' words are never cached, so a link whose
quotes must be checked is always fetched. A broken cache file is ignored.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from .page import PageFacts
from ..outlets.urls import without_credentials
from ..userdirs import user_cache_dir
from .verdicts import DEAD, DEFAULT_ACCEPT, ELSEWHERE, OK, SOFT404, Verdict, alive_by_status

VERSION = 1
TTL = 24 * 3600.0
MAX_ENTRIES = 20_000
CACHEABLE = (OK, DEAD, SOFT404, ELSEWHERE)


def cache_dir() -> Path:
    return user_cache_dir()


class VerdictCache:
    def __init__(self, path: Path | None = None, ttl: float = TTL):
        self.path = path or cache_dir() / "online-verdicts.json"
        self.ttl = ttl
        self.entries: dict[str, dict] = {}
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("version") == VERSION and isinstance(data.get("entries"), dict):
            self.entries = data["entries"]

    def get(self, url: str, admitted: bool, accept: frozenset[int] = DEFAULT_ACCEPT
            ) -> tuple[Verdict, PageFacts | None] | None:
        """The cached verdict on `url`, unless it is older than the cache's age,
        was admitted differently, or was judged under another --accept."""
        e = self.entries.get(url)
        if not isinstance(e, dict):
            return None
        try:
            age = time.time() - float(e["at"])
            if not 0 <= age <= self.ttl or bool(e.get("admitted")) != admitted:  # one from the future never expires
                return None
            facts = PageFacts.from_json(e["facts"]) if e.get("facts") else None
            verdict = Verdict.from_json(e["verdict"])
        except (KeyError, TypeError, ValueError):
            return None
        if alive_by_status(verdict, accept) is (verdict.kind == DEAD):
            return None  # dead now accepted, or alive now not accepted: look again
        return verdict, facts

    def put(self, url: str, verdict: Verdict, facts: PageFacts | None, admitted: bool) -> None:
        if verdict.kind not in CACHEABLE or (verdict.kind == DEAD and verdict.status not in (404, 410)):
            return  # errors are never cached: the next run must look again
        if any(without_credentials(u) != u for u in (url, verdict.final_url, *verdict.chain)):
            return  # a link with a password in it is never written to disk
        if facts is not None and facts.cut:
            return  # read only in part (its deadline passed): the next run reads it again
        self.entries[url] = {"at": time.time(), "verdict": verdict.to_json(), "admitted": admitted,
                             "facts": facts.to_json() if facts else None}
        self.dirty = True

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is simply not kept."""
        if not self.dirty:
            return
        now = time.time()
        keep = max(self.ttl, TTL)  # a run told to reuse less (--cache-max-age 1h) keeps a day's for the next
        live = {u: e for u, e in self.entries.items()
                if isinstance(e, dict) and _age(e, now) <= keep}
        if len(live) > MAX_ENTRIES:
            live = dict(sorted(live.items(), key=lambda kv: kv[1]["at"])[-MAX_ENTRIES:])
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".online-verdicts-", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"version": VERSION, "entries": live}, fh, ensure_ascii=False)
            os.replace(tmp, self.path)
            tmp = None
        except OSError:
            pass
        finally:
            if tmp and os.path.exists(tmp):
                os.unlink(tmp)


def _age(entry: dict, now: float) -> float:
    try:
        return now - float(entry.get("at", 0))
    except (TypeError, ValueError):
        return float("inf")
