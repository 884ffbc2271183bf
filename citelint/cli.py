"""The `citelint` command."""
from __future__ import annotations

import argparse
import sys

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FAIL_LEVELS = ("info", "warning", "error")  # --fail-level: this severity and the ones after it fail a run


class UsageError(Exception):
    pass


class OutputError(UsageError):
    """Standard output closed (`>&-`) or full (/dev/full): nothing more can be reported."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2, like every other error
        raise UsageError(message)


def _codes(value: str) -> list[str]:
    codes = [c.strip().upper() for c in value.split(",")]
    if not all(codes):
        raise argparse.ArgumentTypeError(f"expected rule codes or prefixes separated by commas, not {value!r}")
    return codes


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"--jobs needs a whole number of at least 1, not {value!r}")
    return n


def _size(value: str) -> int:
    from .config import parse_size  # deferred
    size = parse_size(value)
    if size is None:
        raise argparse.ArgumentTypeError(f"--max-file-size needs a positive number of bytes or a size "
                                         f"such as 50MB, not {value!r}")
    return size


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
    c.add_argument("--show-fixes", action="store_true",
                   help="list every fix applied, with the text it removed and the link it touched")
    c.add_argument("--format", "--output-format", dest="format", default="text",
                   help="output format: text, json, json-lines, sarif, github, rdjson, junit or html; "
                        "with --online, links or links-json list every link's verdict instead")
    c.add_argument("-o", "--output-file", help="write the report to this file")
    c.add_argument("--jobs", "-j", type=_jobs, default=None,
                   help="check files in this many processes (default: the number of cores)")
    c.add_argument("--no-cache", action="store_true", help="bypass every cache (read none, write none)")
    c.add_argument("--baseline", metavar="FILE", help="report only findings that are not in this baseline")
    c.add_argument("--write-baseline", metavar="FILE", help="record every finding in this baseline file")
    c.add_argument("--select", type=_codes, help="rule codes or prefixes to enable (replaces the config)")
    c.add_argument("--extend-select", type=_codes, default=[], help="rule codes or prefixes to add")
    c.add_argument("--ignore", type=_codes, default=[], help="rule codes or prefixes to disable")
    c.add_argument("--config", help="use this configuration file for every path")
    c.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    c.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    c.add_argument("--fail-level", choices=FAIL_LEVELS, default="error",
                   help="exit 1 on findings of this severity or worse (default: error)")
    c.add_argument("--statistics", action="store_true", help="count findings per rule")
    c.add_argument("--encoding", help="decode drafts with this encoding (default: UTF-8, or as the BOM says)")
    c.add_argument("--stdin-filename", help="the path to report and configure standard input as")
    c.add_argument("--force-exclude", action="store_true", help="apply `exclude` to files named on the command line too")
    c.add_argument("--kind", choices=("text", "markdown", "html"), help="treat every input as this kind of document")
    c.add_argument("--max-file-size", type=_size, metavar="SIZE",
                   help="skip drafts larger than this, in bytes or as 50MB, 512KiB (default: 50MB)")
    from .online.cli import add_arguments as add_online_arguments  # light: no network code loads
    add_online_arguments(c)

    r = sub.add_parser("rules", help="list every rule")
    r.add_argument("--format", default="text", choices=("text", "json"))
    r.add_argument("--config")
    r.add_argument("--isolated", action="store_true")
    r.add_argument("--test", nargs="+", metavar="PACK",
                   help="run these rule packs' examples and traps; exit 1 if one fails")

    d = sub.add_parser("rule", help="show a rule's documentation")
    d.add_argument("code")
    d.add_argument("--format", default="text", choices=("text", "json"))
    d.add_argument("--config")
    d.add_argument("--isolated", action="store_true")

    o = sub.add_parser("outlets", help="look an outlet up by name, domain or handle")
    o.add_argument("query", help="a name (Dawn), a domain or URL (dawn.com), or a handle (@dawn_com)")
    o.add_argument("--format", default="text", choices=("text", "json"))
    o.add_argument("--config")
    o.add_argument("--isolated", action="store_true")

    sub.add_parser("lsp", help="run the language server on standard input and output (the `lsp` extra)")

    s = sub.add_parser("config", help="show the settings in force for a path")
    s.add_argument("path", nargs="?", default=".")
    s.add_argument("--config")
    s.add_argument("--isolated", action="store_true")

    from .serve.cli import add_parser as add_serve_parser  # deferred: argparse only, no server code
    add_serve_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return EXIT_ERROR
        from . import tomlcache  # deferred
        tomlcache.keep_on_disk()  # parsed TOML kept across runs; the Python API keeps it in memory
        return {"check": cmd_check, "rules": cmd_rules, "rule": cmd_rule, "config": cmd_config,
                "outlets": cmd_outlets, "serve": cmd_serve, "lsp": cmd_lsp}[args.command](args)
    except UsageError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        import signal  # deferred
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the workers' shutdown
        print("citelint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): nothing to say, and nothing left to flush
        _discard(sys.stdout)
        return EXIT_ERROR
    except Exception as exc:  # configuration, pack and other known errors: one line, exit 2
        message = _known_error(exc)
        if message is None:
            import os  # deferred
            if os.environ.get("CITELINT_DEBUG"):
                raise
            detail = " ".join(str(exc).split())[:300]
            message = (f"internal error: {type(exc).__name__}{': ' + detail if detail else ''}; "
                       f"please report this (CITELINT_DEBUG=1 shows the traceback)")
        _error(message)
        return EXIT_ERROR


def _known_error(exc: Exception) -> str | None:
    """The one line for an error whose cause is known (a bad file, setting,
    pack or folder), or None for a bug."""
    from .baseline import BaselineError  # deferred
    from .config import ConfigError  # deferred
    from .outlets import RegistryError  # deferred
    from .packs import PackError, PatternTimeout  # deferred
    if isinstance(exc, (BaselineError, ConfigError, PackError, PatternTimeout, RegistryError)):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename is not None:  # a folder that cannot be searched, say
        return f"{exc.filename}: {exc.strerror or exc}"
    return None


def _error(message: str) -> None:
    """The one line an error gets: file names and pack text may hold control characters."""
    from .reports.common import printable  # deferred
    try:
        print(f"citelint: error: {printable(message)}", file=sys.stderr)
    except OSError:  # standard error is full too: the exit status is all that is left
        _discard(sys.stderr)


def _resolver(args):
    from .config import Resolver  # deferred
    overrides = {
        "select": getattr(args, "select", None),
        "extend_select": getattr(args, "extend_select", []),
        "ignore": getattr(args, "ignore", []),
        "unsafe_fixes": getattr(args, "unsafe_fixes", False),
        "allow_hosts": getattr(args, "allow_host", None) or [],
        "archive_endpoint": getattr(args, "archive_endpoint", None),
        "online_timeout": getattr(args, "online_timeout", None),
        "max_file_size": getattr(args, "max_file_size", None),
        # --online tuning: the same names as their configuration keys (config.OVERRIDES)
        "accept": getattr(args, "accept", None),
        "exclude_links": getattr(args, "exclude_link", None) or [],
        "include_links": getattr(args, "include_link", None) or [],
        "max_retries": getattr(args, "max_retries", None),
        "max_concurrency": getattr(args, "max_concurrency", None),
        "host_concurrency": getattr(args, "host_concurrency", None),
        "cache_max_age": getattr(args, "cache_max_age", None),
    }
    return Resolver(args.config, args.isolated, overrides)


def cmd_check(args) -> int:
    """collect the targets -> (online pass) -> check them -> gather the report -> baseline, emit, exit status."""
    from . import reports  # deferred
    _check_usage(args, reports)
    baseline = _load_baseline(args)
    resolver = _resolver(args)
    job = _job(args, reports)
    walk_errors = 0  # paths the walk could not read
    if "-" in args.paths:
        targets, results, stdin_out, online = _check_stdin_target(args, resolver, job)
    else:
        if args.stdin_filename:
            raise UsageError("--stdin-filename needs '-' as the path")
        (targets, walk_errors), stdin_out = _check_files(args, resolver), None
        online = _online_pass(args, job, _file_sources(targets, args.encoding))
        results = _run_files(args, targets, job, online)
    report, errors, diffs = _gather(args, job, targets, results)
    if online is not None:
        report.links = online.link_rows()
    errors += walk_errors
    if args.diff:
        _write(sys.stdout, "".join(diffs))
        return EXIT_ERROR if errors else (EXIT_FINDINGS if diffs else EXIT_OK)
    if args.write_baseline:
        return _write_baseline(args, report, errors)
    if baseline is not None:
        report.findings, report.stale = baseline.filter(report.findings, report.paths)
    _emit(args, report, stdin_out)
    if errors:
        return EXIT_ERROR
    if args.exit_zero or args.fix_only:
        return EXIT_OK
    failing = FAIL_LEVELS[FAIL_LEVELS.index(args.fail_level):]
    return EXIT_FINDINGS if any(f.severity.value in failing for f in report.findings) else EXIT_OK


def _check_usage(args, reports) -> None:
    """Options that cannot go together, or a format that does not exist: one line, exit 2."""
    if args.format not in reports.FORMATS:
        raise UsageError(f"unknown --format {args.format!r}; choose from {', '.join(reports.FORMATS)}")
    if args.baseline and args.write_baseline:
        raise UsageError("--baseline and --write-baseline cannot be combined")
    if args.format in reports.LINK_FORMATS and not getattr(args, "online", False):
        raise UsageError(f"--format {args.format} lists the links --online checked; add --online")
    if "" in args.paths:  # Path("") is the current folder: `--fix ""` must not fix all of it
        raise UsageError("an empty path names no file or folder; use '.' for the current folder")


def _load_baseline(args):
    if not args.baseline:
        return None
    from .baseline import Baseline  # deferred
    return Baseline.load(args.baseline)


def _job(args, reports):
    from .runner import Job  # deferred
    fix_mode = bool(args.fix or args.fix_only or args.diff)
    return Job(fix=fix_mode, diff=args.diff, unsafe=args.unsafe_fixes, kind=args.kind,
               encoding=args.encoding, keep_source=args.format in reports.NEEDS_SOURCES)


def _check_files(args, resolver):
    """The (path, settings) targets, and how many paths the walk could not
    read; a line for each path it skipped, and why, is printed first."""
    from .discover import iter_files  # deferred
    from .reports.common import printable  # deferred
    skipped: list = []
    targets = list(iter_files(args.paths, resolver, args.force_exclude, skipped))
    for s in skipped:
        print(f"citelint: {s.level}: {printable(s.message)}", file=sys.stderr)
    return targets, sum(s.level == "error" for s in skipped)


def _file_sources(targets, encoding):
    """(path, settings, text) of each target the online pass reads; a file that
    cannot be read is left to the check, which reports it."""
    from .files import InputError, read_source  # deferred
    for path, settings in targets:
        try:
            yield path, settings, read_source(path, encoding, digest=False, limit=settings.max_file_size).text
        except InputError:
            continue


def _online_pass(args, job, sources):
    """With --online (and not --diff): verify every cited link once, before the
    files are checked; their NET rules then read the results."""
    if not getattr(args, "online", False) or args.diff:
        return None
    from .online.cli import prepare  # deferred
    return prepare(args, list(sources), job.kind)


def _gather(args, job, targets, results):
    """The report of a run, the number of files in error, and the diffs."""
    from . import reports  # deferred
    from .reports.common import printable  # deferred
    from .runner import linter_for  # deferred
    report = reports.Report(fix_mode=job.fix)
    report.show_fixes = args.show_fixes
    for settings in dict.fromkeys(s for _, s in targets):
        report.unsafe = report.unsafe or job.unsafe_for(settings)
        if args.format in ("sarif", "html"):  # the reports that describe rules; a cached run loads none otherwise
            report.rules.update((r.code, r) for r in linter_for(settings).rules)
    errors, diffs = 0, []
    for res in results:
        for level, msg in (("notice", res.notice), ("warning", res.warning), ("error", res.error)):
            if msg:
                print(f"citelint: {level}: {printable(msg)}", file=sys.stderr)
        if res.error:
            errors += 1
        if res.error or res.notice:
            continue
        report.files += 1
        report.paths.append(res.path)
        report.fixed += res.fixed
        report.applied.extend(res.applied)
        report.findings.extend(res.findings)
        if res.source is not None:
            report.sources[res.path] = res.source
        if res.diff:
            diffs.append(res.diff)
    return report, errors, diffs


def _write_baseline(args, report, errors) -> int:
    from .baseline import Baseline  # deferred
    Baseline.from_findings(args.write_baseline, report.findings).write()
    n = len(report.findings)
    print(f"citelint: recorded {n} finding{'s' if n != 1 else ''} in {args.write_baseline}", file=sys.stderr)
    return EXIT_ERROR if errors else EXIT_OK


def _emit(args, report, stdin_out) -> None:
    """The fixed standard input (if any) on stdout and the report beside it."""
    if stdin_out is not None:
        _write(sys.stdout, stdin_out)
        if not args.fix_only:
            _emit_report(args, report, stream=sys.stderr)
    elif not args.fix_only:
        _emit_report(args, report, stream=sys.stdout)


def _run_files(args, targets, job, online=None):
    from .pool import default_jobs, run  # deferred
    from .progress import Progress  # deferred
    # Online results depend on the network, not on the file: never cached here.
    cache = None
    if not (args.no_cache or online is not None or getattr(args, "online", False)):
        from .findings_cache import Cache  # deferred
        cache = Cache()
        if cache.has_symlink():
            print(f"citelint: warning: {cache.root} is or holds a symbolic link; the findings cache is not used",
                  file=sys.stderr)
            cache = None
    progress = Progress(len(targets), sys.stderr)
    try:
        return run(targets, job, args.jobs or default_jobs(), cache, progress, online)
    finally:
        progress.close()


def _check_stdin_target(args, resolver, job):
    """Standard input as the file --stdin-filename names: (targets, results, bytes
    to print, the online pass's results)."""
    if len(args.paths) > 1:
        raise UsageError("'-' (standard input) cannot be combined with other paths")
    settings = resolver.for_path(args.stdin_filename or ".")
    data = sys.stdin.buffer.read(settings.max_file_size + 1)  # never more than the limit allows
    if len(data) > settings.max_file_size:
        return (*_stdin_too_large(args, settings, job, data), None)
    online = None
    if getattr(args, "online", False) and not args.diff:
        from .files import InputError, decode  # deferred
        try:
            text = decode(data, args.stdin_filename or "-", args.encoding)[0]
            online = _online_pass(args, job, [(args.stdin_filename or "-", settings, text)])
        except InputError:
            pass  # the check reports it
    result, stdin_out = _check_stdin(args, settings, job, data, online)
    return [("-", settings)], ([result] if result else []), stdin_out, online


def _stdin_too_large(args, settings, job, head: bytes):
    """Standard input over `max-file-size`: one error line, and with --fix the
    input passed through unchanged, a chunk at a time (never held whole)."""
    from .files import too_large  # deferred
    from .runner import FileResult  # deferred
    name = args.stdin_filename or "-"
    result = FileResult(name, error=str(too_large(name, settings.max_file_size)))
    if not job.fix or job.diff:
        return [("-", settings)], [result], None
    out = sys.stdout.buffer
    out.write(head)
    while chunk := sys.stdin.buffer.read(1 << 20):
        out.write(chunk)
    out.flush()
    return [("-", settings)], [result], b""  # already written: the report goes to stderr


def _check_stdin(args, settings, job, data: bytes, online=None):
    """Check standard input's bytes as if they were the file --stdin-filename
    names. Returns the result (None when excluded) and, with --fix, the bytes to print."""
    from pathlib import Path  # deferred

    from .discover import is_excluded  # deferred
    from .files import BinaryFile, InputError, decode  # deferred
    from .runner import FileResult, check_text, linter_for  # deferred
    linter_for(settings)  # a bad --select or pack is the run's error (one line), as for files
    name = args.stdin_filename or "-"
    echo = data if job.fix and not job.diff else None
    if args.force_exclude and name != "-" and is_excluded(Path(name), settings):
        return None, echo  # like any excluded file: not checked, passed through untouched
    try:
        text, enc, bom = decode(data, name, args.encoding)
    except BinaryFile as exc:
        return FileResult(name, notice=str(exc)), echo
    except InputError as exc:
        return FileResult(name, error=str(exc)), echo
    try:
        res, final = check_text(text, name, settings, job, online)
    except Exception as exc:  # one line, never a traceback; stdin is echoed unchanged
        from .runner import failure_message  # deferred
        return FileResult(name, error=failure_message(name, exc)), echo
    if job.keep_source:
        res.source = final
    if echo is not None and final != text:
        try:
            echo = bom + final.encode(enc)  # the same encoding and BOM it came in
        except UnicodeEncodeError as exc:
            return FileResult(name, error=f"{name}: the fix cannot be written in {enc}: {exc.reason}"), data
    return res, echo


def _emit_report(args, report, stream) -> None:
    from . import reports  # deferred
    inline = args.statistics and args.format in reports.STATISTICS_FORMATS
    to_file = bool(args.output_file)
    color = not to_file and reports.use_color(stream)
    body = reports.FORMATS[args.format](report, color=color, statistics=inline)
    if to_file:
        try:
            # A file name that is not UTF-8 (a surrogate escape) is written as \udcff, not a crash.
            with open(args.output_file, "w", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write(body)
        except OSError as exc:
            raise UsageError(f"{args.output_file}: cannot write report: {exc.strerror or exc}") from None
    else:
        _write(stream, body)
    if args.statistics and not inline:
        # A report for another tool stays whole; the counts go where a person reads.
        side = stream if to_file else sys.stderr
        _write(side, reports.FORMATS["text"](report, color=reports.use_color(side), statistics=True))


def _write(stream, text: str | bytes) -> None:
    """Write (and flush) a report, a listing or fixed standard input. Output that
    cannot be written is one line naming the cause, exit status 2: standard
    output closed (`>&-`) or full (/dev/full: ENOSPC). A closed pipe stays quiet."""
    name = "standard error" if stream is not None and stream is sys.stderr else "standard output"
    if stream is None:  # Python's stdout when the shell closed it
        raise OutputError(f"{name} is closed; nothing can be reported (-o FILE writes the report to a file)")
    try:
        if isinstance(text, bytes):
            stream.flush()
            stream.buffer.write(text)
        else:
            try:
                stream.write(text)
            except UnicodeEncodeError:  # a stream whose encoding cannot hold the text (ASCII, say)
                enc = getattr(stream, "encoding", None) or "utf-8"
                stream.write(text.encode(enc, "backslashreplace").decode(enc))
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        _discard(stream)
        raise OutputError(f"cannot write to {name}: {exc.strerror or exc}") from None


def _discard(stream) -> None:
    """Point a stream that failed at /dev/null, so what its buffer still holds is
    not written (and does not fail again, with a traceback) when Python exits."""
    import os  # deferred
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)
    except (AttributeError, OSError, ValueError):  # not a real file (tests capture output)
        pass


def cmd_rules(args) -> int:
    from .config import Resolver  # deferred
    from .ruleset import all_rules  # deferred
    settings = Resolver(args.config, args.isolated).for_path(".")
    if args.test:
        from . import packtest  # deferred
        lines, ok = packtest.run(args.test, settings)
        _write(sys.stdout, "\n".join(lines) + "\n")
        return EXIT_OK if ok else EXIT_FINDINGS
    rules = all_rules(settings.rule_packs)
    if args.format == "json":
        _write(sys.stdout, _json([r.docs() for r in rules]))
        return EXIT_OK
    lines = []
    for r in rules:
        fix = {"safe": "[*]", "unsafe": "[~]"}.get(r.fix_safety.value if r.fix_safety else "", "   ")
        lines.append(f"{r.code:<7} {fix} {r.name:<34} {r.severity.value:<8} {r.summary}\n")
    _write(sys.stdout, "".join(lines) + "\n[*] safe fix (--fix)   [~] unsafe fix (--fix --unsafe-fixes)\n")
    return EXIT_OK


def _json(obj) -> str:
    import json  # deferred

    from .reports.common import json_text  # deferred
    return json_text(json.dumps(obj, indent=2, ensure_ascii=False)) + "\n"


def cmd_rule(args) -> int:
    """A rule's documentation: a built-in rule, a plugin's, or one from the rule
    packs the configuration names (found as `check` finds it, from here)."""
    from .config import Resolver  # deferred
    from .ruledoc import rule_doc  # deferred
    from .ruleset import all_rules  # deferred
    code = args.code.upper()
    settings = Resolver(args.config, args.isolated).for_path(".")
    for r in all_rules(settings.rule_packs):
        if r.code == code or r.name == args.code:
            _write(sys.stdout, _json(r.docs()) if args.format == "json" else rule_doc(r) + "\n")
            return EXIT_OK
    raise UsageError(f"no rule {args.code!r}; `citelint rules` lists them")


def cmd_outlets(args) -> int:
    from .config import Resolver  # deferred
    from .outlets import load_registry  # deferred
    settings = Resolver(args.config, args.isolated).for_path(".")
    found = load_registry(tuple(settings.outlets)).matching(args.query)
    if args.format == "json":
        _write(sys.stdout, _json([o.as_dict() for o in found]))
        return EXIT_OK if found else EXIT_FINDINGS
    if not found:
        _write(sys.stdout, f"no outlet matches {args.query!r}\n")
        return EXIT_FINDINGS
    lines = []
    for o in found:
        other = [a for a in (*o.aliases, *o.abbreviations, *o.ambiguous, *o.garbles)]
        lines.append(f"{o.name}  [{o.id}]  {o.kind}, {o.country}")
        if other:
            lines.append(f"  also written: {', '.join(other)}")
        if o.domains or o.hosts:
            lines.append(f"  domains: {', '.join(o.domains + o.hosts)}")
        if o.handles:
            lines.append(f"  handles: {', '.join('@' + h for h in o.handles)}")
        if o.common_word:
            lines.append("  an ordinary word too: counted only when credited as a source")
        lines.append(f"  origin: {o.origin}")
    _write(sys.stdout, "".join(line + "\n" for line in lines))
    return EXIT_OK


def cmd_serve(args) -> int:
    from .serve.launch import ServeError, run  # deferred: the server and its packages load only here
    try:
        return run(args)
    except ServeError as exc:
        raise UsageError(str(exc)) from None


def cmd_lsp(args) -> int:
    try:
        from .lsp.server import serve  # deferred: pygls loads only here
    except ImportError as exc:  # pygls is an optional extra; any other missing module is a bug
        missing = (exc.name or "").partition(".")[0]
        if missing not in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise
        raise UsageError(f"`citelint lsp` needs {missing}: pip install 'citelint-news[lsp]'") from None
    return serve()


def cmd_config(args) -> int:
    from .config import Resolver  # deferred
    settings = Resolver(args.config, args.isolated).for_path(args.path)
    _write(sys.stdout, settings.as_toml())
    return EXIT_OK
