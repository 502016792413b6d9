"""`tradetalks build`: validate the exports and write the Hugging Face dataset folder."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from .. import paths
from ..documents import MANIFEST_FILE, find_manifest
from ..outputs import OutputRefused
from ..problems import FatalInputError, Report
from ..reporting import SHOWN_PER_CODE, text_report
from ..splits import SplitAssignment
from .common import CommandError, export_files, load_contract, run_safely


def register(sub) -> None:
    parser = sub.add_parser("build", help="validate the exports and build the dataset",
                            description="Validate every export and write the dataset folder: README.md (the "
                                        "card) and data/<config>/<split>-*.parquet. Nothing is written when "
                                        "any export has errors; the previous dataset stays as it was.")
    parser.add_argument("inputs", nargs="*", type=Path, metavar="PATH",
                        help="export files or folders (default: annotations/exports/)")
    parser.add_argument("-o", "--output", type=Path, default=None, help="dataset folder (default: dist/tradetalks)")
    parser.add_argument("--splits", type=Path, default=None, help="frozen splits file (default: annotations/splits.json)")
    parser.add_argument("--card", type=Path, default=None, help="card prose (default: dataset_card.md)")
    parser.add_argument("--documents", type=Path, default=None,
                        help="the documents' manifest for the documents config (default: annotations/documents.tsv "
                             "when the corpus' own exports are built)")
    parser.add_argument("--config", action="append", default=None, metavar="NAME", dest="configs",
                        help="build only this config (repeat for several; default: every config)")
    parser.add_argument("--num-proc", type=int, default=1, metavar="N",
                        help="processes that check tasks and make rows, the main one included (default 1); same output for any N")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no warnings")
    parser.add_argument("--all", action="store_true",
                        help="list every problem (by default a code is listed 20 times, then counted)")
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    from ..build import build  # imports datasets and spaCy: only when building, so other commands start fast
    from ..card import CardError
    from ..views import all_views
    from ..views.documents import DocumentsConfig

    scheme, export_schema = load_contract(args.schema_dir)
    files = export_files(args.inputs)
    output = args.output or paths.default_output()
    card_path = args.card or paths.repo_root() / "dataset_card.md"
    try:
        prose = card_path.read_text(encoding="utf-8")
        splits = SplitAssignment.load(args.splits).index()  # the file's dict is let go: the index is all a build needs
        # other exports' documents are not in the corpus' manifest: it is read by default for the corpus' own
        documents = find_manifest(args.documents) if args.documents or not args.inputs else None
    except (OSError, ValueError) as err:
        raise CommandError(str(err)) from None
    if args.num_proc < 1:
        raise CommandError("--num-proc must be at least 1")
    names = [view.name for view in all_views(scheme)] + [DocumentsConfig.name]
    unknown = sorted(set(args.configs or ()) - set(names))
    if unknown:
        raise CommandError(f"no config named {', '.join(unknown)}; the configs are {', '.join(names)}")
    inputs = [card_path, args.splits or paths.annotations_dir() / "splits.json"]
    if documents is not None:
        inputs.append(args.documents or paths.annotations_dir() / MANIFEST_FILE)
    # shown once the build has run a moment: a refused output (checked first by build) shows no bar
    bar = tqdm(desc="tasks", unit=" tasks", disable=args.quiet or not sys.stderr.isatty(), delay=0.5)
    try:
        result = build(files, output, scheme, export_schema, splits, prose, progress=bar,
                       num_proc=args.num_proc, configs=args.configs, documents=documents, inputs=inputs)
    except OutputRefused as err:
        bar.close()
        raise CommandError(str(err)) from None
    except FatalInputError as err:
        bar.close()
        text_report(err.report or Report(problems=err.problems), sys.stderr, limit=_limit(args))
        print(f"tradetalks build: nothing written; {output} is unchanged", file=sys.stderr)
        return 1
    except CardError as err:
        raise CommandError(f"{card_path}: {err}") from None
    except OSError as err:
        raise CommandError(f"E601 output-unwritable: {output}: {err.strerror or err}") from None
    bar.close()
    if not args.quiet and result.report.problems:
        text_report(result.report, sys.stderr, limit=_limit(args))
    if not args.quiet and not result.figures_drawn:
        print('the card has no figures: matplotlib is not installed (pip install -e ".[figures]" adds it)',
              file=sys.stderr)
    total = result.stats.total()
    print(f"built {output}: {total.tasks} tasks, {sum(total.entities.values())} entities, "
          f"{sum(total.relations.values())} relations, {total.rows['ner']} sentences")
    return 0


def _limit(args) -> int | None:
    return None if args.all else SHOWN_PER_CODE
