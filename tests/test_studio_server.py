"""`tradetalks studio` against a real Label Studio server: the whole contribution loop, corrections,
every way a pull can fail, and exports that go through the server and come back unchanged.

One server (tests/label_studio_server.py) serves the session. Annotations are made through the
Label Studio API, as the editor would save them, by two users.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from label_studio_sdk import LabelStudio

from conftest import ROOT, annotation, relation, simple_task, span, task, write_export
from label_studio_server import start_server
from tiny_pipeline import train_pipeline
from tradetalks.reader import find_exports
from tradetalks.validate import validate

pytestmark = pytest.mark.studio

SEED = [simple_task(1, "seed", 1), simple_task(2, "seed", 2)]
ARTICLE = [
    "President Ada Lovelace met Chinese officials in Geneva.",
    "The Genevan delegation left Geneva on Monday.",
    "Officials in Oslo said nothing.",
]


@pytest.fixture(scope="session")
def server():
    running = start_server()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def client(server):
    return LabelStudio(base_url=server.url, api_key=server.api_key)


@pytest.fixture(scope="session")
def second_annotator(client) -> int:
    """Another user of the server's organization; the admin's key saves annotations in their name."""
    user = client.users.create(username="second", email="second@tradetalks.test",
                               password=secrets.token_hex(16))
    return user.id


class Workspace:
    """A checkout of the project in a temporary folder: schema/, the card's prose, a seed corpus."""

    def __init__(self, root: Path, server):
        self.root = root
        self.server = server
        self.runs: list[subprocess.CompletedProcess] = []
        shutil.copytree(ROOT / "schema", root / "schema")
        shutil.copy(ROOT / "dataset_card.md", root / "dataset_card.md")
        write_export(self.exports, SEED, "seed.json")

    @property
    def exports(self) -> Path:
        return self.root / "annotations" / "exports"

    def tradetalks(self, *args, **env) -> subprocess.CompletedProcess:
        run = subprocess.run([sys.executable, "-m", "tradetalks.cli", *map(str, args)], capture_output=True,
                             text=True, cwd=self.root, env=self.server.env(TRADETALKS_ROOT=str(self.root), **env))
        self.runs.append(run)
        return run

    def snapshot(self) -> dict[str, bytes]:
        folder = self.root / "annotations"
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    def assert_no_secret_shown_or_written(self) -> None:
        """Neither the API key nor the server's address is in any output or any file of the checkout."""
        for secret in (self.server.api_key, self.server.url, self.server.url.split("//")[1]):
            for run in self.runs:
                assert secret not in run.stdout and secret not in run.stderr
            for path in self.root.rglob("*"):
                if path.is_file():
                    assert secret.encode() not in path.read_bytes(), path


@pytest.fixture
def workspace(tmp_path, server):
    made = Workspace(tmp_path / "checkout", server)
    yield made
    made.assert_no_secret_shown_or_written()


def project_of(run: subprocess.CompletedProcess) -> int:
    assert run.returncode == 0, run.stdout + run.stderr
    return int(re.search(r"into project (\d+)", run.stdout).group(1))


def written_export(run: subprocess.CompletedProcess, workspace: Workspace) -> Path:
    assert run.returncode == 0, run.stdout + run.stderr
    return workspace.root / re.search(r"^wrote (\S+\.json):", run.stdout, flags=re.M).group(1)


def tasks_of(client, project: int) -> dict[tuple, object]:
    return {(t.data["document_id"], t.data["paragraph"]): t for t in client.tasks.list(project=project, fields="all")}


def results(text: str, spans: list[tuple], relations: list[tuple] = ()) -> list[dict]:
    """Span results for (region, surface, label) (surface's first whole-word occurrence) and relation results."""
    made = []
    for region, surface, label in spans:
        start = re.search(rf"(?<!\w){re.escape(surface)}(?!\w)", text).start()
        made.append(span(region, start, start + len(surface), label, text))
    return made + [relation(head, tail, label) for head, tail, label in relations]


# The whole loop

def test_contribution_loop_from_text_file_to_built_dataset(workspace, client, second_annotator, tmp_path):
    (workspace.root / "article.txt").write_text("\n".join(ARTICLE[:2]) + "\n\n" + ARTICLE[2] + "\n")
    project = project_of(workspace.tradetalks("studio", "import", "article.txt", "--source", "test article"))
    assert re.search(r"^created project \d+ \(TradeTalks\)", workspace.runs[-1].stdout, flags=re.M)

    title, config = client.projects.get(id=project).title, client.projects.get(id=project).label_config
    assert title == "TradeTalks" and config.strip() == (ROOT / "schema" / "labeling_config.xml").read_text().strip()
    tasks = tasks_of(client, project)
    document_id = next(iter(tasks))[0]
    assert sorted(tasks) == [(document_id, 1), (document_id, 2), (document_id, 3)]
    assert all(t.data["source"] == "test article" and t.data["text"] == ARTICLE[key[1] - 1]
               for key, t in tasks.items())

    # Pre-annotations: the seed's entity strings, word-bounded ("Genevan" is not "Geneva").
    predicted = {}
    for key, t in tasks.items():
        for prediction in t.predictions or []:
            assert prediction.model_version.startswith("tradetalks-gazetteer-")
            predicted[key] = [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                              for r in prediction.result]
    first, second = ARTICLE[0], ARTICLE[1]
    assert predicted == {
        (document_id, 1): [(0, 9, "TITLE"), (10, 22, "PERSON"), (27, 34, "NORP"), (48, 54, "GPE")],
        (document_id, 2): [(second.index("Geneva "), second.index("Geneva ") + 6, "GPE")],
    }

    # Two annotators on the first paragraph; one on the others.
    full = results(first, [("t", "President", "TITLE"), ("p", "Ada Lovelace", "PERSON"),
                           ("n", "Chinese", "NORP"), ("g", "Geneva", "GPE")],
                   [("p", "t", "has_title"), ("p", "n", "communicates_with")])
    client.annotations.create(id=tasks[document_id, 1].id, result=full, lead_time=12.5)
    partial = [r for r in full if r.get("id") != "n" and r.get("to_id") != "n"]
    client.annotations.create(id=tasks[document_id, 1].id, result=partial, completed_by=second_annotator)
    client.annotations.create(id=tasks[document_id, 2].id, result=results(
        second, [("a", "Genevan", "NORP"), ("b", "Geneva", "GPE"), ("c", "Monday", "DATE")]))
    client.annotations.create(id=tasks[document_id, 3].id, result=results(ARTICLE[2], [("o", "Oslo", "GPE")]))

    pulled = workspace.tradetalks("studio", "pull", "--project", project)
    export = written_export(pulled, workspace)
    assert export.parent == workspace.exports and export.name.startswith(f"studio-project{project}-")
    assert f"3 task(s), 4 annotation(s) by 2 annotator(s) from project {project}" in pulled.stdout
    assert "W405 gold-by-recency" in pulled.stderr  # two annotations on one task, none ground truth
    written = json.loads(export.read_text())
    assert [(t["id"], t["data"]["paragraph"]) for t in written] == [(3, 1), (4, 2), (5, 3)]
    assert {t["meta"]["label_studio_task"] for t in written} == {t.id for t in tasks.values()}
    annotators = {a["completed_by"] for a in written[0]["annotations"]}
    assert len(annotators) == 2 and second_annotator in annotators

    assert workspace.tradetalks("validate").returncode == 0, workspace.runs[-1].stdout
    built = workspace.tradetalks("build", "-q")
    assert built.returncode == 0, built.stderr
    dataset = workspace.root / "dist" / "tradetalks"
    from datasets import load_dataset

    spans = load_dataset(str(dataset), cache_dir=str(tmp_path / "hf-cache"))
    names = spans[next(iter(spans))].features["entities"].feature["label"].names
    rows = {row["paragraph"]: row for split in spans.values() for row in split
            if row["document_id"] == document_id}
    assert sorted(rows) == [1, 2, 3]

    def entities(row):
        return [(e["text"], names[e["label"]]) for e in row["entities"]]

    # Gold of paragraph 1: the latest annotation (the second annotator's), by the documented rule.
    assert entities(rows[1]) == [("President", "TITLE"), ("Ada Lovelace", "PERSON"), ("Geneva", "GPE")]
    assert [(r["head"], r["tail"]) for r in rows[1]["relations"]] == [("p", "t")]
    assert entities(rows[2]) == [("Genevan", "NORP"), ("Geneva", "GPE"), ("Monday", "DATE")]
    assert entities(rows[3]) == [("Oslo", "GPE")]
    card = (dataset / "README.md").read_text()
    assert "Measured on 1 task(s) of 1 document(s) with two or more independent annotations (1 annotation pair(s))" in card
    assert "Entity span F1 (micro): 0.857. Relation F1 (micro): 0.667." in card


# Correcting a task of the corpus

def test_correction_conflicts_unless_replaced_and_the_corpus_never_holds_a_paragraph_twice(workspace, client):
    project = project_of(workspace.tradetalks("studio", "import", "--correct", "seed/2", "--title", "Fixes"))
    [(key, seeded)] = tasks_of(client, project).items()
    assert key == ("seed", 2)
    [prediction] = seeded.predictions
    assert prediction.model_version == "tradetalks-corpus-gold"
    original = SEED[1]["annotations"][0]["result"]
    assert sorted(json.dumps({k: v for k, v in r.items() if k != "origin"}, sort_keys=True) for r in original) == \
        sorted(json.dumps(r, sort_keys=True) for r in prediction.result)
    corrected = [r for r in prediction.result if r.get("labels") != ["communicates_with"]]
    client.annotations.create(id=seeded.id, result=corrected)

    before = workspace.snapshot()
    refused = workspace.tradetalks("studio", "pull", "--project", project)
    assert refused.returncode == 1
    assert re.search(r"seed/2 \(Label Studio task \d+\) is task 2 in \S*seed\.json", refused.stderr)
    assert "--replace" in refused.stderr and "nothing written" in refused.stderr
    skipped = workspace.tradetalks("studio", "pull", "--project", project, "--skip-existing")
    assert skipped.returncode == 1 and "nothing to pull" in skipped.stderr
    assert workspace.snapshot() == before

    replaced = workspace.tradetalks("studio", "pull", "--project", project, "--replace", "--name", "fix.json")
    export = written_export(replaced, workspace)
    assert re.search(r"seed/2: supersedes task 2 of \S*seed\.json", replaced.stdout)
    assert "seed.json again without the superseded task(s): 1 task(s) left" in replaced.stdout
    [fixed] = json.loads(export.read_text())
    assert fixed["id"] == 2 and fixed["meta"]["label_studio_task"] == seeded.id
    assert json.loads((workspace.exports / "seed.json").read_text()) == [SEED[0]]
    report, docs = validate(find_exports(workspace.exports), *contract())
    assert report.valid and sorted(d.key for d in docs) == ["seed/1", "seed/2"]
    assert [r.label for d in docs if d.key == "seed/2" for r in d.gold.relations] == ["has_title"]


def contract():
    from tradetalks.scheme import load_scheme
    from tradetalks.schema_files import load_export_schema

    return load_scheme(ROOT / "schema"), load_export_schema(ROOT / "schema")


# Every way a pull or an import can fail: a message, a non-zero exit, nothing written

def test_wrong_key_wrong_project_and_a_foreign_project_write_nothing(workspace, client):
    text = workspace.root / "article.txt"
    text.write_text(ARTICLE[0] + "\n")
    project = project_of(workspace.tradetalks("studio", "import", "article.txt"))
    foreign = client.projects.create(title="not ours", label_config=(
        '<View><Text name="text" value="$text"/>'
        '<Choices name="sentiment" toName="text"><Choice value="positive"/></Choices></View>')).id
    before = workspace.snapshot()

    wrong_key = workspace.tradetalks("studio", "pull", "--project", project, LABEL_STUDIO_API_KEY="0" * 40)
    assert wrong_key.returncode == 2 and "refused the API key" in wrong_key.stderr
    missing = workspace.tradetalks("studio", "pull", "--project", 99999)
    assert missing.returncode == 2 and "there is no project 99999" in missing.stderr
    not_ours = workspace.tradetalks("studio", "pull", "--project", foreign)
    assert not_ours.returncode == 2
    assert f"project {foreign} is not set up with the label scheme's labeling config" in not_ours.stderr
    assert "E703 config-scheme-mismatch" in not_ours.stderr
    into_foreign = workspace.tradetalks("studio", "import", "article.txt", "--project", foreign)
    assert into_foreign.returncode == 2 and "E703" in into_foreign.stderr
    again = workspace.tradetalks("studio", "import", "article.txt", "--project", project)
    assert again.returncode == 1 and "already has 1 of these task(s)" in again.stderr
    key_file = workspace.root.parent / "key.txt"
    key_file.write_text("not-the-key\n")
    from_file = workspace.tradetalks("studio", "pull", "--project", project, "--api-key-file", key_file)
    assert from_file.returncode == 2 and "refused the API key" in from_file.stderr
    for run in (wrong_key, missing, not_ours, into_foreign, again, from_file):
        assert "Traceback" not in run.stderr
    assert workspace.snapshot() == before
    assert len(tasks_of(client, project)) == 1


def test_an_export_that_fails_validation_is_reported_and_nothing_is_written(workspace, client):
    (workspace.root / "article.txt").write_text(ARTICLE[0] + "\n")
    project = project_of(workspace.tradetalks("studio", "import", "article.txt", "--no-predictions"))
    [(key, made)] = tasks_of(client, project).items()
    assert not made.predictions
    text = ARTICLE[0]
    broken = results(text, [("t", "President", "TITLE"), ("p", "Ada Lovelace", "PERSON"),
                            ("x", "Lovelace met", "ORG"), ("g", "Geneva", "GPE")],
                     [("t", "g", "has_title")])
    created = client.annotations.create(id=made.id, result=broken)
    before = workspace.snapshot()
    run = workspace.tradetalks("studio", "pull", "--project", project)
    assert run.returncode == 1
    lines = run.stderr.splitlines()
    located = re.compile(rf"Label Studio project {project}, task {made.id}, annotation {created.id}, "
                         rf"region (\S+): (E\d+)")
    found = {m.groups() for m in map(located.search, lines) if m}
    assert {"E204", "E303"} <= {code for _, code in found}, run.stderr
    assert "nothing written" in run.stderr and "Traceback" not in run.stderr
    assert "Fix them in Label Studio and pull again" in run.stderr and "studio-project" not in run.stderr
    assert workspace.snapshot() == before


# Exports through the server and back: the same spans and relations

def synthetic_export(folder: Path) -> Path:
    """Two annotators, ground truth, a cancelled annotation, symmetric relations, text beyond the BMP."""
    emoji = "Talks \U0001F91D in Geneva: Ada Lovelace and the Chinese delegation \u2014 day two."
    tasks = [simple_task(1, "synthetic", 1), simple_task(2, "synthetic", 2)]
    e = [span("g", emoji.index("Geneva"), emoji.index("Geneva") + 6, "GPE", emoji),
         span("p", emoji.index("Ada"), emoji.index("Ada") + 12, "PERSON", emoji),
         span("n", emoji.index("Chinese"), emoji.index("Chinese") + 7, "NORP", emoji)]
    tasks.append(task(3, emoji, [
        annotation(30, e + [relation("p", "n", "negotiates_with", "bi")], ground_truth=True),
        annotation(31, e[1:] + [relation("n", "p", "negotiates_with")], completed_by=2),
        annotation(32, [], was_cancelled=True),
    ], "synthetic", 3))
    return write_export(folder, tasks, "synthetic.json")


def comparable(result: list[dict]) -> list[str]:
    keep = {"labels": ("id", "from_name", "to_name", "type", "value"),
            "relation": ("from_id", "to_id", "type", "direction", "labels")}
    return sorted(json.dumps({k: r.get(k) for k in keep[r["type"]]}, sort_keys=True) for r in result)


def annotations_by_key(path: Path) -> dict[str, list]:
    found = {}
    for t in json.loads(path.read_text(encoding="utf-8")):
        key = f"{t['data']['document_id']}/{t['data']['paragraph']}"
        found[key] = (t["data"], sorted(
            (comparable(a["result"]), bool(a.get("was_cancelled")), bool(a.get("ground_truth")))
            for a in t["annotations"]))
    return found


def round_trip_cases() -> list:
    """Every export of the corpus, and one made here."""
    folder = ROOT / "annotations" / "exports"
    seed = find_exports(folder) if folder.is_dir() else []
    return [pytest.param(path, id=f"seed:{path.name}") for path in seed] + [pytest.param(None, id="synthetic")]


@pytest.mark.parametrize("export", round_trip_cases())
def test_an_export_goes_through_the_server_and_comes_back_with_the_same_spans_and_relations(
        export, tmp_path, client, server):
    source = export or synthetic_export(tmp_path / "made")
    original = json.loads(source.read_text(encoding="utf-8"))
    project = client.projects.create(title=f"round trip {source.name}",
                                     label_config=(ROOT / "schema" / "labeling_config.xml").read_text()).id
    client.projects.import_tasks(id=project, request=[
        {"data": t["data"], "annotations": [
            {k: a[k] for k in ("result", "was_cancelled", "ground_truth", "lead_time") if k in a}
            for a in t["annotations"]]}
        for t in original])
    exports = tmp_path / "exports"
    exports.mkdir()
    run = subprocess.run([sys.executable, "-m", "tradetalks.cli", "--schema-dir", str(ROOT / "schema"), "studio",
                          "pull", "--project", str(project), "--exports", str(exports), "--name", "back.json"],
                         capture_output=True, text=True, env=server.env(), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    back = exports / "back.json"
    expected = {k: v for k, v in annotations_by_key(source).items()
                if any(not cancelled for _, cancelled, _ in v[1])}
    assert annotations_by_key(back) == expected
    report, _ = validate([back], *contract())
    assert report.valid


# Pre-annotation with a trained model: on import, and as Label Studio's ML backend

@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Path:
    return train_pipeline(tmp_path_factory.mktemp("model") / "tiny")


def assert_model_predictions(tasks: list, model_version: str) -> None:
    for made in tasks:
        [prediction] = made.predictions
        prediction = prediction if isinstance(prediction, dict) else prediction.dict()
        assert prediction["model_version"] == model_version and 0.0 <= prediction["score"] <= 1.0
        spans = [r["value"] for r in prediction["result"] if r["type"] == "labels"]
        assert all(made.data["text"][v["start"]:v["end"]] == v["text"] for v in spans)


def test_import_with_a_model_pre_annotates_every_task(workspace, client, pipeline):
    (workspace.root / "article.txt").write_text("\n".join(ARTICLE) + "\n")
    run = workspace.tradetalks("studio", "import", "article.txt", "--model", pipeline)
    project = project_of(run)
    tasks = list(tasks_of(client, project).values())
    assert len(tasks) == 3 and "3 pre-annotated" in run.stdout
    version = re.search(r"pre-annotations: (\S+)", run.stdout).group(1)
    assert version.startswith("tiny_test_ner-") and "+relation-rules-1+tradetalks-gazetteer-" in version
    assert_model_predictions(tasks, version)
    assert any(r["type"] == "relation" for t in tasks for p in t.predictions
               for r in (p if isinstance(p, dict) else p.dict())["result"])


def test_a_model_whose_labels_are_not_the_scheme_s_is_refused_and_nothing_imported(workspace, client, tmp_path):
    other = train_pipeline(tmp_path / "other", labels={"GPE": "COUNTRY"})
    (workspace.root / "article.txt").write_text(ARTICLE[0] + "\n")
    projects = len(list(client.projects.list()))
    run = workspace.tradetalks("studio", "import", "article.txt", "--model", other)
    assert run.returncode == 1 and "labels the scheme does not have: COUNTRY" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and len(list(client.projects.list())) == projects


def test_the_ml_backend_pre_annotates_the_tasks_of_a_project_it_is_connected_to(workspace, server, client, pipeline):
    from label_studio_server import free_port

    port = free_port()
    backend = subprocess.Popen([sys.executable, "-m", "tradetalks.cli", "studio", "backend", "--model", str(pipeline),
                                "--port", str(port)], cwd=workspace.root, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=server.env(TRADETALKS_ROOT=str(workspace.root)))
    try:
        version = re.match(r"serving (\S+) at", backend.stdout.readline()).group(1)
        project = client.projects.create(title="backend", label_config=(ROOT / "schema" / "labeling_config.xml")
                                         .read_text(encoding="utf-8"))
        connected = client.ml.create(url=f"http://127.0.0.1:{port}", project=project.id, title="tradetalks")
        assert connected.state == "CO" and connected.model_version == version  # /health, then /setup
        client.projects.import_tasks(id=project.id, request=[
            {"data": {"text": text, "document_id": "ui", "paragraph": n}} for n, text in enumerate(ARTICLE, 1)])
        client.actions.create(id="retrieve_tasks_predictions", project=project.id,
                              selected_items={"all": True, "excluded": []})  # the data manager's action
        tasks = list(tasks_of(client, project.id).values())
        assert len(tasks) == 3
        assert_model_predictions(tasks, version)
    finally:
        backend.terminate()
        backend.wait(timeout=30)
