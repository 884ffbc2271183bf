"""`citelint.verifySources`: the `--online` pass for one open draft, run when
the editor asks for it, never on a keystroke."""
from __future__ import annotations

import argparse


def verify(name: str, settings, text: str, kind: str):
    """The online pass's results (online.verify.OnlineState) for the links in
    `text`, or None when no NET rule is in force for it. The same pass as
    `citelint check --online`: the same address guard, redirect, size and
    time limits, and the verdict cache. Internal hosts and another archive
    are admitted by the editor's own settings (`allowHosts`,
    `archiveEndpoint`: lsp/settings.py) or a `config` file it names, as the
    command line's options would; a configuration found beside the drafts is
    not trusted with them."""
    from ..online.cli import prepare  # deferred: requests and the outlet registry load here
    args = argparse.Namespace(allow_host=[], archive_endpoint=None, online_timeout=None, link_timeout=None,
                              no_cache=False, trust_env=False)
    return prepare(args, [(name, settings, text)], kind)
