"""The checks across tasks remember what earlier tasks used in compact arrays: they must answer as a dict would."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tradetalks.validate.across_tasks as across_tasks
from tradetalks.validate.across_tasks import CorpusChecks, FirstUse, Identity

# Few distinct values, so that most repeat; the task ids of int64's whole range, 0 and -1 among them.
digests = st.one_of(st.sampled_from([bytes(16), b"\x01" + bytes(15), bytes(15) + b"\x01", b"\xff" * 16]),
                    st.binary(min_size=16, max_size=16))
task_ids = st.one_of(st.integers(-2, 3), st.integers(-(2**63), 2**63 - 1))


@pytest.mark.parametrize("kind", ["digests", "task ids"])
@given(data=st.data(), recent=st.integers(1, 8))
def test_first_use_answers_as_a_dict(kind, data, recent):
    values, as_array = {"digests": (digests, across_tasks._digest_array), "task ids": (task_ids, across_tasks._task_id_array)}[kind]
    store, model = FirstUse(as_array, recent=recent), {}
    for number, chunk in enumerate(data.draw(st.lists(st.lists(values, max_size=12), max_size=20))):
        seen_with = [number * 100 + position for position in range(len(chunk))]
        expected = []
        for value, now in zip(chunk, seen_with):
            expected.append(model.get(value))
            model.setdefault(value, now)
        assert store.first_uses(chunk, seen_with) == expected


def _identities(count: int) -> list[Identity]:
    """Tasks whose ids, paragraphs and texts repeat now and then, far apart too."""
    return [Identity(task_id=n % 97 - 40 if n % 5 == 0 else n + 1000, document_id=f"doc-{n % 13}",
                     paragraph=n % 211, key_digest=(n % 211).to_bytes(16, "little"),
                     text_digest=(n % 89).to_bytes(16, "big"))
            for n in range(count)]


@pytest.mark.parametrize("recent", [1, 3, 50])
def test_corpus_checks_report_the_same_whatever_has_been_settled(recent):
    """Against the checks that never settle anything (all in the dicts), task by task and file by file."""
    tasks = _identities(600)
    files = [f"export-{n // 150}.json" for n in range(len(tasks))]

    def problems(checks: CorpusChecks, chunk_size: int) -> list:
        found = []
        for start in range(0, len(tasks), chunk_size):
            for file in dict.fromkeys(files[start:start + chunk_size]):
                chunk = [t for t, f in zip(tasks[start:start + chunk_size], files[start:start + chunk_size]) if f == file]
                found += checks.check_identities(chunk, file)
        return [[(p.code, p.file, p.task, p.message) for p in task] for task in found]

    unsettled = problems(CorpusChecks(), 1)  # the default FirstUse settles after 16,384 values: never here
    settled = CorpusChecks(recent)
    assert settled._texts.recent == recent
    assert problems(settled, 40) == unsettled
    assert all(len(store._values) > 0 for store in (settled._task_files, settled._keys, settled._texts))
    assert {code for task in unsettled for code, *_ in task} == {"E401", "E402", "W403"}
