"""A small spaCy entity recognizer trained at test time, so that tests of pre-annotation need no model download
and no build of the corpus: a few sentences, a few labels, a fixed seed."""

from __future__ import annotations

from pathlib import Path

SENTENCES = [
    ("President Ada Lovelace met Chinese officials in Geneva.",
     [(0, 9, "TITLE"), (10, 22, "PERSON"), (27, 34, "NORP"), (48, 54, "GPE")]),
    ("Chinese President Xi Jinping called President Ada Lovelace.",
     [(0, 7, "NORP"), (8, 17, "TITLE"), (18, 28, "PERSON"), (36, 45, "TITLE"), (46, 58, "PERSON")]),
    ("Officials in Oslo and Geneva said nothing.", [(13, 17, "GPE"), (22, 28, "GPE")]),
]


def train_pipeline(folder: Path, labels: dict[str, str] | None = None) -> Path:
    """Train on SENTENCES (labels renamed by `labels`, to make a pipeline the scheme refuses) and save to `folder`."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed

    fix_random_seed(0)
    rename = labels or {}
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": [(s, e, rename.get(lb, lb)) for s, e, lb in spans]})
                for text, spans in SENTENCES]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(40):
        nlp.update(examples, sgd=optimizer, drop=0.0)
    nlp.meta["name"] = "tiny_test_ner"
    nlp.to_disk(folder)
    return folder
