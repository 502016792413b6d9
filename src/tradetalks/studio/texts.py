"""New texts as Label Studio tasks: one task per paragraph (non-empty line) of a plain-text file.

As annotations/SOURCES.md says: the document id is a hex digest of the file unless one is
given, `source` is the file's name unless given, paragraphs are numbered from 1, and the text
is the line exactly as in the file (only the line break is not part of it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


class TextFileError(ValueError):
    """A text file that cannot become tasks; the message names the file."""


@dataclass(frozen=True)
class Paragraph:
    document_id: str
    paragraph: int
    text: str
    source: str

    @property
    def key(self) -> str:
        return f"{self.document_id}/{self.paragraph}"

    def data(self) -> dict:
        return {"text": self.text, "document_id": self.document_id, "paragraph": self.paragraph,
                "source": self.source}


def document_id_of(content: bytes) -> str:
    """The document id of a file that has none: the first 16 hex digits of its sha256."""
    return hashlib.sha256(content).hexdigest()[:16]


def read_paragraphs(path: Path, document_id: str | None = None, source: str | None = None) -> list[Paragraph]:
    try:
        content = path.read_bytes()
    except OSError as err:
        raise TextFileError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = content[:err.start].count(b"\n") + 1
        raise TextFileError(f"{path}:{line}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    document_id = document_id or document_id_of(content)
    source = source or path.name
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    paragraphs = [line for line in lines if line.strip()]
    if not paragraphs:
        raise TextFileError(f"{path}: no text (every line is empty)")
    return [Paragraph(document_id, number, line, source) for number, line in enumerate(paragraphs, start=1)]
