"""Dataset configs: each view turns a Document into rows with one `Features` object as its truth.

A view (base.View) has a `name`, `features()`, `table(batch)` (the Arrow rows of a model.Batch
of tasks, in order, made a column at a time, and how many of them each task has) and
`distinct`, the columns whose values seldom repeat; `count`, `card_columns` and
`card_sections` say what the card shows of its rows. The build writes every view as one
config; the first is the default. A new config is a new view, listed in all_views.
"""

from __future__ import annotations

from ..scheme import Scheme
from .ner import NerView
from .relations import RelationsView
from .spans import SpansView


def all_views(scheme: Scheme) -> list:
    return [SpansView(scheme), NerView(scheme), RelationsView(scheme)]
