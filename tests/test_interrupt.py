"""Ctrl-C or a kill during `--fix`: every draft is left either as it was or
fully fixed, never half-written.

A real `citelint check --fix` runs over many drafts in its own process group
and is sent SIGINT (what Ctrl-C sends to the whole foreground group), SIGTERM
or SIGKILL at random points; single-process and parallel runs both.

- SIGINT and SIGTERM: files.write_source holds both signals while it writes
  the temporary copy and renames it, so no `.citelint-*.tmp` is ever left and
  the exit is 130 ("citelint: interrupted") or the signal's own.
- SIGKILL cannot be held. A run killed after creating its temporary copy and
  before renaming it leaves that hidden `.citelint-<random>.tmp` beside the
  draft (complete or partial fixed text); the draft itself is whole, old or
  new. Discovery never reads dot-files, and the next `--fix` that writes in
  that folder deletes such files once they are older than
  files.STALE_TEMP_AGE (an hour: a live run renames its copy within
  milliseconds).

The delays are fractions of a measured uninterrupted run, so the signals land
mid-run on fast and slow machines alike; nothing about time is asserted.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

import citelint
from citelint import files

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")

N_FILES = 100
ROUNDS = 5


def _draft(i: int) -> str:
    parts = []
    for j in range(120):  # 100 drafts of about 12 KB: enough for a parallel run (pool.PARALLEL_MIN_BYTES)
        art = (" [web:1]", " citeturn0search1", " :contentReference[oaicite:0]{index=0}", "")[(i + j) % 4]
        parts.append(f"Paragraph {j} of draft {i}: the council voted to raise spending{art}. Officials agreed.")
    return "\n\n".join(parts) + "\n"


@pytest.fixture(scope="module")
def drafts():
    texts = [_draft(i) for i in range(N_FILES)]
    return texts, [citelint.fix_text(t).text for t in texts]


def _write_all(folder, texts):
    folder.mkdir(exist_ok=True)
    for i, t in enumerate(texts):
        (folder / f"draft{i:03}.txt").write_text(t)


def _start(folder, jobs):
    return subprocess.Popen(
        [sys.executable, "-m", "citelint", "check", "--isolated", "--no-cache", "--fix", "--jobs", str(jobs),
         str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _wait_for_group(pgid, limit=120.0):
    """Until no process of the run (workers included) is left."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    os.killpg(pgid, signal.SIGKILL)
    raise AssertionError("the run's processes did not exit")


def _states(folder, texts, fixed):
    old = new = 0
    for i, (t, f) in enumerate(zip(texts, fixed)):
        got = (folder / f"draft{i:03}.txt").read_text()
        assert got in (t, f), f"draft{i:03}.txt is neither the original nor its fix"
        old += got == t
        new += got == f
    return old, new


@pytest.fixture(scope="module")
def run_time(tmp_path_factory, drafts):
    """How long an uninterrupted run takes here, per jobs setting."""
    texts, fixed = drafts
    times = {}
    for jobs in (1, 2):
        folder = tmp_path_factory.mktemp(f"timing{jobs}")
        _write_all(folder, texts)
        t0 = time.monotonic()
        proc = _start(folder, jobs)
        proc.communicate(timeout=600)
        times[jobs] = time.monotonic() - t0
        assert proc.returncode == 0
        assert _states(folder, texts, fixed) == (0, N_FILES)
    return times


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_or_term_leaves_each_draft_old_or_new_and_no_temp_files(tmp_path, drafts, run_time, sig, jobs):
    texts, fixed = drafts
    rng = random.Random(f"{sig}-{jobs}")
    for r in range(ROUNDS):
        folder = tmp_path / f"round{r}"
        _write_all(folder, texts)
        proc = _start(folder, jobs)
        time.sleep(run_time[jobs] * rng.uniform(0.15, 0.9))
        os.killpg(proc.pid, sig)
        _, err = proc.communicate(timeout=600)
        _wait_for_group(proc.pid)
        _states(folder, texts, fixed)
        assert not [p.name for p in folder.iterdir() if p.name.startswith(".citelint")]
        err = err.decode()
        assert "Traceback" not in err, err
        if sig == signal.SIGINT:
            # 130: interrupted; -SIGINT: the signal came before Python set its handler (nothing written yet)
            assert proc.returncode in (0, 130, -signal.SIGINT), (proc.returncode, err)
            assert set(err.splitlines()) <= {"citelint: interrupted"}, err
        else:
            assert proc.returncode in (0, -signal.SIGTERM), (proc.returncode, err)
        if r == ROUNDS - 1:  # running again finishes the job
            again = _start(folder, jobs)
            again.communicate(timeout=600)
            assert again.returncode == 0
            assert _states(folder, texts, fixed) == (0, N_FILES)


@pytest.mark.parametrize("jobs", [1, 2])
def test_kill_leaves_each_draft_old_or_new(tmp_path, drafts, run_time, jobs):
    texts, fixed = drafts
    rng = random.Random(f"kill-{jobs}")
    for r in range(ROUNDS):
        folder = tmp_path / f"round{r}"
        _write_all(folder, texts)
        proc = _start(folder, jobs)
        time.sleep(run_time[jobs] * rng.uniform(0.15, 0.9))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=600)
        _wait_for_group(proc.pid)
        _states(folder, texts, fixed)
        temps = [p for p in folder.iterdir() if p.name.startswith(".")]
        assert all(p.name.startswith(".citelint-") and p.name.endswith(".tmp") for p in temps), temps
        if r < ROUNDS - 1 and not temps:
            continue
        # The next run checks and fixes the drafts and never reads the leftovers...
        again = _start(folder, jobs)
        out, _ = again.communicate(timeout=600)
        assert again.returncode == 0 and b".citelint-" not in out
        assert _states(folder, texts, fixed) == (0, N_FILES)
        # ...and once they are stale, the next write in the folder removes them.
        for p in temps:
            old = time.time() - files.STALE_TEMP_AGE - 60
            os.utime(p, (old, old))
        (folder / "draft000.txt").write_text(texts[0])
        again = _start(folder, jobs)
        again.communicate(timeout=600)
        assert not [p for p in folder.iterdir() if p.name.startswith(".citelint")]
