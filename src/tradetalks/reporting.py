"""Reporters: the same problems as text for people or JSON for programs."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from .problems import Report


def text_report(report: Report, out: TextIO = sys.stdout) -> None:
    for p in report.problems:
        location = p.location()
        print(f"{location}: {p.code} {p.name}: {p.message}" if location else f"{p.code} {p.name}: {p.message}",
              file=out)
    print(summary(report), file=out)


def summary(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    verdict = "valid" if report.valid else "INVALID"
    return (f"{verdict}: {errors} error(s), {warnings} warning(s) in {report.files} file(s), "
            f"{report.tasks} task(s)")


def json_report(report: Report, out: TextIO = sys.stdout) -> None:
    body = {
        "valid": report.valid,
        "stats": {"files": report.files, "tasks": report.tasks,
                  "errors": len(report.errors), "warnings": len(report.warnings)},
        "problems": [p.to_dict() for p in report.problems],
    }
    json.dump(body, out, indent=2, ensure_ascii=False)
    out.write("\n")


REPORTERS = {"text": text_report, "json": json_report}
