"""Reporters: the same problems as text for people or JSON for programs.

A code that recurs is listed SHOWN_PER_CODE times, then counted: thousands of the same
warning (every new task's W502 before `splits --freeze`) would bury the one error that
matters. `limit=None` lists every problem (the commands' `--all`).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import TextIO

from .problems import CODES, Problem, Report

SHOWN_PER_CODE = 20


def shown(report: Report, limit: int | None = SHOWN_PER_CODE) -> tuple[list[Problem], dict[str, int]]:
    """The problems to list (the first `limit` of each code, in report order) and how many of each code are not."""
    if limit is None:
        return list(report.problems), {}
    seen: Counter = Counter()
    listed = []
    for found in report.problems:
        seen[found.code] += 1
        if seen[found.code] <= limit:
            listed.append(found)
    return listed, {code: count - limit for code, count in seen.items() if count > limit}


def text_report(report: Report, out: TextIO = sys.stdout, limit: int | None = SHOWN_PER_CODE,
                tasks: bool = True) -> None:
    """The problems, then the summary; `tasks=False` for a check of something else than exports."""
    listed, omitted = shown(report, limit)
    for p in listed:
        location = p.location()
        print(f"{location}: {p.code} {p.name}: {p.message}" if location else f"{p.code} {p.name}: {p.message}",
              file=out)
    for code, count in omitted.items():
        print(f"... and {count} more {code} {CODES[code].name} not listed (`tradetalks validate --all` lists "
              f"every problem)", file=out)
    print(summary(report, tasks), file=out)


def summary(report: Report, tasks: bool = True) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    verdict = "valid" if report.valid else "INVALID"
    counted = f", {report.tasks} task(s)" if tasks else ""
    return f"{verdict}: {errors} error(s), {warnings} warning(s) in {report.files} file(s){counted}"


def json_report(report: Report, out: TextIO = sys.stdout, limit: int | None = SHOWN_PER_CODE) -> None:
    listed, omitted = shown(report, limit)
    body = {
        "valid": report.valid,
        "stats": {"files": report.files, "tasks": report.tasks,
                  "errors": len(report.errors), "warnings": len(report.warnings)},
        "counts": dict(Counter(p.code for p in report.problems)),
        "problems": [p.to_dict() for p in listed],
        "omitted": omitted,
    }
    json.dump(body, out, indent=2, ensure_ascii=False)
    out.write("\n")


REPORTERS = {"text": text_report, "json": json_report}
