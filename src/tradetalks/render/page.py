"""The review page: one self-contained HTML file (inline CSS and JavaScript, no network) from a Review.

Everything from the exports is escaped here (Jinja autoescaping and markupsafe); the
script only reads it back with textContent. The relation data travels as JSON inside
<script type="application/json">, with every "<", ">" and "&" written as a \\u escape
so that no text can close the element.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from importlib import resources

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from ..problems import Problem
from ..scheme import Scheme
from ..splits import SPLITS
from .review import Review, ShownAnnotation, ShownEntity

HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
FALLBACK_COLOUR = "#cccccc"


def render_page(review: Review, scheme: Scheme, title: str = "TradeTalks annotation review") -> str:
    env = Environment(loader=PackageLoader("tradetalks.render", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["where"] = where
    env.globals.update(marked_text=lambda text, shown: marked_text(scheme, text, shown),
                       label_style=lambda label: label_style(scheme, label))
    script = _asset("review.js")
    # The page's Content-Security-Policy runs this one script and nothing else, and loads nothing.
    script_hash = "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return env.get_template("review.html.j2").render(
        title=title, review=review, entity_types=[(e.name, e.description) for e in scheme.entity_types],
        relation_labels=scheme.relation_labels, splits=SPLITS, css=Markup(_asset("review.css")),
        script=Markup(script), script_hash=script_hash, data=script_json(arc_data(review)),
    )


def _asset(name: str) -> str:
    return resources.files("tradetalks.render").joinpath("templates", name).read_text(encoding="utf-8")


def script_json(value) -> Markup:
    """JSON that is safe inside <script type="application/json">: no "</", "<!--" or "]]>" can appear."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def arc_data(review: Review) -> dict:
    """For each shown annotation, its relations as [head mark id, tail mark id, label, symmetric, agreed]."""
    return {
        shown.dom_id: [[r.head.dom_id, r.tail.dom_id, r.label, r.symmetric, r.agreed] for r in shown.relations]
        for task in review.tasks for shown in task.annotations
    }


def label_colour(scheme: Scheme, label: str) -> str:
    for entity_type in scheme.entity_types:
        if entity_type.name == label and HEX_COLOUR.fullmatch(entity_type.color):
            return entity_type.color.lower()
    return FALLBACK_COLOUR


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on the background (WCAG relative luminance)."""
    digits = background[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def label_style(scheme: Scheme, label: str) -> str:
    colour = label_colour(scheme, label)
    return f"--c:{colour};--fg:{text_colour(colour)}"


def marked_text(scheme: Scheme, text: str, shown: ShownAnnotation) -> Markup:
    """The task text, escaped, with each inline entity as a <mark> that carries its label."""
    parts, position = [], 0
    for item in shown.entities:
        if not item.inline:
            continue
        entity = item.entity
        parts.append(escape(text[position:entity.start]))
        parts.append(entity_mark(scheme, item))
        position = entity.end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def entity_mark(scheme: Scheme, item: ShownEntity) -> Markup:
    entity = item.entity
    classes = "entity" if item.agreed else "entity disagree"
    note = "" if item.agreed else " (not in every annotation of this task)"
    return Markup(
        '<mark id="{id}" class="{classes}" data-label="{label}" data-start="{start}" data-end="{end}" '
        'style="{style}" title="{label} {start}..{end}, region {region}{note}">{text}'
        '<span class="tag" aria-hidden="true">{label}</span></mark>'
    ).format(id=item.dom_id, classes=classes, label=entity.label, start=entity.start, end=entity.end,
             style=label_style(scheme, entity.label), region=entity.id, note=note, text=entity.text)


def where(p: Problem) -> str:
    """The part of a problem's location below the task (annotation, region, JSON path)."""
    parts = [f"{key} {getattr(p, key)}" for key in ("annotation", "region") if getattr(p, key) is not None]
    if p.path:
        parts.append(f"at {p.path}")
    return ", ".join(parts)
