"""Shared fixtures: the project's scheme and schema, small Label Studio exports made at test time."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tradetalks.scheme import load_scheme
from tradetalks.schema_files import load_export_schema

ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def scheme():
    return load_scheme(ROOT / "schema")


@pytest.fixture(scope="session")
def export_schema():
    return load_export_schema(ROOT / "schema")


def span(region: str, start: int, end: int, label: str, text: str) -> dict:
    """A span result as Label Studio writes it."""
    return {
        "id": region, "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
    }


def relation(source: str, target: str, label: str, direction: str = "right") -> dict:
    return {"from_id": source, "to_id": target, "type": "relation", "direction": direction, "labels": [label]}


def annotation(annotation_id: int, result: list, **fields) -> dict:
    return {
        "id": annotation_id, "completed_by": fields.pop("completed_by", 1), "result": result,
        "was_cancelled": False, "ground_truth": False,
        "created_at": "2026-01-01T00:00:00.000000Z", "updated_at": "2026-01-01T00:00:00.000000Z",
        "lead_time": 1.0, "task": fields.get("task"), **fields,
    }


def task(task_id: int, text: str, annotations: list, document_id: str = "doc0", paragraph: int | None = None) -> dict:
    """A task as Label Studio exports it."""
    return {
        "id": task_id,
        "data": {"text": text, "document_id": document_id,
                 "paragraph": paragraph if paragraph is not None else task_id, "source": "test"},
        "annotations": annotations, "drafts": [], "predictions": [], "meta": {},
        "created_at": "2026-01-01T00:00:00.000000Z", "updated_at": "2026-01-01T00:00:00.000000Z",
        "inner_id": task_id, "total_annotations": len(annotations), "cancelled_annotations": 0,
        "total_predictions": 0, "project": 1, "updated_by": None, "comment_authors": [],
    }


def simple_task(task_id: int = 1, document_id: str = "doc0", paragraph: int | None = None) -> dict:
    """A valid task with two spans and a relation: 'President Ada Lovelace met Chinese officials in Geneva.'"""
    text = f"President Ada Lovelace met Chinese officials in Geneva on day {task_id}."
    result = [
        span("t", 0, 9, "TITLE", text),
        span("p", 10, 22, "PERSON", text),
        span("n", 27, 34, "NORP", text),
        span("g", 48, 54, "GPE", text),
        relation("p", "t", "has_title"),
        relation("p", "n", "communicates_with"),
    ]
    return task(task_id, text, [annotation(task_id, result)], document_id, paragraph)


def write_export(folder: Path, tasks: list, name: str = "export.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def encoded_rows(features, rows: list[dict]):
    """Rows as dicts (label names included) encoded by `datasets` itself, as an Arrow table of the features'
    schema: what the views' bulk tables must equal."""
    import pyarrow as pa

    return pa.Table.from_pylist([features.encode_example(row) for row in rows], schema=features.arrow_schema)
