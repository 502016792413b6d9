"""The command line: exit codes, report formats, and no traceback whatever the input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, simple_task, write_export


def tradetalks(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "tradetalks.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)


def test_validate_valid_export_exits_zero(tmp_path):
    path = write_export(tmp_path, [simple_task(1)])
    run = tradetalks("validate", path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().startswith("valid: 0 error(s)")


def test_validate_the_corpus_folder_reads_its_exports_only():
    run = tradetalks("validate", "annotations/", "--format", "json")
    report = json.loads(run.stdout)
    assert run.returncode == 0, run.stdout + run.stderr
    # the corpus' only warnings are paragraphs that two releases share (test_corpus checks them)
    assert {p["code"] for p in report["problems"]} <= {"W403"} and report["valid"]
    assert report["stats"]["files"] == len(list((ROOT / "annotations" / "exports").glob("*.json")))


def test_validate_reports_every_problem_as_json_and_exits_one(tmp_path):
    good, bad = simple_task(1), simple_task(2)
    bad["annotations"][0]["result"][0]["value"]["text"] = "Presidnt"
    bad["annotations"][0]["result"][3]["value"]["labels"] = ["COUNTRY"]
    path = write_export(tmp_path, [good, bad])
    run = tradetalks("validate", "--format", "json", path)
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["valid"] is False and report["stats"]["tasks"] == 2
    found = {(p["code"], p["task"], p["annotation"], p.get("region")) for p in report["problems"]}
    assert found == {("E206", 2, 2, "g")}  # the annotation with a schema error is not parsed further
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_build_refuses_invalid_input_and_keeps_the_previous_dataset(tmp_path):
    out = tmp_path / "out"
    good = write_export(tmp_path / "good", [simple_task(1), simple_task(2, paragraph=2)])
    assert tradetalks("build", good, "-o", out, "-q").returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad_task = simple_task(3)
    bad_task["annotations"][0]["result"][1]["value"]["end"] = 999
    bad = write_export(tmp_path / "bad", [bad_task])
    run = tradetalks("build", bad, "-o", out, "-q")
    assert run.returncode == 1
    assert "E201" in run.stderr and "nothing written" in run.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_missing_input_is_a_clean_error(tmp_path):
    run = tradetalks("validate", tmp_path / "nope.json")
    assert run.returncode == 2
    assert "no such file" in run.stderr and "Traceback" not in run.stderr


def test_unreadable_scheme_is_a_clean_error(tmp_path):
    run = tradetalks("--schema-dir", tmp_path, "validate")
    assert run.returncode == 2
    assert "scheme" in run.stderr and "Traceback" not in run.stderr


def test_readme_lists_every_problem_code():
    from tradetalks.commands.codes import codes_table

    from tradetalks.consistency import CODES as CONSISTENCY_CODES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert codes_table() in readme
    assert codes_table(CONSISTENCY_CODES) in readme


def test_readme_documents_every_command():
    from tradetalks.commands import COMMANDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        name = command.__name__.rsplit(".", 1)[-1]
        assert f"`tradetalks {name}" in readme, name


@pytest.mark.parametrize("content", [None, "[]"])
def test_a_build_with_no_task_fails_and_writes_nothing(tmp_path, content):
    inputs = tmp_path / "exports"
    inputs.mkdir()
    if content is not None:
        (inputs / "empty.json").write_text(content, encoding="utf-8")
    run = tradetalks("build", inputs, "-o", tmp_path / "out")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "E009 no-tasks" in run.stderr and "built" not in run.stdout
    if content is None:
        assert "W006 no-exports" in run.stderr
    assert not (tmp_path / "out").exists()


def test_a_recurring_code_is_listed_twenty_times_then_counted(tmp_path):
    tasks = [simple_task(i, paragraph=1) for i in range(1, 31)]  # one paragraph 30 times: 29 E402
    path = write_export(tmp_path, tasks)
    text = tradetalks("validate", path)
    lines = text.stdout.splitlines()
    assert text.returncode == 1 and sum(": E402 " in line for line in lines) == 20, text.stdout
    assert "... and 9 more E402 duplicate-paragraph not listed" in text.stdout and "29 error(s)" in text.stdout
    every = tradetalks("validate", path, "--all")
    assert sum(": E402 " in line for line in every.stdout.splitlines()) == 29 and "more E402" not in every.stdout
    body = json.loads(tradetalks("validate", path, "--format", "json").stdout)
    assert body["counts"]["E402"] == 29 and body["omitted"]["E402"] == 9
    assert sum(p["code"] == "E402" for p in body["problems"]) == 20
    body = json.loads(tradetalks("validate", path, "--format", "json", "--all").stdout)
    assert body["omitted"] == {} and sum(p["code"] == "E402" for p in body["problems"]) == 29


@pytest.mark.slow
def test_exports_are_read_from_standard_input_and_pipes(tmp_path):
    path = write_export(tmp_path, [simple_task(1), simple_task(2)])
    data = path.read_text(encoding="utf-8")
    for name in ("-", "/dev/stdin"):
        run = subprocess.run([sys.executable, "-m", "tradetalks.cli", "validate", name], input=data,
                             capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0 and "2 task(s)" in run.stdout and "Traceback" not in run.stderr, run.stderr
    broken = subprocess.run([sys.executable, "-m", "tradetalks.cli", "validate", "-"], input=data[:-30],
                            capture_output=True, text=True, cwd=ROOT)
    assert broken.returncode == 1 and broken.stdout.startswith("<stdin>") and "E002" in broken.stdout
    page, dataset = tmp_path / "review.html", tmp_path / "dataset"
    command = (f"{sys.executable} -m tradetalks.cli render <(cat {path}) -o {page} && "
               f"{sys.executable} -m tradetalks.cli build -q <(cat {path}) -o {dataset}")
    run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert page.is_file() and (dataset / "README.md").is_file()


def test_a_json_report_stays_json_when_the_command_cannot_run(tmp_path):
    run = tradetalks("validate", tmp_path / "missing.json", "--format", "json")
    assert run.returncode == 2
    assert json.loads(run.stdout) == {"valid": False, "error": f"{tmp_path / 'missing.json'}: no such file or folder"}


def test_a_labeling_config_check_counts_no_tasks():
    run = tradetalks("schema", "--check-config", ROOT / "schema" / "labeling_config.xml")
    assert run.returncode == 0 and run.stdout.strip() == "valid: 0 error(s), 0 warning(s) in 1 file(s)"


def test_a_folder_s_hidden_folders_and_installed_packages_are_not_read(tmp_path):
    write_export(tmp_path, [simple_task(1)])
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "package.json").write_text('{"name": "x"}')
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "other.json").write_text("[1, 2]")
    run = tradetalks("validate", tmp_path)
    assert run.returncode == 0 and "in 1 file(s), 1 task(s)" in run.stdout, run.stdout


def test_a_command_run_outside_a_checkout_says_which_corpus_it_works_on(tmp_path):
    run = tradetalks("validate", cwd=tmp_path)
    assert f"{tmp_path} has no schema/scheme.yaml; working on the corpus of the checkout at" in run.stderr


@pytest.mark.slow
def test_a_build_without_matplotlib_says_the_card_has_no_figures(tmp_path):
    path = write_export(tmp_path, [simple_task(1)])
    code = ("import sys; sys.modules['matplotlib'] = None; from tradetalks.cli import main; "
            f"sys.exit(main(['build', {str(path)!r}, '-o', {str(tmp_path / 'out')!r}]))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "the card has no figures: matplotlib is not installed" in run.stderr
    assert "Not drawn" in (tmp_path / "out" / "README.md").read_text(encoding="utf-8")


def test_help_says_what_the_tool_does_and_codes_come_in_order():
    run = tradetalks("--help")
    assert run.returncode == 0 and "build them into a Hugging Face dataset" in " ".join(run.stdout.split())
    from tradetalks.problems import CODES

    numbers = [int(code[1:]) for code in CODES]
    assert numbers == sorted(numbers)


def test_the_test_environment_does_not_install_the_label_studio_server():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    dev = " ".join(extras["dev"])
    # the server pins pyarrow below 25 and NumPy; the tests run it from .venv-label-studio/ instead
    assert "server" not in dev and not any(d.startswith("label-studio>") for d in extras["dev"])


def test_an_export_with_predictions_as_bare_ids_validates(tmp_path):
    """Label Studio's Export button writes a task's predictions as their ids; nothing refuses that."""
    exported = simple_task(1)
    exported["predictions"] = [3, 4]
    run = tradetalks("validate", write_export(tmp_path, [exported]))
    assert run.returncode == 0 and "valid: 0 error(s)" in run.stdout, run.stdout
