"""The dataset card: hand-written prose from dataset_card.md, with generated metadata and statistics.

The YAML's `configs` and `dataset_info` come from the same `Features` objects that
wrote the Parquet files. The prose marks where the statistics go with STATISTICS_MARKER.
"""

from __future__ import annotations

import json
import statistics as pystats
from collections import Counter

import yaml
from datasets import DatasetInfo, SplitDict, SplitInfo
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCardData

from .agreement import Agreement
from .consistency import CODES as CONSISTENCY_CODES
from .markdown import table
from .scheme import Scheme
from .splits import SPLITS
from .stats import Statistics
from .views import all_views

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


def statistics_section(scheme: Scheme, stats: Statistics, files) -> str:
    """Every config's counts, built or not (a config not built counts nothing), so that the section has the
    same columns and tables whichever configs a build writes."""
    total = stats.total()
    splits = [(name, stats.splits[name]) for name in SPLITS] + [("total", total)]
    views = all_views(scheme)
    columns = [column for view in views for column in view.card_columns()]
    overview = table(
        ["split", "documents", "tasks (paragraphs)", "characters", *(name for name, _ in columns), "entities",
         "relations"],
        [[name, len(s.documents), s.tasks, s.characters, *(count(s) for _, count in columns),
          sum(s.entities.values()), sum(s.relations.values())] for name, s in splits],
    )
    entities = table(
        ["entity type", *(n for n, _ in splits)],
        [[label, *(s.entities[label] for _, s in splits)] for label in scheme.entity_labels],
    )
    relations = table(
        ["relation type", *(n for n, _ in splits)],
        [[label, *(s.relations[label] for _, s in splits)] for label in scheme.relation_labels],
    )
    sections = [part for view in views for part in view.card_sections(splits)]
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
        *sections,
        "### Span lengths", length_line,
        "### Files", table(["config", "split", "rows", "Parquet files"], config_rows),
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
        table(["entity type", "F1", "mentions (both annotators)"], rows),
        table(["relation type", "F1", "relations (both annotators)"], rel_rows) if rel_rows else "",
    ]).rstrip()


def documents_section(documents: dict, stats: Statistics) -> str:
    """Where each document came from, its licence and its split(s), from the manifest."""
    in_split = {split: stats.splits[split].documents for split in SPLITS}
    built = [r for r in documents.values() if any(r.document_id in docs for docs in in_split.values())]
    government = [r for r in built if r.government_work]
    rows = []
    for r in sorted(built, key=lambda r: (r.date or "0000", r.file)):
        title = f"[{r.title.replace('|', '/')}]({r.url})" if r.url else (r.title or "(unknown)")
        splits = ", ".join(split for split in SPLITS if r.document_id in in_split[split])
        licence = "U.S. government work, public domain (17 U.S.C. 105)" if r.government_work else r.licence
        rows.append([r.document_id, r.date or "unknown", r.publisher or "unknown", r.kind, title, splits, licence])
    publishers = Counter(r.publisher or "unknown" for r in built)
    return "\n\n".join([
        "## Source documents and licences",
        f"{len(built)} documents: " + ", ".join(f"{n} from {p}" for p, n in sorted(publishers.items())) + ". "
        f"{len(government)} are works of the U.S. federal government, in the public domain in the United States "
        "(17 U.S.C. 105), and may be redistributed, commercial use included. The `documents` config has one row "
        "per document (title, date, publisher, kind, URL, origin, licence, file and sha256); join it to any other "
        "config on `document_id`.",
        table(["document_id", "date", "publisher", "kind", "title", "split", "licence"], rows),
    ])


def consistency_section(path, stats: Statistics) -> str:
    """The counts of `tradetalks consistency --summary`, said to be stale when the corpus has changed since."""
    head = "## Consistency checks"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
        counts = summary["counts"]
    except FileNotFoundError:
        return f"{head}\n\nNot run on this data: `tradetalks consistency --summary results/consistency.json`."
    except (OSError, ValueError, KeyError, TypeError) as err:
        return f"{head}\n\nThe consistency summary ({path.name}) could not be read: {err!r}."
    rows = [[code, CONSISTENCY_CODES[code].name, c["found"], c["accepted"], c["open"]] for code, c in counts.items()
            if code in CONSISTENCY_CODES]
    parts = [head,
             f"`tradetalks consistency` compares the gold annotations of all {summary['tasks']} tasks with one "
             "another and with the guidelines' habits. Every finding was either fixed in Label Studio before "
             "this release (and so is not counted) or is accepted, with its reason, in "
             "`annotations/consistency.tsv` of the source repository.",
             table(["code", "check", "found", "accepted with a reason", "open"], rows)]
    if summary["tasks"] != stats.total().tasks:
        parts.append(f"**The summary was made on {summary['tasks']} tasks, this build has "
                     f"{stats.total().tasks}**: rerun `tradetalks consistency --summary results/consistency.json`.")
    return "\n\n".join(parts)
