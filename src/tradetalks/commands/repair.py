"""`tradetalks repair`: write a repaired copy of an export, listing every change."""

from __future__ import annotations

import sys
from pathlib import Path

from ..problems import FatalInputError, Report
from ..repair import RepairRefused, repair_file
from ..reporting import summary, text_report
from ..validate import display_path, validate
from .common import CommandError, load_contract, run_safely


def register(sub) -> None:
    parser = sub.add_parser("repair", help="write a repaired copy of an export",
                            description="Convert span offsets counted in UTF-16 code units or with CRLF line "
                                        "breaks as one character to code points (E210, E211) and trim whitespace "
                                        "from span edges (E203). Writes OUT, lists each change, then validates "
                                        "OUT; with nothing to repair, writes nothing. The input is never modified. "
                                        "Exit 1 when errors remain.")
    parser.add_argument("input", type=Path, metavar="IN", help="a Label Studio JSON export")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="the repaired export")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists (never the input)")
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    scheme, export_schema = load_contract(args.schema_dir)
    if not args.input.is_file():
        raise CommandError(f"{args.input}: no such file")
    try:
        changes = repair_file(args.input, args.output, force=args.force, display_name=display_path(args.input))
    except RepairRefused as err:
        raise CommandError(str(err)) from None
    except FatalInputError as err:
        text_report(Report(problems=err.problems, files=1), sys.stderr)
        print(f"tradetalks repair: nothing written; {args.input} cannot be read whole", file=sys.stderr)
        return 1
    except OSError as err:
        raise CommandError(f"E601 output-unwritable: {args.output}: {err.strerror or err}") from None
    for change in changes:
        print(change)
    if changes:
        print(f"{len(changes)} change(s); wrote {args.output}")
        checked = args.output
    else:
        print("nothing to repair; nothing written (the input is checked as it is)")
        checked = args.input
    report, _ = validate([checked], scheme, export_schema)
    if report.problems:
        text_report(report, sys.stderr)
    else:
        print(f"{checked}: {summary(report)}")
    return 0 if report.valid else 1
