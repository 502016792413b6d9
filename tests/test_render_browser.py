"""The review page in a real headless Chromium: every span highlighted with its label, every relation
drawn between its two marks, the filters, and text from the export that must stay text.

Chromium is Debian's /usr/bin/chromium, driven by its matching /usr/bin/chromedriver (package
chromium-driver) through Selenium. Screenshots land in test-artifacts/ for a look by eye.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import Select

from conftest import ROOT, simple_task, write_export
from test_render import INJECTION, injection_task, long_task, two_annotator_task
from tradetalks.reader import find_exports
from tradetalks.render import collect_review, render_page
from tradetalks.splits import SplitAssignment

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = ROOT / "test-artifacts"
SEED_DOCUMENT = "63fbcf5007623389"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,900"]

# Everything the checks need from one shown annotation, read through the DOM.
READ_ANNOTATION = """
const section = arguments[0];
const origin = section.querySelector('.text').getBoundingClientRect();
const box = (node) => { const r = node.getBoundingClientRect();
  return {left: r.left - origin.left, right: r.right - origin.left, top: r.top - origin.top,
          bottom: r.bottom - origin.top, width: r.width, height: r.height}; };
const marks = [...section.querySelectorAll('mark.entity')].map((m) => ({
  id: m.id, start: +m.dataset.start, end: +m.dataset.end, label: m.dataset.label,
  text: m.firstChild.textContent, tag: m.querySelector('.tag').textContent,
  background: getComputedStyle(m).backgroundColor, box: box(m)}));
const arcs = [...section.querySelectorAll('svg.arcs path.arc')].map((p) => {
  const length = p.getTotalLength(), a = p.getPointAtLength(0), b = p.getPointAtLength(length);
  const label = section.querySelector(`svg.arcs text.arc-label[data-index="${p.dataset.index}"]`);
  return {head: p.dataset.head, tail: p.dataset.tail, label: p.dataset.label, length: length,
          start: [a.x, a.y], end: [b.x, b.y], text: label && label.textContent,
          labelBox: label && box(label), shown: getComputedStyle(p).visibility === 'visible'};
});
return {marks: marks, arcs: arcs};
"""


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        reason = f"Chromium is not installed ({CHROMIUM}, {CHROMEDRIVER}): apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI installs it: its absence there is a broken setup, not a machine to skip on
        pytest.skip(reason)
    profile = tempfile.mkdtemp(prefix="tradetalks-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_page(browser, tmp_path, scheme, export_schema, files, splits=None, width=1280):
    review = collect_review(files, scheme, export_schema, splits or SplitAssignment({}))
    page = tmp_path / "review.html"
    page.write_text(render_page(review, scheme), encoding="utf-8")
    browser.set_window_size(width, 900)
    browser.get(page.as_uri())
    assert browser.find_element("css selector", "body").get_attribute("data-arcs-drawn")
    return review


def screenshot(browser, name: str, element=None) -> None:
    """The whole page (or one element) as test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = str(ARTIFACTS / f"{name}.png")
    if element is not None:
        element.screenshot(path)
        return
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(browser.get_window_size()["width"], min(height + 120, 8000))
    browser.save_screenshot(path)


def rgb(hex_colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)))


def check_annotation(browser, scheme, entry, shown) -> None:
    """Every entity of the annotation is a visible mark with its label and colour, every relation an arrow
    that leaves its head's mark and ends on its tail's mark, labelled with the relation type."""
    section = browser.find_element("id", shown.dom_id)
    seen = browser.execute_script(READ_ANNOTATION, section)
    colours = {e.name: e.color for e in scheme.entity_types}
    text = entry.document.text
    marks = {(m["start"], m["end"]): m for m in seen["marks"]}
    assert len(marks) == len(seen["marks"]) == len(shown.annotation.entities)
    for entity in shown.annotation.entities:
        mark = marks[entity.start, entity.end]
        assert (mark["label"], mark["tag"]) == (entity.label, entity.label)
        assert mark["text"] == entity.text == text[entity.start:entity.end]
        assert mark["background"] == rgb(colours[entity.label])
        assert mark["box"]["width"] > 0 and mark["box"]["height"] > 0
    mark_of = {e.id: marks[e.start, e.end] for e in shown.annotation.entities}
    arcs = {(a["head"], a["tail"], a["label"]): a for a in seen["arcs"]}
    assert len(arcs) == len(seen["arcs"]) == len(shown.annotation.relations)
    for relation in shown.annotation.relations:
        head, tail = mark_of[relation.head], mark_of[relation.tail]
        arc = arcs[head["id"], tail["id"], relation.label]
        assert arc["shown"] and arc["length"] > 0 and arc["text"] == relation.label
        for (x, y), mark in ((arc["start"], head), (arc["end"], tail)):
            box = mark["box"]
            assert box["left"] <= x <= box["right"], (relation, mark)
            assert abs(y - box["top"]) < 1 or abs(y - box["bottom"]) < 1, (relation, mark)
        assert arc["labelBox"]["width"] > 0


def test_every_span_and_relation_is_drawn(browser, tmp_path, scheme, export_schema):
    files = [write_export(tmp_path, [long_task(1), simple_task(2, paragraph=2), two_annotator_task(3, paragraph=3)])]
    review = open_page(browser, tmp_path, scheme, export_schema, files)
    for entry in review.tasks:
        for shown in entry.annotations:
            check_annotation(browser, scheme, entry, shown)
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    assert loaded == []
    screenshot(browser, "review-synthetic")
    # a narrower window wraps the text differently; the arrows are drawn again between the same marks
    browser.set_window_size(700, 900)
    browser.execute_script("window.dispatchEvent(new Event('resize'))")
    browser.execute_script("return new Promise((done) => setTimeout(done, 300))")
    for shown in review.tasks[0].annotations:
        check_annotation(browser, scheme, review.tasks[0], shown)


def test_two_annotators_side_by_side_with_differences_marked(browser, tmp_path, scheme, export_schema):
    files = [write_export(tmp_path, [two_annotator_task(1)])]
    review = open_page(browser, tmp_path, scheme, export_schema, files)
    first, second = (browser.find_element("id", shown.dom_id) for shown in review.tasks[0].annotations)
    assert first.rect["y"] == second.rect["y"] and first.rect["x"] + first.rect["width"] <= second.rect["x"]
    for section, label, relation in ((first, "GPE", "communicates_with"), (second, "LOC", "negotiates_with")):
        differing = section.find_elements("css selector", "mark.disagree")
        assert [m.get_attribute("data-label") for m in differing] == [label]
        assert differing[0].value_of_css_property("outline-style") == "dashed"
        arcs = section.find_elements("css selector", "path.arc.disagree")
        assert [a.get_attribute("data-label") for a in arcs] == [relation]
    screenshot(browser, "review-two-annotators", browser.find_element("id", review.tasks[0].dom_id))


def test_filters_by_split_and_label(browser, tmp_path, scheme, export_schema):
    splits = tmp_path / "splits.json"
    splits.write_text('{"assignments": {"docL/1": "train", "doc0/2": "test", "docI/3": "validation"}}')
    files = [write_export(tmp_path, [long_task(1), simple_task(2, paragraph=2), injection_task(3)])]
    open_page(browser, tmp_path, scheme, export_schema, files, SplitAssignment.load(splits))

    def shown():
        return [t.get_attribute("data-task") for t in browser.find_elements("css selector", "article.task")
                if t.is_displayed()]

    assert shown() == ["1", "2", "3"]
    browser.find_element("css selector", "input[name=split][value=train]").click()
    assert shown() == ["2", "3"]
    assert browser.find_element("id", "shown-count").text == "2 of 3 tasks shown"
    browser.find_element("css selector", "input[name=split][value=train]").click()
    Select(browser.find_element("id", "filter-entity")).select_by_value("TITLE")
    assert shown() == ["1", "2"]
    dimmed = {m.get_attribute("data-label") for m in browser.find_elements("css selector", "mark.dim")}
    assert "TITLE" not in dimmed and {"PERSON", "GPE"} <= dimmed
    Select(browser.find_element("id", "filter-entity")).select_by_value("")
    Select(browser.find_element("id", "filter-relation")).select_by_value("quotes")
    assert shown() == ["1"]


def test_text_with_markup_stays_text_and_nothing_runs(browser, tmp_path, scheme, export_schema):
    files = [write_export(tmp_path, [injection_task(1)])]
    review = open_page(browser, tmp_path, scheme, export_schema, files)
    assert browser.execute_script("return window.__injected") is None
    section = browser.find_element("id", review.tasks[0].annotations[0].dom_id)
    para = section.find_element("css selector", ".para")
    visible = browser.execute_script(
        "const copy = arguments[0].cloneNode(true); copy.querySelectorAll('.tag').forEach((t) => t.remove());"
        "return copy.textContent;", para)
    assert visible == INJECTION
    assert para.find_elements("css selector", "script, img") == []
    assert para.is_displayed() and '<script>window.__injected = "script";</script>' in para.text
    assert len(browser.find_elements("css selector", "article.task")) == 1
    check_annotation(browser, scheme, review.tasks[0], review.tasks[0].annotations[0])


def test_seed_article_can_be_checked_by_eye(browser, tmp_path, scheme, export_schema):
    files = find_exports(ROOT / "annotations" / "exports")
    review = open_page(browser, tmp_path, scheme, export_schema, files,
                       SplitAssignment.load(ROOT / "annotations" / "splits.json"))
    seed = [t for t in review.tasks if t.document is not None and t.document.document_id == SEED_DOCUMENT]
    assert seed and all(t.frozen for t in seed)
    for entry in seed:
        for shown in entry.annotations:
            check_annotation(browser, scheme, entry, shown)
    assert sum(len(s.annotation.relations) for t in seed for s in t.annotations) > 0
    busiest = max(seed, key=lambda t: sum(len(s.annotation.relations) for s in t.annotations))
    screenshot(browser, "review-seed-busiest-task", browser.find_element("id", busiest.dom_id))
    screenshot(browser, "review-seed")
