"""Faults: a build killed at any moment, and an output location that is read-only or full.

The previous dataset must stay byte for byte as it was, nothing half-written may appear
under the output's name, and the next build must clean up what a killed one left.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import ROOT, simple_task, write_export
from tradetalks.staging import claimed_folder, remove_abandoned

KILL_AT = (0.05, 0.25, 0.45, 0.65, 0.85)  # fractions of the time a build spends writing


def synthetic_export(folder: Path, count: int, first_id: int = 1) -> Path:
    tasks = [simple_task(i, document_id=f"doc{i // 20:04d}", paragraph=i % 20 + 1)
             for i in range(first_id, first_id + count)]
    return write_export(folder, tasks)


def build_command(export: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "tradetalks.cli", "build", str(export), "-o", str(out), "-q",
            "--splits", str(out.parent / "no-splits.json")]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def staging_folders(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.building-*"))


@pytest.mark.slow
def test_killed_build_leaves_the_previous_dataset_intact(tmp_path):
    old_export = synthetic_export(tmp_path / "old", 2000)
    new_export = synthetic_export(tmp_path / "new", 2000, first_id=5001)
    out = tmp_path / "work" / "out"

    first = subprocess.Popen(build_command(old_export, out), cwd=ROOT, stderr=subprocess.PIPE, text=True)
    started = None
    while first.poll() is None:
        if started is None and staging_folders(out):
            started = time.monotonic()
        time.sleep(0.01)
    writing = time.monotonic() - started
    assert first.returncode == 0, first.stderr.read()
    before = snapshot(out)
    reference = tmp_path / "reference" / "out"
    assert subprocess.run(build_command(new_export, reference), cwd=ROOT, capture_output=True).returncode == 0
    complete_new = snapshot(reference)

    killed_mid_write = 0
    for fraction in KILL_AT:
        build = subprocess.Popen(build_command(new_export, out), cwd=ROOT, stderr=subprocess.DEVNULL)
        stale = set(staging_folders(out))
        while not set(staging_folders(out)) - stale and build.poll() is None:
            time.sleep(0.005)
        time.sleep(writing * fraction)
        build.send_signal(signal.SIGKILL)
        build.wait()
        if build.returncode == 0:  # finished before the kill: the new dataset is complete
            before = snapshot(out)
            continue
        assert build.returncode == -signal.SIGKILL
        now = snapshot(out)
        if now == complete_new:  # killed after the swap, before the process ended: the new dataset is whole
            before = now
            continue
        assert now == before, f"killed at {fraction:.0%} of the build"
        assert all(name.startswith(".out.building-") for name in leftovers(out)), leftovers(out)
        killed_mid_write += any(f.suffix == ".parquet" for s in staging_folders(out) for f in s.rglob("*"))
    assert killed_mid_write >= 2, "the kills should land while Parquet files are being written"

    final = subprocess.run(build_command(new_export, out), cwd=ROOT, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    assert leftovers(out) == []  # the staging folders of the killed builds are gone
    spans = pq.read_table(next((out / "data" / "spans").glob("train-*.parquet"))).to_pylist()
    assert spans and all(row["task_id"] > 5000 for row in spans)


def test_next_build_puts_back_a_dataset_a_killed_swap_moved_aside(tmp_path):
    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    (out / "README.md").write_text("card")
    (out / "data" / "train.parquet").write_bytes(b"PAR1")
    before = snapshot(out)
    old, claim = claimed_folder(out, "old")  # the swap moved the dataset aside, then the process died
    os.rename(out, old / "out")
    claim.release()
    half, claim = claimed_folder(out, "building")
    (half / "README.md").write_text("half a car")
    claim.release()
    running, live = claimed_folder(out, "building")  # another build, still at work
    try:
        assert remove_abandoned(out) == sorted([old, half])
        assert snapshot(out) == before
        assert leftovers(out) == [running.name]
    finally:
        live.release()
    assert remove_abandoned(out) == [running]


@contextlib.contextmanager
def tmpfs(folder: Path, size: str):
    """A tiny tmpfs at `folder` when this process may mount one, else None."""
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        yield None
        return
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path) -> None:
    # The last buffered bytes may meet the full device only when the file is closed: that is the point.
    with contextlib.suppress(OSError), open(folder / "filler", "wb") as handle:
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()


def limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


@contextlib.contextmanager
def unwritable(kind: str, folder: Path):
    """Make `folder` read-only or full; yields the preexec_fn the build must run under, if any."""
    if kind == "file size limit":
        yield limit_file_size
        return
    with tmpfs(folder, "8m") as mounted:
        if mounted is None and kind == "full":  # no tmpfs without root: a file size limit stands in
            yield limit_file_size
        elif mounted is None:  # read-only for anyone but root
            folder.chmod(0o555)
            try:
                yield None
            finally:
                folder.chmod(0o755)
        else:
            yield "mounted"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["read-only", "full", "file size limit"])
def test_unwritable_output_is_a_clean_error_and_keeps_the_dataset(kind, tmp_path):
    export = synthetic_export(tmp_path / "in", 30)
    folder = tmp_path / "location"
    out = folder / "out"
    with unwritable(kind, folder) as how:
        assert subprocess.run(build_command(export, out), cwd=ROOT, capture_output=True).returncode == 0
        before = snapshot(out)
        preexec = how if callable(how) else None
        if how == "mounted":
            if kind == "read-only":
                subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
            else:
                fill(folder)
        run = subprocess.run(build_command(export, out), cwd=ROOT, capture_output=True, text=True,
                             preexec_fn=preexec)
        assert run.returncode == 2, run.stderr
        assert "E601 output-unwritable" in run.stderr and "Traceback" not in run.stderr
        assert snapshot(out) == before
        assert leftovers(out) == []
