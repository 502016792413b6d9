"""The review page's content: escaping, problems on their tasks, splits, annotator differences, the command.

The browser checks (highlights, arrows, filters, injection) are in test_render_browser.py.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys

from conftest import ROOT, annotation, relation, simple_task, span, task, write_export
from tradetalks.render import collect_review, render_page
from tradetalks.render.page import script_json
from tradetalks.splits import SplitAssignment

INJECTION = ('<script>window.__injected = "script";</script> Ada Lovelace <img src="x" '
             'onerror="window.__injected = \'img\'"> met </p></article><!-- officials in Geneva')


def build_paragraph(parts: list) -> tuple[str, list[tuple[int, int, str]]]:
    """Text and (start, end, label) spans from a list of plain strings and (text, label) pairs."""
    text, spans = "", []
    for part in parts:
        if isinstance(part, tuple):
            spans.append((len(text), len(text) + len(part[0]), part[1]))
            part = part[0]
        text += part
    return text, spans


def long_task(task_id: int, document_id: str = "docL", paragraph: int = 1) -> dict:
    """A paragraph long enough to wrap, with relations on one line, between neighbouring lines and further."""
    text, spans = build_paragraph([
        ("Minister", "TITLE"), " ", ("Ada Lovelace", "PERSON"), " of ", ("Freedonia", "GPE"),
        " spoke by phone with ", ("Chancellor", "TITLE"), " ", ("Bob Marsh", "PERSON"), " of ",
        ("Sylvania", "GPE"), " on ", ("Monday", "DATE"), " about the ", ("25 percent", "PERCENT"),
        " tariff that ", ("Freedonia", "GPE"), " keeps on steel from ", ("Sylvania", "GPE"), ", the ",
        ("Ministry of Trade", "ORG"), " said in a statement. The two sides will meet again in ",
        ("Geneva", "GPE"), " within ", ("two weeks", "DATE"), ", and ", ("Marsh", "PERSON"),
        " said talks with the ", ("Freedonian", "NORP"), " delegation would cover ", ("$3 billion", "MONEY"),
        " of grain, a sum that ", ("Lovelace", "PERSON"), " called fair.",
    ])
    result = [span(f"r{i}", start, end, label, text) for i, (start, end, label) in enumerate(spans)]
    result += [relation(head, tail, label) for head, tail, label in [
        ("r1", "r0", "has_title"), ("r1", "r2", "represents"), ("r4", "r3", "has_title"),
        ("r4", "r5", "represents"), ("r1", "r4", "communicates_with"), ("r8", "r9", "measure_against"),
        ("r13", "r14", "communicates_with"), ("r1", "r5", "negotiates_with"), ("r10", "r2", "part_of"),
        ("r16", "r10", "represents"), ("r16", "r4", "quotes"),
    ]]
    return task(task_id, text, [annotation(task_id, result)], document_id, paragraph)


def two_annotator_task(task_id: int, paragraph: int | None = None) -> dict:
    """simple_task with a second annotator who has other region ids, GPE -> LOC and another relation label."""
    t = simple_task(task_id, paragraph=paragraph)
    second = copy.deepcopy(t["annotations"][0])
    second.update(id=task_id * 100, completed_by=2, updated_at="2026-01-02T00:00:00.000000Z")
    text = t["data"]["text"]
    second["result"] = [
        span("t2", 0, 9, "TITLE", text), span("p2", 10, 22, "PERSON", text), span("n2", 27, 34, "NORP", text),
        span("g2", 48, 54, "LOC", text), relation("p2", "t2", "has_title"), relation("p2", "n2", "negotiates_with"),
    ]
    t["annotations"].append(second)
    return t


def injection_task(task_id: int) -> dict:
    text = INJECTION
    start = text.index("Ada Lovelace")
    geneva = text.index("Geneva")
    result = [span("p", start, start + 12, "PERSON", text), span("g", geneva, geneva + 6, "GPE", text)]
    return task(task_id, text, [annotation(task_id, result)], "docI", task_id)


def review_of(tmp_path, scheme, export_schema, *exports, splits=None):
    files = [write_export(tmp_path, tasks, name=f"export{i}.json") for i, tasks in enumerate(exports)]
    assignment = SplitAssignment.load(splits) if splits else SplitAssignment({})
    review = collect_review(files, scheme, export_schema, assignment)
    return review, render_page(review, scheme)


def arc_json(page: str) -> str:
    return re.search(r'<script type="application/json" id="arc-data">(.*?)</script>', page, re.S).group(1)


def test_text_from_the_export_is_escaped(tmp_path, scheme, export_schema):
    _, page = review_of(tmp_path, scheme, export_schema, [injection_task(1)])
    assert page.count("<script") == 2  # the page's own data and code, nothing from the text
    assert "<img" not in page and "<!-- officials" not in page and "</article><!--" not in page
    assert "&lt;script&gt;window.__injected = &#34;script&#34;;&lt;/script&gt; <mark" in page


def test_embedded_json_cannot_close_its_script_element():
    payload = {"text": "</script><script>alert(1)</script><!-- & ]]>", "line": "a\u2028b"}
    embedded = str(script_json(payload))
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded and "\u2028" not in embedded
    assert json.loads(embedded) == payload


def test_arc_data_names_the_marks_of_every_relation(tmp_path, scheme, export_schema):
    review, page = review_of(tmp_path, scheme, export_schema, [long_task(1)])
    data = json.loads(arc_json(page))
    [shown] = review.tasks[0].annotations
    assert len(data[shown.dom_id]) == len(shown.annotation.relations) == 11
    marks = dict(re.findall(r'<mark id="([^"]+)" class="entity" data-label="([A-Z_]+)"', page))
    for head, tail, label, symmetric, agreed in data[shown.dom_id]:
        assert head in marks and tail in marks and agreed is True
        assert symmetric == scheme.relations[label].symmetric


def test_problems_are_shown_on_their_task_and_broken_tasks_are_listed(tmp_path, scheme, export_schema):
    broken = simple_task(2, paragraph=2)
    del broken["data"]["text"]  # a structural error: pipeline.documents does not yield this task
    wrong = simple_task(3, paragraph=3)
    wrong["annotations"][0]["result"][0]["value"]["text"] = "Presidnt"
    (tmp_path / "truncated.json").write_text('[{"id": 9, "data": {', encoding="utf-8")
    files = [write_export(tmp_path, [simple_task(1), broken, wrong]), tmp_path / "truncated.json"]
    review = collect_review(files, scheme, export_schema, SplitAssignment({}))
    page = render_page(review, scheme)
    assert [t.ref for t in review.tasks] == [1, 2, 3]
    assert [t.document is None for t in review.tasks] == [False, True, False]
    assert [p.code for p in review.tasks[1].problems] == ["E100"]
    assert {p.code for p in review.tasks[2].problems} == {"E202", "E302"}
    assert [p.code for p in review.general_problems] == ["E002"]
    general = page.index("Problems not tied to a task")
    assert general < page.index('id="task-0"') and page.index("E002", general) < page.index('id="task-0"')
    task2 = page[page.index('id="task-1"'):page.index('id="task-2"')]
    assert "E100" in task2 and "schema-violation" in task2 and "annotations are not shown" in task2
    task3 = page[page.index('id="task-2"'):]
    assert "E202" in task3 and "region t" in task3


def test_two_annotators_side_by_side_with_the_agreement_matching(tmp_path, scheme, export_schema):
    review, page = review_of(tmp_path, scheme, export_schema, [two_annotator_task(1)])
    first, second = review.tasks[0].annotations
    assert (first.is_gold, second.is_gold) == (False, True)  # the later one, by the gold rule

    def differing(shown):
        return ({(e.entity.text, e.entity.label) for e in shown.entities if not e.agreed},
                {r.label for r in shown.relations if not r.agreed})

    # region ids differ between the annotators; offsets and labels decide, as in the agreement measure
    assert differing(first) == ({("Geneva", "GPE")}, {"communicates_with"})
    assert differing(second) == ({("Geneva", "LOC")}, {"negotiates_with"})
    assert page.count('class="entity disagree"') == 2 and page.count('class="relation disagree"') == 2
    assert page.count("2 difference(s)") == 2 and 'data-columns="2"' in page


def test_splits_come_from_the_frozen_assignment(tmp_path, scheme, export_schema):
    splits = tmp_path / "splits.json"
    splits.write_text(json.dumps({"assignments": {"doc0/1": "test"}}), encoding="utf-8")
    review, page = review_of(tmp_path, scheme, export_schema, [simple_task(1), simple_task(2)], splits=splits)
    assert [(t.split, t.frozen) for t in review.tasks][0] == ("test", True)
    assert review.tasks[1].frozen is False
    assert 'data-split="test"' in page and "(not frozen)" in page


def test_page_loads_nothing_and_runs_only_its_own_script(tmp_path, scheme, export_schema):
    _, page = review_of(tmp_path, scheme, export_schema, [simple_task(1)])
    assert not re.search(r'\s(src|href)=', page)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def tradetalks(*args):
    return subprocess.run([sys.executable, "-m", "tradetalks.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def test_render_command_writes_the_page_and_exits_one_on_errors(tmp_path):
    good = write_export(tmp_path / "good", [simple_task(1)])
    out = tmp_path / "pages" / "review.html"
    run = tradetalks("render", good, "-o", out)
    assert run.returncode == 0, run.stderr
    assert out.is_file() and "1 task(s), 0 error(s)" in run.stdout
    bad_task = simple_task(2)
    bad_task["annotations"][0]["result"][1]["value"]["end"] = 999
    bad = write_export(tmp_path / "bad", [bad_task])
    run = tradetalks("render", bad, "-o", out, "--force")  # the page of the first run is replaced
    assert run.returncode == 1 and "0 error(s)" not in run.stdout and "Traceback" not in run.stderr
    assert "E201" in out.read_text(encoding="utf-8")
    assert [p.name for p in out.parent.iterdir()] == ["review.html"]


def test_render_command_reports_a_missing_input_cleanly(tmp_path):
    run = tradetalks("render", tmp_path / "nope.json", "-o", tmp_path / "r.html")
    assert run.returncode == 2 and "no such file" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "r.html").exists()
