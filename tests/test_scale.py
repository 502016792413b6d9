"""Large exports at small sizes: the synthetic generator, worker processes, shards and row groups.

Everything here runs on exports made by scripts/make_synthetic_export.py, a few hundred
tasks each. Speed and memory are measured by scripts/benchmark.py, never here.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import time
from pathlib import Path

import datasets.config
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from datasets import load_dataset

from conftest import ROOT, encoded_rows
from tradetalks.build import build
from tradetalks.cli import main
from tradetalks.pipeline import Executor, Plan, check
from tradetalks.pipeline.stages import ChunkChecker
from tradetalks.problems import Report
from tradetalks.reporting import REPORTERS, text_report
from tradetalks.schema_files import load_export_schema
from tradetalks.scheme import load_scheme
from tradetalks.parquet import ShardedWriter
from tradetalks.splits import SPLITS, SplitAssignment
from tradetalks.views import all_views

TASKS = 500  # two chunks of tradetalks.pipeline.CHUNK_TASKS
CHUNK_TASKS = 16  # far more chunks than the worker processes hold in flight
CONFIGS = ["spans", "ner", "relations"]
# (rows per row group, rows per shard) for each config, small enough that every train split has several
# shards of several row groups; each shard size a multiple of its row group size
SMALL = {"spans": (20, 60), "ner": (100, 500), "relations": (1_000, 4_000)}


def _generator():
    spec = importlib.util.spec_from_file_location("make_synthetic_export", ROOT / "scripts" / "make_synthetic_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


synthetic = _generator()


def run(*argv) -> tuple[int, str, str]:
    """`tradetalks ARGV` in this process: exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def front_matter(folder: Path) -> dict:
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n")
    return yaml.safe_load(card.split("\n---\n", 1)[0][4:])


def dataset_info(meta: dict) -> dict[str, dict]:
    """The card's dataset_info by config name (a single config's is a mapping, not a list)."""
    entries = meta["dataset_info"]
    return {entry["config_name"]: entry for entry in (entries if isinstance(entries, list) else [entries])}


def build_small(export: Path, splits: Path, out: Path, num_proc: int = 1) -> str:
    """The build (the command's, through the library) with SMALL row groups and shards and chunks of
    CHUNK_TASKS; its report as text."""
    scheme = load_scheme()
    result = build([export], out, scheme, load_export_schema(), SplitAssignment.load(splits).index(),
                   (ROOT / "dataset_card.md").read_text(encoding="utf-8"), num_proc=num_proc,
                   chunk_tasks=CHUNK_TASKS, shard_sizes=SMALL)
    text = io.StringIO()
    text_report(result.report, text)
    return text.getvalue()


def validate_small(path: Path, fmt: str, num_proc: int) -> tuple[int, str, str]:
    """validate's exit code, report and (empty) stderr, with chunks of CHUNK_TASKS."""
    report = Report()
    for _ in check([path], Plan(load_scheme(), load_export_schema()), report, Executor(num_proc),
                   chunk_tasks=CHUNK_TASKS):
        pass
    out = io.StringIO()
    REPORTERS[fmt](report, out)
    return (0 if report.valid else 1), out.getvalue(), ""


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


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> tuple[Path, list[tuple[int, str]]]:
    """A synthetic export where a tenth of the tasks carry one injected fault, every kind at least once."""
    path = tmp_path_factory.mktemp("faulty") / "faulty.json"
    faults = synthetic.write_synthetic_export(path, 400, fault_rate=0.1, seed=3)
    assert {code for _, code in faults} == set(synthetic.FAULTS.values())
    return path, faults


@pytest.fixture(scope="module")
def sharded(tmp_path_factory, export) -> tuple[Path, str]:
    """The export built with SMALL row groups and shards: the folder and the build's report as text."""
    path, splits = export
    out = tmp_path_factory.mktemp("sharded") / "dataset"
    return out, build_small(path, splits, out)


# -- the generator and validate -----------------------------------------------------------------------


def test_a_valid_synthetic_export_has_no_problem(export):
    code, out, _ = run("validate", export[0], "--format", "json", "-q")
    report = json.loads(out)
    assert code == 0
    assert report["valid"] is True
    assert report["problems"] == []
    assert report["stats"] == {"files": 1, "tasks": TASKS, "errors": 0, "warnings": 0}


def test_every_injected_fault_is_reported_with_its_code_and_task(faulty):
    path, faults = faulty
    code, out, _ = run("validate", path, "--format", "json", "-q")
    report = json.loads(out)
    found = {(p["task"], p["code"]) for p in report["problems"]}
    assert code == 1
    assert report["valid"] is False
    assert [fault for fault in faults if fault not in found] == []
    # and nothing is reported at a task that carries no fault (a fault may bring others with it: a relation
    # to a broken span is E302 too)
    assert {p["task"] for p in report["problems"]} == {task for task, _ in faults}
    assert report["stats"]["tasks"] == 400


def test_a_build_of_a_faulty_export_writes_nothing(tmp_path, faulty):
    path, faults = faulty
    out = tmp_path / "out"
    code, _, err = run("build", path, "-o", out, "-q", "--num-proc", 2,
                       "--splits", tmp_path / "no-splits.json")
    assert code == 1
    assert not out.exists()
    assert all(f"task {task}" in err for task, _ in faults)
    assert "nothing written" in err
    assert [p.name for p in tmp_path.iterdir()] == []  # no staging folder left behind either


# -- worker processes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_report_is_the_same_with_worker_processes(faulty, fmt):
    path, faults = faulty
    reports = [run("validate", path, "--format", fmt, "-q", "--num-proc", num_proc) for num_proc in (1, 2)]
    reports += [validate_small(path, fmt, num_proc) for num_proc in (1, 2, 3)]
    assert all(report == reports[0] for report in reports[1:])
    assert reports[0][0] == 1
    if fmt == "json":
        assert len(json.loads(reports[0][1])["problems"]) >= len(faults)


@pytest.mark.parametrize("sizes", ["default", "small"])
def test_the_dataset_is_byte_identical_with_worker_processes(tmp_path, export, sizes):
    """Default sizes: two chunks of tasks and one shard a split; small: 32 chunks and several shards a split."""
    path, splits = export
    built = []
    for num_proc in (1, 2):
        out = tmp_path / f"out{num_proc}"
        if sizes == "small":
            build_small(path, splits, out, num_proc)
        else:
            code, _, err = run("build", path, "--splits", splits, "-o", out, "-q", "--num-proc", num_proc)
            assert code == 0, err
        built.append(files_of(out))
    parquet = [name for name in built[0] if name.endswith(".parquet")]
    assert {name.split("/")[1] for name in parquet} == set(CONFIGS)
    if sizes == "small":
        assert len(parquet) > 3 * len(SPLITS)  # several shards in a split
    assert sorted(built[0]) == sorted(built[1])
    for name in built[0]:
        assert built[0][name] == built[1][name], f"{name} differs with 2 worker processes"


def _checked_with_workers(path: Path, tables: Path, plan: Plan | None = None) -> list:
    """The chunks of `path` checked by the main process and a worker, which hands its tables over in a folder
    made in `tables`."""
    plan = plan or Plan(load_scheme(), load_export_schema())
    try:
        return list(check([path], plan, Report(), Executor(2, table_folder=str(tables)), chunk_tasks=CHUNK_TASKS))
    finally:
        assert not list(tables.iterdir()), "the workers' tables folder was left behind"


def test_chunks_are_checked_by_the_worker_and_by_the_main_process_while_it_is_busy(monkeypatch, tmp_path, export):
    """The worker's tables come back through the folder; the main process checks chunks itself while the
    worker has its fill, and every chunk is what the main process alone makes of it."""
    path, splits = export
    scheme = load_scheme()
    plan = Plan(scheme, load_export_schema(), [v for v in all_views(scheme) if v.name in ("spans", "ner")],
                SplitAssignment.load(splits).index())
    main_process, in_main = os.getpid(), set()
    checked = ChunkChecker.__call__

    def slow_worker(self, chunk):
        if os.getpid() == main_process:
            in_main.add(chunk.tasks[0][0] // CHUNK_TASKS)
        else:
            time.sleep(0.05)
        return checked(self, chunk)

    monkeypatch.setattr(ChunkChecker, "__call__", slow_worker)
    seen = []  # the files of tables the main process mapped, then removed
    unlink = os.unlink
    monkeypatch.setattr(os, "unlink", lambda file, *args, **kwargs: seen.append(file) or unlink(file, *args, **kwargs))
    tables = tmp_path / "tables"
    tables.mkdir()
    chunks = _checked_with_workers(path, tables, plan)
    monkeypatch.setattr(ChunkChecker, "__call__", checked)
    monkeypatch.setattr(os, "unlink", unlink)
    in_process = list(check([path], plan, Report(), chunk_tasks=CHUNK_TASKS))
    assert 0 < len(in_main) < len(chunks)
    assert len(seen) == sum(len(chunk.tables) for n, chunk in enumerate(chunks) if n not in in_main) > 0
    assert all(Path(file).parent.parent == tables for file in seen)
    assert [sorted(chunk.tables) for chunk in chunks] == [sorted(chunk.tables) for chunk in in_process]
    for chunk, alone in zip(chunks, in_process):
        assert [outcome.identity for outcome in chunk.outcomes] == [outcome.identity for outcome in alone.outcomes]
        for key, table in chunk.tables.items():
            assert table.equals(alone.tables[key])


@pytest.mark.parametrize("num_proc", [1, 2])
def test_the_files_are_read_as_the_chunks_are_checked(monkeypatch, export, num_proc):
    """The files are read lazily, so what follows the last file in the iterable (the build's loading of
    the figures) comes once the last task is read: with a (slow) worker, while chunks are still in
    flight, before the last of them is yielded."""
    path, _ = export
    main_process, checked = os.getpid(), ChunkChecker.__call__

    def slow_worker(self, chunk):
        if os.getpid() != main_process:
            time.sleep(0.05)
        return checked(self, chunk)

    monkeypatch.setattr(ChunkChecker, "__call__", slow_worker)
    yielded, calls = [], []

    def files():
        yield path
        calls.append(len(yielded))

    for chunk in check(files(), Plan(load_scheme(), load_export_schema()), Report(), Executor(num_proc),
                       chunk_tasks=CHUNK_TASKS):
        yielded.append(chunk)
    total = -(-TASKS // CHUNK_TASKS)
    assert len(yielded) == total and len(calls) == 1
    if num_proc == 1:
        assert calls == [total]
    else:
        assert 0 < calls[0] < total


def test_an_error_in_a_worker_process_is_raised_in_the_main_process(monkeypatch, tmp_path, export):
    def broken(self, chunk):
        if os.getpid() != main_process and chunk.tasks[0][0] >= 2 * CHUNK_TASKS:  # the worker's third chunk on
            raise ValueError("a bug in the checks")
        return checked(self, chunk)

    main_process, checked = os.getpid(), ChunkChecker.__call__
    monkeypatch.setattr(ChunkChecker, "__call__", broken)
    with pytest.raises(ValueError, match="a bug in the checks") as raised:
        _checked_with_workers(export[0], tmp_path)
    assert any("in a worker process, checking tasks of" in note for note in raised.value.__notes__)


def test_a_worker_process_that_dies_is_reported_not_waited_for(monkeypatch, tmp_path, export):
    main_process, checked = os.getpid(), ChunkChecker.__call__
    monkeypatch.setattr(ChunkChecker, "__call__", lambda self, chunk: (
        checked(self, chunk) if os.getpid() == main_process else os._exit(3)))
    with pytest.raises(RuntimeError, match=r"worker process \d+ stopped \(exit code 3\)"):
        _checked_with_workers(export[0], tmp_path)


# -- shards and row groups ----------------------------------------------------------------------------


def test_frozen_splits_leave_no_split_warning(sharded):
    _, err = sharded
    assert "W502" not in err and "W503" not in err
    assert "valid: 0 error(s)" in err and f"{TASKS} task(s)" in err


def test_shards_are_named_in_order_and_row_groups_bounded(sharded):
    out, _ = sharded
    info = dataset_info(front_matter(out))
    assert sorted(p.name for p in (out / "data").iterdir()) == sorted(CONFIGS)
    for config in CONFIGS:
        batch_rows, shard_rows = SMALL[config]
        folder = out / "data" / config
        names = sorted(p.name for p in folder.iterdir())
        assert not [name for name in names if not name.endswith(".parquet") or name.startswith(".")]
        examples = {split["name"]: split["num_examples"] for split in info[config]["splits"]}
        for split in SPLITS:
            shards = [name for name in names if name.startswith(f"{split}-")]
            assert shards, f"{config}/{split} has no shard"
            total = len(shards)
            assert shards == [f"{split}-{i:05d}-of-{total:05d}.parquet" for i in range(total)]
            assert all(re.fullmatch(rf"{split}-\d{{5}}-of-\d{{5}}\.parquet", name) for name in shards)
            groups = []
            for name in shards:
                metadata = pq.ParquetFile(folder / name).metadata
                assert 0 < metadata.num_rows <= shard_rows, f"{config}/{name}: {metadata.num_rows} rows"
                groups += [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
            assert max(groups) <= batch_rows
            assert all(size == batch_rows for size in groups[:-1]), f"{config}/{split}: row groups {groups}"
            assert sum(groups) == examples[split]  # the card counts what the shards hold
        train = [name for name in names if name.startswith("train-")]
        assert len(train) > 1, f"{config}: the test's sizes should give train several shards"


def _offline(monkeypatch) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)


@pytest.mark.slow
@pytest.mark.parametrize("config", CONFIGS)
def test_sharded_dataset_loads_the_same_offline_and_streamed(monkeypatch, tmp_path, scheme, sharded, config):
    out, _ = sharded
    _offline(monkeypatch)
    loaded = load_dataset(str(out), config, cache_dir=str(tmp_path / "hf-cache"))
    streamed = load_dataset(str(out), config, streaming=True)
    assert sorted(loaded) == sorted(streamed) == sorted(SPLITS)
    for split in SPLITS:
        shards = sorted((out / "data" / config).glob(f"{split}-*.parquet"))
        in_shard_order = pa.concat_tables([pq.read_table(p) for p in shards]).to_pylist()
        rows = loaded[split].to_list()
        assert rows == in_shard_order, f"{config}/{split}: rows not as the shards hold them, in order"
        assert list(streamed[split]) == rows
        features = next(view for view in all_views(scheme) if view.name == config).features()
        assert loaded[split].features == streamed[split].features == features


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, sharded):
    out, _ = sharded
    with pytest.MonkeyPatch.context() as patch:
        _offline(patch)
        cache = str(tmp_path_factory.mktemp("hf-cache"))
        return {config: load_dataset(str(out), config, cache_dir=cache) for config in CONFIGS}


def test_every_task_is_in_its_frozen_split_once_and_in_file_order(loaded, export):
    frozen = SplitAssignment.load(export[1])
    seen = []
    for split in SPLITS:
        task_ids = loaded["spans"][split]["task_id"]
        assert task_ids == sorted(task_ids)
        keys = synthetic.task_keys(TASKS)
        assert all(frozen.split_of(keys[task_id - 1]) == (split, True) for task_id in task_ids)
        seen += task_ids
    assert sorted(seen) == list(range(1, TASKS + 1))


def test_every_span_offset_reproduces_its_text(loaded):
    spans = loaded["spans"]
    entity_names = spans["train"].features["entities"].feature["label"].names
    generated = {task["id"]: task for task, _ in synthetic.synthetic_tasks(TASKS)}
    texts, entities = {}, {}
    for split in SPLITS:
        for row in spans[split]:
            text = row["text"]
            texts[row["task_id"]] = text
            assert text == generated[row["task_id"]]["data"]["text"]
            for entity in row["entities"]:
                assert text[entity["start"]:entity["end"]] == entity["text"]
            mine = {(e["start"], e["end"], entity_names[e["label"]]) for e in row["entities"]}
            expected = {(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                        for r in generated[row["task_id"]]["annotations"][0]["result"] if r["type"] == "labels"}
            assert mine == expected
            entities[row["task_id"]] = mine
    assert len(texts) == TASKS

    # ner: every token is its text's slice, the tokens cover every character but whitespace, and the BIO
    # tags give back exactly the annotated entities
    covered = {task_id: [False] * len(text) for task_id, text in texts.items()}
    from_tags = {task_id: set() for task_id in texts}
    for split in SPLITS:
        tag_names = loaded["ner"][split].features["ner_tags"].feature.names
        for row in loaded["ner"][split]:
            task_id, text = row["task_id"], texts[row["task_id"]]
            assert len(row["tokens"]) == len(row["ner_tags"]) == len(row["token_starts"]) == len(row["token_ends"])
            current = None
            for token, tag, start, end in zip(row["tokens"], row["ner_tags"], row["token_starts"], row["token_ends"]):
                assert text[start:end] == token
                assert not any(covered[task_id][start:end]), f"task {task_id}: tokens overlap at {start}"
                covered[task_id][start:end] = [True] * (end - start)
                name = tag_names[tag]
                if name.startswith("I-"):
                    assert current is not None and current[2] == name[2:], f"task {task_id}: {name} after {current}"
                    current[1] = end
                    continue
                if current is not None:
                    from_tags[task_id].add(tuple(current))
                current = [start, end, name[2:]] if name.startswith("B-") else None
            if current is not None:
                from_tags[task_id].add(tuple(current))
    for task_id, text in texts.items():
        assert all(done or char.isspace() for done, char in zip(covered[task_id], text)), f"task {task_id}"
    assert from_tags == entities

    for split in SPLITS:
        rows = loaded["relations"][split]
        assert len(rows) > 0
        for row in rows:
            assert row["text"] == texts[row["task_id"]]
            for mention in (row["head"], row["tail"]):
                assert row["text"][mention["start"]:mention["end"]] == mention["text"]


# -- choosing configs and refusing bad options --------------------------------------------------------


@pytest.mark.parametrize("chosen", [["ner"], ["relations", "spans"]])
def test_configs_can_be_chosen(tmp_path, export, chosen):
    path, splits = export
    out = tmp_path / "out"
    code, _, err = run("build", path, "--splits", splits, "-o", out, "-q", *[f"--config={c}" for c in chosen])
    assert code == 0, err
    assert sorted(p.name for p in (out / "data").iterdir()) == sorted(chosen)
    meta = front_matter(out)
    in_card = [entry["config_name"] for entry in meta["configs"]]
    assert sorted(in_card) == sorted(chosen)
    assert in_card == [c for c in CONFIGS if c in chosen]  # in the views' order
    assert sorted(dataset_info(meta)) == sorted(chosen)
    assert [entry.get("default", False) for entry in meta["configs"]] == [True] + [False] * (len(chosen) - 1)
    for entry in meta["configs"]:
        assert all(f["path"].startswith(f"data/{entry['config_name']}/") for f in entry["data_files"])


@pytest.mark.parametrize("argv, message", [
    (["--config", "tokens"], "no config named tokens; the configs are spans, ner, relations"),
    (["--config", "ner", "--config", "bogus"], "no config named bogus;"),
    (["--num-proc", "0"], "--num-proc must be at least 1"),
    (["--num-proc", "-2"], "--num-proc must be at least 1"),
])
def test_bad_build_options_are_refused_plainly(tmp_path, export, argv, message):
    path, splits = export
    out = tmp_path / "out"
    code, stdout, err = run("build", path, "--splits", splits, "-o", out, "-q", *argv)
    assert code == 2
    assert err.startswith("tradetalks build: ")
    assert message in err and "Traceback" not in err
    assert stdout == ""
    assert [p.name for p in tmp_path.iterdir()] == []  # no output, no staging folder


def test_bad_build_options_leave_an_existing_dataset_alone(tmp_path, export):
    path, splits = export
    out = tmp_path / "out"
    code, _, err = run("build", path, "--splits", splits, "-o", out, "-q", "--config", "spans")
    assert code == 0, err
    before = files_of(out)
    for argv in (["--config", "nope"], ["--num-proc", "0"]):
        assert run("build", path, "--splits", splits, "-o", out, "-q", *argv)[0] == 2
    assert files_of(out) == before


def test_validate_refuses_num_proc_zero(export):
    code, stdout, err = run("validate", export[0], "--num-proc", "0", "-q")
    assert code == 2
    assert "tradetalks validate: --num-proc must be at least 1" in err and "Traceback" not in err
    assert stdout == ""


def test_shards_keep_dictionaries_for_repeated_values_and_statistics_for_plain_columns(tmp_path, scheme):
    view = next(v for v in all_views(scheme) if v.name == "spans")
    writer = ShardedWriter(tmp_path, "train", view.features(), distinct=view.distinct)
    writer.write_table(encoded_rows(view.features(), [
        {"id": f"d-p{i:03d}", "document_id": "d", "paragraph": i, "task_id": i, "text": f"Geneva {i}",
         "entities": [{"id": "e1", "start": 0, "end": 6, "text": "Geneva", "label": "GPE"}], "relations": []}
        for i in range(30)]))
    [path] = writer.close()
    group = pq.ParquetFile(path).metadata.row_group(0)
    columns = {group.column(i).path_in_schema: group.column(i) for i in range(group.num_columns)}
    dictionary = {path for path, column in columns.items() if "RLE_DICTIONARY" in column.encodings}
    assert {"id", "text"} & dictionary == set()
    assert {"document_id", "entities.list.element.text", "entities.list.element.label"} <= dictionary
    assert {path for path, column in columns.items() if column.is_stats_set} == {
        "id", "document_id", "paragraph", "task_id", "text"}
    assert columns["task_id"].statistics.max == 29
    assert pq.read_table(path).column("text").to_pylist()[29] == "Geneva 29"


def test_a_shard_never_holds_more_rows_than_its_size(tmp_path, scheme):
    """With a shard size that is not a multiple of the row group size, a shard closes early rather than late."""
    view = next(v for v in all_views(scheme) if v.name == "spans")
    writer = ShardedWriter(tmp_path, "train", view.features(), batch_rows=50, shard_rows=120)
    for i in range(400):
        writer.write_table(encoded_rows(view.features(), [{"id": f"d-p{i:03d}", "document_id": "d", "paragraph": i,
                                                           "task_id": i, "text": "Geneva", "entities": [],
                                                           "relations": []}]))
    counts = [pq.ParquetFile(path).metadata.num_rows for path in writer.close()]
    assert sum(counts) == 400
    assert max(counts) <= 120


def test_a_dictionary_encoded_column_is_written_as_plain_strings_and_nothing_else_is_converted(tmp_path):
    features = datasets.Features({"text": datasets.Value("string"), "n": datasets.Value("int32")})
    texts = pa.DictionaryArray.from_arrays(pa.array([0, 0, 1, 0], pa.int32()), pa.array(["a b", "c"]))
    plain_texts = ShardedWriter(tmp_path / "plain", "train", features)
    plain_texts.write_table(pa.table({"text": pa.array(["a b", "a b", "c", "a b"]),
                                      "n": pa.array([1, 2, 3, 4], pa.int32())}))
    encoded = ShardedWriter(tmp_path / "encoded", "train", features)
    encoded.write_table(pa.table({"text": texts, "n": pa.array([1, 2, 3, 4], pa.int32())}))
    [first], [second] = plain_texts.close(), encoded.close()
    assert first.read_bytes() == second.read_bytes()
    wrong = ShardedWriter(tmp_path / "wrong", "train", features)
    with pytest.raises(TypeError, match="'n' is int64"):
        wrong.write_table(pa.table({"text": texts, "n": pa.array([1, 2, 3, 4], pa.int64())}))
        wrong.close()
