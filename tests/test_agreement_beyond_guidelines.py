"""scripts/agreement_beyond_guidelines.py: agreement split by whether the guidelines quote a paragraph."""

from __future__ import annotations

import importlib.util
import re

from conftest import ROOT


def _script():
    spec = importlib.util.spec_from_file_location("agreement_beyond_guidelines",
                                                  ROOT / "scripts" / "agreement_beyond_guidelines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quoted_stretches_are_every_run_of_four_words_of_every_quote():
    stretches = _script().quoted_stretches('Mark "the upcoming visit by Chinese President" and "U.S. tariffs" too.')
    assert stretches == {"the upcoming visit by", "upcoming visit by Chinese", "visit by Chinese President"}


def test_the_parts_add_up_to_the_double_annotated_tasks_and_the_card_quotes_them(capsys):
    assert _script().main() == 0
    rows = {line.split(" | ")[0].strip("| "): line.strip("| ").split(" | ")[1:]
            for line in capsys.readouterr().out.splitlines()[2:]}
    assert int(rows["all"][0]) == int(rows["quoted"][0]) + int(rows["not quoted"][0])
    card = (ROOT / "dataset_card.md").read_text(encoding="utf-8")
    text = " ".join(card.split())
    quoted, unquoted = rows["quoted"], rows["not quoted"]
    assert re.search(rf"splits the {rows['all'][0]} double-annotated tasks: on the {quoted[0]} whose", text)
    assert f"entity span F1 is {quoted[2]} and relation F1 {quoted[3]}; on the other {unquoted[0]}, " \
           f"{unquoted[2]} and {unquoted[3]}." in text
