"""The corpus' documents: annotations/documents.tsv, one row per source text, and SOURCES.md made from it.

The manifest is the one record of where each document came from: its file under
annotations/texts/, its sha256, and its title, date, publisher, kind, URL, origin and
licence. `tradetalks sources` checks the texts against it and writes SOURCES.md; the build
publishes it as the `documents` config, so every row of the dataset leads to its source.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, fields
from pathlib import Path

from . import paths

MANIFEST_FILE = "documents.tsv"
TEXTS_FOLDER = "texts"
SOURCES_FILE = "SOURCES.md"
GENERATED_MARK = f"Generated from {MANIFEST_FILE} by `tradetalks sources --write`"  # what `sources` may replace


class ManifestError(ValueError):
    """The manifest or a text it lists is wrong; the message names the file and row."""


@dataclass(frozen=True)
class DocumentRecord:
    document_id: str
    file: str
    title: str
    date: str
    publisher: str
    kind: str
    paragraphs: int
    characters: int
    url: str
    origin: str
    licence: str
    sha256: str

    @property
    def government_work(self) -> bool:
        return "17 U.S.C. 105" in self.licence


COLUMNS = [f.name for f in fields(DocumentRecord)]


def manifest_path(annotations: Path | None = None) -> Path:
    return (annotations or paths.annotations_dir()) / MANIFEST_FILE


def load_manifest(path: Path | None = None) -> dict[str, DocumentRecord]:
    """The manifest's rows by document id, in file order."""
    path = path or manifest_path()
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except OSError as err:
        raise ManifestError(f"{path}: cannot read: {err.strerror or err}") from None
    if rows and list(rows[0]) != COLUMNS:
        raise ManifestError(f"{path}: the columns must be {', '.join(COLUMNS)}")
    records: dict[str, DocumentRecord] = {}
    for line, row in enumerate(rows, start=2):
        try:
            record = DocumentRecord(**{**row, "paragraphs": int(row["paragraphs"]),
                                       "characters": int(row["characters"])})
        except (TypeError, ValueError) as err:
            raise ManifestError(f"{path}:{line}: {err}") from None
        if record.document_id in records:
            raise ManifestError(f"{path}:{line}: document {record.document_id} is listed twice")
        records[record.document_id] = record
    return records


def find_manifest(path: Path | None = None) -> dict[str, DocumentRecord] | None:
    """The manifest at `path` (an error when it cannot be read), else the corpus' own when it has one, else None."""
    if path is not None:
        return load_manifest(path)
    default = manifest_path()
    return load_manifest(default) if default.is_file() else None


def paragraphs_of(text: str) -> list[str]:
    """A text's paragraphs as tasks have them: its non-empty lines, exactly as written."""
    return [line.removesuffix("\r") for line in text.split("\n") if line.strip()]


def check_texts(records: dict[str, DocumentRecord], texts: Path) -> list[str]:
    """What is wrong between the manifest and the text files (empty when they agree)."""
    problems = []
    listed = set()
    for record in records.values():
        listed.add(record.file)
        path = texts / record.file
        try:
            content = path.read_bytes()
        except OSError as err:
            problems.append(f"{path}: cannot read: {err.strerror or err}")
            continue
        digest = hashlib.sha256(content).hexdigest()
        if digest != record.sha256:
            problems.append(f"{path}: sha256 {digest}, the manifest says {record.sha256}")
        text = content.decode("utf-8")
        found = (len(paragraphs_of(text)), len(text))
        if found != (record.paragraphs, record.characters):
            problems.append(f"{path}: {found[0]} paragraphs and {found[1]} characters, the manifest says "
                            f"{record.paragraphs} and {record.characters}")
    for path in sorted(texts.glob("*.txt")):
        if path.name not in listed:
            problems.append(f"{path}: not in the manifest")
    return problems


def sources_markdown(records: dict[str, DocumentRecord]) -> str:
    """SOURCES.md: the manifest as a page, with the licence basis of each kind of document."""
    government = [r for r in records.values() if r.government_work]
    others = [r for r in records.values() if not r.government_work]
    lines = [
        "# Source texts",
        "",
        f"<!-- {GENERATED_MARK}; edit the manifest, not this page. -->",
        "",
        f"The corpus has {len(records)} documents, {sum(r.paragraphs for r in records.values())} paragraphs and "
        f"{sum(r.characters for r in records.values()):,} characters. Each file is in `{TEXTS_FOLDER}/`, byte for "
        f"byte as recorded here (sha256). Every task's `data.document_id` names one document below and "
        f"`data.source` its file; tasks are the document's paragraphs (non-empty lines), in order, numbered "
        f"from 1 in `data.paragraph`, with the text exactly as in the file (no normalisation of quotes, "
        f"dashes or spaces).",
        "",
        "## Licences",
        "",
        f"- {len(government)} documents are works of the U.S. federal government (White House, Treasury and "
        f"USTR releases), in the public domain in the United States: \"Copyright protection under this title "
        f"is not available for any work of the United States Government\" (17 U.S.C. 105). They may be "
        f"redistributed, commercial use included.",
    ]
    for record in others:
        lines.append(f"- `{record.document_id}` ({record.file}): {record.licence}")
    lines += [
        "",
        "## Documents",
        "",
        "| document_id | date | publisher | kind | title | paragraphs | characters | licence | sha256 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(records.values(), key=lambda r: (r.date or "0000", r.file)):
        title = f"[{_cell(r.title)}]({r.url})" if r.url else _cell(r.title) or "(unknown)"
        licence = "U.S. government work" if r.government_work else "see above"
        lines.append(f"| {r.document_id} | {r.date or 'unknown'} | {_cell(r.publisher) or 'unknown'} | {r.kind} | "
                     f"{title} | {r.paragraphs} | {r.characters:,} | {licence} | `{r.sha256}` |")
    lines += [
        "",
        "## Adding a document",
        "",
        f"Put the text in `{TEXTS_FOLDER}/` (UTF-8, one paragraph per line), add its row to `{MANIFEST_FILE}` "
        f"(its document id is the first 16 hex digits of the file's sha256, as `tradetalks studio import` "
        f"gives it) and run `tradetalks sources --write`. Only real, published text belongs in the corpus; "
        f"synthetic text is for tests and never ships.",
        "",
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
