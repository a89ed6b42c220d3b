"""Duplicate ids are found the same way whether the ids are in memory or in a file."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from loaders.seen import SeenIds


def expected(keys: list[str]) -> list[int | None]:
    first: dict[str, int] = {}
    return [
        None if first.setdefault(key, line) == line else first[key] for line, key in enumerate(keys)
    ]


@given(st.lists(st.text(max_size=3), max_size=60), st.integers(0, 10))
def test_same_answers_in_memory_and_spilled(keys: list[str], in_memory: int) -> None:
    with SeenIds(in_memory=in_memory) as seen:
        found = [seen.first(key, line) for line, key in enumerate(keys)]
        assert seen.spilled == (len(set(keys)) > in_memory)
    assert found == expected(keys)


def test_the_file_is_removed_on_close() -> None:
    seen = SeenIds(in_memory=0)
    seen.first("a", 1)
    folder = seen._folder
    assert folder is not None and folder.is_dir()
    seen.close()
    assert not folder.exists()
