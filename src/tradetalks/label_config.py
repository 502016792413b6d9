"""Check a Label Studio labeling config against the label scheme, parsing the XML safely.

The XML goes through defusedxml with document type declarations refused: an entity is
never expanded and an external resource never fetched. The tags and labels are then
compared with the scheme, each difference located by line.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from .problems import Problem, Report, problem
from .scheme import Scheme


class _LineRecorder(TreeBuilder):
    """Builds the tree and remembers the line each element starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.lines: dict[Element, int] = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def check_label_config(path: Path, scheme: Scheme, display_name: str | None = None) -> Report:
    """Every problem of the config at `path`; raises OSError when the file cannot be read."""
    data = path.read_bytes()
    name = display_name or str(path)
    report = Report(files=1)
    recorder = _LineRecorder()
    parser = DefusedXMLParser(target=recorder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    recorder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as err:
        report.problems.append(problem(
            "E702", f"the config has {_declaration(err)}; DTDs and entities are refused, never expanded or fetched",
            file=name, line=parser.parser.CurrentLineNumber, column=parser.parser.CurrentColumnNumber + 1))
        return report
    except ParseError as err:
        line, column = err.position
        report.problems.append(problem("E701", f"not well-formed XML: {ErrorString(err.code)}",
                                       file=name, line=line, column=column + 1))
        return report
    report.extend(_compare(root, scheme, name, recorder.lines))
    return report


def _declaration(err: DefusedXmlException) -> str:
    if isinstance(err, DTDForbidden):
        return f"a document type declaration (<!DOCTYPE {err.name} ...>)"
    if isinstance(err, EntitiesForbidden):
        return f"an entity declaration ({err.name!r})"
    return f"an external reference ({getattr(err, 'sysid', None) or err})"


def _compare(root: Element, scheme: Scheme, file: str, lines: dict[Element, int]) -> list[Problem]:
    problems = []

    def mismatch(element: Element, message: str) -> None:
        problems.append(problem("E703", message, file=file, line=lines.get(element)))

    labels = [e for e in root.iter("Labels") if e.get("name") == scheme.labels_tag]
    if not labels:
        mismatch(root, f'no <Labels name="{scheme.labels_tag}"> tag; the scheme\'s spans are written under that name')
    for tag in labels:
        if tag.get("toName") != scheme.text_tag:
            mismatch(tag, f'<Labels name="{scheme.labels_tag}"> points to toName={tag.get("toName")!r}; '
                          f'the scheme expects {scheme.text_tag!r}')
        _compare_values(tag.iter("Label"), scheme.entity_labels, "entity label", tag, mismatch)
    if not any(e.get("name") == scheme.text_tag for e in root.iter("Text")):
        mismatch(root, f'no <Text name="{scheme.text_tag}"> tag')
    relations = list(root.iter("Relations"))
    if not relations:
        mismatch(root, "no <Relations> tag; the scheme has relation types")
    for tag in relations:
        _compare_values(tag.iter("Relation"), scheme.relation_labels, "relation type", tag, mismatch)
    return problems


def _compare_values(children, expected: list[str], what: str, parent: Element, mismatch) -> None:
    seen = set()
    for child in children:
        value = child.get("value")
        seen.add(value)
        if value not in expected:
            mismatch(child, f"{what} {value!r} is not in the scheme")
    for value in expected:
        if value not in seen:
            mismatch(parent, f"{what} {value!r} of the scheme is missing")
