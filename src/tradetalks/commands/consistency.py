"""`tradetalks consistency`: compare the corpus' gold annotations with one another (codes C1xx)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import paths
from ..consistency import ACCEPTED_FILE, CODES, AcceptedFileError, check_corpus, load_accepted, settle
from ..outputs import OutputRefused, check_file_output, write_atomically
from ..reporting import summary, text_report
from ..validate import validate
from .common import CommandError, export_files, load_contract, run_safely


def register(sub) -> None:
    parser = sub.add_parser(
        "consistency", help="find likely annotation errors across the corpus",
        description="Check the gold annotations of valid exports against one another: a string given different "
                    "types, a marked string left unmarked elsewhere, a title beside a person without has_title, "
                    "a nationality before a title and a person without nationality, span edges the guidelines "
                    "leave out, a has_title across other words, a meeting place given communicates_with. "
                    f"Findings accepted with a reason in annotations/{ACCEPTED_FILE} are not "
                    "reported. Exit 1 when a finding is open.")
    parser.add_argument("inputs", nargs="*", type=Path, metavar="PATH",
                        help="export files or folders (default: annotations/exports/)")
    parser.add_argument("--accepted", type=Path, default=None, metavar="FILE",
                        help=f"accepted findings with their reasons (default: annotations/{ACCEPTED_FILE})")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--summary", type=Path, default=None, metavar="FILE",
                        help="also write the counts per code as JSON (the build puts results/consistency.json "
                             "into the card)")
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    scheme, export_schema = load_contract(args.schema_dir)
    files = export_files(args.inputs)
    accepted_path = args.accepted or paths.annotations_dir() / ACCEPTED_FILE
    if args.summary is not None:
        try:  # a summary this command wrote is replaced; no other file is
            check_file_output(args.summary, [*files, accepted_path], force=_is_summary(args.summary),
                              what="consistency summary", instead="it is not a summary this command wrote: "
                                                                  "choose another file")
        except OutputRefused as err:
            raise CommandError(str(err)) from None
    report, docs = validate(files, scheme, export_schema)
    if not report.valid:
        text_report(report, sys.stderr)
        print(f"tradetalks consistency: the exports have errors ({summary(report)}); fix them first",
              file=sys.stderr)
        return 1
    try:
        accepted = load_accepted(accepted_path)
    except (OSError, AcceptedFileError) as err:
        raise CommandError(str(err)) from None
    outcome = settle(check_corpus(docs), accepted)
    counts = outcome.counts()
    if args.format == "json":
        json.dump({"tasks": len(docs), "counts": counts, "open": [f.to_dict() for f in outcome.open],
                   "unused_acceptances": [a.line for a in outcome.unused]}, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        for finding in outcome.open:
            print(f"{finding.where}: {finding.code} {finding.name}: {finding.text!r}: {finding.message}")
        for acceptance in outcome.unused:
            print(f"{accepted_path}:{acceptance.line}: accepts {acceptance.code} {acceptance.text!r} at "
                  f"{acceptance.where}, which is no longer found; remove the line")
        for code, count in counts.items():
            print(f"{code} {CODES[code].name}: {count['found']} found, {count['accepted']} accepted, "
                  f"{count['open']} open")
        print(f"{len(docs)} tasks checked: {len(outcome.open)} open finding(s)")
    if args.summary is not None:
        body = {"tasks": len(docs), "documents": len({d.document_id for d in docs}), "counts": counts}
        try:
            write_atomically(args.summary, json.dumps(body, indent=2) + "\n")
        except OSError as err:
            raise CommandError(f"{args.summary}: cannot write: {err.strerror or err}") from None
    return 1 if outcome.open else 0


def _is_summary(path: Path) -> bool:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(body, dict) and {"tasks", "documents", "counts"} <= set(body)
