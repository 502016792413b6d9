"""`tradetalks codes`: the tables of problem codes and consistency codes (also in the README, checked by the tests)."""

from __future__ import annotations

from .. import consistency
from ..problems import CODES


def register(sub) -> None:
    parser = sub.add_parser("codes", help="list every problem code and consistency code",
                            description="Print the problem codes of validate and build, then the codes of "
                                        "`tradetalks consistency`, as Markdown tables.")
    parser.set_defaults(run=run)


def codes_table(codes=CODES) -> str:
    lines = ["| code | name | meaning |", "|---|---|---|"]
    lines += [f"| {c.code} | {c.name} | {c.summary} |" for c in codes.values()]
    return "\n".join(lines)


def run(args) -> int:
    print(codes_table())
    print()
    print(codes_table(consistency.CODES))
    return 0
