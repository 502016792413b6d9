"""The source texts in annotations/texts/ against their manifest, and SOURCES.md made from it."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from conftest import ROOT
from tradetalks.cli import main
from tradetalks.documents import check_texts, load_manifest, paragraphs_of, sources_markdown

ANNOTATIONS = ROOT / "annotations"


@pytest.fixture(scope="module")
def manifest():
    return load_manifest(ANNOTATIONS / "documents.tsv")


def test_every_text_is_byte_for_byte_the_manifest_s(manifest):
    assert check_texts(manifest, ANNOTATIONS / "texts") == []
    for record in manifest.values():
        content = (ANNOTATIONS / "texts" / record.file).read_bytes()
        assert hashlib.sha256(content).hexdigest() == record.sha256
        if record.government_work:  # imported with `studio import`, which names a document by its digest
            assert record.document_id == record.sha256[:16]


def test_sources_page_is_the_one_made_from_the_manifest(manifest):
    assert (ANNOTATIONS / "SOURCES.md").read_text(encoding="utf-8") == sources_markdown(manifest)


def test_every_document_says_where_it_came_from(manifest):
    for record in manifest.values():
        assert record.licence and record.kind
        if record.government_work:
            assert record.title and record.date and record.publisher and record.url.startswith("https://")


def test_sources_command_finds_a_changed_text_and_a_stale_page(tmp_path, capsys):
    folder = tmp_path / "annotations"
    shutil.copytree(ANNOTATIONS / "texts", folder / "texts")
    shutil.copy(ANNOTATIONS / "documents.tsv", folder)
    assert main(["sources", "--annotations", str(folder)]) == 1
    assert "SOURCES.md is out of date" in capsys.readouterr().out
    assert main(["sources", "--annotations", str(folder), "--write"]) == 0
    assert main(["sources", "--annotations", str(folder)]) == 0
    victim = sorted((folder / "texts").glob("*.txt"))[3]
    victim.write_bytes(victim.read_bytes().replace(b" ", b"  ", 1))
    assert main(["sources", "--annotations", str(folder)]) == 1
    out = capsys.readouterr().out
    assert f"{victim}: sha256" in out and "manifest says" in out
    (folder / "texts" / "stray.txt").write_text("A stray text.", encoding="utf-8")
    assert main(["sources", "--annotations", str(folder)]) == 1
    assert "stray.txt: not in the manifest" in capsys.readouterr().out


def test_paragraphs_are_the_non_empty_lines_verbatim():
    assert paragraphs_of("One\u00a0two.\n\n \nThree\r\nFour") == ["One\u00a0two.", "Three", "Four"]


def test_sources_never_replaces_a_page_it_did_not_write(tmp_path, capsys):
    folder = tmp_path / "annotations"
    shutil.copytree(ANNOTATIONS / "texts", folder / "texts")
    shutil.copy(ANNOTATIONS / "documents.tsv", folder)
    (folder / "SOURCES.md").write_text("# Our own notes on the sources\n", encoding="utf-8")
    assert main(["sources", "--annotations", str(folder), "--write"]) == 2
    assert "was not written by `tradetalks sources`" in capsys.readouterr().err
    assert (folder / "SOURCES.md").read_text(encoding="utf-8") == "# Our own notes on the sources\n"

