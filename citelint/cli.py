"""The `citelint` command."""
from __future__ import annotations

import argparse
import difflib
import json
import sys

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2, like every other error
        raise UsageError(message)


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="citelint", description="Find and fix citation debris in news drafts.")
    p.add_argument("--version", action="version", version=f"citelint {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    c = sub.add_parser("check", help="lint drafts (and fix them with --fix)")
    c.add_argument("paths", nargs="*", default=["."], help="files or folders ('-' reads standard input)")
    c.add_argument("--fix", action="store_true", help="apply safe fixes")
    c.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that need an editor's judgement")
    c.add_argument("--diff", action="store_true", help="show the fixes as a unified diff; write nothing")
    c.add_argument("--fix-only", action="store_true", help="apply fixes and report nothing that remains")
    c.add_argument("--format", "--output-format", dest="format", default="text",
                   help="output format: text or json")
    c.add_argument("-o", "--output-file", help="write the report to this file")
    c.add_argument("--select", type=_codes, help="rule codes or prefixes to enable (replaces the config)")
    c.add_argument("--extend-select", type=_codes, default=[], help="rule codes or prefixes to add")
    c.add_argument("--ignore", type=_codes, default=[], help="rule codes or prefixes to disable")
    c.add_argument("--config", help="use this configuration file for every path")
    c.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    c.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    c.add_argument("--statistics", action="store_true", help="count findings per rule")
    c.add_argument("--encoding", help="decode drafts with this encoding (default: UTF-8, or as the BOM says)")
    c.add_argument("--stdin-filename", help="the path to report and configure standard input as")
    c.add_argument("--force-exclude", action="store_true", help="apply `exclude` to files named on the command line too")
    c.add_argument("--kind", choices=("text", "markdown", "html"), help="treat every input as this kind of document")

    r = sub.add_parser("rules", help="list every rule")
    r.add_argument("--format", default="text", choices=("text", "json"))
    r.add_argument("--config")
    r.add_argument("--isolated", action="store_true")

    d = sub.add_parser("rule", help="show a rule's documentation")
    d.add_argument("code")
    d.add_argument("--format", default="text", choices=("text", "json"))

    s = sub.add_parser("config", help="show the settings in force for a path")
    s.add_argument("path", nargs="?", default=".")
    s.add_argument("--config")
    s.add_argument("--isolated", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return EXIT_ERROR
        return {"check": cmd_check, "rules": cmd_rules, "rule": cmd_rule, "config": cmd_config}[args.command](args)
    except UsageError as exc:
        print(f"citelint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("citelint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # configuration, pack and other known errors: one line, exit 2
        from .config import ConfigError
        from .packs import PackError, PatternTimeout
        if isinstance(exc, (ConfigError, PackError, PatternTimeout)):
            print(f"citelint: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        raise


def _resolver(args):
    from .config import Resolver
    overrides = {
        "select": getattr(args, "select", None),
        "extend_select": getattr(args, "extend_select", []),
        "ignore": getattr(args, "ignore", []),
        "unsafe_fixes": getattr(args, "unsafe_fixes", False),
    }
    return Resolver(args.config, args.isolated, overrides)


def cmd_check(args) -> int:
    from . import output
    from .discover import iter_files
    from .engine import Linter
    from .files import BinaryFile, InputError, decode, read_source, write_source
    from .fixer import MAX_ITERATIONS

    if args.format not in output.FORMATS:
        raise UsageError(f"unknown --format {args.format!r}; choose from {', '.join(output.FORMATS)}")
    fix_mode = args.fix or args.fix_only or args.diff
    resolver = _resolver(args)
    linters: dict = {}
    report = output.Report(fix_mode=bool(fix_mode))
    errors = 0
    diffs = []
    stdin_fixed = None

    def linter_for(settings):
        if settings not in linters:
            linters[settings] = Linter(settings)
        return linters[settings]

    if "-" in args.paths:
        if len(args.paths) > 1:
            raise UsageError("'-' (standard input) cannot be combined with other paths")
        name = args.stdin_filename or "-"
        targets = [("-", resolver.for_path(name if name != "-" else "."))]
    else:
        if args.stdin_filename:
            raise UsageError("--stdin-filename needs '-' as the path")
        targets = iter_files(args.paths, resolver, args.force_exclude)

    for path, settings in targets:
        linter = linter_for(settings)
        unsafe = args.unsafe_fixes or settings.unsafe_fixes
        report.unsafe = report.unsafe or unsafe
        try:
            if path == "-":
                name = args.stdin_filename or "-"
                text, _, _ = decode(sys.stdin.buffer.read(), name, args.encoding)
                sf = None
            else:
                name = path
                sf = read_source(path, args.encoding)
                text = sf.text
            kind = args.kind
            report.files += 1
            if fix_mode:
                result = linter.fix_text(text, kind, name, unsafe=unsafe)
                if not result.converged:
                    print(f"citelint: warning: {name}: fixes did not settle after "
                          f"{MAX_ITERATIONS} passes; please report this", file=sys.stderr)
                if result.text != text:
                    if args.diff:
                        diffs.append("".join(difflib.unified_diff(
                            text.splitlines(keepends=True), result.text.splitlines(keepends=True),
                            f"a/{name}", f"b/{name}")))
                    elif sf is None:
                        stdin_fixed = result.text
                    else:
                        write_source(sf, result.text)
                if sf is None and not args.diff and stdin_fixed is None:
                    stdin_fixed = text
                report.fixed += result.applied
                report.findings.extend(result.remaining)
            else:
                report.findings.extend(linter.lint_text(text, kind, name))
        except BinaryFile as exc:
            print(f"citelint: notice: {exc}", file=sys.stderr)
        except InputError as exc:
            print(f"citelint: error: {exc}", file=sys.stderr)
            errors += 1

    if args.diff:
        sys.stdout.write("".join(diffs))
        return EXIT_ERROR if errors else (EXIT_FINDINGS if diffs else EXIT_OK)
    if stdin_fixed is not None:
        sys.stdout.write(stdin_fixed)
        _emit_report(args, report, stream=sys.stderr)
    elif not args.fix_only:
        _emit_report(args, report, stream=sys.stdout)
    if errors:
        return EXIT_ERROR
    if args.exit_zero or args.fix_only:
        return EXIT_OK
    return EXIT_FINDINGS if any(f.severity.value == "error" for f in report.findings) else EXIT_OK


def _emit_report(args, report, stream) -> None:
    from . import output
    writer = output.FORMATS[args.format]
    to_file = bool(args.output_file)
    color = not to_file and output.use_color(stream)
    body = writer(report, color=color, statistics=args.statistics)
    if to_file:
        try:
            with open(args.output_file, "w", encoding="utf-8") as fh:
                fh.write(body)
        except OSError as exc:
            raise UsageError(f"{args.output_file}: cannot write report: {exc.strerror or exc}") from None
    else:
        stream.write(body)


def cmd_rules(args) -> int:
    from .config import Resolver
    from .registry import all_rules
    settings = Resolver(args.config, args.isolated).for_path(".")
    rules = all_rules(settings.rule_packs)
    if args.format == "json":
        print(json.dumps([r.docs() for r in rules], indent=2, ensure_ascii=False))
        return EXIT_OK
    for r in rules:
        fix = {"safe": "[*]", "unsafe": "[~]"}.get(r.fix_safety.value if r.fix_safety else "", "   ")
        print(f"{r.code:<7} {fix} {r.name:<34} {r.severity.value:<8} {r.summary}")
    print("\n[*] safe fix (--fix)   [~] unsafe fix (--fix --unsafe-fixes)")
    return EXIT_OK


def cmd_rule(args) -> int:
    from .registry import all_rules
    code = args.code.upper()
    for r in all_rules():
        if r.code == code or r.name == args.code:
            if args.format == "json":
                print(json.dumps(r.docs(), indent=2, ensure_ascii=False))
            else:
                print(rule_doc(r))
            return EXIT_OK
    raise UsageError(f"no rule {args.code!r}; `citelint rules` lists them")


def rule_doc(r) -> str:
    """A rule's documentation in ruff's shape, as Markdown."""
    fix = {"safe": "Safe: applied by `--fix`.",
           "unsafe": "Unsafe: applied only with `--fix --unsafe-fixes`, since it needs an editor's judgement."}
    lines = [f"# {r.name} ({r.code})", "", f"Severity: {r.severity.value}. Reads: {r.scope}. "
             f"Enabled by default: {'yes' if r.default else 'no'}. Defined in `{r.origin}`.", "",
             "## What it finds", r.summary, "", "## Why it matters", r.why, "", "## Fix safety",
             fix.get(r.fix_safety.value if r.fix_safety else "", "No fix: the finding is reported for an editor to decide."),
             ""]
    bad = [e for e in r.examples if not e.trap]
    traps = [e for e in r.examples if e.trap]
    if bad:
        lines.append("## Examples")
        for e in bad:
            lines += ["", f"```{e.format}", e.text.rstrip("\n"), "```"]
            if e.fixed is not None:
                lines += ["Fixed:", f"```{e.format}", e.fixed.rstrip("\n"), "```"]
        lines.append("")
    if traps:
        lines.append("## Not reported")
        for e in traps:
            lines += ["", f"```{e.format}", e.text.rstrip("\n"), "```"]
    return "\n".join(lines).rstrip() + "\n"


def cmd_config(args) -> int:
    from .config import Resolver
    settings = Resolver(args.config, args.isolated).for_path(args.path)
    sys.stdout.write(settings.as_toml())
    return EXIT_OK
