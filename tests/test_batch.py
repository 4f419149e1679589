"""Batch work without the cyclic garbage collector (``generator/batch.py``)."""

from __future__ import annotations

import gc

from generator.batch import without_gc


def test_collector_is_off_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with without_gc():
        assert not gc.isenabled()
        with without_gc():  # nested: still off, and the outer batch decides
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_survivors_join_the_oldest_generation_unscanned() -> None:
    with without_gc():
        kept = [[i] for i in range(50_000)]
    young, middle, _ = gc.get_count()
    assert young < 700, "survivors left for the next young-generation scan"
    assert middle == 0
    oldest = {id(obj) for obj in gc.get_objects(generation=2)}
    assert id(kept) in oldest
    assert id(kept[-1]) in oldest


def test_collector_stays_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with without_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
