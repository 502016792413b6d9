"""Small figures for the dataset card: entity and relation counts per split, span lengths (PNG).

Drawn with matplotlib when it is installed (the `figures` extra). The card's tables carry
the same numbers, so without matplotlib the build goes on and the card says the figures
are left out. The PNGs are reproducible byte for byte: matplotlib's default style whatever
the local configuration, a fixed size, and no software tag in the file.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .scheme import Scheme
from .splits import SPLITS
from .stats import Statistics

FIGURES_DIR = "images"
DPI = 100
SPLIT_COLOURS = {"train": "#4363d8", "validation": "#f58231", "test": "#3cb44b"}


@dataclass(frozen=True)
class CardFigure:
    path: str  # relative to the dataset folder, with forward slashes
    title: str


def preload() -> None:
    """Import matplotlib in a thread, to have it ready for Drawing (which waits for that import):
    a build calls this once it has read every task, while its last chunks are being checked."""
    global _preloading
    _preloading = threading.Thread(target=_import_matplotlib, name="import matplotlib", daemon=True)
    _preloading.start()


_preloading: threading.Thread | None = None


def _import_matplotlib() -> None:
    try:
        import matplotlib.backends.backend_agg  # noqa: F401
        import matplotlib.figure  # noqa: F401
        import matplotlib.style  # noqa: F401
    except ImportError:
        pass  # Drawing finds it missing again and says so


class Drawing:
    """The card's PNGs, written under folder/images/. Where processes can be forked, all but the first
    are drawn in one other process, from the start, while the build closes its Parquet files; one
    process, not one a figure, as a forked process comes to own every page of the build it writes
    to. `finish()` draws the rest here, waits for the others and returns them all, or None when
    matplotlib is not installed; leaving the `with` block before that stops the drawing."""

    def __init__(self, folder: Path, scheme: Scheme, stats: Statistics):
        if _preloading is not None:
            _preloading.join()  # before the fork below: no thread may hold the import lock then
        self._process = None
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            self._figures = None
            return
        (folder / FIGURES_DIR).mkdir(parents=True, exist_ok=True)
        plots = [
            ("entities_per_split.png", "Entity mentions per type and split",
             lambda fig: _per_split_bars(fig, scheme.entity_labels, {s: stats.splits[s].entities for s in SPLITS})),
            ("relations_per_split.png", "Relations per type and split",
             lambda fig: _per_split_bars(fig, scheme.relation_labels,
                                         {s: stats.splits[s].relations for s in SPLITS})),
            ("span_lengths.png", "Entity span length in characters (all splits)",
             lambda fig: _span_lengths(fig, stats.total().span_lengths)),
        ]
        self._figures = [CardFigure(f"{FIGURES_DIR}/{name}", title) for name, title, _ in plots]
        drawn = [(folder / FIGURES_DIR / name, title, draw) for name, title, draw in plots]
        self._here, self._elsewhere = drawn, []
        if "fork" in multiprocessing.get_all_start_methods():
            self._here, self._elsewhere = drawn[:1], drawn[1:]
            self._process = multiprocessing.get_context("fork").Process(
                target=_draw_each, args=(self._elsewhere,), name="draw the card's figures")
            self._process.start()

    def __enter__(self) -> Drawing:
        return self

    def __exit__(self, *exc) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join()

    def finish(self) -> list[CardFigure] | None:
        if self._figures is not None:
            _draw_each(self._here)
        if self._process is not None:
            self._process.join()
            if self._process.exitcode != 0:
                names = ", ".join(path.name for path, _, _ in self._elsewhere)
                raise RuntimeError(f"drawing {names} failed (exit code {self._process.exitcode})")
            self._process = None
        return self._figures


def _draw_each(plots: list[tuple[Path, str, Callable]]) -> None:
    for plot in plots:
        _draw(*plot)


def _draw(path: Path, title: str, draw: Callable) -> None:
    import matplotlib.style
    from matplotlib.figure import Figure

    with matplotlib.style.context("default"):
        fig = Figure(figsize=(7, 4), dpi=DPI, layout="constrained")
        draw(fig)
        fig.suptitle(title)
        fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})


def _per_split_bars(fig, labels: list[str], counts: dict[str, Counter]) -> None:
    """Grouped horizontal bars: one group per label (scheme order, top to bottom), one bar per split."""
    fig.set_size_inches(7, 1.2 + 0.32 * len(labels))
    ax = fig.add_subplot()
    height = 0.8 / len(SPLITS)
    for offset, split in enumerate(SPLITS):
        ys = [index + (offset - (len(SPLITS) - 1) / 2) * height for index in range(len(labels))]
        ax.barh(ys, [counts[split][label] for label in labels], height=height, label=split,
                color=SPLIT_COLOURS[split])
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("count")
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.legend(loc="outside lower center", ncols=len(SPLITS), frameon=False)
    ax.grid(axis="x", alpha=0.3)


def _span_lengths(fig, lengths: Counter) -> None:
    ax = fig.add_subplot()
    if not lengths:
        ax.text(0.5, 0.5, "no entity spans", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    xs = sorted(lengths)
    ax.bar(xs, [lengths[x] for x in xs], width=0.8, color="#4363d8")
    ax.set_xlabel("characters")
    ax.set_ylabel("entity mentions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", alpha=0.3)
