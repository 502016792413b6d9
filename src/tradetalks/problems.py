"""Problems found in exports: stable codes, structured locations, and the report that collects them.

Every problem has a code (E… errors stop a build, W… warnings do not), a short
stable name, a plain message, and where it was found. Codes never change meaning;
retired codes are not reused. The README lists them all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Iterable


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    summary: str

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if self.code.startswith("E") else Severity.WARNING


_CODES = [
    # files
    Code("E001", "file-unreadable", "The export file cannot be opened or read."),
    Code("E002", "invalid-json", "The file is not valid JSON (or is truncated)."),
    Code("E003", "not-a-task-list", "The top level of an export must be a JSON array of tasks."),
    Code("E004", "empty-file", "The file is empty."),
    Code("W005", "byte-order-mark", "The file starts with a UTF-8 byte-order mark; it was skipped."),
    Code("W006", "no-exports", "No export files were found."),
    Code("E009", "no-tasks", "The input holds no task: there is no dataset to build."),
    Code("E010", "wrong-export-format", "The file is another Label Studio export format (JSON-MIN, CSV, TSV, CoNLL) "
                                        "or JSON Lines, not the JSON export; the file is not read further."),
    # structure (the JSON Schema in schema/export.schema.json)
    Code("E100", "schema-violation", "The task does not match the export JSON Schema."),
    # spans
    Code("E201", "offset-out-of-range", "A span's offsets are not 0 <= start < end <= len(text)."),
    Code("E202", "span-text-mismatch", "A span's stored text differs from text[start:end]."),
    Code("E203", "span-edge-whitespace", "A span starts or ends with whitespace."),
    Code("E204", "overlapping-spans", "Two spans overlap; annotation is flat."),
    Code("E205", "duplicate-region-id", "Two results of one annotation share a region id."),
    Code("E206", "unknown-entity-label", "A span has a label that is not in the scheme."),
    Code("E207", "span-label-count", "A span must carry exactly one label."),
    Code("E208", "duplicate-span", "The same span with the same label is annotated twice."),
    Code("E209", "wrong-tag-names", "A result's from_name/to_name do not match the labeling config."),
    Code("E210", "utf16-offsets", "Offsets are counted in UTF-16 code units; `tradetalks repair` converts them."),
    # relations
    Code("E301", "relation-missing-endpoint", "A relation points to a region id that the annotation does not have."),
    Code("E302", "relation-endpoint-not-span", "A relation endpoint is not a labelled span."),
    Code("E303", "relation-type-not-allowed", "The scheme does not allow this relation between these entity types."),
    Code("E304", "unknown-relation-label", "A relation has a label that is not in the scheme."),
    Code("E305", "duplicate-relation", "The same relation is annotated twice (for symmetric ones, in either order)."),
    Code("E306", "self-relation", "A relation links a span to itself."),
    Code("E307", "relation-label-missing", "A relation has no label."),
    Code("E308", "relation-direction", "An asymmetric relation cannot be bidirectional."),
    # tasks and annotations
    Code("E401", "duplicate-task-id", "Two tasks share an id."),
    Code("E402", "duplicate-paragraph", "Two tasks carry the same document id and paragraph."),
    Code("W403", "duplicate-text", "Two tasks have the same text."),
    Code("W404", "no-annotation", "The task has no annotation that is not cancelled; it is left out of the dataset."),
    Code("W405", "gold-by-recency", "Several annotations and none marked ground truth; the latest was taken as gold."),
    # build
    Code("W501", "span-off-token-boundary", "A span does not fall on token boundaries; tokens were split at its edges."),
    Code("W502", "task-not-in-splits", "The task has no frozen split; `tradetalks splits --freeze` records one."),
    Code("W503", "empty-split", "A split has no task; it is left out of the dataset (load_dataset refuses empty splits)."),
    Code("W504", "document-not-in-manifest", "A document has no row in annotations/documents.tsv; the documents "
                                             "config leaves it out."),
    Code("E601", "output-unwritable", "The output folder cannot be written."),
    # bad input, faults and repairs
    Code("E007", "nesting-too-deep", "JSON nested more than 100 levels deep; the file is not read further."),
    Code("E008", "lone-surrogate", "A task's text, document id or source holds a lone UTF-16 surrogate escape "
         "(\\ud800 without its pair): not a character, and not writable as UTF-8."),
    Code("E211", "crlf-offsets", "Offsets count each CRLF line break as one character; `tradetalks repair` converts them."),
    Code("E212", "offset-not-integer", "A span offset is written as a decimal number (48.0); offsets are integers."),
    Code("E701", "config-invalid-xml", "The labeling config is not well-formed XML."),
    Code("E702", "config-entities", "The labeling config declares a DTD or entities; they are refused, never expanded."),
    Code("E703", "config-scheme-mismatch", "The labeling config's tags or labels differ from the label scheme."),
]

CODES: dict[str, Code] = {c.code: c for c in sorted(_CODES, key=lambda c: int(c.code[1:]))}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    file: str | None = None
    task: int | str | None = None  # task id, or "#index" when the task has no usable id
    annotation: int | str | None = None
    region: str | None = None
    path: str | None = None  # JSON pointer inside the task, for structural problems
    line: int | None = None
    column: int | None = None

    @property
    def name(self) -> str:
        return CODES[self.code].name

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def location(self) -> str:
        parts = []
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
            parts.append(where)
        for key in ("task", "annotation", "region"):
            value = getattr(self, key)
            if value is not None:
                parts.append(f"{key} {value}")
        if self.path:
            parts.append(f"at {self.path}")
        return ", ".join(parts)

    def to_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if v is not None}
        out["name"] = self.name
        out["severity"] = self.severity.value
        return out


def problem(code: str, message: str, **location) -> Problem:
    if code not in CODES:
        raise KeyError(f"unknown problem code {code}")
    return Problem(code=code, message=message, **location)


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    tasks: int = 0

    def extend(self, items: Iterable[Problem]) -> None:
        self.problems.extend(items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def flatten(self, keys: Iterable[str] = ("code", "task", "region")) -> list[tuple]:
        keys = tuple(keys)
        return [tuple(getattr(p, k) for k in keys) for p in self.problems]


class FatalInputError(Exception):
    """Raised by library calls that cannot go on; carries the problems that stopped them."""

    def __init__(self, problems: list[Problem], report: "Report | None" = None):
        self.problems = problems
        self.report = report  # the whole report (counts, warnings) when there is one
        super().__init__("; ".join(f"{p.code} {p.message}" for p in problems))
