"""`tradetalks splits`: show or freeze the split of every task."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..documents import MANIFEST_FILE, ManifestError, find_manifest
from ..problems import Report
from ..splits import SplitAssignment, document_of
from ..pipeline import documents
from .common import CommandError, export_files, load_contract, run_safely


def register(sub) -> None:
    parser = sub.add_parser("splits", help="show or freeze the split assignment",
                            description="List how tasks and documents fall into splits; with --freeze, record "
                                        "the tasks that have no frozen split yet in annotations/splits.json. A new "
                                        "document's paragraphs all go to one split; new documents are spread over "
                                        "the splits by publisher and date (annotations/documents.tsv).")
    parser.add_argument("inputs", nargs="*", type=Path, metavar="PATH")
    parser.add_argument("--splits", type=Path, default=None, help="splits file (default: annotations/splits.json)")
    parser.add_argument("--documents", type=Path, default=None,
                        help=f"the documents' manifest (default: annotations/{MANIFEST_FILE})")
    parser.add_argument("--freeze", action="store_true", help="write new tasks' splits to the file")
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    scheme, export_schema = load_contract(args.schema_dir)
    try:
        assignment = SplitAssignment.load(args.splits)
    except (OSError, ValueError) as err:
        raise CommandError(str(err)) from None
    report = Report()
    keys = [doc.key for doc in documents(export_files(args.inputs), scheme, export_schema, report)]
    for key in keys:
        assignment.split_of(key)
    if assignment.added:
        assignment.assign_documents(_order(args.documents))
    splits = {key: assignment.split_of(key)[0] for key in keys}
    tasks = Counter(splits.values())
    in_split = Counter(split for _, split in {(document_of(key), split) for key, split in splits.items()})
    print(", ".join(f"{split}: {tasks[split]} tasks, {in_split[split]} documents" for split in sorted(tasks))
          or "no tasks")
    if assignment.added:
        print(f"{len(assignment.added)} task(s) without a frozen split")
        if args.freeze:
            assignment.save()
            print(f"recorded them in {assignment.path}")
    return 0


def _order(manifest: Path | None) -> dict[str, tuple]:
    """New documents are taken by publisher, then date, when the manifest lists them."""
    try:
        records = find_manifest(manifest) or {}
    except ManifestError as err:
        raise CommandError(str(err)) from None
    return {r.document_id: (r.publisher, r.date) for r in records.values()}
