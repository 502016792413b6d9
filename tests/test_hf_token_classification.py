"""The `ner` config with transformers' token-classification conventions, with a fast tokenizer built here.

No model or tokenizer is downloaded: a WordPiece tokenizer is trained with `tokenizers` on
the dataset's own tokens and wrapped in PreTrainedTokenizerFast. Labels are aligned to word
pieces as the examples' run_ner.py does: the first piece of a word gets the word's label,
continuation pieces and special tokens get -100.
"""

from __future__ import annotations

import pytest
from datasets import ClassLabel, load_dataset
from seqeval.metrics.sequence_labeling import get_entities
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import PreTrainedTokenizerFast

from conftest import ROOT
from tradetalks.build import build
from tradetalks.reader import find_exports
from tradetalks.splits import SplitAssignment
from training_corpus import CARD, build_synthetic

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@pytest.fixture(scope="module", params=["synthetic", "corpus"])
def ner(request, tmp_path_factory, scheme, export_schema):
    folder = tmp_path_factory.mktemp("hf")
    if request.param == "synthetic":
        dataset = build_synthetic(folder, scheme, export_schema)
    else:
        dataset = folder / "tradetalks"
        build(find_exports(ROOT / "annotations" / "exports"), dataset, scheme, export_schema,
              SplitAssignment.load(ROOT / "annotations" / "splits.json"), CARD)
    return load_dataset(str(dataset), "ner", cache_dir=str(folder / "hf-cache"))


MAX_LENGTH = 512  # run_ner.py's default max_seq_length for BERT-sized models


def word_piece_tokenizer(words) -> PreTrainedTokenizerFast:
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    # a small vocabulary, so that many words fall into several pieces
    tokenizer.train_from_iterator(words, trainers.WordPieceTrainer(vocab_size=120, special_tokens=SPECIAL))
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")


def tokenize_and_align_labels(examples, tokenizer):
    """As in transformers' examples/pytorch/token-classification/run_ner.py (label_all_tokens=False)."""
    tokenized = tokenizer(examples["tokens"], truncation=True, max_length=MAX_LENGTH, is_split_into_words=True)
    labels = []
    for i, label in enumerate(examples["ner_tags"]):
        previous = None
        label_ids = []
        for word_idx in tokenized.word_ids(batch_index=i):
            if word_idx is None:
                label_ids.append(-100)
            elif word_idx != previous:
                label_ids.append(label[word_idx])
            else:
                label_ids.append(-100)
            previous = word_idx
        labels.append(label_ids)
    tokenized["labels"] = labels
    return tokenized


def test_ner_config_has_the_examples_columns_and_label_names(ner, scheme):
    features = ner["train"].features
    assert {"tokens", "ner_tags"} <= set(features)
    assert isinstance(features["ner_tags"].feature, ClassLabel)  # run_ner.py reads the names from here
    assert features["ner_tags"].feature.names == scheme.bio_labels
    label_to_id = {name: i for i, name in enumerate(features["ner_tags"].feature.names)}
    assert label_to_id["O"] == 0 and all(f"B-{label}" in label_to_id for label in scheme.entity_labels)


def test_labels_align_to_word_pieces(ner):
    words = [w for split in ner.values() for row in split for w in row["tokens"]]
    tokenizer = word_piece_tokenizer(words)
    names = ner["train"].features["ner_tags"].feature.names
    continuation_pieces = truncated = 0
    for split in ner.values():
        aligned = split.map(tokenize_and_align_labels, batched=True, fn_kwargs={"tokenizer": tokenizer},
                            remove_columns=split.column_names)
        for row, encoded in zip(split, aligned):
            pieces = tokenizer.convert_ids_to_tokens(encoded["input_ids"])
            word_ids = tokenizer(row["tokens"], is_split_into_words=True, truncation=True,
                                 max_length=MAX_LENGTH).word_ids()
            labels = encoded["labels"]
            # A long sentence is cut at MAX_LENGTH pieces, as run_ner.py cuts it: the words it keeps whole are checked.
            words = len(row["tokens"])
            if len(word_ids) == MAX_LENGTH:
                words = max(wid for wid in word_ids if wid is not None)
                truncated += 1
            assert (pieces[0], labels[0]) == ("[CLS]", -100) and (pieces[-1], labels[-1]) == ("[SEP]", -100)
            for w, (word, tag) in enumerate(zip(row["tokens"][:words], row["ner_tags"][:words])):
                positions = [i for i, wid in enumerate(word_ids) if wid == w]
                # BERT's normalizer drops format characters (the zero-width spaces of a few releases) and puts
                # spaces around Chinese characters (a quoted saying in one release)
                word = "".join(tokenizer.backend_tokenizer.normalizer.normalize_str(word).split())
                if not word.strip():  # a whitespace token inside an entity yields no piece at all
                    assert positions == []
                    continue
                assert positions == list(range(positions[0], positions[-1] + 1))
                assert labels[positions[0]] == tag
                assert all(labels[i] == -100 for i in positions[1:])
                continuation_pieces += len(positions) - 1
                assert "".join(pieces[i].removeprefix("##") for i in positions) == word
            normalize = tokenizer.backend_tokenizer.normalizer.normalize_str
            kept = [(w, t) for w, t in zip(row["tokens"][:words], row["ner_tags"][:words]) if normalize(w).strip()]
            first_piece_labels = [names[label] for label in labels if label != -100][:len(kept)]
            assert first_piece_labels == [names[t] for _, t in kept]
            if words < len(row["tokens"]):
                continue  # the entities of a cut sentence are not all in its pieces
            # the entities read back from the aligned labels are the row's entities
            assert len(get_entities(first_piece_labels)) == len(get_entities([names[t] for t in row["ner_tags"]]))
    assert continuation_pieces > 100  # the small vocabulary really splits words
