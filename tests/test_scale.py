"""Large exports at small sizes: the synthetic generator, worker processes, shards and row groups.

Speed and memory are measured by scripts/benchmark.py, never here.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from datasets import load_dataset

from conftest import ROOT
from tradetalks.cli import main
from tradetalks.parquet import ShardedWriter
from tradetalks.splits import SplitAssignment
from tradetalks.views import all_views

TASKS = 300


def _generator():
    spec = importlib.util.spec_from_file_location("make_synthetic_export", ROOT / "scripts" / "make_synthetic_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


synthetic = _generator()


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> tuple[Path, Path]:
    """A valid synthetic export and a splits file that freezes all its tasks."""
    folder = tmp_path_factory.mktemp("synthetic")
    path = folder / "synthetic.json"
    assert synthetic.write_synthetic_export(path, TASKS) == []
    splits = SplitAssignment({}, folder / "splits.json")
    for key in synthetic.task_keys(TASKS):
        splits.split_of(key)
    splits.save()
    return path, splits.path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_valid_synthetic_export_has_no_problem(capsys, export):
    code, out, _ = run(capsys, "validate", export[0], "--format", "json", "-q")
    report = json.loads(out)
    assert code == 0
    assert report["problems"] == []
    assert report["stats"]["tasks"] == TASKS


def test_every_injected_fault_is_reported_with_its_code_and_task(capsys, tmp_path):
    path = tmp_path / "faulty.json"
    faults = synthetic.write_synthetic_export(path, 400, fault_rate=0.1, seed=3)
    assert len({code for _, code in faults}) >= 5  # several kinds of fault, not one
    code, out, _ = run(capsys, "validate", path, "--format", "json", "-q")
    found = {(p["task"], p["code"]) for p in json.loads(out)["problems"]}
    assert code == 1
    missing = [fault for fault in faults if fault not in found]
    assert not missing


def test_the_report_is_the_same_with_worker_processes(capsys, tmp_path):
    path = tmp_path / "faulty.json"
    synthetic.write_synthetic_export(path, 500, fault_rate=0.05, seed=5)
    reports = []
    for num_proc in (1, 2):
        code, out, _ = run(capsys, "validate", path, "--format", "json", "-q", "--num-proc", num_proc)
        reports.append((code, out))
    assert reports[0] == reports[1]
    assert reports[0][0] == 1


def test_the_dataset_is_byte_identical_with_worker_processes(capsys, tmp_path, export):
    path, splits = export
    built = []
    for num_proc in (1, 2):
        out = tmp_path / f"out{num_proc}"
        code, _, err = run(capsys, "build", path, "--splits", splits, "-o", out, "-q", "--num-proc", num_proc)
        assert code == 0, err
        built.append(files_of(out))
    assert built[0].keys() == built[1].keys()
    assert any(name.endswith(".parquet") for name in built[0])
    assert built[0] == built[1]


def test_configs_can_be_chosen_and_row_groups_stay_bounded(capsys, tmp_path, export):
    path, splits = export
    out = tmp_path / "out"
    code, _, err = run(capsys, "build", path, "--splits", splits, "-o", out, "-q", "--config", "ner")
    assert code == 0, err
    assert sorted(p.name for p in (out / "data").iterdir()) == ["ner"]
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "config_name: ner" in card and "config_name: spans" not in card
    groups = [pq.ParquetFile(p).metadata for p in (out / "data" / "ner").glob("*.parquet")]
    sizes = [m.row_group(i).num_rows for m in groups for i in range(m.num_row_groups)]
    assert max(sizes) == 1_000 and sum(sizes) > 1_000  # the train split needed more than one row group


@pytest.mark.parametrize("argv, message", [
    (["--config", "tokens"], "no config named tokens"),
    (["--num-proc", "0"], "--num-proc must be at least 1"),
])
def test_bad_build_options_are_refused_plainly(capsys, tmp_path, export, argv, message):
    path, splits = export
    out = tmp_path / "out"
    code, _, err = run(capsys, "build", path, "--splits", splits, "-o", out, "-q", *argv)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_shards_and_row_groups_load_back_in_order(tmp_path, scheme):
    """Rows cut into row groups of 100 and shards of 300 come back whole, in order, streamed or not."""
    view = next(v for v in all_views(scheme) if v.name == "spans")
    folder = tmp_path / "dataset" / "data" / "spans"
    writer = ShardedWriter(folder, "train", view.features(), batch_rows=100, shard_rows=300)
    rows = [{"id": f"doc-p{i:03d}", "document_id": "doc", "paragraph": i, "task_id": i,
             "text": f"Talks resumed in Geneva on day {i}.",
             "entities": [{"id": "g", "start": 17, "end": 23, "text": "Geneva", "label": "GPE"}],
             "relations": []} for i in range(730)]
    missing = set(view.features()) - set(rows[0])
    assert not missing, f"the test's rows lack {missing}"
    for row in rows:
        writer.write(row)
    paths = writer.close()
    assert [p.name for p in paths] == [f"train-{i:05d}-of-00003.parquet" for i in range(3)]
    for path in paths:
        metadata = pq.ParquetFile(path).metadata
        assert metadata.num_rows <= 300
        assert all(metadata.row_group(i).num_rows <= 100 for i in range(metadata.num_row_groups))
    files = [str(p) for p in paths]
    loaded = load_dataset("parquet", data_files={"train": files}, split="train", features=view.features())
    streamed = load_dataset("parquet", data_files={"train": files}, split="train", features=view.features(),
                            streaming=True)
    assert [r["paragraph"] for r in loaded] == list(range(730))
    assert [r["paragraph"] for r in streamed] == list(range(730))
    for row in loaded:
        entity = row["entities"][0]
        assert row["text"][entity["start"]:entity["end"]] == entity["text"]
