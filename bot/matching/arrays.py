"""Grouping and pruning sorted numpy arrays: the steps every part of the index build shares.

The build keeps the order in which the old per-document loops added things up, so a
score is the same to the last bit: groups are formed by stable sorts, and sums run
through np.bincount, which adds in array order.
"""

from __future__ import annotations

import numpy as np

_INT64_LIMIT = 1 << 62


def stable_order(keys: np.ndarray) -> np.ndarray:
    """The indices that sort `keys` (non-negative integers), equal keys kept in array order."""
    return sorted_with_order(keys)[1]


def sorted_with_order(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`keys` sorted, and the indices that sort them, equal keys kept in array order.

    Each key carries its index in its low digits, and the pairs are sorted as plain
    int64s: numpy's vectorised sort is several times faster than any argsort.
    """
    n = len(keys)
    if not n or int(keys.max()) >= _INT64_LIMIT // n:  # no room for the index: sort the slow way
        order = np.argsort(keys, kind="stable")
        return keys[order], order
    paired = keys.astype(np.int64)  # in place from here: these arrays are tens of MB
    paired *= n
    paired += np.arange(n, dtype=np.int64)
    paired.sort()
    order = paired % n
    paired //= n
    return paired, order


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """Where a run of equal values starts, in arrays sorted by those values; plus the end."""
    if not len(keys[0]):
        return np.zeros(1, dtype=np.intp)
    change = np.zeros(len(keys[0]), dtype=bool)
    change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.append(np.flatnonzero(change), len(keys[0]))


def expand(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ranges starts[i] : starts[i] + lengths[i], without a Python loop."""
    offsets = np.cumsum(lengths) - lengths
    return np.arange(int(lengths.sum())) - np.repeat(offsets - starts, lengths)


def best_in_groups(bounds: np.ndarray, strength: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group (bounds from run_starts) the indices of its `limit` strongest entries.

    A group within the limit keeps its order; a larger one lists its best first, ties
    in array order (what sorted(..., reverse=True)[:limit] gives). Returns the kept
    indices, group after group, and where each group starts among them (plus the end).
    """
    sizes = np.diff(bounds)
    kept_sizes = np.minimum(sizes, limit)
    kept_bounds = np.append(0, np.cumsum(kept_sizes))
    kept = expand(bounds[:-1], kept_sizes)
    for group in np.flatnonzero(sizes > limit):  # the few common words, one by one
        start, end = bounds[group], bounds[group + 1]
        kept[kept_bounds[group] : kept_bounds[group + 1]] = start + _strongest(strength[start:end], limit)
    return kept, kept_bounds


def _strongest(values: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the `limit` largest values, largest first, ties in array order.

    Selects in linear time and sorts only what it keeps: a word in every one of
    10,000 items keeps 64 of them.
    """
    threshold = np.partition(values, len(values) - limit)[len(values) - limit]
    candidates = np.flatnonzero(values >= threshold)  # the kept ones and any ties with the last
    return candidates[np.argsort(-values[candidates], kind="stable")[:limit]]
