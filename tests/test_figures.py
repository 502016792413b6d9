"""The card's figures: reproducible PNGs in the dataset folder, linked from the card, optional."""

from __future__ import annotations

import re
import subprocess
import sys

from datasets import load_dataset
from PIL import Image

from conftest import ROOT, simple_task, write_export
from tradetalks.build import build
from tradetalks.splits import SplitAssignment

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def corpus(tmp_path):
    return write_export(tmp_path / "exports", [simple_task(i, paragraph=i) for i in range(1, 13)])


def test_figures_are_reproducible_and_shown_in_the_card(tmp_path, scheme, export_schema):
    export = corpus(tmp_path)
    prose = (ROOT / "dataset_card.md").read_text(encoding="utf-8")
    first, second = tmp_path / "one" / "tradetalks", tmp_path / "two" / "tradetalks"
    for out in (first, second):
        build([export], out, scheme, export_schema, SplitAssignment({}), prose)
    images = sorted(p.relative_to(first).as_posix() for p in (first / "images").iterdir())
    assert images == ["images/entities_per_split.png", "images/relations_per_split.png", "images/span_lengths.png"]
    for name in images:
        data = (first / name).read_bytes()
        assert data == (second / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE) and b"Matplotlib" not in data and b"Software" not in data
        with Image.open(first / name) as image:
            assert image.width >= 600 and image.height >= 300
    card = (first / "README.md").read_text(encoding="utf-8")
    assert card == (second / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"!\[[^\]]+\]\(([^)]+)\)", card) == images
    assert card.index("## Statistics") < card.index("## Figures")
    spans = load_dataset(str(first), cache_dir=str(tmp_path / "hf-cache"))
    assert sum(spans.num_rows.values()) == 12


def test_build_without_matplotlib_leaves_the_figures_out_and_says_so(tmp_path):
    export = corpus(tmp_path)
    out = tmp_path / "dist"
    blocked = ("import sys; sys.modules['matplotlib'] = None; from tradetalks.cli import main; "
               f"sys.exit(main(['build', {str(export)!r}, '-o', {str(out)!r}, '-q']))")
    run = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert not (out / "images").exists()
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "## Figures" in card and "matplotlib was not installed" in card and "![" not in card
    assert "### Entities per type" in card
