"""Which annotation of a task is gold.

The rule: among the annotations that are not cancelled, one marked `ground_truth`
wins; otherwise the most recently updated one. Ties are broken by the larger
annotation id (the later one Label Studio created). A task with no annotation
left has no gold and stays out of the dataset, with a warning.
"""

from __future__ import annotations

from .model import Annotation


def choose_gold(annotations: list[Annotation]) -> Annotation | None:
    if len(annotations) == 1:
        return None if annotations[0].cancelled else annotations[0]
    candidates = [a for a in annotations if not a.cancelled]
    if not candidates:
        return None
    return max(candidates, key=lambda a: (a.ground_truth, a.updated_at or "", _id_order(a.id)))


def _id_order(value) -> tuple:
    return (0, value, "") if isinstance(value, int) else (1, 0, str(value))
