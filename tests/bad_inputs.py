"""The catalogue of bad inputs: each case makes the bytes of a broken file and names what must be reported.

Every case starts from a valid export made by the conftest factories (or from the
project's labeling config) and breaks it in one way. `expected` lists every problem
the case must produce, as (code, task, annotation, region); nothing else may be
reported. Cases are run through the library and the command line by test_bad_inputs.py.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Callable

from conftest import ROOT, annotation, relation, simple_task, span, task

BOM = b"\xef\xbb\xbf"
DEEP = 100_000  # nesting far beyond Python's recursion limit
LONG = 2_000_000  # characters


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    expected: frozenset  # {(code, task, annotation, region)}
    kind: str = "export"  # "export" (a Label Studio JSON export) or "config" (a labeling config)

    @property
    def has_errors(self) -> bool:
        return any(code.startswith("E") for code, *_ in self.expected)

    @property
    def suffix(self) -> str:
        return ".json" if self.kind == "export" else ".xml"


def valid_tasks() -> list[dict]:
    """Two valid tasks: 'President Ada Lovelace met Chinese officials in Geneva on day N.'"""
    return [simple_task(1), simple_task(2)]


def dump(tasks) -> bytes:
    return json.dumps(tasks, ensure_ascii=False, indent=1).encode("utf-8")


def edited(edit: Callable[[list], object]) -> Callable[[], bytes]:
    """Bytes of the valid export after `edit` changed its tasks in place."""

    def make() -> bytes:
        tasks = valid_tasks()
        edit(tasks)
        return dump(tasks)

    return make


def results(tasks, index=0, annotation_index=0) -> list:
    return tasks[index]["annotations"][annotation_index]["result"]


def region(tasks, rid, index=0) -> dict:
    return next(r for r in results(tasks, index) if r.get("id") == rid)


def set_value(rid, **value):
    return edited(lambda tasks: region(tasks, rid)["value"].update(value))


def add_result(item):
    return edited(lambda tasks: results(tasks).append(item))


def text_of(tasks, index=0) -> str:
    return tasks[index]["data"]["text"]


def single_task_with_text(text: str, spans: list[tuple[str, int, int, str]], edit=None) -> Callable[[], bytes]:
    """One task over `text` with the given (region, start, end, label) spans, then `edit` on its results."""

    def make() -> bytes:
        result = [span(rid, start, end, label, text) for rid, start, end, label in spans]
        if edit is not None:
            edit(result)
        return dump([task(1, text, [annotation(1, result)])])

    return make


def raw(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def truncated() -> bytes:
    data = dump(valid_tasks())
    return data[: len(data) // 2]


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def deep_text() -> bytes:
    text = dump(valid_tasks()).decode()
    original = json.dumps(simple_task(1)["data"]["text"])
    return text.replace(original, nested(DEEP), 1).encode()


def deep_top_level() -> bytes:
    return nested(DEEP).encode()


def deep_truncated() -> bytes:
    return ("[" * DEEP).encode()


def utf16_offsets() -> bytes:
    # A browser counts the ship emoji as two code units, so every later offset is one too high.
    text = "Trade 🚢 talks: President Ada Lovelace met Chinese officials in Geneva."
    spans = [("t", 15, 24, "TITLE"), ("p", 25, 37, "PERSON"), ("g", 63, 69, "GPE")]
    assert [text[s:e] for _, s, e, _ in spans] == ["President", "Ada Lovelace", "Geneva"]

    def shift(result):
        for item in result:
            item["value"]["start"] += 1
            item["value"]["end"] += 1
        result.append(relation("p", "t", "has_title"))

    return single_task_with_text(text, spans, shift)()


def crlf_offsets() -> bytes:
    # The editor shows a CRLF line break as one character; offsets after it are one too low.
    text = "Trade talks.\r\nPresident Ada Lovelace met Chinese officials in Geneva."
    spans = [("t", 14, 23, "TITLE"), ("p", 24, 36, "PERSON"), ("g", 62, 68, "GPE")]
    assert [text[s:e] for _, s, e, _ in spans] == ["President", "Ada Lovelace", "Geneva"]

    def shift(result):
        for item in result:
            item["value"]["start"] -= 1
            item["value"]["end"] -= 1

    return single_task_with_text(text, spans, shift)()


def long_text() -> bytes:
    text = "Trade talks resumed. " * (LONG // 21) + "Geneva "
    start = text.rindex("Geneva")
    return single_task_with_text(text, [("g", start, start + 6, "GPE")])()


def long_label(tasks) -> None:
    region(tasks, "g")["value"]["labels"] = ["G" * LONG]


def long_region_id(tasks) -> None:
    results(tasks).append(relation("p", "x" * LONG, "represents"))


def relation_to_other_annotation(tasks) -> None:
    t = tasks[0]
    t["annotations"].append(annotation(7, [span("q", 10, 22, "PERSON", text_of(tasks))], ground_truth=True))
    results(tasks).append(relation("q", "g", "represents"))


def second_task_copies_first(tasks, **data) -> None:
    tasks[1] = copy.deepcopy(tasks[0])
    tasks[1]["id"] = 2
    tasks[1]["data"].update(data)


def cancel_all(tasks) -> None:
    for a in tasks[0]["annotations"]:
        a["was_cancelled"] = True


def config(edit: Callable[[str], str] = lambda text: text) -> Callable[[], bytes]:
    def make() -> bytes:
        text = (ROOT / "schema" / "labeling_config.xml").read_text(encoding="utf-8")
        return edit(text).encode("utf-8")

    return make


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE View [
  <!ENTITY a "ha">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
  <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE View [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
"""


def with_prolog(prolog: str, reference: str) -> Callable[[str], str]:
    """The config after a DTD prolog, with an entity reference placed inside a label value."""

    def edit(text: str) -> str:
        body = text.split("\n", 1)[1]  # drop the leading comment so the prolog comes first
        return prolog + body.replace('value="PERSON"', f'value="PERSON{reference}"', 1)

    return edit


def E(code, task=None, annotation=None, region=None) -> tuple:
    return (code, task, annotation, region)


CASES: list[Case] = [
    # the file itself
    Case("not JSON", raw(b"Label Studio export of project 3\n"), {E("E002")}),
    Case("truncated file", truncated, {E("E002")}),
    Case("truncated after deep nesting", deep_truncated, {E("E007", "#0")}),
    Case("JSON object instead of an array", lambda: dump({"tasks": valid_tasks()}), {E("E003")}),
    Case("a number instead of an array", raw(b"42\n"), {E("E003")}),
    Case("a string instead of an array", raw(b'"tasks"'), {E("E003")}),
    Case("empty file", raw(b""), {E("E004")}),
    # another export format of Label Studio, or JSON Lines: one error for the file, not one a task
    Case("JSON-MIN export", lambda: dump([{"id": i, "text": "President Ada Lovelace met Chinese officials.",
                                           "label": [{"start": 0, "end": 9, "text": "President", "labels": ["TITLE"]}],
                                           "annotator": 1, "annotation_id": i, "lead_time": 3.2}
                                          for i in range(1, 501)]), {E("E010")}),
    Case("CSV export", raw(b'id,text,label,annotator,annotation_id\n1,"President Ada Lovelace met officials.",'
                           b'"[{""start"": 0}]",1,2\n'), {E("E010")}),
    Case("TSV export", raw(b"id\ttext\tlabel\tannotator\n1\tPresident Ada Lovelace met officials.\t[]\t1\n"),
         {E("E010")}),
    Case("CoNLL export", raw(b"-DOCSTART- -X- O\n\nPresident -X- _ B-TITLE\nAda -X- _ B-PERSON\n"
                             b"Lovelace -X- _ I-PERSON\n"), {E("E010")}),
    Case("JSON Lines", lambda: b"\n".join(json.dumps(t).encode() for t in valid_tasks() * 2), {E("E010")}),
    Case("only whitespace", raw(b"\n  \n"), {E("E004")}),
    Case("byte-order mark", lambda: BOM + dump(valid_tasks()), {E("W005")}),
    Case("byte-order mark and nothing else", raw(BOM), {E("W005"), E("E004")}),
    Case("lone surrogate escape in the text",
         lambda: dump(valid_tasks()).replace(b"on day 1.", b"on day 1\\ud800.", 1), {E("E008", 1)}),
    Case("lone surrogate escape in the document id",
         lambda: dump(valid_tasks()).replace(b'"doc0"', b'"doc\\udc000"', 1), {E("E008", 1)}),
    Case("not UTF-8", lambda: dump(valid_tasks()).replace("Geneva".encode(), b"Gen\xe8va", 1), {E("E002")}),
    Case("UTF-16 encoded file", lambda: dump(valid_tasks()).decode().encode("utf-16"), {E("E002")}),
    Case("NaN in a number", lambda: dump(valid_tasks()).replace(b'"lead_time": 1.0', b'"lead_time": NaN', 1),
         {E("E002")}),
    Case("very deep nesting at the top", deep_top_level, {E("E007", "#0")}),
    # tasks
    Case("tasks that are not objects", raw(b'[1, "two", null]'), {E("E100", "#0"), E("E100", "#1"), E("E100", "#2")}),
    Case("task id is a string", edited(lambda t: t[0].update(id="1")), {E("E100", "#0")}),
    Case("task id beyond the int64 task_id column", edited(lambda t: t[0].update(id=2**63)), {E("E100", 2**63)}),
    Case("paragraph beyond the int32 paragraph column", edited(lambda t: t[0]["data"].update(paragraph=2**31)),
         {E("E100", 1)}),
    Case("task without data.text", edited(lambda t: t[0]["data"].pop("text")), {E("E100", 1)}),
    Case("data is a string", edited(lambda t: t[0].update(data="President Ada Lovelace")), {E("E100", 1)}),
    Case("text is a number", edited(lambda t: t[0]["data"].update(text=42)), {E("E100", 1)}),
    Case("text is null", edited(lambda t: t[0]["data"].update(text=None)), {E("E100", 1)}),
    Case("very deep nesting in the text", deep_text, {E("E007", "#0")}),
    Case("annotations is not an array", edited(lambda t: t[0].update(annotations={"id": 1})), {E("E100", 1)}),
    Case("duplicate task ids", edited(lambda t: t[1].update(id=1)), {E("E401", 1)}),
    Case("the same text twice", edited(lambda t: second_task_copies_first(t, paragraph=2)), {E("W403", 2)}),
    Case("the same paragraph twice", edited(lambda t: t[1]["data"].update(paragraph=1)), {E("E402", 2)}),
    Case("annotations all cancelled", edited(cancel_all), {E("W404", 1)}),
    # spans
    Case("result is not an object", add_result("President"), {E("E100", 1, 1, "result #6")}),
    Case("span without a value", edited(lambda t: region(t, "g").pop("value")), {E("E100", 1, 1, "g")}),
    Case("offsets out of range", set_value("g", end=500), {E("E201", 1, 1, "g")}),
    Case("negative offset", set_value("t", start=-1), {E("E100", 1, 1, "t")}),
    Case("reversed offsets", set_value("g", start=54, end=48), {E("E201", 1, 1, "g")}),
    Case("empty span", set_value("g", start=48, end=48, text=""), {E("E201", 1, 1, "g")}),
    Case("fractional offsets", set_value("g", start=47.5), {E("E100", 1, 1, "g")}),
    Case("whole-number float offsets", set_value("g", start=48.0, end=54.0), {E("E212", 1, 1, "g")}),
    Case("offsets are strings", set_value("g", start="48"), {E("E100", 1, 1, "g")}),
    Case("value.text differs from the text", set_value("g", text="Genf"), {E("E202", 1, 1, "g")}),
    Case("offsets in UTF-16 code units", utf16_offsets, {E("E210", 1, 1, "t"), E("E210", 1, 1, "p"),
                                                         E("E210", 1, 1, "g"), E("E302", 1, 1, "p->t")}),
    Case("CRLF line breaks counted as one character", crlf_offsets,
         {E("E211", 1, 1, "t"), E("E211", 1, 1, "p"), E("E211", 1, 1, "g")}),
    Case("leading whitespace", set_value("g", start=47, text=" Geneva"), {E("E203", 1, 1, "g")}),
    Case("trailing whitespace", set_value("p", end=23, text="Ada Lovelace "),
         {E("E203", 1, 1, "p"), E("E302", 1, 1, "p->t"), E("E302", 1, 1, "p->n")}),  # p's relations lose it
    Case("overlapping spans", add_result(span("x", 14, 26, "PERSON", simple_task(1)["data"]["text"])),
         {E("E204", 1, 1, "x")}),
    Case("duplicate spans", add_result(span("x", 48, 54, "GPE", simple_task(1)["data"]["text"])),
         {E("E208", 1, 1, "x")}),
    Case("two labels on a span", set_value("g", labels=["GPE", "LOC"]), {E("E207", 1, 1, "g")}),
    Case("no label on a span", set_value("g", labels=[]), {E("E207", 1, 1, "g")}),
    Case("unknown entity label", set_value("g", labels=["CITY"]), {E("E206", 1, 1, "g")}),
    Case("very long label", edited(long_label), {E("E206", 1, 1, "g")}),
    Case("very long text", long_text, set()),
    Case("another from_name", edited(lambda t: region(t, "g").update(from_name="ner")), {E("E209", 1, 1, "g")}),
    Case("another to_name", edited(lambda t: region(t, "g").update(to_name="body")), {E("E209", 1, 1, "g")}),
    Case("duplicate region ids", add_result(span("g", 0, 9, "TITLE", simple_task(1)["data"]["text"])),
         {E("E205", 1, 1, "g")}),
    Case("prediction with an unknown label", edited(lambda t: t[0]["predictions"].append(
        {"model_version": "v0", "result": [span("z", 48, 54, "CITY", text_of(t))]})),
        {E("E206", 1, "prediction #0", "z")}),
    # relations
    Case("unknown relation label", edited(lambda t: results(t)[4].update(labels=["employs"])),
         {E("E304", 1, 1, "p->t")}),
    Case("relation to a missing region", add_result(relation("p", "zz", "represents")),
         {E("E301", 1, 1, "p->zz")}),
    Case("relation to itself", add_result(relation("p", "p", "communicates_with")), {E("E306", 1, 1, "p->p")}),
    Case("relation to a region of another annotation", edited(relation_to_other_annotation),
         {E("E301", 1, 1, "q->g")}),
    Case("relation the scheme forbids", add_result(relation("g", "p", "has_title")), {E("E303", 1, 1, "g->p")}),
    Case("relation without a label", add_result(dict(relation("p", "g", "represents"), labels=[])),
         {E("E307", 1, 1, "p->g")}),
    Case("asymmetric relation both ways", add_result(relation("p", "g", "represents", "bi")),
         {E("E308", 1, 1, "p->g")}),
    Case("duplicate relation", add_result(relation("n", "p", "communicates_with")), {E("E305", 1, 1, "p->n")}),
    Case("relation direction unknown", add_result(relation("p", "g", "represents", "up")),
         {E("E100", 1, 1, "p->g")}),
    Case("very long region id in a relation", edited(long_region_id), {E("E301", 1, 1, "p->" + "x" * LONG)}),
    # the labeling config
    Case("config with entity expansion", config(with_prolog(BILLION_LAUGHS, "&h;")), {E("E702")}, "config"),
    Case("config with an external entity", config(with_prolog(EXTERNAL_ENTITY, "&secret;")), {E("E702")},
         "config"),
    Case("config that is not XML", config(lambda text: text.replace("</View>", "")), {E("E701")}, "config"),
    Case("config with a label the scheme lacks", config(lambda text: text.replace('"PERSON"', '"HUMAN"')),
         {E("E703")}, "config"),
]

CASES = [Case(c.name, c.make, frozenset(c.expected), c.kind) for c in CASES]
