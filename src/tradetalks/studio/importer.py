"""Tasks to annotate, put into a Label Studio project: new paragraphs with the gazetteer's pre-annotations,
and tasks of the corpus to correct, pre-annotated with their gold annotation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import Document
from ..scheme import Scheme
from .connection import Studio, StudioError
from .corpus import Corpus
from .gazetteer import Gazetteer
from .prelabel import ModelPredictor
from .project import check_project
from .texts import Paragraph, TextFileError, read_paragraphs

CORPUS_MODEL = "tradetalks-corpus-gold"


class ImportRefused(StudioError):
    """The tasks cannot be imported as asked (nothing was sent to the server)."""


@dataclass
class ImportPlan:
    paragraphs: list[Paragraph] = field(default_factory=list)
    corrections: list[Document] = field(default_factory=list)
    gazetteer: Gazetteer | None = None
    model: ModelPredictor | None = None  # when given, it pre-annotates every new paragraph (with the gazetteer)

    def tasks(self, scheme: Scheme) -> list[dict]:
        tasks = []
        for paragraph in self.paragraphs:
            task = {"data": paragraph.data()}
            if self.model is not None:
                found = self.model.prediction(paragraph.text)
            else:
                found = self.gazetteer and self.gazetteer.prediction(paragraph.text, scheme.labels_tag,
                                                                     scheme.text_tag)
            if found:
                task["predictions"] = [found]
            tasks.append(task)
        for doc in self.corrections:
            data = {"text": doc.text, "document_id": doc.document_id, "paragraph": doc.paragraph}
            if doc.source is not None:
                data["source"] = doc.source
            task = {"data": data}
            if doc.gold is not None:
                task["predictions"] = [gold_prediction(doc, scheme)]
            tasks.append(task)
        return tasks

    def keys(self) -> list[str]:
        return [p.key for p in self.paragraphs] + [d.key for d in self.corrections]


def gold_prediction(doc: Document, scheme: Scheme) -> dict:
    """The task's gold annotation as a Label Studio prediction, to be corrected."""
    result = [
        {"id": e.id, "from_name": scheme.labels_tag, "to_name": scheme.text_tag, "type": "labels",
         "value": {"start": e.start, "end": e.end, "text": e.text, "labels": [e.label]}}
        for e in doc.gold.entities
    ]
    result += [
        {"from_id": r.head, "to_id": r.tail, "type": "relation", "direction": "right", "labels": [r.label]}
        for r in doc.gold.relations
    ]
    return {"model_version": CORPUS_MODEL, "score": None, "result": result}


def plan_import(corpus: Corpus, scheme: Scheme, texts: list[Path], document_id: str | None = None,
                source: str | None = None, correct: list[str] = (), predictions: bool = True,
                model: Path | None = None) -> ImportPlan:
    """What to import; raises ImportRefused when a text is already in the corpus or a selector names nothing."""
    if document_id is not None and len(texts) != 1:
        raise ImportRefused("--document-id names the document of one text file; give one file")
    plan = ImportPlan()
    known = corpus.document_ids()
    seen: dict[str, Path] = {}
    for path in texts:
        try:
            paragraphs = read_paragraphs(path, document_id, source)
        except TextFileError as err:
            raise ImportRefused(str(err)) from None
        doc_id = paragraphs[0].document_id
        if doc_id in known:
            raise ImportRefused(f"{path}: document {doc_id} is already in the corpus ({corpus.folder}); "
                                f"to correct its annotations, use --correct {doc_id}")
        if doc_id in seen:
            raise ImportRefused(f"{path}: document {doc_id} is also {seen[doc_id]}")
        seen[doc_id] = path
        plan.paragraphs += paragraphs
    try:
        plan.corrections = corpus.select(list(correct))
    except KeyError as err:
        raise ImportRefused(f"--correct {err.args[0]}: no such document id or document_id/paragraph in the "
                            f"corpus ({corpus.folder})") from None
    if predictions:
        plan.gazetteer = Gazetteer.from_documents(corpus.documents, scheme)
    if model is not None:
        plan.model = ModelPredictor(model, scheme, plan.gazetteer)
    if not plan.paragraphs and not plan.corrections:
        raise ImportRefused("nothing to import: give text files, or tasks of the corpus with --correct")
    return plan


@dataclass
class ImportResult:
    project: int
    created: bool
    imported: int
    predicted: int


def import_plan(studio: Studio, plan: ImportPlan, scheme: Scheme, project: int | None,
                title: str, label_config: str) -> ImportResult:
    """Import into `project` (checked first) or into a new project with the labeling config."""
    tasks = plan.tasks(scheme)
    studio.check_access()
    created = project is None
    if project is None:
        project = studio.create_project(title, label_config)
    else:
        check_project(studio, project, scheme)
        present = {f"{d.get('document_id')}/{d.get('paragraph')}" for d in studio.task_data(project)}
        repeated = [key for key in plan.keys() if key in present]
        if repeated:
            raise ImportRefused(f"project {project} already has {len(repeated)} of these task(s): "
                                f"{', '.join(repeated[:5])}{' ...' if len(repeated) > 5 else ''}")
    imported = studio.import_tasks(project, tasks)
    if imported != len(tasks):
        raise StudioError(f"project {project}: the server created {imported} of {len(tasks)} tasks")
    return ImportResult(project, created, imported, sum(1 for t in tasks if t.get("predictions")))
