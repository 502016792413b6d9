"""Pre-annotation with a trained spaCy pipeline: offsets into the task's text, labels checked against the
scheme, relation rules, model version and score; and the ML backend's answers to Label Studio's calls."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest

from tiny_pipeline import SENTENCES, train_pipeline
from tradetalks.studio import Gazetteer, ModelPredictor, ModelRefused
from tradetalks.studio.backend import serve
from tradetalks.studio.prelabel import Span, folder_digest, suggested_relations


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return train_pipeline(tmp_path_factory.mktemp("model") / "tiny")


def test_predictions_select_their_text_and_carry_version_and_score(pipeline, scheme):
    predictor = ModelPredictor(pipeline, scheme)
    assert predictor.model_version == f"tiny_test_ner-{folder_digest(pipeline)}+relation-rules-1"
    text = "Chinese President Xi Jinping met\u00a0President Ada Lovelace in Geneva."  # a no-break space
    prediction = predictor.prediction(text)
    spans = [r["value"] for r in prediction["result"] if r["type"] == "labels"]
    assert spans and all(text[v["start"]:v["end"]] == v["text"] for v in spans)
    assert all(v["labels"][0] in scheme.entity_labels for v in spans)
    assert prediction["model_version"] == predictor.model_version and 0.0 <= prediction["score"] <= 1.0


def test_relation_rules_link_a_title_and_a_nationality_to_the_person_beside_them():
    text = "Chinese President Xi Jinping met Ada Lovelace, the President."
    spans = [Span(0, 7, "NORP", "Chinese"), Span(8, 17, "TITLE", "President"), Span(18, 28, "PERSON", "Xi Jinping"),
             Span(33, 45, "PERSON", "Ada Lovelace"), Span(51, 60, "TITLE", "President")]
    assert suggested_relations(text, spans) == [(2, "nationality", 0), (2, "has_title", 1)]


def test_the_model_wins_and_the_gazetteer_fills_in_where_it_found_nothing(pipeline, scheme):
    gazetteer = Gazetteer({"Officials": "TITLE", "nothing": "CARDINAL", "Ada Lovelace": "ORG"})
    predictor = ModelPredictor(pipeline, scheme, gazetteer)
    text, gold = SENTENCES[2][0], SENTENCES[0][1]
    model_only = {(s.start, s.end) for s in ModelPredictor(pipeline, scheme).spans(text)}
    combined = predictor.spans(text)
    assert {(s.start, s.end) for s in combined} >= model_only
    assert any(s.text == "nothing" and s.label == "CARDINAL" for s in combined)
    assert predictor.model_version.endswith("+" + gazetteer.model_version)
    overlapping = ModelPredictor(pipeline, scheme, gazetteer).spans(SENTENCES[0][0])
    assert not any(s.label == "ORG" for s in overlapping if (s.start, s.end) in {(a, b) for a, b, _ in gold})


def test_a_pipeline_whose_labels_are_not_the_scheme_s_is_refused(tmp_path, scheme):
    other = train_pipeline(tmp_path / "other", labels={"GPE": "COUNTRY"})
    with pytest.raises(ModelRefused, match="labels the scheme does not have: COUNTRY"):
        ModelPredictor(other, scheme)
    with pytest.raises(ModelRefused, match="not a spaCy pipeline"):
        ModelPredictor(tmp_path / "nothing-here", scheme)


def test_the_backend_answers_label_studio_s_calls(pipeline, scheme):
    predictor = ModelPredictor(pipeline, scheme)
    server = serve(predictor, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"

    def call(path, body=None):
        data = None if body is None else json.dumps(body).encode()
        with urllib.request.urlopen(urllib.request.Request(url + path, data=data), timeout=10) as response:
            return json.loads(response.read())

    try:
        assert call("/health")["status"] == "UP"
        assert call("/setup", {"project": "1.0", "schema": "<View/>"}) == {"model_version": predictor.model_version}
        texts = [text for text, _ in SENTENCES]
        answer = call("/predict", {"tasks": [{"id": i, "data": {"text": t}} for i, t in enumerate(texts)]})
        assert answer["results"] == [predictor.prediction(t) for t in texts]
        assert call("/webhook", {"action": "ANNOTATION_CREATED"}) == {}
    finally:
        server.shutdown()
        server.server_close()


def test_the_worth_script_counts_edits_to_add_delete_and_relabel():
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("worth", ROOT / "scripts" / "preannotation_worth.py")
    worth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(worth)
    gold = [{(0, 9, "TITLE"), (10, 22, "PERSON"), (27, 34, "NORP")}, {(13, 17, "GPE")}]
    predicted = [{(0, 9, "TITLE"), (10, 22, "ORG"), (35, 40, "GPE")}, set()]
    found = worth.score(gold, predicted)
    # one relabel (PERSON as ORG), one delete (35..40), two adds (NORP, GPE): 4 edits for 4 gold spans
    assert found["edits_per_100_gold_spans"] == {"add": 50.0, "delete": 25.0, "relabel": 25.0, "total": 100.0,
                                                 "saved": 0.0}
    assert found["micro"]["correct"] == 1 and found["per_label"]["PERSON"]["recall"] == 0.0


def test_without_the_gazetteer_the_model_s_spans_come_alone(pipeline, scheme, tmp_path):
    from conftest import simple_task, write_export
    from tradetalks.schema_files import load_export_schema
    from tradetalks.studio import Corpus, plan_import

    corpus = Corpus.load(write_export(tmp_path / "exports", [simple_task(1, "seed", 1)]).parent, scheme,
                         load_export_schema(None))
    text = tmp_path / "new.txt"
    text.write_text("Officials in Oslo and Geneva said nothing.\n", encoding="utf-8")
    alone = plan_import(corpus, scheme, [text], predictions=False, model=pipeline)
    combined = plan_import(corpus, scheme, [text], model=pipeline)
    assert alone.gazetteer is None and alone.model.model_version.endswith("+relation-rules-1")
    assert combined.model.model_version.endswith("+" + combined.gazetteer.model_version)
