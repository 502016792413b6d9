"""`tradetalks export`: the built dataset as files that other training tools read directly."""

from __future__ import annotations

from pathlib import Path

from .. import paths
from .common import CommandError, run_safely

FORMATS = ("spacy", "conll")


def register(sub) -> None:
    parser = sub.add_parser("export", help="write the built dataset as spaCy DocBin or CoNLL column files",
                            description="Read the built dataset folder and write one file per split, named "
                                        "train, dev (the validation split) and test: `spacy` writes DocBin "
                                        "files (.spacy) for `spacy train`, with entity spans exact; `conll` "
                                        "writes CoNLL-2003-style token/tag files (.txt) for Flair and other "
                                        "column readers, with -DOCSTART- lines at document boundaries.")
    parser.add_argument("format", choices=FORMATS)
    parser.add_argument("--dataset", type=Path, default=None,
                        help="the built dataset folder (default: dist/tradetalks)")
    parser.add_argument("-o", "--output", type=Path, default=None,
                        help="folder for the files (default: dist/<format>)")
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    from ..export import DatasetFolderError  # imports datasets and spaCy: only when exporting
    from ..export.conll import export_conll
    from ..export.spacy_docbin import export_spacy

    dataset = args.dataset or paths.default_output()
    output = args.output or paths.repo_root() / "dist" / args.format
    try:
        if args.format == "spacy":
            for item in export_spacy(dataset, output):
                print(f"wrote {item.path}: {item.split}, {item.examples} doc(s), {item.entities} entities")
        else:
            for item in export_conll(dataset, output):
                note = (f", {item.whitespace_tokens_left_out} whitespace token(s) inside entities left out"
                        if item.whitespace_tokens_left_out else "")
                print(f"wrote {item.path}: {item.split}, {item.documents} document(s), {item.sentences} "
                      f"sentence(s), {item.tokens} tokens{note}")
    except (DatasetFolderError, ValueError) as err:
        raise CommandError(str(err)) from None
    except OSError as err:
        raise CommandError(f"E601 output-unwritable: {output}: {err.strerror or err}") from None
    return 0
