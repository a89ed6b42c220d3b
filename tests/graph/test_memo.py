"""Tests of the answer memo: answers kept per store version, bounded in bytes, LRU."""

from __future__ import annotations

from graph.memo import ResultMemo, deterministic, size_of


def test_an_answer_is_given_again_at_the_same_version_only() -> None:
    memo = ResultMemo(max_bytes=10_000)
    key = memo.key(str.upper, "abc")
    memo.put("v1", key, "ABC", size=10)
    assert memo.get("v1", key) == "ABC"
    assert memo.get("v2", key) is None
    assert len(memo) == 0  # a new version forgets every answer
    memo.put("v2", key, "ABC", size=10)
    assert memo.get("v2", key) == "ABC"
    assert memo.get(None, key) is None  # a store without versions is never answered from memory


def test_keys_tell_tasks_and_arguments_apart() -> None:
    memo = ResultMemo(max_bytes=10_000)
    keys = {
        memo.key(str.upper, "abc"),
        memo.key(str.lower, "abc"),
        memo.key(str.upper, "abd"),
        memo.key(str.upper, "abc", extra=1),
    }
    assert len(keys) == 4
    assert memo.key(str.upper, "abc") == memo.key(str.upper, "abc")


def test_the_least_recently_used_answers_go_first_when_over_budget() -> None:
    memo = ResultMemo(max_bytes=800)  # entries of up to 100 bytes are kept
    keys = [memo.key(str.upper, str(n)) for n in range(10)]
    for n, key in enumerate(keys[:8]):
        memo.put("v", key, n, size=100)
    assert memo.get("v", keys[0]) == 0  # 0 is now the most recently used
    memo.put("v", keys[8], 8, size=100)
    memo.put("v", keys[9], 9, size=100)
    kept = [n for n, key in enumerate(keys) if memo.get("v", key) is not None]
    assert kept == [0, 3, 4, 5, 6, 7, 8, 9]


def test_answers_larger_than_an_eighth_of_the_budget_are_not_kept() -> None:
    memo = ResultMemo(max_bytes=800)
    key = memo.key(str.upper, "big")
    memo.put("v", key, "x", size=101)
    assert memo.get("v", key) is None
    off = ResultMemo(max_bytes=0)
    assert not off.enabled
    off.put("v", key, "x", size=1)
    assert off.get("v", key) is None


def test_replacing_an_answer_keeps_the_byte_count_right() -> None:
    memo = ResultMemo(max_bytes=800)
    key, other = memo.key(str.upper, "a"), memo.key(str.upper, "b")
    for _ in range(20):
        memo.put("v", key, "a", size=100)
    memo.put("v", other, "b", size=100)
    assert memo.get("v", key) == "a" and memo.get("v", other) == "b"


def test_volatile_functions_make_a_query_nondeterministic() -> None:
    for text in (
        "SELECT (RAND() AS ?r) {}",
        "SELECT (now ( ) AS ?t) {}",
        "SELECT (UUID() AS ?u) {}",
        "SELECT (STRUUID() AS ?u) {}",
        "CONSTRUCT { ?x <urn:p> 1 } WHERE { BIND(BNODE() AS ?x) }",
    ):
        assert not deterministic(text), text
    for text in ("SELECT * { ?s <urn:random> ?o }", "SELECT (STRNOW AS ?x) {}", "ASK {}"):
        assert deterministic(text), text
    assert size_of(b"x" * 100) >= 100
