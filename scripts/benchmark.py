"""Benchmark: validate and build a large synthetic export, side by side with label-studio-sdk's converter.

For each size, a synthetic export is made (scripts/make_synthetic_export.py) with its
splits frozen, then every stage runs in its own process, one after the other:

  floor       ijson (C backend) streams the file and checks every span's offsets: the least
              any streaming validation must cost
  converter   label-studio-sdk's Converter.convert_to_conll2003 on the same file
  validate    tradetalks validate --num-proc N
  build       tradetalks build --config spans --config ner, with 1 and N processes
  build-all   tradetalks build with every config, N processes

Each stage's time is its wall clock; its memory is the peak resident set of its largest
process (getrusage RUSAGE_CHILDREN, read in a process that only runs the stage) and the
peak of the proportional set size (PSS, shared pages split between the processes that
share them) summed over the stage's processes, with the rows a worker has left in shared memory
for the main process to map, sampled from /proc and /dev/shm every 50 ms. Every stage
runs --repeat times, in rounds of all the stages, timed; then once more with the PSS
sampler. The sampler is left out of the timed rounds: reading /proc/PID/smaps_rollup takes
the kernel about 10 ms for a build's process, and twenty times a second for each of two
processes that is more than a third of a core taken from the stage. A stage's time is its
shortest, its memory the highest peaks, so that a slower spell of a shared machine does not
decide a ratio; each time ratio is also given round by round (the stages of one round run
within minutes of each other), with the median of the rounds.

    python scripts/benchmark.py --tasks 10000 100000 --num-proc 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_synthetic_export import task_keys, write_synthetic_export  # noqa: E402

TRADETALKS = [sys.executable, "-m", "tradetalks.cli"]


def stage_commands(export: Path, work: Path, splits: Path, num_proc: int) -> dict[str, list[str]]:
    me = [sys.executable, str(Path(__file__).resolve()), "--stage"]
    build = [*TRADETALKS, "build", str(export), "--splits", str(splits), "-q"]
    return {
        "floor": [*me, "floor", str(export)],
        "converter": [*me, "converter", str(export), str(work / "conll")],
        f"validate --num-proc {num_proc}": [*TRADETALKS, "validate", str(export), "-q", "--num-proc", str(num_proc)],
        "build spans+ner --num-proc 1": [*build, "-o", str(work / "out1"), "--config", "spans", "--config", "ner",
                                         "--num-proc", "1"],
        f"build spans+ner --num-proc {num_proc}": [*build, "-o", str(work / "outN"), "--config", "spans",
                                                   "--config", "ner", "--num-proc", str(num_proc)],
        f"build all configs --num-proc {num_proc}": [*build, "-o", str(work / "all"), "--num-proc", str(num_proc)],
    }


def measure(command: list[str], sample_pss: bool) -> dict:
    """Run `command` through a process that only waits for it; its wall time, the peak RSS of its largest
    process and, when `sample_pss`, the peak of its processes' summed PSS (else None)."""
    waiter = [sys.executable, str(Path(__file__).resolve()), "--wait", "--", *command]
    process = subprocess.Popen(waiter, stdout=subprocess.PIPE, cwd=ROOT)
    sampler = PssSampler(process.pid) if sample_pss else None
    if sampler is not None:
        sampler.start()
    out, _ = process.communicate()
    if sampler is not None:
        sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"stage failed ({process.returncode}): {' '.join(command)}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["pss_mb"] = sampler.peak / 1024 if sampler is not None else None
    return result


def wait_for(command: list[str]) -> int:
    """Run one stage and print its wall time, exit code and the peak RSS of its largest process (JSON)."""
    start = time.perf_counter()
    code = subprocess.run(command, stdout=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"wall": wall, "rss_mb": peak_kb / 1024, "code": code}))
    return code


class PssSampler(threading.Thread):
    """The peak of the summed PSS (KiB) of a process and all its descendants, with the rows that workers
    have written to shared memory and the main process has not mapped yet: those pages belong to no
    process until then (once mapped, the file is removed and its pages are in that process's PSS)."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, sum(_pss(pid) for pid in _tree(self.pid)) + _rows_in_shared_memory())
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _rows_in_shared_memory() -> int:
    """KiB held by files in tradetalks' folders for tables on their way from a worker (see tradetalks.pipeline.executor)."""
    held = 0
    for folder in Path("/dev/shm").glob("tradetalks-tables-*"):
        for file in folder.glob("*"):
            try:
                held += file.stat().st_blocks // 2  # 512-byte blocks
            except OSError:
                continue  # mapped and removed meanwhile
    return held


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def floor(export: Path) -> None:
    """Stream the export with ijson's C backend and check every span's offsets against the text."""
    import ijson

    assert ijson.backend == "yajl2_c", ijson.backend
    tasks = bad = 0
    with open(export, "rb") as handle:
        for task in ijson.items(handle, "item", use_float=True):
            tasks += 1
            text = task["data"]["text"]
            for annotation in task["annotations"]:
                for result in annotation["result"]:
                    if result["type"] == "labels":
                        value = result["value"]
                        if text[value["start"]:value["end"]] != value.get("text"):
                            bad += 1
    print(f"{tasks} tasks, {bad} spans whose offsets do not select their text", file=sys.stderr)


def converter(export: Path, output: Path) -> None:
    from label_studio_sdk.converter import Converter

    config = (ROOT / "schema" / "labeling_config.xml").read_text(encoding="utf-8")
    Converter(config, project_dir=str(output), download_resources=False).convert_to_conll2003(
        str(export), str(output), is_dir=False)


def prepare(tasks: int, work: Path) -> tuple[Path, Path]:
    from tradetalks.splits import SplitAssignment

    export = work / f"synthetic-{tasks}.json"
    write_synthetic_export(export, tasks)
    splits = SplitAssignment({}, work / "splits.json")
    for key in task_keys(tasks):
        splits.split_of(key)
    splits.save()
    return export, splits.path


def run(sizes: list[int], num_proc: int, work_root: Path, repeat: int = 1) -> None:
    print(f"machine: {machine()}; each time the shortest of {repeat} timed round(s), each memory peak the "
          "highest (summed PSS from one more round, sampled)")
    runs = {}
    for tasks in sizes:
        work = work_root / str(tasks)
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        export, splits = prepare(tasks, work)
        size_mb = export.stat().st_size / 1e6
        results: dict[str, dict] = {}
        rounds: list[dict[str, float]] = []  # each timed round's wall times, for the ratios within a round
        for turn in range(repeat + 1):  # stage after stage, round after round: a slower spell hits every stage
            memory_round = turn == repeat
            if not memory_round:
                rounds.append({})
            for name, command in stage_commands(export, work, splits, num_proc).items():
                found = measure(command, sample_pss=memory_round)
                what = "memory" if memory_round else f"round {turn + 1}"
                print(f"  {tasks} tasks, {what}: {name}: {found['wall']:.1f} s", file=sys.stderr, flush=True)
                results[name] = _best(results.get(name), found, timed=not memory_round)
                if not memory_round:
                    rounds[-1][name] = found["wall"]
        runs[tasks] = results
        print(f"\n{tasks:,} tasks, {size_mb:,.0f} MB of JSON")
        print("| stage | time (s) | tasks/s | peak RSS, largest process (MB) | peak PSS, all processes (MB) |")
        print("|---|---:|---:|---:|---:|")
        for name, found in results.items():
            print(f"| {name} | {found['wall']:.1f} | {tasks / found['wall']:,.0f} | {found['rss_mb']:.0f} | "
                  f"{found['pss_mb']:.0f} |")
        print()
        best = {name: found["wall"] for name, found in results.items()}
        for ratio, value in _time_ratios(best, num_proc).items():
            target, bound = TIME_TARGETS[ratio]
            per_round = sorted(_time_ratios(walls, num_proc)[ratio] for walls in rounds)
            _ratio(ratio.replace("build spans+ner", f"build spans+ner --num-proc {num_proc}"), value, target, bound,
                   f"; within each round: {', '.join(f'{r:.2f}' for r in per_round)}, "
                   f"median {statistics.median(per_round):.2f}")
        for name, found in results.items():
            if name.startswith(("validate", "build")):
                _ratio(f"peak memory of {name}, all processes (MB)", found["pss_mb"], 400, "at most")
        shutil.rmtree(work, ignore_errors=True)
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print()
        for name in runs[large]:
            for key, what in (("rss_mb", "largest process"), ("pss_mb", "all processes")):
                _ratio(f"peak memory of {name}, {what}: {large:,} / {small:,} tasks",
                       runs[large][name][key] / runs[small][name][key], 1.5, "at most")


def _best(so_far: dict | None, found: dict, timed: bool) -> dict:
    """The shortest time of the timed rounds, and the highest memory peaks of all."""
    so_far = so_far or {"wall": float("inf"), "rss_mb": 0.0, "pss_mb": 0.0}
    return {"wall": min(so_far["wall"], found["wall"]) if timed else so_far["wall"],
            "rss_mb": max(so_far["rss_mb"], found["rss_mb"]),
            "pss_mb": max(so_far["pss_mb"], found["pss_mb"] or 0.0)}


TIME_TARGETS = {
    "converter / build spans+ner": (4, "at least"),
    "converter / (validate + build spans+ner)": (4, "at least"),
    "build spans+ner / floor": (2, "at most"),
}


def _time_ratios(walls: dict[str, float], num_proc: int) -> dict[str, float]:
    """The ratios of TIME_TARGETS (build and validate with `num_proc` processes) from the stages' wall times."""
    build, validate = walls[f"build spans+ner --num-proc {num_proc}"], walls[f"validate --num-proc {num_proc}"]
    return {
        "converter / build spans+ner": walls["converter"] / build,
        "converter / (validate + build spans+ner)": walls["converter"] / (validate + build),
        "build spans+ner / floor": build / walls["floor"],
    }


def _ratio(what: str, value: float, target: float, bound: str, detail: str = "") -> None:
    met = value >= target if bound == "at least" else value <= target
    print(f"{what}: {value:.2f} (target: {bound} {target}; {'met' if met else 'NOT met'}{detail})")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--wait"]:
        return wait_for(argv[2:])
    if argv[:1] == ["--stage"]:
        {"floor": floor, "converter": converter}[argv[1]](*map(Path, argv[2:]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, nargs="+", default=[10_000, 100_000], help="export sizes to run")
    parser.add_argument("--num-proc", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed rounds of every stage, before the one that samples PSS; a stage's time is "
                             "its shortest (default 3)")
    args = parser.parse_args(argv)
    if args.work is not None:
        run(args.tasks, args.num_proc, args.work, args.repeat)
        return 0
    with tempfile.TemporaryDirectory(prefix="tradetalks-bench-") as work:
        run(args.tasks, args.num_proc, Path(work), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
