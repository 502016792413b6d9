"""Semantic checks of one task, run on the parts that passed the structural check.

Parses each annotation into entities and relations, and yields every problem with
the file, task, annotation and region it belongs to.
"""

from __future__ import annotations

from functools import partial
from operator import itemgetter

from ..model import Annotation, Document, Entity, Relation
from ..problems import Problem, problem
from ..scheme import Scheme


def utf16_to_codepoints(text: str, offset: int) -> int | None:
    """The code-point offset of a UTF-16 code-unit offset into text, or None if it splits a pair."""
    units = 0
    for index, char in enumerate(text):
        if units == offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
        if units > offset:
            return None
    return len(text) if units == offset else None


def crlf_to_codepoints(text: str, offset: int) -> int | None:
    """The code-point offset of an offset that counts each CRLF line break as one character."""
    units = 0
    for index, char in enumerate(text):
        if units == offset:
            return index
        if not (char == "\r" and text.startswith("\n", index + 1)):
            units += 1
    return len(text) if units == offset else None


_entity = partial(tuple.__new__, Entity)  # Entity(*fields) without the named tuple's own __new__ in Python
_relation = partial(tuple.__new__, Relation)

# Ways an editor may have counted offsets: (problem code, what it counted, conversion to code points).
RECOUNTS = (
    ("E210", "UTF-16 code units", utf16_to_codepoints),
    ("E211", "characters with each CRLF as one", crlf_to_codepoints),
)


def recount(text: str, start: int, end: int, stored: str) -> tuple[str, str, int, int] | None:
    """(code, unit, start, end) in code points when the offsets, counted another way, select `stored`."""
    for code, unit, convert in RECOUNTS:
        new_start, new_end = convert(text, start), convert(text, end)
        if new_start is not None and new_end is not None and text[new_start:new_end] == stored:
            return code, unit, new_start, new_end
    return None


def lone_surrogates(data: dict, file: str, task: int | str) -> list[Problem]:
    """E008 for each of the task's strings that the dataset keeps and that holds a lone surrogate."""
    problems = []
    for name in ("text", "document_id", "source"):
        value = data.get(name)
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as err:
                problems.append(problem(
                    "E008", f"data.{name} holds a lone surrogate \\u{ord(value[err.start]):04x} at character "
                    f"{err.start}; the task is left out", file=file, task=task))
    return problems


def parse_task(task: dict, scheme: Scheme, file: str, skip: set[int]) -> tuple[Document, list[Problem]]:
    """The task as a Document, and its semantic problems; annotations at indices in `skip` are left out."""
    data = task["data"]
    doc = Document(
        task_id=task["id"],
        document_id=data["document_id"],
        paragraph=data["paragraph"],
        text=data["text"],
        source=data.get("source"),
        file=file,
    )
    problems: list[Problem] = []
    for index, raw in enumerate(task["annotations"]):
        if index in skip:
            continue
        annotation, found = _parse_annotation(raw, doc, scheme, task["annotations"])
        doc.annotations.append(annotation)
        problems += found
    return doc, problems


def _parse_annotation(raw: dict, doc: Document, scheme: Scheme, siblings: list) -> tuple[Annotation, list[Problem]]:
    annotation = Annotation(
        id=raw["id"],
        annotator=raw.get("completed_by"),
        cancelled=bool(raw.get("was_cancelled", False)),
        ground_truth=bool(raw.get("ground_truth", False)),
        updated_at=str(raw.get("updated_at") or raw.get("created_at") or ""),
    )
    where = {"file": doc.file, "task": doc.task_id, "annotation": annotation.id}
    problems: list[Problem] = []
    results = raw["result"]

    region_ids: dict[str, dict] = {}
    relations = []
    for result in results:
        if result["type"] == "relation":
            relations.append(result)
            continue
        rid = result["id"]
        if rid in region_ids:
            problems.append(problem("E205", f"region id {rid!r} is used by more than one result", region=rid, **where))
            continue
        region_ids[rid] = result

    entities, found = _spans(region_ids, doc.text, where)
    annotation.entities = entities
    problems += found
    problems += _overlaps(entities, where)

    by_id = {e.id: e for e in entities}
    seen: dict[tuple, int] = {}
    for result in relations:
        for relation, found in _parse_relation(result, by_id, region_ids, scheme, siblings, annotation.id, where):
            problems += found
            if relation is None:
                continue
            if relation in seen:
                problems.append(problem(
                    "E305", f"{relation.label} between {relation.head!r} and {relation.tail!r} is annotated twice",
                    region=f"{relation.head}->{relation.tail}", **where))
                continue
            seen[relation] = 1
            annotation.relations.append(relation)
    return annotation, problems


def _spans(region_ids: dict[str, dict], text: str, where: dict) -> tuple[list[Entity], list[Problem]]:
    """The spans that keep every span rule, as Entities sorted by start, end and label; for each
    other span, the problem of the first rule it breaks.

    Each rule is written here once, so a span is kept exactly when no problem is reported for it.
    The rules sit in the loop rather than in a function called once a span, a call every span of
    every task would pay for.
    """
    entities: list[Entity] = []
    problems: list[Problem] = []
    length = len(text)
    for rid, result in region_ids.items():
        value = result["value"]
        start, end, labels = value["start"], value["end"], value["labels"]
        if len(labels) != 1:
            problems.append(problem(
                "E207", f"the span has {len(labels)} labels; exactly one is required", region=rid, **where))
            continue
        if type(start) is not int or type(end) is not int:
            problems.append(problem(
                "E212", f"offsets {start!r}..{end!r} are not written as integers", region=rid, **where))
            continue
        stored = value.get("text")
        span_text = text[start:end]
        if not 0 <= start < end <= length or (stored is not None and stored != span_text):
            # The offsets select no text, or not the stored text. When counting them another way selects
            # the stored text, that miscount is the problem to report: `tradetalks repair` converts it.
            if stored and (found := recount(text, start, end, stored)):
                code, unit, new_start, new_end = found
                problems.append(problem(
                    code, f"offsets {start}..{end} are counted in {unit}; in code points they are "
                    f"{new_start}..{new_end} (`tradetalks repair` converts them)", region=rid, **where))
            elif not 0 <= start < end <= length:
                problems.append(problem(
                    "E201", f"offsets {start}..{end} are outside the text (length {length}) or empty",
                    region=rid, **where))
            else:
                problems.append(problem(
                    "E202", f"stored text {_short(stored)} differs from text[{start}:{end}] = {_short(span_text)}",
                    region=rid, **where))
            continue
        if span_text[0].isspace() or span_text[-1].isspace():
            problems.append(problem(
                "E203", f"the span {_short(span_text)} starts or ends with whitespace (`tradetalks repair` "
                "trims it)", region=rid, **where))
            continue
        entities.append(_entity((rid, start, end, labels[0], span_text)))
    entities.sort(key=itemgetter(1, 2, 3))  # start, end, label
    return entities, problems


def _overlaps(entities: list[Entity], where: dict) -> list[Problem]:
    problems = []
    previous: Entity | None = None
    for entity in entities:
        if previous is not None and entity.start < previous.end:
            if (entity.start, entity.end, entity.label) == (previous.start, previous.end, previous.label):
                problems.append(problem(
                    "E208", f"{_short(entity.text)} ({entity.label}) is annotated twice: regions "
                    f"{previous.id!r} and {entity.id!r}", region=entity.id, **where))
            else:
                problems.append(problem(
                    "E204", f"{_short(entity.text)} {entity.start}..{entity.end} ({entity.label}) overlaps "
                    f"{_short(previous.text)} {previous.start}..{previous.end} ({previous.label}, region "
                    f"{previous.id!r})", region=entity.id, **where))
        if previous is None or entity.end > previous.end:
            previous = entity
    return problems


def _parse_relation(result, entities, region_ids, scheme: Scheme, siblings, annotation_id, where):
    source, target = result["from_id"], result["to_id"]

    def here() -> dict:
        return dict(where, region=f"{source}->{target}")

    for endpoint in (source, target):
        if endpoint not in region_ids:
            owner = _owner(endpoint, siblings, annotation_id)
            hint = f" (it belongs to annotation {owner})" if owner is not None else ""
            yield None, [problem("E301", f"relation endpoint {endpoint!r} is not a region of this annotation{hint}",
                                 **here())]
            return
        if endpoint not in entities:
            yield None, [problem("E302", f"relation endpoint {endpoint!r} is not a valid labelled span", **here())]
            return
    if source == target:
        yield None, [problem("E306", f"the relation links region {source!r} to itself", **here())]
        return
    labels = result.get("labels") or []
    if not labels:
        yield None, [problem("E307", "the relation has no label", **here())]
        return
    direction = result.get("direction", "right")
    for label in labels:
        rtype = scheme.relations[label]
        if direction == "bi" and not rtype.symmetric:
            yield None, [problem("E308", f"{label} is not symmetric and cannot be bidirectional", **here())]
            continue
        head, tail = (target, source) if direction == "left" else (source, target)
        if rtype.symmetric and (entities[tail].start, entities[tail].end) < (entities[head].start, entities[head].end):
            head, tail = tail, head
        head_label, tail_label = entities[head].label, entities[tail].label
        if not rtype.allows(head_label, tail_label):
            yield None, [problem(
                "E303", f"{label} does not go from {head_label} ({_short(entities[head].text)}) to "
                f"{tail_label} ({_short(entities[tail].text)}); the scheme allows {'/'.join(rtype.head)} -> "
                f"{'/'.join(rtype.tail)}", **here())]
            continue
        yield _relation((head, tail, label)), []


def _owner(region: str, siblings: list, own_id) -> object:
    for other in siblings:
        if not isinstance(other, dict) or other.get("id") == own_id:
            continue
        for result in other.get("result") or []:
            if isinstance(result, dict) and result.get("id") == region:
                return other.get("id")
    return None


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
