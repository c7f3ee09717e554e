"""Event dedupe a batch at a time: one statement decides for every key in it (SQLite and PostgreSQL)."""

from __future__ import annotations


async def test_a_batch_is_decided_in_one_statement(store, clock):
    from sqlalchemy import event

    statements: list[str] = []
    event.listen(store.db.engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert await store.dedupe.first_delivery("slack:T1", "Ev1")
    statements.clear()
    batch = [("slack:T1", "Ev1"), ("slack:T1", "Ev2"), ("slack:T2", "Ev1"), ("slack:T1", "Ev3")]
    assert await store.dedupe.first_deliveries(batch) == {("slack:T1", "Ev2"), ("slack:T2", "Ev1"), ("slack:T1", "Ev3")}
    assert len([s for s in statements if s.lstrip().upper().startswith("INSERT")]) == 1
    assert await store.dedupe.first_deliveries(batch) == set()
    clock.advance(hours=2)
    assert await store.dedupe.first_deliveries(batch[:2]) == set(batch[:2])  # expired: delivered anew


async def test_the_same_key_twice_in_a_batch_counts_once(store):
    assert await store.dedupe.first_deliveries([("s", "k"), ("s", "k")]) == {("s", "k")}
    assert await store.dedupe.first_deliveries([]) == set()


async def test_batches_of_every_size_decide_right_twice(store, clock):
    """Each batch size has its own prepared statement, kept after first use: the second batch of a size must
    decide as right as the first, with keys from earlier batches mixed in."""
    seen: set[tuple[str, str]] = set()
    for round_ in range(2):
        for size in (1, 2, 7, 64, 65):
            batch = [("slack:T1", f"Ev{round_}-{size}-{n}") for n in range(size)]
            old = sorted(seen)[:3]
            assert await store.dedupe.first_deliveries(batch + old) == set(batch)
            seen.update(batch)
    clock.advance(hours=2)
    expired = sorted(seen)[:64]
    assert await store.dedupe.first_deliveries(expired) == set(expired)
    assert await store.dedupe.first_deliveries(expired) == set()
