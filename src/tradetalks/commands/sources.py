"""`tradetalks sources`: check the source texts against annotations/documents.tsv and write SOURCES.md."""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..documents import (GENERATED_MARK, MANIFEST_FILE, SOURCES_FILE, TEXTS_FOLDER, ManifestError, check_texts,
                         load_manifest, sources_markdown)
from ..outputs import write_atomically
from .common import CommandError, run_safely


def register(sub) -> None:
    parser = sub.add_parser("sources", help="check the source texts and their manifest; write SOURCES.md",
                            description=f"Check every text in {TEXTS_FOLDER}/ against {MANIFEST_FILE} (sha256, "
                                        f"paragraphs, characters) and that {SOURCES_FILE} is the page made from "
                                        f"the manifest; --write writes that page.")
    parser.add_argument("--annotations", type=Path, default=None, metavar="DIR",
                        help="the corpus folder (default: annotations/)")
    parser.add_argument("--write", action="store_true", help=f"write {SOURCES_FILE} from the manifest")
    parser.set_defaults(run=run_safely(run))


def run(args) -> int:
    folder = args.annotations or paths.annotations_dir()
    try:
        records = load_manifest(folder / MANIFEST_FILE)
    except ManifestError as err:
        raise CommandError(str(err)) from None
    problems = check_texts(records, folder / TEXTS_FOLDER)
    for message in problems:
        print(message)
    page = folder / SOURCES_FILE
    wanted = sources_markdown(records)
    if args.write:
        if page.is_file() and GENERATED_MARK not in page.read_text(encoding="utf-8"):
            raise CommandError(f"{page} was not written by `tradetalks sources`: it is never replaced; move it aside "
                               f"(its text can go into the manifest's rows) and run again")
        if not problems:
            write_atomically(page, wanted)
            print(f"wrote {page}")
    elif not page.is_file() or page.read_text(encoding="utf-8") != wanted:
        problems.append(f"{page} is out of date with {MANIFEST_FILE}; run `tradetalks sources --write`")
        print(problems[-1])
    if not problems:
        print(f"{len(records)} documents: every text matches {MANIFEST_FILE}")
    return 1 if problems else 0
