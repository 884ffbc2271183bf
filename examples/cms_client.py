#!/usr/bin/env python3
"""A CMS's side of `citelint serve`: post a draft, apply the safe fixes, and
list what is left for an editor. Standard library only, so it can be copied
into any CMS hook.

    citelint serve --no-browser &                      # on the CMS machine (or with --host/--token)
    python examples/cms_client.py story.md > fixed.md   # the fixed draft on stdout, the report on stderr
    python examples/cms_client.py story.md --server http://citelint.internal:8484 --token "$CITELINT_TOKEN"

Exit status: 0 when nothing at error severity is left, 1 when something is,
2 when the server cannot be reached or refuses the draft (its one-line error
is printed). Nothing is written to the draft's file: the CMS decides.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request


def call(server: str, path: str, body: dict, token: str | None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(server.rstrip("/") + path, data=json.dumps(body).encode("utf-8"),
                                 headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            return json.load(res)
    except urllib.error.HTTPError as exc:  # the server's one-line JSON error
        try:
            message = json.load(exc)["error"]
        except (ValueError, KeyError):
            message = f"HTTP {exc.code}"
        raise SystemExit(f"citelint serve refused the draft: {message}") from None
    except urllib.error.URLError as exc:
        raise SystemExit(f"cannot reach citelint serve at {server}: {exc.reason}") from None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Apply citelint's safe fixes to a draft through citelint serve.")
    ap.add_argument("draft", help="the draft's file (UTF-8)")
    ap.add_argument("--server", default=os.environ.get("CITELINT_SERVER", "http://127.0.0.1:8484"))
    ap.add_argument("--token", default=os.environ.get("CITELINT_TOKEN"))
    args = ap.parse_args(argv)
    with open(args.draft, encoding="utf-8", newline="") as fh:
        text = fh.read()
    try:
        result = call(args.server, "/api/fix", {"text": text, "path": os.path.basename(args.draft), "unsafe": False},
                      args.token)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    for fix in result["applied"]:
        link = f" (link kept: {fix['url']})" if fix["url"] else ""
        print(f"fixed   {fix['code']} line {fix['line']}: removed {fix['removed']!r}{link}", file=sys.stderr)
    for f in result["remaining"]:
        how = {"unsafe": " [an editor may apply its fix]", None: ""}.get(f["fixable"], "")
        print(f"left    {f['code']} line {f['line']}, column {f['column']} ({f['severity']}): {f['message']}{how}",
              file=sys.stderr)
    sys.stdout.buffer.write(result["text"].encode("utf-8"))
    return 1 if any(f["severity"] == "error" for f in result["remaining"]) else 0


if __name__ == "__main__":
    sys.exit(main())
