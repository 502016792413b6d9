"""`tradetalks codes`: the table of problem codes (also in the README, checked by the tests)."""

from __future__ import annotations

from ..problems import CODES


def register(sub) -> None:
    parser = sub.add_parser("codes", help="list every problem code",
                            description="Print the problem codes as a Markdown table.")
    parser.set_defaults(run=run)


def codes_table() -> str:
    lines = ["| code | name | meaning |", "|---|---|---|"]
    lines += [f"| {c.code} | {c.name} | {c.summary} |" for c in CODES.values()]
    return "\n".join(lines)


def run(args) -> int:
    print(codes_table())
    return 0
