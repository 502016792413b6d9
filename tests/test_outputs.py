"""No command replaces or deletes what TradeTalks did not make: one rule for build, export, render and repair."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bad_inputs import utf16_offsets
from conftest import ROOT
from tradetalks.outputs import (DATASET_MARK, OutputRefused, check_file_output, check_folder_output,
                                write_atomically)


def tradetalks(*args, cwd: Path):
    return subprocess.run([sys.executable, "-m", "tradetalks.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "TRADETALKS_ROOT": str(cwd)})


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of the repository's corpus, schema and card to run commands in."""
    root = tmp_path / "checkout"
    for name in ("schema", "annotations"):
        shutil.copytree(ROOT / name, root / name)
    for name in ("dataset_card.md", "CONTRIBUTING.md"):
        shutil.copy(ROOT / name, root / name)
    (root / "mydocs").mkdir()
    (root / "mydocs" / "notes.txt").write_text("my notes\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("target, reason", [
    ("annotations", "holds an input"),
    ("mydocs", "holds files TradeTalks did not write"),
    ("CONTRIBUTING.md", "is a file"),
    (".", "current folder"),
    ("annotations/exports", "holds an input"),
])
def test_build_never_replaces_what_it_did_not_make(checkout, target, reason):
    before = snapshot(checkout)
    run = tradetalks("build", "-q", "-o", target, cwd=checkout)
    assert run.returncode == 2 and reason in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert snapshot(checkout) == before
    assert not [p for p in checkout.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_build_replaces_its_own_dataset_and_an_empty_folder(checkout):
    (checkout / "empty").mkdir()
    for _ in range(2):  # the second run replaces the dataset the first wrote
        run = tradetalks("build", "-q", "-o", "empty", cwd=checkout)
        assert run.returncode == 0, run.stderr
        assert (checkout / "empty" / DATASET_MARK).is_file() and (checkout / "empty" / "README.md").is_file()


def test_render_never_writes_over_an_input_and_replaces_a_file_only_with_force(checkout):
    splits = checkout / "annotations" / "splits.json"
    before = splits.read_bytes()
    for extra in ((), ("--force",)):
        run = tradetalks("render", "-o", "annotations/splits.json", *extra, cwd=checkout)
        assert run.returncode == 2 and "is an input" in run.stderr, run.stderr
    assert splits.read_bytes() == before
    run = tradetalks("render", "-o", "mydocs/notes.txt", cwd=checkout)
    assert run.returncode == 2 and "pass --force" in run.stderr
    assert (checkout / "mydocs" / "notes.txt").read_text(encoding="utf-8") == "my notes\n"
    run = tradetalks("render", "-o", "mydocs/notes.txt", "--force", cwd=checkout)
    assert run.returncode == 0, run.stderr
    assert "<html" in (checkout / "mydocs" / "notes.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_export_never_writes_into_a_folder_it_did_not_make(checkout):
    assert tradetalks("build", "-q", cwd=checkout).returncode == 0
    run = tradetalks("export", "conll", "-o", "mydocs", cwd=checkout)
    assert run.returncode == 2 and "holds files TradeTalks did not write" in run.stderr
    assert sorted(p.name for p in (checkout / "mydocs").iterdir()) == ["notes.txt"]
    run = tradetalks("export", "conll", "-o", "dist/tradetalks", cwd=checkout)
    assert run.returncode == 2 and "is an input" in run.stderr
    for _ in range(2):
        assert tradetalks("export", "conll", "-o", "dist/conll", cwd=checkout).returncode == 0


def test_repair_writes_new_files_as_any_new_file_and_never_over_its_input(checkout):
    export = checkout / "mine" / "export.json"
    export.parent.mkdir()
    export.write_bytes(utf16_offsets())  # something to repair
    run = tradetalks("repair", export, "-o", export, "--force", cwd=checkout)
    assert run.returncode == 2 and "inputs are never modified" in run.stderr
    out = checkout / "mine" / "repaired.json"
    assert tradetalks("repair", export, "-o", out, cwd=checkout).returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_mount_point_is_never_an_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mounts = [Path(p) for p in ("/proc", "/sys", "/dev") if os.path.ismount(p)]
    assert mounts, "a Linux machine mounts /proc, /sys or /dev"
    with pytest.raises(OutputRefused, match="mount point"):
        check_folder_output(mounts[0], DATASET_MARK)
    with pytest.raises(OutputRefused, match="mount point"):
        check_file_output(mounts[0], force=True)


def test_a_folder_above_the_current_one_is_never_an_output(tmp_path, monkeypatch):
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    for folder in (inner, tmp_path / "a", tmp_path):
        with pytest.raises(OutputRefused, match="current folder"):
            check_folder_output(folder, DATASET_MARK)


def test_an_interrupted_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old", encoding="utf-8")

    with pytest.raises(TypeError):
        write_atomically(target, 42)  # the write fails half way: nothing replaces the old file
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]

