"""The consistency checks across the corpus (C1xx) and the file of accepted findings."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT
from tradetalks.cli import main
from tradetalks.consistency import (AcceptedFileError, Acceptance, check_corpus, load_accepted, settle)
from tradetalks.model import Annotation, Document, Entity, Relation


def doc(document_id: str, paragraph: int, text: str, spans: list[tuple[str, str]], relations=()) -> Document:
    """A task whose gold marks each (string, label) at its next occurrence; relations by span index."""
    entities, position = [], 0
    for number, (string, label) in enumerate(spans):
        start = text.index(string, position)
        entities.append(Entity(f"r{number}", start, start + len(string), label, string))
        position = start + len(string)
    gold = Annotation(1, 1, False, True, "", entities,
                      [Relation(f"r{h}", f"r{t}", label) for h, label, t in relations])
    return Document(paragraph, document_id, paragraph, text, None, "x.json", [gold], gold)


def codes(findings):
    return [(f.code, f.where, f.text) for f in findings]


def test_a_string_with_two_types_is_one_label_conflict():
    docs = [doc("a", 1, "The White House said so.", [("White House", "ORG")]),
            doc("a", 2, "They met at the White House.", [("White House", "FAC")]),
            doc("a", 3, "The White House agreed.", [("White House", "ORG")])]
    found = [f for f in check_corpus(docs) if f.code == "C101"]
    assert codes(found) == [("C101", "*", "White House")]
    assert found[0].message == "labelled FAC 1 time(s), ORG 2 time(s)"


def test_an_unmarked_occurrence_of_a_marked_string_is_found_as_a_whole_word_only():
    docs = [doc("a", 1, "China and Mexico.", [("China", "GPE"), ("Mexico", "GPE")]),
            doc("b", 1, "Chinaware from China, and U.S.-China talks; Mexico.",
                [("U.S.", "GPE"), ("China", "GPE"), ("Mexico", "GPE")])]
    found = [f for f in check_corpus(docs) if f.code == "C102"]
    # "Chinaware" is not China; the second China is marked; the first whole "China" is not
    assert codes(found) == [("C102", "b/1:15", "China")]
    assert "marked 2 time(s) elsewhere, as GPE" in found[0].message


def test_inside_a_longer_span_is_not_an_unmarked_occurrence():
    docs = [doc("a", 1, "The United States Trade Representative spoke.", [("United States Trade Representative", "TITLE")]),
            doc("a", 2, "The United States agreed.", [("United States", "GPE")])]
    assert [f for f in check_corpus(docs) if f.code == "C102"] == []


def test_titles_beside_persons_need_has_title_but_a_list_s_next_title_does_not():
    text = "Treasury Secretary Scott Bessent, Commerce Secretary Howard Lutnick, and Jamieson Greer, USTR, met."
    spans = [("Treasury Secretary", "TITLE"), ("Scott Bessent", "PERSON"), ("Commerce Secretary", "TITLE"),
             ("Howard Lutnick", "PERSON"), ("Jamieson Greer", "PERSON"), ("USTR", "TITLE")]
    complete = doc("a", 1, text, spans, [(1, "has_title", 0), (3, "has_title", 2), (4, "has_title", 5)])
    assert [f for f in check_corpus([complete]) if f.code == "C103"] == []
    missing = doc("a", 1, text, spans, [(1, "has_title", 0)])
    assert codes(f for f in check_corpus([missing]) if f.code == "C103") == [
        ("C103", "a/1:34", "Commerce Secretary"), ("C103", "a/1:89", "USTR")]


def test_a_nationality_before_a_title_and_a_person_needs_nationality():
    text = "Chinese President Xi Jinping met Japanese Prime Minister Kishida."
    spans = [("Chinese", "NORP"), ("President", "TITLE"), ("Xi Jinping", "PERSON"), ("Japanese", "NORP"),
             ("Prime Minister", "TITLE"), ("Kishida", "PERSON")]
    relations = [(2, "has_title", 1), (5, "has_title", 4), (2, "nationality", 0)]
    assert codes(f for f in check_corpus([doc("a", 1, text, spans, relations)]) if f.code == "C104") == [
        ("C104", "a/1:33", "Japanese")]


def test_span_edges_with_articles_possessives_or_punctuation():
    text = "the Treasury’s view, (Congress) and the Senate"
    found = check_corpus([doc("a", 1, text, [("the Treasury’s", "ORG"), ("(Congress)", "ORG"), ("Senate", "ORG")])])
    assert codes(f for f in found if f.code == "C105") == [("C105", "a/1:21", "(Congress)"),
                                                           ("C105", "a/1:0", "the Treasury’s")]


def test_accepted_findings_are_settled_by_place_or_everywhere_and_stale_ones_are_named(tmp_path):
    docs = [doc("a", 1, "one of two; one.", [("one", "CARDINAL"), ("two", "CARDINAL")]),
            doc("a", 2, "White House, White House", [("White House", "ORG"), ("White House", "FAC")])]
    findings = check_corpus(docs)
    assert codes(findings) == [("C101", "*", "White House"), ("C102", "a/1:12", "one")]
    path = tmp_path / "accepted.tsv"
    path.write_text("code\twhere\ttext\treason\n"
                    "C101\t*\tWhite House\tbuilding or institution by context\n"
                    "C102\ta/1:12\tone\tnot a number here\n"
                    "C102\t*\tGeneva\tgone\n", encoding="utf-8")
    outcome = settle(findings, load_accepted(path))
    assert outcome.open == []
    assert [a.line for a in outcome.unused] == [4]
    assert outcome.counts()["C102"] == {"found": 1, "accepted": 1, "open": 0}


@pytest.mark.parametrize("body, message", [
    ("code\twhere\ttext\n", "the header must be"),
    ("code\twhere\ttext\treason\nC999\t*\tx\twhy\n", ":2: unknown code C999"),
    ("code\twhere\ttext\treason\nC101\t*\tx\t \n", ":2: no reason given"),
    ("code\twhere\ttext\treason\nC101\t*\tx\n", ":2: 3 fields"),
])
def test_a_malformed_accepted_file_is_a_located_error(tmp_path, body, message):
    path = tmp_path / "accepted.tsv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(AcceptedFileError, match=re.escape(message)):
        load_accepted(path)


def test_the_shipped_corpus_has_no_open_finding_and_its_summary_is_current(tmp_path, capsys):
    summary = tmp_path / "consistency.json"
    assert main(["consistency", str(ROOT / "annotations" / "exports"),
                 "--accepted", str(ROOT / "annotations" / "consistency.tsv"), "--summary", str(summary)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("0 open finding(s)") and "no longer found" not in out
    shipped = ROOT / "results" / "consistency.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == json.loads(summary.read_text(encoding="utf-8"))


def test_an_open_finding_exits_1_and_is_listed_in_json(tmp_path, capsys):
    empty = tmp_path / "none.tsv"
    assert main(["consistency", str(ROOT / "annotations" / "exports"), "--accepted", str(empty),
                 "--format", "json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["open"] and all(f["code"].startswith("C1") for f in body["open"])
    assert sum(c["open"] for c in body["counts"].values()) == len(body["open"])


def test_acceptance_covers_only_its_code_text_and_place():
    acceptance = Acceptance("C102", "a/1:3", "one", "why", 2)
    finding = check_corpus([doc("a", 1, "two one", [("two", "CARDINAL")]),
                            doc("b", 1, "one", [("one", "CARDINAL")])])
    assert [acceptance.covers(f) for f in finding] == [False]  # found at a/1:4


def test_a_has_title_across_other_words_is_distant():
    text = "President Biden met Scott Bessent, the Secretary. The President said Biden agreed."
    spans = [("President", "TITLE"), ("Biden", "PERSON"), ("Scott Bessent", "PERSON"), ("Secretary", "TITLE"),
             ("President", "TITLE"), ("Biden", "PERSON")]
    relations = [(1, "has_title", 0), (2, "has_title", 3), (1, "has_title", 4)]
    found = [f for f in check_corpus([doc("a", 1, text, spans, relations)]) if f.code == "C106"]
    assert codes(found) == [("C106", "a/1:54", "President")]


def test_the_summary_replaces_only_a_summary_this_command_wrote(tmp_path, capsys):
    exports = ROOT / "annotations" / "exports"
    accepted = ROOT / "annotations" / "consistency.tsv"
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": true}\n', encoding="utf-8")
    assert main(["consistency", str(exports), "--accepted", str(accepted), "--summary", str(notes)]) == 2
    assert "it is not a summary this command wrote" in capsys.readouterr().err
    assert notes.read_text(encoding="utf-8") == '{"mine": true}\n'
    assert main(["consistency", str(exports), "--accepted", str(accepted), "--summary", str(accepted)]) == 2
    assert "is an input" in capsys.readouterr().err
    summary = tmp_path / "summary.json"
    for _ in range(2):  # written, then replaced
        assert main(["consistency", str(exports), "--accepted", str(accepted), "--summary", str(summary)]) == 0
    assert json.loads(summary.read_text(encoding="utf-8"))["tasks"] > 0


def test_a_meeting_place_with_communicates_with_is_found_and_a_visit_is_not():
    met = "Vice President Kamala Harris met today in Manila with President Marcos."
    spans = [("Kamala Harris", "PERSON"), ("Manila", "GPE"), ("Marcos", "PERSON")]
    as_visit = doc("a", 1, met, spans, [(0, "communicates_with", 1), (0, "communicates_with", 2),
                                        (2, "communicates_with", 1)])
    right = doc("a", 2, met, spans, [(0, "communicates_with", 2)])
    visit = doc("a", 3, "The upcoming visit by President Xi Jinping to Washington.",
                [("Xi Jinping", "PERSON"), ("Washington", "GPE")], [(0, "communicates_with", 1)])
    found = [f for f in check_corpus([as_visit, right, visit]) if f.code == "C107"]
    assert codes(found) == [("C107", "a/1:42", "Manila")]  # once for the place, though two relations reach it
