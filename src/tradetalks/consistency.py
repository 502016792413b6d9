"""Consistency of the corpus' gold annotations with themselves: the checks a careful re-reader makes.

Validation checks each task against the scheme; these checks compare tasks with one another
and with the guidelines' habits, and find what is likely an annotation error though no rule
is broken: a string given different types, a mention marked in one place and missed in
another, a title beside a person without has_title. Each finding has a stable code and key;
a finding that is right as annotated is accepted in annotations/consistency.tsv with its
reason, so that only new findings are reported.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from .model import Document
from .problems import Code

ACCEPTED_FILE = "consistency.tsv"
ACCEPTED_COLUMNS = ["code", "where", "text", "reason"]
ANY_PLACE = "*"

CODES: dict[str, Code] = {c.code: c for c in [
    Code("C101", "label-conflict", "The same string is labelled with different types in different places."),
    Code("C102", "unmarked-occurrence", "A string marked as an entity elsewhere occurs here, as a whole word, "
                                        "outside every span: a likely missed mention."),
    Code("C103", "title-without-has-title", "A TITLE right before or after a PERSON (only a space or a comma "
                                            "between) with no has_title between them."),
    Code("C104", "nationality-missing", "A NORP or GPE right before a TITLE right before a PERSON, with no "
                                        "nationality from the person."),
    Code("C105", "span-edge", "A span starts with an article or ends with a possessive or punctuation that the "
                              "guidelines leave out."),
    Code("C106", "distant-has-title", "A has_title between a person and a title that the text does not put "
                                      "together (other words than titles, places, groups, commas, \"and\" and "
                                      "articles between them)."),
    Code("C107", "meeting-place-as-visit", "A communicates_with with a place where people met (\"met ... in "
                                           "Manila\"): a meeting place is not a visit."),
]}

# Before a place where people met, in the same sentence: "met today in", "a meeting on the margins of ... at the".
_MEETING_BEFORE = re.compile(r"\b(met|meet|meets|meeting|meetings|talks|hosted|hosts?)\b[^.]*\b(in|at)[\s\u00a0]+"
                             r"(the[\s\u00a0]+)?$")
_PLACES = ("GPE", "LOC", "FAC")

# Between a person and a title in apposition: "Scott Bessent, Secretary of the Treasury".
_ADJACENT = re.compile(r"^[\s\u00a0]*,?[\s\u00a0]*$")
_BAD_START = re.compile(r"^(the|The|THE)\s")
_BAD_END = re.compile(r"(['’]s|[,;:(\[\"“”])$")


@dataclass(frozen=True)
class Finding:
    code: str
    where: str  # document id / paragraph : start, or "*" for a finding about a string anywhere
    text: str
    message: str

    @property
    def name(self) -> str:
        return CODES[self.code].name

    def key(self) -> tuple[str, str, str]:
        return (self.code, self.where, self.text)

    def to_dict(self) -> dict:
        return {**asdict(self), "name": self.name}


def place(doc: Document, start: int) -> str:
    return f"{doc.key}:{start}"


def check_corpus(docs: Iterable[Document]) -> list[Finding]:
    """Every finding over the gold annotations of `docs`, in a stable order."""
    docs = sorted((d for d in docs if d.gold is not None), key=lambda d: d.sort_key)
    marked: dict[str, Counter] = defaultdict(Counter)  # each marked string's labels, with how often
    for doc in docs:
        for entity in doc.gold.entities:
            marked[entity.text][entity.label] += 1
    findings = _label_conflicts(marked) + _unmarked_occurrences(docs, marked)
    for doc in docs:
        findings += _pairs_without_relations(doc) + _span_edges(doc) + _distant_titles(doc) + _meeting_places(doc)
    order = list(CODES)
    return sorted(findings, key=lambda f: (order.index(f.code), f.text, f.where))


def _label_conflicts(marked: dict[str, Counter]) -> list[Finding]:
    return [Finding("C101", ANY_PLACE, text,
                    "labelled " + ", ".join(f"{label} {n} time(s)" for label, n in sorted(counts.items())))
            for text, counts in marked.items() if len(counts) > 1]


def _unmarked_occurrences(docs: list[Document], marked: dict[str, Counter]) -> list[Finding]:
    if not marked:
        return []
    # Longest strings first, so that "United States" is matched before "United".
    pattern = re.compile("|".join(re.escape(text) for text in sorted(marked, key=len, reverse=True)))
    findings = []
    for doc in docs:
        covered = sorted((e.start, e.end) for e in doc.gold.entities)
        for match in _whole_words(pattern, doc.text):
            start, end = match.span()
            if any(s < end and start < e for s, e in covered):
                continue
            labels = marked[match.group(0)]
            label = labels.most_common(1)[0][0]
            findings.append(Finding("C102", place(doc, start), match.group(0),
                                    f"not marked here; marked {sum(labels.values())} time(s) elsewhere, as {label}"))
    return findings


def _whole_words(pattern: re.Pattern, text: str):
    """Matches not inside a longer word; overlapping candidates are tried from every position."""
    position = 0
    while (match := pattern.search(text, position)) is not None:
        start, end = match.span()
        inside = (start > 0 and text[start - 1].isalnum() and text[start].isalnum()) or \
                 (end < len(text) and text[end].isalnum() and text[end - 1].isalnum())
        if not inside:
            yield match
            position = end
        else:
            position = start + 1


def _pairs_without_relations(doc: Document) -> list[Finding]:
    entities = sorted(doc.gold.entities, key=lambda e: e.start)
    related = {(r.head, r.tail, r.label) for r in doc.gold.relations}
    findings = []
    for at, (before, after) in enumerate(zip(entities, entities[1:])):
        between = doc.text[before.end:after.start]
        if (before.label, after.label) == ("TITLE", "PERSON") and not between.strip():
            title, person = before, after
        elif (before.label, after.label) == ("PERSON", "TITLE") and _ADJACENT.match(between):
            person, title = before, after
            if _title_of_next_person(doc.text, entities, at + 1):
                continue  # "Scott Bessent, Commerce Secretary Howard Lutnick": the title is the next person's
        else:
            continue
        if (person.id, title.id, "has_title") not in related:
            findings.append(Finding("C103", place(doc, title.start), title.text,
                                    f"no has_title from {person.text!r} to {title.text!r}"))
    for first, title, person in zip(entities, entities[1:], entities[2:]):
        if (first.label in ("NORP", "GPE") and title.label == "TITLE" and person.label == "PERSON"
                and not doc.text[first.end:title.start].strip()
                and not doc.text[title.end:person.start].strip()
                and (person.id, first.id, "nationality") not in related):
            findings.append(Finding("C104", place(doc, first.start), first.text,
                                    f"no nationality from {person.text!r} to {first.text!r}"))
    return findings


# What may stand between a person and a title that has_title gives them, once the other titles, names
# of places and groups between them are taken out: "Scott Bessent, the Secretary", "Deputy Prime Minister
# and Finance Minister Taro Aso", "Director of X and Chinese Communist Party Politburo Member Wang Yi".
_TITLE_GAP = re.compile(r"^(?:[\s\u00a0,;()]|\b(?:and|as|the|a|an|of|to|for|our|its|his|her|sir|mr|mrs|ms|dr|madame"
                        r"|royal|highness|majesty|excellency)\b\.?|['’]s)*$", re.IGNORECASE)
# "Executive Vice Presidents Margrethe Vestager and Valdis Dombrovskis": a title shared by several names.
_SKIPPABLE = ("TITLE", "NORP", "GPE", "ORG", "PERSON")


def _distant_titles(doc: Document) -> list[Finding]:
    spans = {e.id: e for e in doc.gold.entities}
    findings = []
    for relation in doc.gold.relations:
        if relation.label != "has_title":
            continue
        person, title = spans[relation.head], spans[relation.tail]
        first, second = sorted((person, title), key=lambda e: e.start)
        gap = list(doc.text[first.end:second.start])
        for other in doc.gold.entities:
            if other.label in _SKIPPABLE and first.end <= other.start and other.end <= second.start:
                gap[other.start - first.end:other.end - first.end] = [" "] * (other.end - other.start)
        if not _TITLE_GAP.match("".join(gap)):
            findings.append(Finding("C106", place(doc, title.start), title.text,
                                    f"has_title from {person.text!r} across {second.start - first.end} characters"))
    return findings


def _meeting_places(doc: Document) -> list[Finding]:
    """Places with a communicates_with that the text gives as where people met (guidelines 2.2)."""
    spans = {e.id: e for e in doc.gold.entities}
    found: dict[int, Finding] = {}
    for relation in doc.gold.relations:
        if relation.label != "communicates_with":
            continue
        for end, other in ((spans[relation.head], spans[relation.tail]), (spans[relation.tail], spans[relation.head])):
            if end.label in _PLACES and _MEETING_BEFORE.search(doc.text[max(0, end.start - 120):end.start]):
                found.setdefault(end.start, Finding("C107", place(doc, end.start), end.text,
                                                    f"communicates_with with {other.text!r} at a meeting place"))
    return list(found.values())


def _title_of_next_person(text: str, entities: list, at: int) -> bool:
    """Whether the TITLE entities[at] leads, through more titles joined by spaces or "and", to a person:
    "Army Lieutenant General and Commander of Military Operations General Guillermo Briseno"."""
    previous = entities[at]
    for entity in entities[at + 1:]:
        if not re.fullmatch(r"[\s\u00a0]*(and[\s\u00a0]+)?", text[previous.end:entity.start]):
            return False
        if entity.label == "PERSON":
            return True
        if entity.label != "TITLE":
            return False
        previous = entity
    return False


def _span_edges(doc: Document) -> list[Finding]:
    return [Finding("C105", place(doc, e.start), e.text, "the span's edge holds an article, a possessive "
                                                          "or punctuation")
            for e in doc.gold.entities if _BAD_START.search(e.text) or _BAD_END.search(e.text) or _unopened(e.text)]


def _unopened(text: str) -> bool:
    """A closing bracket at the end that the span does not open: "(Congress)" or "Congress)", not "7(b)"."""
    return text.endswith(")") and (text.count("(") != text.count(")") or text.startswith("(")) or \
        text.endswith("]") and (text.count("[") != text.count("]") or text.startswith("["))


@dataclass(frozen=True)
class Acceptance:
    code: str
    where: str
    text: str
    reason: str
    line: int

    def covers(self, finding: Finding) -> bool:
        return (self.code, self.text) == (finding.code, finding.text) and self.where in (ANY_PLACE, finding.where)


class AcceptedFileError(ValueError):
    """The file of accepted findings is malformed; the message names the file and line."""


def load_accepted(path: Path) -> list[Acceptance]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if not rows or rows[0] != ACCEPTED_COLUMNS:
        raise AcceptedFileError(f"{path}:1: the header must be {' / '.join(ACCEPTED_COLUMNS)} (tab-separated)")
    accepted = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(ACCEPTED_COLUMNS):
            raise AcceptedFileError(f"{path}:{line}: {len(row)} fields, expected {len(ACCEPTED_COLUMNS)}")
        code, where, text, reason = row
        if code not in CODES:
            raise AcceptedFileError(f"{path}:{line}: unknown code {code}")
        if not reason.strip():
            raise AcceptedFileError(f"{path}:{line}: no reason given")
        accepted.append(Acceptance(code, where, text, reason, line))
    return accepted


@dataclass
class Outcome:
    findings: list[Finding]
    open: list[Finding]
    unused: list[Acceptance]  # acceptances that no finding needs any more

    def counts(self) -> dict[str, dict[str, int]]:
        found = Counter(f.code for f in self.findings)
        still = Counter(f.code for f in self.open)
        return {code: {"found": found[code], "accepted": found[code] - still[code], "open": still[code]}
                for code in CODES}


def settle(findings: list[Finding], accepted: list[Acceptance]) -> Outcome:
    used = set()
    still = []
    for finding in findings:
        covering = [a for a in accepted if a.covers(finding)]
        used.update(a.line for a in covering)
        if not covering:
            still.append(finding)
    return Outcome(findings, still, [a for a in accepted if a.line not in used])
