"""Which link a free worker fetches next: per-host limits, spacing and backoff.

Politeness is per host: at most `host_concurrency` requests at a time (one until
the host has answered once), `host_interval` seconds between their starts, a
retry's wait applied to the whole host, and a host that keeps timing out given
up so it cannot hold the pool. Past the overall deadline nothing new starts.
"""
from __future__ import annotations

import threading
import time
from collections import deque

from .types import FetchConfig, Fetched, FetchJob, host_key


class Scheduler:
    """Hands jobs to workers, keeping per-host limits, spacing and backoff."""

    def __init__(self, jobs: list[FetchJob], cfg: FetchConfig, deadline: float | None):
        self.cfg = cfg
        self.deadline = deadline
        self.pending: dict[str, deque[FetchJob]] = {}
        for job in jobs:
            job.host = host_key(job.url)
            self.pending.setdefault(job.host, deque()).append(job)
        self.active: dict[str, int] = {h: 0 for h in self.pending}
        self.next_at: dict[str, float] = {h: 0.0 for h in self.pending}
        self.failures: dict[str, int] = {h: 0 for h in self.pending}
        # Slow start: one request at a time to a host until it has answered once,
        # and one timeout is enough to give up on a host that never answered, so
        # a dead or dripping server ties up one worker, not host_concurrency.
        self.answered: dict[str, bool] = {h: False for h in self.pending}
        self.in_flight = 0
        self.cond = threading.Condition()
        self.skipped: list[Fetched] = []

    def next(self) -> FetchJob | None:
        with self.cond:
            while True:
                now = time.monotonic()
                if self.deadline is not None and now >= self.deadline:
                    self._drain(lambda h: True, "the overall --online-timeout ran out")
                wait = None
                for host, queue in self.pending.items():
                    if not queue:
                        continue
                    answered = self.answered[host]
                    if self.failures[host] >= (self.cfg.host_failures if answered else 1):
                        self._drain(lambda h, host=host: h == host, "the host did not answer earlier links in time")
                        continue
                    if self.active[host] >= (self.cfg.host_concurrency if answered else 1):
                        continue
                    ready = max(self.next_at[host], queue[0].not_before)
                    if ready <= now:
                        job = queue.popleft()
                        if not job.deadline:  # the link's clock starts when it is first sent
                            job.deadline = now + self.cfg.link_timeout
                        self.active[host] += 1
                        self.next_at[host] = now + self.cfg.host_interval
                        self.in_flight += 1
                        return job
                    wait = ready - now if wait is None else min(wait, ready - now)
                if self.in_flight == 0 and not any(self.pending.values()):
                    self.cond.notify_all()
                    return None
                if self.deadline is not None:
                    left = max(0.0, self.deadline - now)
                    wait = left if wait is None else min(wait, left)
                self.cond.wait(wait)

    def _drain(self, which, reason: str) -> None:
        for host, queue in self.pending.items():
            if which(host):
                while queue:
                    self.skipped.append(Fetched(queue.popleft().url, error="skipped", detail=reason))

    def finish(self, job: FetchJob, failed: bool, answered: bool) -> None:
        with self.cond:
            self.active[job.host] -= 1
            self.in_flight -= 1
            if failed:
                self.failures[job.host] += 1
            if answered:
                self.answered[job.host] = True
            self.cond.notify_all()

    def retry(self, job: FetchJob, delay: float) -> None:
        with self.cond:
            self.answered[job.host] = True  # it answered (429, 503): it is alive
            job.not_before = time.monotonic() + delay
            # Politeness: the whole host waits, not just this link.
            self.next_at[job.host] = max(self.next_at[job.host], job.not_before)
            self.pending[job.host].appendleft(job)
            self.active[job.host] -= 1
            self.in_flight -= 1
            self.cond.notify_all()
