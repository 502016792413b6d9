"""The dataset card: hand-written prose from dataset_card.md, with generated metadata and statistics.

The YAML's `configs` and `dataset_info` come from the same `Features` objects that
wrote the Parquet files. The prose marks where the statistics go with STATISTICS_MARKER.
"""

from __future__ import annotations

import statistics as pystats

import yaml
from datasets import DatasetInfo, SplitDict, SplitInfo
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCardData

from .agreement import Agreement
from .scheme import Scheme
from .splits import SPLITS
from .stats import Statistics
from .views.relations import NO_RELATION

STATISTICS_MARKER = "<!-- statistics -->"


class CardError(ValueError):
    pass


def split_front_matter(text: str) -> tuple[dict, str]:
    """The YAML front matter (checked: closed, a mapping, no duplicate keys) and the body."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end == -1:
        raise CardError("the YAML front matter has no closing '---' line")
    meta = yaml.load(text[4:end], Loader=_UniqueKeyLoader)
    if not isinstance(meta, dict):
        raise CardError("the YAML front matter is not a mapping")
    return meta, text[end + 5:]


class _UniqueKeyLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
        if duplicates:
            raise CardError(f"duplicate keys in the YAML front matter: {', '.join(duplicates)}")
        return super().construct_mapping(node, deep=deep)


def size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if n < limit:
            return name
    return "10M<n<100M"


def render_card(prose: str, scheme: Scheme, views, files, stats: Statistics, agreement: Agreement,
                extra_sections: list[str] = (), placed_sections: dict[str, str] | None = None) -> str:
    """The card; `placed_sections` maps a marker in the prose to the section that replaces it (appended when
    the prose has no such marker)."""
    meta, body = split_front_matter(prose)
    configs, infos = [], {}
    for index, view in enumerate(views):
        mine = sorted((f for f in files if f.config == view.name), key=lambda f: SPLITS.index(f.split))
        config = {
            "config_name": view.name,
            "data_files": [{"split": f.split, "path": f"data/{view.name}/{f.split}-*.parquet"} for f in mine],
        }
        if index == 0:
            config["default"] = True
        configs.append(config)
        split_dict = SplitDict()
        for f in mine:
            split_dict.add(SplitInfo(name=f.split, num_bytes=f.num_bytes, num_examples=f.num_examples))
        infos[view.name] = DatasetInfo(
            description=view.description, features=view.features(), splits=split_dict,
            config_name=view.name, dataset_size=sum(f.num_bytes for f in mine),
        )
    total = stats.total()
    meta["size_categories"] = [size_category(total.tasks)]
    card_data = DatasetCardData(**meta, configs=configs)
    DatasetInfosDict(infos).to_dataset_card_data(card_data)
    generated = "\n\n".join([statistics_section(scheme, stats, files), agreement_section(scheme, agreement),
                             *extra_sections])
    if STATISTICS_MARKER in body:
        body = body.replace(STATISTICS_MARKER, generated)
    else:
        body = body.rstrip("\n") + "\n\n" + generated
    for marker, section in (placed_sections or {}).items():
        body = body.replace(marker, section) if marker in body else body.rstrip("\n") + "\n\n" + section
    return f"---\n{card_data.to_yaml()}\n---\n{body.rstrip()}\n"


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def statistics_section(scheme: Scheme, stats: Statistics, files) -> str:
    total = stats.total()
    splits = [(name, stats.splits[name]) for name in SPLITS] + [("total", total)]
    overview = _table(
        ["split", "documents", "tasks (paragraphs)", "characters", "sentences", "tokens", "entities", "relations"],
        [[name, len(s.documents), s.tasks, s.characters, s.rows["ner"], s.tokens,
          sum(s.entities.values()), sum(s.relations.values())] for name, s in splits],
    )
    entities = _table(
        ["entity type", *(n for n, _ in splits)],
        [[label, *(s.entities[label] for _, s in splits)] for label in scheme.entity_labels],
    )
    relations = _table(
        ["relation type", *(n for n, _ in splits)],
        [[label, *(s.relations[label] for _, s in splits)] for label in scheme.relation_labels],
    )
    pairs = _table(
        ["relations config label", *(n for n, _ in splits)],
        [[label, *(s.relation_pairs[label] for _, s in splits)] for label in [NO_RELATION, *scheme.relation_labels]],
    )
    lengths = sorted(total.span_lengths.elements())
    length_line = (
        f"Entity span length in characters: min {lengths[0]}, median {pystats.median(lengths):g}, "
        f"max {lengths[-1]}." if lengths else "No entity spans yet."
    )
    config_rows = [[f.config, f.split, f.num_examples, len(f.files)] for f in files]
    return "\n\n".join([
        "## Statistics", "Generated by `tradetalks build` from the data in this folder.",
        "### Splits", overview, "### Entities per type", entities,
        "### Relations per type", relations,
        "### Relation pairs", "Rows of the `relations` config per label: candidate mention pairs and their class "
        "balance (a symmetric relation gives a row for each order).", pairs,
        "### Span lengths", length_line,
        "### Files", _table(["config", "split", "rows", "Parquet files"], config_rows),
    ])


def figures_section(figures) -> str:
    """Markdown image links to the build's PNGs; `figures` is None when they could not be drawn."""
    head = "## Figures"
    if figures is None:
        return (f"{head}\n\nNot drawn: matplotlib was not installed where this card was built "
                "(`pip install \"tradetalks[figures]\"` adds it). The tables above carry the same numbers.")
    return "\n\n".join([head, *(f"![{f.title}]({f.path})" for f in figures)])


def agreement_section(scheme: Scheme, agreement: Agreement) -> str:
    head = "## Inter-annotator agreement"
    if not agreement.tasks:
        return f"{head}\n\nNo task has two or more annotations yet, so agreement is not measured."

    def cell(tally, label=None):
        value = tally.f1(label)
        return "–" if value is None else f"{value:.3f}"

    rows = [[label, cell(agreement.entities, label), agreement.entities.total[label]]
            for label in scheme.entity_labels if agreement.entities.total[label]]
    rel_rows = [[label, cell(agreement.relations, label), agreement.relations.total[label]]
                for label in scheme.relation_labels if agreement.relations.total[label]]
    return "\n\n".join([
        head,
        f"Measured on {agreement.tasks} task(s) of {len(agreement.documents)} document(s) with two or more "
        f"independent annotations ({agreement.pairs} annotation pair(s)); where a task also has an adjudicated "
        "annotation marked ground truth, it is left out. Spans agree when start, end and label match exactly; relations when both endpoints' "
        "offsets and the label match. F1 is pairwise: 2 x agreed / (count in A + count in B).",
        f"Entity span F1 (micro): {cell(agreement.entities)}. Relation F1 (micro): {cell(agreement.relations)}.",
        _table(["entity type", "F1", "mentions (both annotators)"], rows),
        _table(["relation type", "F1", "relations (both annotators)"], rel_rows) if rel_rows else "",
    ]).rstrip()
