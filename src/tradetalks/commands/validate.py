"""`tradetalks validate`: check exports and report every problem at once."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tqdm import tqdm

from ..pipeline import Executor, Plan, check
from ..problems import Report, problem
from ..reporting import REPORTERS, SHOWN_PER_CODE
from .common import CommandError, export_files, load_contract, run_safely


def register(sub) -> None:
    parser = sub.add_parser("validate", help="check Label Studio exports against the scheme",
                            description="Check exports (files or folders; default annotations/exports/) and "
                                        "report every problem with its code and location. Exit 1 on errors.")
    parser.add_argument("inputs", nargs="*", type=Path, metavar="PATH")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="report format")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    parser.add_argument("--num-proc", type=int, default=1, metavar="N",
                        help="processes that check tasks, the main one included (default 1); the same report for any N")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--all", action="store_true",
                        help="list every problem (by default a code is listed 20 times, then counted)")
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    try:
        return _validate(args)
    except CommandError as err:
        if args.format != "json":
            raise
        # a program reading the JSON report gets JSON, also when the command cannot run
        json.dump({"valid": False, "error": str(err)}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 2


def _validate(args) -> int:
    scheme, export_schema = load_contract(args.schema_dir)
    files = export_files(args.inputs)
    if args.num_proc < 1:
        raise CommandError("--num-proc must be at least 1")
    report = Report()
    with tqdm(desc="tasks", unit=" tasks", disable=args.quiet or not sys.stderr.isatty()) as bar:
        for _ in check(files, Plan(scheme, export_schema), report, Executor(args.num_proc), progress=bar):
            pass
    if not files:
        report.problems.append(problem("W006", "no export files (*.json) were found"))
    REPORTERS[args.format](report, sys.stdout, limit=None if args.all else SHOWN_PER_CODE)
    failed = not report.valid or (args.strict and report.warnings)
    return 1 if failed else 0
