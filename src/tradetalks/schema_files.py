"""The files generated from the label scheme: the Label Studio labeling config and the export JSON Schema.

Both are committed under schema/ and checked for drift by `tradetalks schema --check`
and by the tests, so a change to scheme.yaml cannot land without them.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import quoteattr

from . import paths
from .scheme import Scheme

LABELING_CONFIG = "labeling_config.xml"
EXPORT_SCHEMA = "export.schema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Extension keyword: the problem code reported when this subschema fails.
CODE_KEYWORD = "x-tradetalks-code"
# The ranges of the dataset's integer columns (task_id int64, paragraph int32): a value outside cannot be built.
INT64 = {"minimum": -(2**63), "maximum": 2**63 - 1}
INT32 = {"minimum": -(2**31), "maximum": 2**31 - 1}


def labeling_config(scheme: Scheme) -> str:
    lines = [
        "<!-- Generated from schema/scheme.yaml by the tradetalks schema command; do not edit. -->",
        "<View>",
        '  <Header value="$document_id, paragraph $paragraph"/>',
        "  <Relations>",
    ]
    lines += [f"    <Relation value={quoteattr(r.name)}/>" for r in scheme.relation_types]
    lines += [
        "  </Relations>",
        f"  <Labels name={quoteattr(scheme.labels_tag)} toName={quoteattr(scheme.text_tag)}>",
    ]
    lines += [
        f"    <Label value={quoteattr(e.name)} background={quoteattr(e.color)}/>"
        for e in scheme.entity_types
    ]
    lines += [
        "  </Labels>",
        f'  <Text name={quoteattr(scheme.text_tag)} value="$text" granularity="symbol"/>',
        "</View>",
    ]
    return "\n".join(lines) + "\n"


def export_json_schema(scheme: Scheme) -> dict:
    data_properties = {
        f.name: {"type": f.type, **(INT32 | {"minimum": 1} if f.name == "paragraph" else {})}
        for f in scheme.data_fields
    }
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:{scheme.name}:label-studio-export:v{scheme.version}",
        "title": f"Label Studio JSON export restricted to the {scheme.name} label scheme v{scheme.version}",
        "description": "Generated from schema/scheme.yaml by `tradetalks schema --write`; do not edit.",
        "type": "array",
        "items": {"$ref": "#/$defs/task"},
        "$defs": {
            "task": {
                "type": "object",
                "required": ["id", "data", "annotations"],
                "properties": {
                    "id": {"type": "integer", **INT64},
                    "data": {"$ref": "#/$defs/data"},
                    "annotations": {"type": "array", "items": {"$ref": "#/$defs/annotation"}},
                    # Label Studio's default export lists predictions by id only.
                    "predictions": {
                        "type": "array",
                        "items": {"if": {"type": "integer"}, "else": {"$ref": "#/$defs/prediction"}},
                    },
                },
            },
            "data": {
                "type": "object",
                "required": [f.name for f in scheme.data_fields if f.required],
                "properties": data_properties,
            },
            "annotation": {
                "type": "object",
                "required": ["id", "result"],
                "properties": {
                    "id": {"type": "integer"},
                    "completed_by": {"type": ["integer", "object", "null"]},
                    "was_cancelled": {"type": "boolean"},
                    "ground_truth": {"type": "boolean"},
                    "created_at": {"type": "string"},
                    "updated_at": {"type": "string"},
                    "result": {"$ref": "#/$defs/results"},
                },
            },
            "prediction": {
                "type": "object",
                "required": ["result"],
                "properties": {
                    "model_version": {"type": ["string", "null"]},
                    "score": {"type": ["number", "null"]},
                    "result": {"$ref": "#/$defs/results"},
                },
            },
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {"type": {"enum": ["labels", "relation"]}},
                    "if": {"properties": {"type": {"const": "relation"}}},
                    "then": {"$ref": "#/$defs/relation_result"},
                    "else": {"$ref": "#/$defs/span_result"},
                },
            },
            "span_result": {
                "type": "object",
                "required": ["id", "from_name", "to_name", "type", "value"],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "from_name": {"const": scheme.labels_tag, CODE_KEYWORD: "E209"},
                    "to_name": {"const": scheme.text_tag, CODE_KEYWORD: "E209"},
                    "type": {"const": "labels"},
                    "value": {
                        "type": "object",
                        "required": ["start", "end", "labels"],
                        "properties": {
                            "start": {"type": "integer", "minimum": 0},
                            "end": {"type": "integer", "minimum": 0},
                            "text": {"type": "string"},
                            "labels": {
                                "type": "array",
                                "items": {"$ref": "#/$defs/entity_label"},
                            },
                        },
                    },
                },
            },
            "relation_result": {
                "type": "object",
                "required": ["from_id", "to_id", "type"],
                "properties": {
                    "from_id": {"type": "string", "minLength": 1},
                    "to_id": {"type": "string", "minLength": 1},
                    "type": {"const": "relation"},
                    "direction": {"enum": ["right", "left", "bi"]},
                    "labels": {"type": "array", "items": {"$ref": "#/$defs/relation_label"}},
                },
            },
            "entity_label": {"enum": scheme.entity_labels, CODE_KEYWORD: "E206"},
            "relation_label": {"enum": scheme.relation_labels, CODE_KEYWORD: "E304"},
        },
    }


def render_all(scheme: Scheme) -> dict[str, str]:
    return {
        LABELING_CONFIG: labeling_config(scheme),
        EXPORT_SCHEMA: json.dumps(export_json_schema(scheme), indent=2, ensure_ascii=False) + "\n",
    }


def stale_files(scheme: Scheme, schema_dir: Path | None = None) -> list[str]:
    """Names of generated files under schema/ that differ from what the scheme generates."""
    folder = schema_dir or paths.schema_dir()
    stale = []
    for name, text in render_all(scheme).items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


def write_all(scheme: Scheme, schema_dir: Path | None = None) -> list[Path]:
    folder = schema_dir or paths.schema_dir()
    written = []
    for name, text in render_all(scheme).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def load_export_schema(schema_dir: Path | None = None) -> dict:
    path = (schema_dir or paths.schema_dir()) / EXPORT_SCHEMA
    return json.loads(path.read_text(encoding="utf-8"))
