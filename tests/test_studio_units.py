"""The parts of `tradetalks studio` that need no server: paragraphs, the gazetteer, credentials, the pull's
rules for ids, conflicts and replacements, a server that is down, and the contributor's documentation."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, annotation, relation, simple_task, span, task, write_export
from label_studio_server import free_port, start_arguments
from tradetalks.cli import main
from tradetalks.studio import (Corpus, Gazetteer, OnConflict, PullInvalid, PullRefused, StudioError, plan_import,
                               plan_pull, read_credentials, read_paragraphs, store)
from tradetalks.studio.importer import ImportRefused
from tradetalks.studio.texts import document_id_of
from tradetalks.validate import display_path


def corpus_of(tmp_path: Path, scheme, export_schema, tasks: list, name: str = "seed.json") -> Corpus:
    folder = tmp_path / "exports"
    write_export(folder, tasks, name)
    return Corpus.load(folder, scheme, export_schema)


def pulled_task(server_id: int, document_id: str, paragraph: int) -> dict:
    """A task as the Label Studio export API gives it (server ids, meta)."""
    made = simple_task(server_id, document_id, paragraph)
    made["annotations"][0]["task"] = server_id
    return made


# Paragraphs of a text file

def test_paragraphs_are_the_non_empty_lines_numbered_from_one(tmp_path):
    path = tmp_path / "article.txt"
    content = "First line, kept as is.  \r\n\r\n   \nSecond \u201cline\u201d \U0001F600.\nThird"
    path.write_bytes(content.encode("utf-8"))
    paragraphs = read_paragraphs(path)
    assert [(p.paragraph, p.text) for p in paragraphs] == [
        (1, "First line, kept as is.  "), (2, "Second \u201cline\u201d \U0001F600."), (3, "Third")]
    assert {p.document_id for p in paragraphs} == {document_id_of(path.read_bytes())}
    assert re.fullmatch(r"[0-9a-f]{16}", paragraphs[0].document_id)
    assert paragraphs[0].data() == {"text": "First line, kept as is.  ", "document_id": paragraphs[0].document_id,
                                    "paragraph": 1, "source": "article.txt"}
    named = read_paragraphs(path, document_id="doc-7", source="https://example.org/a")
    assert {(p.document_id, p.source) for p in named} == {("doc-7", "https://example.org/a")}


def test_a_text_file_that_is_not_utf8_or_has_no_text_is_refused_with_its_name(tmp_path, scheme, export_schema):
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"line one\nna\xefve\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n")
    corpus = Corpus.load(tmp_path / "none", scheme, export_schema)
    with pytest.raises(ImportRefused, match=r"latin\.txt:2: not UTF-8"):
        plan_import(corpus, scheme, [latin])
    with pytest.raises(ImportRefused, match=r"empty\.txt: no text"):
        plan_import(corpus, scheme, [empty])


def test_a_document_already_in_the_corpus_or_an_unknown_correction_is_refused(tmp_path, scheme, export_schema):
    corpus = corpus_of(tmp_path, scheme, export_schema, [simple_task(1, "seed", 1)])
    text = tmp_path / "again.txt"
    text.write_text("Some text.\n")
    with pytest.raises(ImportRefused, match="document seed is already in the corpus.*--correct seed"):
        plan_import(corpus, scheme, [text], document_id="seed")
    with pytest.raises(ImportRefused, match="--correct seed/9: no such"):
        plan_import(corpus, scheme, [], correct=["seed/9"])
    with pytest.raises(ImportRefused, match="nothing to import"):
        plan_import(corpus, scheme, [])


# The gazetteer

def test_gazetteer_matches_whole_words_longest_first_without_overlaps(scheme):
    gazetteer = Gazetteer({"Geneva": "GPE", "U.S.": "GPE", "U.S. Trade Representative": "TITLE",
                           "China": "GPE", "Trade": "ORG"})
    text = "The U.S. Trade Representative met Genevans in Geneva; U.S.-China talks. Geneva."
    found = [(m.start, m.end, m.label, m.text) for m in gazetteer.matches(text)]
    assert found == [
        (4, 29, "TITLE", "U.S. Trade Representative"),
        (text.index("Geneva;"), text.index("Geneva;") + 6, "GPE", "Geneva"),  # not inside "Genevans"
        (text.index("U.S.-"), text.index("U.S.-") + 4, "GPE", "U.S."),
        (text.index("China"), text.index("China") + 5, "GPE", "China"),
        (len(text) - 7, len(text) - 1, "GPE", "Geneva"),
    ]
    assert all(text[s:e] == t for s, e, _, t in found)


def test_gazetteer_comes_from_gold_entities_and_takes_the_most_frequent_label(tmp_path, scheme, export_schema):
    text = "Washington said Washington would call Washington."
    def entities(labels):
        starts = [m.start() for m in re.finditer("Washington", text)]
        return [span(f"w{i}", s, s + 10, label, text) for i, (s, label) in enumerate(zip(starts, labels))]
    cancelled = annotation(5, [span("x", 0, 10, "ORG", text)], was_cancelled=True)
    tasks = [task(1, text, [annotation(1, entities(["GPE", "PERSON", "GPE"]))], "d", 1),
             task(2, text.replace("call", "ring"), [cancelled], "d", 2)]
    corpus = corpus_of(tmp_path, scheme, export_schema, tasks)
    gazetteer = Gazetteer.from_documents(corpus.documents, scheme)
    assert gazetteer.entries == {"Washington": "GPE"}
    prediction = gazetteer.prediction("Washington, D.C.", scheme.labels_tag, scheme.text_tag)
    assert prediction == {"model_version": gazetteer.model_version, "score": None, "result": [
        {"id": "g1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 10, "text": "Washington", "labels": ["GPE"]}}]}
    assert gazetteer.prediction("Nothing known here.", "label", "text") is None
    assert Gazetteer({"PERSON": "x"}).model_version != gazetteer.model_version
    assert Gazetteer({"Washington": "GPE"}).model_version == gazetteer.model_version


def test_import_plan_pre_annotates_new_paragraphs_and_corrections(tmp_path, scheme, export_schema):
    corpus = corpus_of(tmp_path, scheme, export_schema, [simple_task(1, "seed", 1), simple_task(2, "seed", 2)])
    text = tmp_path / "new.txt"
    text.write_text("Ada Lovelace flew to Geneva.\nNo entity here.\n")
    plan = plan_import(corpus, scheme, [text], correct=["seed/2"])
    tasks = plan.tasks(scheme)
    assert [t["data"]["paragraph"] for t in tasks] == [1, 2, 2]
    first = tasks[0]["predictions"][0]
    assert [(r["value"]["text"], r["value"]["labels"]) for r in first["result"]] == [
        ("Ada Lovelace", ["PERSON"]), ("Geneva", ["GPE"])]
    assert "predictions" not in tasks[1]
    gold = tasks[2]["predictions"][0]
    assert gold["model_version"] == "tradetalks-corpus-gold"
    assert tasks[2]["data"] == {k: simple_task(2, "seed", 2)["data"][k] for k in ("text", "document_id",
                                                                                   "paragraph", "source")}
    original = simple_task(2, "seed", 2)["annotations"][0]["result"]
    assert sorted(json.dumps({k: r[k] for k in r if k != "origin"}, sort_keys=True) for r in original) == \
        sorted(json.dumps(r, sort_keys=True) for r in gold["result"])
    assert "predictions" not in plan_import(corpus, scheme, [text], predictions=False).tasks(scheme)[0]


# Credentials

def test_credentials_come_from_the_environment_or_flags_and_are_never_shown(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("from-file-key\n")
    environ = {"LABEL_STUDIO_URL": "http://127.0.0.1:9/", "LABEL_STUDIO_API_KEY": "from-env-key"}
    assert read_credentials(environ=environ).url == "http://127.0.0.1:9"
    assert read_credentials(environ=environ).api_key == "from-env-key"
    credentials = read_credentials("http://other:1", key_file, environ)
    assert (credentials.url, credentials.api_key) == ("http://other:1", "from-file-key")
    assert "from-file-key" not in repr(credentials) and "other" not in repr(credentials)
    with pytest.raises(StudioError, match="set LABEL_STUDIO_URL or pass --url"):
        read_credentials(environ={"LABEL_STUDIO_API_KEY": "k"})
    with pytest.raises(StudioError, match="set LABEL_STUDIO_API_KEY or pass --api-key-file"):
        read_credentials(environ={"LABEL_STUDIO_URL": "http://x"})
    with pytest.raises(StudioError, match="cannot read the API key file"):
        read_credentials("http://x", tmp_path / "missing", {})


# Pulling: ids, conflicts, replacements, validation

def test_pulled_tasks_get_free_corpus_ids_and_keep_the_server_id_in_meta(tmp_path, scheme, export_schema):
    corpus = corpus_of(tmp_path, scheme, export_schema, [simple_task(1, "seed", 1), simple_task(7, "seed", 2)])
    pulled = [pulled_task(2, "new", 2), pulled_task(1, "new", 1)]
    plan = plan_pull(pulled, corpus, 4, corpus.folder / "new.json")
    assert [(t["id"], t["data"]["paragraph"], t["meta"], t["annotations"][0]["task"]) for t in plan.tasks] == [
        (8, 1, {"label_studio_task": 1}, 8), (9, 2, {"label_studio_task": 2}, 9)]
    assert pulled[0]["id"] == 2  # the server's tasks are not changed in place
    result = store(plan, corpus, scheme, export_schema)
    assert result.report.valid and result.report.files == 2 and result.report.tasks == 4
    written = json.loads((corpus.folder / "new.json").read_text())
    assert written == plan.tasks


def test_a_task_already_in_the_corpus_is_a_conflict_and_nothing_is_written(tmp_path, scheme, export_schema):
    corpus = corpus_of(tmp_path, scheme, export_schema, [simple_task(1, "seed", 1), simple_task(2, "seed", 2)])
    before = sorted(p.name for p in corpus.folder.iterdir())
    pulled = [pulled_task(11, "seed", 2), pulled_task(12, "new", 1)]
    with pytest.raises(PullRefused) as refused:
        plan_pull(pulled, corpus, 4, corpus.folder / "new.json")
    message = str(refused.value)
    assert "seed/2 (Label Studio task 11) is task 2 in" in message and "seed.json" in message
    assert "--replace" in message and "--skip-existing" in message
    assert sorted(p.name for p in corpus.folder.iterdir()) == before

    skipped = plan_pull(pulled, corpus, 4, corpus.folder / "new.json", OnConflict.SKIP)
    assert [t["data"]["document_id"] for t in skipped.tasks] == ["new"] and not skipped.rewrites
    with pytest.raises(PullRefused, match="already in the corpus; nothing to pull"):
        plan_pull(pulled[:1], corpus, 4, corpus.folder / "new.json", OnConflict.SKIP)


def test_replace_supersedes_the_corpus_task_and_writes_its_export_again_without_it(tmp_path, scheme, export_schema):
    seed = [simple_task(1, "seed", 1), simple_task(2, "seed", 2)]
    corpus = corpus_of(tmp_path, scheme, export_schema, seed)
    write_export(corpus.folder, [simple_task(3, "other", 1)], "other.json")
    corpus = Corpus.load(corpus.folder, scheme, export_schema)
    pulled = [pulled_task(40, "seed", 2), pulled_task(41, "other", 1), pulled_task(42, "new", 1)]
    plan = plan_pull(pulled, corpus, 4, corpus.folder / "fix.json", OnConflict.REPLACE)
    assert [(t["id"], t["data"]["document_id"]) for t in plan.tasks] == [(2, "seed"), (3, "other"), (4, "new")]
    result = store(plan, corpus, scheme, export_schema)
    assert result.report.valid and result.report.tasks == 4
    assert sorted(p.name for p in corpus.folder.iterdir()) == ["fix.json", "seed.json"]  # other.json emptied
    assert json.loads((corpus.folder / "seed.json").read_text()) == [seed[0]]
    again = Corpus.load(corpus.folder, scheme, export_schema)
    assert again.report.valid and len(again.by_key()) == 4


def test_an_existing_export_is_never_overwritten(tmp_path, scheme, export_schema):
    corpus = corpus_of(tmp_path, scheme, export_schema, [simple_task(1, "seed", 1)])
    with pytest.raises(PullRefused, match="seed.json exists; an export is never overwritten"):
        plan_pull([pulled_task(5, "new", 1)], corpus, 4, corpus.folder / "seed.json")


def test_pulled_annotations_with_errors_are_located_as_label_studio_shows_them_and_nothing_is_written(
        tmp_path, scheme, export_schema):
    corpus = corpus_of(tmp_path, scheme, export_schema, [simple_task(1, "seed", 1)])
    bad = pulled_task(5, "new", 1)
    bad["data"]["text"] = simple_task(1, "seed", 1)["data"]["text"]  # same text as the seed: W403
    bad["annotations"][0]["result"].append(span("x", 5, 15, "ORG", bad["data"]["text"]))  # overlaps: E204
    bad["annotations"][0]["result"].append(relation("t", "g", "has_title"))  # TITLE -> GPE: E303
    before = {p.name: p.read_bytes() for p in corpus.folder.iterdir()}
    with pytest.raises(PullInvalid) as invalid:
        store(plan_pull([bad], corpus, 4, corpus.folder / "new.json"), corpus, scheme, export_schema)
    report = invalid.value.report
    # as the contributor sees them: the project, and the task id Label Studio shows (5), not the corpus id (2)
    project = "Label Studio project 4"
    assert {(p.code, p.file, p.task) for p in report.errors} == {("E204", project, 5), ("E303", project, 5)}
    assert any(p.code == "W403" and p.file == project and display_path(corpus.folder / "seed.json") in p.message
               for p in report.warnings)
    assert "Fix them in Label Studio and pull again" in str(invalid.value)
    assert not any("new.json" in (p.file or "") + p.message for p in report.problems)
    assert all("tradetalks-pull-" not in p.message and "tradetalks-pull-" not in (p.file or "")
               for p in report.problems)
    assert {p.name: p.read_bytes() for p in corpus.folder.iterdir()} == before


# The command without a server

def run_cli(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tradetalks.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env)


def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "work"
    shutil.copytree(ROOT / "schema", root / "schema")
    write_export(root / "annotations" / "exports", [simple_task(1, "seed", 1)], "seed.json")
    return root


@pytest.mark.slow
def test_a_server_that_is_down_gives_a_clear_message_and_nothing_is_written(tmp_path):
    root = workspace(tmp_path)
    (root / "new.txt").write_text("Ada Lovelace flew to Geneva.\n")
    url, key = f"http://127.0.0.1:{free_port()}", "secret-key-that-must-not-show-0123456789"
    env = {**os.environ, "LABEL_STUDIO_URL": url, "LABEL_STUDIO_API_KEY": key, "TRADETALKS_ROOT": str(root)}
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    for args in (["studio", "pull", "--project", "1"], ["studio", "import", "new.txt"]):
        run = run_cli(args, root, env)
        assert run.returncode == 2, run.stderr
        assert "cannot connect to the Label Studio server" in run.stderr and "Traceback" not in run.stderr
        assert key not in run.stdout + run.stderr and url not in run.stdout + run.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_pull_refuses_a_name_with_folders(tmp_path, capsys):
    assert main(["studio", "pull", "--project", "1", "--name", "../x.json", "--url", "http://x"]) == 2
    assert "a file name ending in .json, without folders" in capsys.readouterr().err


# The contributor's documentation and the pre-commit hook

def shell_commands(markdown: str) -> list[str]:
    """The command lines of the fenced shell blocks, continuation lines joined."""
    blocks = re.findall(r"```(?:sh|shell|bash|console)\n(.*?)```", markdown, flags=re.S)
    lines = []
    for block in blocks:
        lines += [line.strip() for line in block.replace("\\\n", " ").splitlines()
                  if line.strip() and not line.lstrip().startswith("#")]
    return lines


def test_every_tradetalks_command_in_contributing_parses():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    commands = [line for line in shell_commands(text) if line.startswith("tradetalks ")]
    actions = {shlex.split(c)[1:3][1] for c in commands if c.startswith("tradetalks studio")}
    assert {"import", "pull"} <= actions
    for command in commands:
        words = [w for w in shlex.split(command) if not w.startswith("$")]
        with pytest.raises(SystemExit) as exited:
            main([*words[1:], "--help"])
        assert exited.value.code == 0, command


def test_contributing_starts_label_studio_as_the_tests_do():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    [command] = [line for line in shell_commands(text) if line.startswith("label-studio start")]
    documented = [w for w in shlex.split(command)[1:] if w.startswith("-")]
    tested = [w for w in start_arguments(8080, "a@b.c", "pw", "key", Path("d")) if w.startswith("-")]
    assert documented == tested


def test_the_pre_commit_hook_validates_the_corpus_when_an_export_changes(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "schema", repo / "schema")
    shutil.copy(ROOT / ".pre-commit-config.yaml", repo)
    exports = repo / "annotations" / "exports"
    write_export(exports, [simple_task(1, "seed", 1)], "seed.json")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
           "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_CONFIG_GLOBAL": os.devnull}
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]

    def commit(message):
        subprocess.run([*git, "add", "-A"], cwd=repo, check=True, env=env)
        return subprocess.run([*git, "commit", "-qm", message], cwd=repo, capture_output=True, text=True, env=env)

    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run([str(Path(bin_dir, "pre-commit")), "install"], cwd=repo, check=True, env=env,
                   capture_output=True)
    assert commit("seed").returncode == 0
    write_export(exports, [simple_task(2, "seed", 1)], "new.json")  # the same paragraph again: E402
    refused = commit("duplicate paragraph")
    assert refused.returncode != 0
    assert "E402 duplicate-paragraph" in refused.stdout + refused.stderr
    (exports / "new.json").write_text(json.dumps([simple_task(2, "seed", 2)]))
    assert commit("second paragraph").returncode == 0
