"""`citelint.verifySources`: the `--online` pass for one open draft, run when
the editor asks for it, never on a keystroke."""
from __future__ import annotations

import argparse


def verify(name: str, settings, text: str, kind: str):
    """The online pass's results (online.verify.OnlineState) for the links in
    `text`, or None when no NET rule is in force for it. The same pass as
    `citelint check --online`: the same address guard, redirect, size and
    time limits, and the verdict cache; hosts are admitted by `allow-hosts`
    in the configuration, as the command line's `--allow-host` would."""
    from ..online.cli import prepare  # deferred: requests and the outlet registry load here
    args = argparse.Namespace(allow_host=[], archive_endpoint=None, online_timeout=None, link_timeout=None,
                              no_cache=False, trust_env=False)
    return prepare(args, [(name, settings, text)], kind)
