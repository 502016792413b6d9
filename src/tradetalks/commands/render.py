"""`tradetalks render`: the exports as one static HTML page to review by eye."""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..outputs import check_file_output, write_atomically
from ..splits import SplitAssignment
from .common import CommandError, export_files, load_contract, run_safely


def register(sub) -> None:
    parser = sub.add_parser("render", help="write an HTML page to review the annotations",
                            description="Write one self-contained HTML page (opens from disk, loads nothing) "
                                        "with every task's text, its entity spans in their label colours, its "
                                        "relations as arrows, its split and its validation problems; several "
                                        "annotators of a task side by side, their differences marked. "
                                        "Exit 1 when the input has errors (the page is written and shows them).")
    parser.add_argument("inputs", nargs="*", type=Path, metavar="PATH",
                        help="export files or folders (default: annotations/exports/)")
    parser.add_argument("-o", "--output", type=Path, default=None, help="the page (default: dist/review.html)")
    parser.add_argument("--splits", type=Path, default=None, help="frozen splits file (default: annotations/splits.json)")
    parser.add_argument("--force", action="store_true", help="replace the page if it exists (never an input)")
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    from ..render import collect_review, render_page  # jinja2 and the page: only for this command

    scheme, export_schema = load_contract(args.schema_dir)
    files = export_files(args.inputs)
    output = args.output or paths.repo_root() / "dist" / "review.html"
    try:
        splits = SplitAssignment.load(args.splits)
        # the default page is the command's own, rewritten on every run; any other file needs --force
        force = args.force or args.output is None
        check_file_output(output, [*files, splits.path], force=force, what="review page")
    except (OSError, ValueError) as err:
        raise CommandError(str(err)) from None
    review = collect_review(files, scheme, export_schema, splits)
    page = render_page(review, scheme)
    try:
        write_atomically(output, page)
    except OSError as err:
        raise CommandError(f"E601 output-unwritable: {output}: {err.strerror or err}") from None
    report = review.report
    print(f"wrote {output}: {len(review.tasks)} task(s), {len(report.errors)} error(s), "
          f"{len(report.warnings)} warning(s)")
    return 0 if report.valid else 1
