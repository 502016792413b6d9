"""What the studio commands need to know of the corpus in annotations/exports/: its tasks by key."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import Document
from ..problems import Report
from ..reader import find_exports
from ..scheme import Scheme
from ..pipeline import documents
from ..validate import display_path


@dataclass
class Corpus:
    folder: Path
    files: list[Path]
    documents: list[Document] = field(default_factory=list)
    report: Report = field(default_factory=Report)

    @classmethod
    def load(cls, folder: Path, scheme: Scheme, export_schema: dict) -> "Corpus":
        files = find_exports(folder) if folder.is_dir() else []
        corpus = cls(folder, files)
        corpus.documents = list(documents(files, scheme, export_schema, corpus.report))
        return corpus

    def by_key(self) -> dict[str, Document]:
        """Each document id/paragraph with its task (the first one, should the corpus repeat a key)."""
        found: dict[str, Document] = {}
        for doc in self.documents:
            found.setdefault(doc.key, doc)
        return found

    def path_of(self, doc: Document) -> Path:
        """The export file a document was read from (documents carry the name validation displays)."""
        return {display_path(path): path for path in self.files}.get(doc.file, Path(doc.file))

    def document_ids(self) -> set[str]:
        return {doc.document_id for doc in self.documents}

    def max_task_id(self) -> int:
        return max((doc.task_id for doc in self.documents), default=0)

    def select(self, selectors: list[str]) -> list[Document]:
        """The tasks that `DOCUMENT_ID` (all its paragraphs) or `DOCUMENT_ID/PARAGRAPH` selectors name."""
        keys = self.by_key()
        chosen: dict[str, Document] = {}
        for selector in selectors:
            if selector in keys:
                chosen.setdefault(selector, keys[selector])
                continue
            matching = [doc for doc in keys.values() if doc.document_id == selector]
            if not matching:
                raise KeyError(selector)
            for doc in sorted(matching, key=lambda d: d.sort_key):
                chosen.setdefault(doc.key, doc)
        return sorted(chosen.values(), key=lambda d: d.sort_key)
