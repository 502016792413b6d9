"""The card's baseline scores: read from the scores file that scripts/train_baseline.py writes.

The file records the size of the data it was measured on (tasks and entities per split);
when that differs from the data being built, the section says so instead of passing old
numbers off as current.
"""

from __future__ import annotations

import json
from pathlib import Path

from .markdown import table
from .stats import Statistics

SCORES_FILE = "results/baseline_ner.json"
BASELINE_MARKER = "<!-- baseline -->"
EVALUATED = ("validation", "test")


def baseline_section(path: Path, stats: Statistics) -> str:
    """Markdown for the card from a scores file; says plainly when there are no scores or they are stale."""
    try:
        scores = json.loads(path.read_text(encoding="utf-8"))
        return _section(scores, stats)
    except FileNotFoundError:
        return ("No baseline has been measured on this data yet: build the dataset, then run "
                "`python scripts/train_baseline.py`.")
    except (OSError, ValueError, KeyError, TypeError) as err:
        return f"The baseline scores file ({path.name}) could not be read: {err!r}."


def _section(scores: dict, stats: Statistics) -> str:
    data = scores["data"]
    settings = scores["settings"]
    sizes = [f"{data[split]['tasks']} {split} tasks ({data[split]['entities']} entities)" for split in data]
    libraries = scores.get("libraries") or {"spacy": scores["spacy"]}
    parts = [
        f"Measured by `{scores['command']}` ({', '.join(f'{k} {v}' for k, v in libraries.items())}, "
        f"seed {scores['seed']}, "
        f"{settings['training.max_epochs']} epochs, model kept on {scores['selected_on']} F1) on "
        f"{', '.join(sizes[:-1])} and {sizes[-1]}.",
    ]
    stale = _differences(data, stats)
    if stale:
        parts.append("**These scores were measured on a different version of the data** (" + "; ".join(stale)
                     + "): rerun `python scripts/train_baseline.py` after building.")
    parts.append(table(
        ["split", "precision (%)", "recall (%)", "F1 (%)", "entities found", "entities predicted"],
        [[split, _pct(s["micro"]["precision"]), _pct(s["micro"]["recall"]), _pct(s["micro"]["f1"]),
          f"{s['micro']['correct']} of {s['micro']['gold']}", s["micro"]["predicted"]]
         for split, s in ((split, scores["scores"][split]) for split in EVALUATED)],
    ))
    test = scores["scores"]["test"]
    per_label = sorted(test["per_label"].items(), key=lambda item: (-item[1]["gold"], item[0]))
    parts.append("Per entity type, on test:")
    parts.append(table(
        ["entity type", "precision (%)", "recall (%)", "F1 (%)", "found", "in test", "predicted"],
        [[label, _pct(s["precision"]), _pct(s["recall"]), _pct(s["f1"]), s["correct"], s["gold"], s["predicted"]]
         for label, s in per_label],
    ))
    gold = test["micro"]["gold"]
    if gold:
        parts.append(f"The test split has {gold} entity mentions, so each mention found or missed moves micro "
                     f"recall by {100 / gold:.1f} points; per-type scores rest on fewer still "
                     f"({sum(1 for _, s in per_label if 0 < s['gold'] < 5)} of the types in test have fewer "
                     "than 5 mentions).")
    return "\n\n".join(parts)


def _differences(data: dict, stats: Statistics) -> list[str]:
    out = []
    for split, recorded in data.items():
        current = stats.splits[split] if split in stats.splits else None
        now = (current.tasks, sum(current.entities.values())) if current else (0, 0)
        if (recorded["tasks"], recorded["entities"]) != now:
            out.append(f"{split}: {recorded['tasks']} tasks and {recorded['entities']} entities then, "
                       f"{now[0]} and {now[1]} now")
    return out


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"
