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
