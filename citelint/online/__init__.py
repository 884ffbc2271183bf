"""Online source verification (`citelint check --online`).

Nothing here touches the network, or even imports requests, until the online
pass runs: `citelint check` without `--online` opens no socket.

- guard.py: which addresses may be connected to (SSRF hardening)
- transport.py: connections that obey the guard and a wall-clock deadline
- fetch.py: the worker pool, retries, redirects, byte caps; schedule.py: per-host
  politeness; errors.py: what a failed request means
- page.py: what is kept of a page (title, publisher claims, words)
- verdicts.py: dead, soft 404, redirected elsewhere, could not verify, blocked
- citations.py: the sentence, quotes and outlet beside each link in a draft
- publisher.py, quotes.py: the outlet and quote checks
- archive.py: Wayback snapshots for dead links; cache.py: the verdict cache
- verify.py: the online pass; rules.py: the NET rules; cli.py: the options
"""
