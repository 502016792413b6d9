"""Views that build their rows column by column give what encoding their rows one by one gives."""

from __future__ import annotations

import importlib.util

from conftest import ROOT
from tradetalks.parquet import RowEncoder
from tradetalks.scheme import load_scheme
from tradetalks.schema_files import load_export_schema
from tradetalks.validate import validate
from tradetalks.views.spans import SpansView


def _generator():
    spec = importlib.util.spec_from_file_location("make_synthetic_export", ROOT / "scripts" / "make_synthetic_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_spans_table_is_its_rows_encoded(tmp_path):
    path = tmp_path / "synthetic.json"
    _generator().write_synthetic_export(path, 120)
    scheme = load_scheme(ROOT / "schema")
    docs = []
    for exports in ([path], sorted((ROOT / "annotations" / "exports").glob("*.json"))):
        report, found = validate(exports, scheme, load_export_schema(ROOT / "schema"))
        assert report.valid
        docs += [doc for doc in found if doc.gold is not None]
    view = SpansView(scheme)
    rows = [row for doc in docs for row in view.rows(doc, [])]
    expected = RowEncoder(view.features()).table(rows)
    for part in (docs, docs[:1], []):
        table = view.table(part, [[] for _ in part])
        assert table.equals(expected.slice(0, len(part)))
    assert view.table(docs, [[] for _ in docs]).nbytes == expected.nbytes
