"""`tradetalks splits`: show or freeze the split of every task."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..problems import Report
from ..splits import SplitAssignment
from ..validate import check_exports
from .common import CommandError, export_files, load_contract, run_safely


def register(sub) -> None:
    parser = sub.add_parser("splits", help="show or freeze the split assignment",
                            description="List how tasks fall into splits; with --freeze, record the tasks "
                                        "that have no frozen split yet in annotations/splits.json.")
    parser.add_argument("inputs", nargs="*", type=Path, metavar="PATH")
    parser.add_argument("--splits", type=Path, default=None, help="splits file (default: annotations/splits.json)")
    parser.add_argument("--freeze", action="store_true", help="write new tasks' splits to the file")
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    scheme, export_schema = load_contract(args.schema_dir)
    try:
        assignment = SplitAssignment.load(args.splits)
    except (OSError, ValueError) as err:
        raise CommandError(str(err)) from None
    counts: Counter = Counter()
    report = Report()
    for doc in check_exports(export_files(args.inputs), scheme, export_schema, report):
        split, _ = assignment.split_of(doc.key)
        counts[split] += 1
    print(", ".join(f"{split}: {n}" for split, n in sorted(counts.items())) or "no tasks")
    if assignment.added:
        print(f"{len(assignment.added)} task(s) without a frozen split")
        if args.freeze:
            assignment.save()
            print(f"recorded them in {assignment.path}")
    return 0
