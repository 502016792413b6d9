"""`tradetalks render`: the exports as one static HTML page to review by eye."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .. import paths
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
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    from ..render import collect_review, render_page  # jinja2 and the page: only for this command

    scheme, export_schema = load_contract(args.schema_dir)
    files = export_files(args.inputs)
    output = args.output or paths.repo_root() / "dist" / "review.html"
    try:
        splits = SplitAssignment.load(args.splits)
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


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
