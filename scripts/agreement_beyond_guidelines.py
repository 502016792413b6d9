"""Inter-annotator agreement on the paragraphs the guidelines quote, and on the others.

The guidelines take their examples from the corpus, so annotators who read them have seen
how some paragraphs are annotated. This splits the double-annotated tasks by whether their
text holds four consecutive words of a quoted example ("..." in annotations/GUIDELINES.md)
and gives the agreement of each part, measured as the card's is (tradetalks.agreement).

    python scripts/agreement_beyond_guidelines.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from tradetalks.agreement import Agreement, independent_passes
from tradetalks.reader import find_exports
from tradetalks.schema_files import load_export_schema
from tradetalks.scheme import load_scheme
from tradetalks.validate import validate

ROOT = Path(__file__).resolve().parents[1]
WORDS = 4  # consecutive words of an example that make a paragraph "quoted"


def quoted_stretches(guidelines: str) -> set[str]:
    """Every run of WORDS consecutive words of every example quoted in the guidelines."""
    stretches = set()
    for quote in re.findall(r'"([^"\n]+)"', guidelines):
        words = quote.replace("...", " ").replace("…", " ").split()
        stretches.update(" ".join(words[i:i + WORDS]) for i in range(len(words) - WORDS + 1))
    return stretches


def main() -> int:
    report, docs = validate(find_exports(ROOT / "annotations"), load_scheme(ROOT / "schema"),
                            load_export_schema(ROOT / "schema"))
    if not report.valid:
        print("the exports have errors: run tradetalks validate", file=sys.stderr)
        return 1
    stretches = quoted_stretches((ROOT / "annotations" / "GUIDELINES.md").read_text(encoding="utf-8"))
    parts = {"all": Agreement(), "quoted": Agreement(), "not quoted": Agreement()}
    for doc in docs:
        if len(independent_passes(doc.annotations)) < 2:
            continue
        parts["all"].add(doc)
        parts["quoted" if any(s in doc.text for s in stretches) else "not quoted"].add(doc)
    print("| tasks | number | documents | entity span F1 | relation F1 |")
    print("|---|---:|---:|---:|---:|")
    for name, agreement in parts.items():
        spans, relations = agreement.entities.f1(), agreement.relations.f1()
        print(f"| {name} | {agreement.tasks} | {len(agreement.documents)} | "
              f"{'-' if spans is None else f'{spans:.3f}'} | {'-' if relations is None else f'{relations:.3f}'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
