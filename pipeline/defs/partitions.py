"""One Dagster partition per document, keyed by its path relative to the raw folder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

DOCUMENTS_PARTITION_NAME: Final = "documents"
documents_partitions = dg.DynamicPartitionsDefinition(name=DOCUMENTS_PARTITION_NAME)


def partition_ranges(keys: Sequence[str], size: int) -> list[tuple[str, str]]:
    """(first, last) of consecutive runs of at most ``size`` keys, in the instance's order of the keys."""
    return [(keys[i], keys[min(i + size, len(keys)) - 1]) for i in range(0, len(keys), size)]


def range_tags(first: str, last: str) -> dict[str, str]:
    """The run tags that make one run cover a range of partitions (what a backfill sets)."""
    return {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}


def covering_ranges(keys: Sequence[str], wanted: Sequence[str], size: int) -> list[tuple[str, str]]:
    """(first, last) ranges of ``keys`` that cover every wanted key, each spanning at most ``size`` keys.

    Keys between two wanted ones ride along: the ingest step skips an unchanged document after
    hashing it, which costs far less than a Dagster run of its own.
    """
    position = {key: i for i, key in enumerate(keys)}
    groups: list[list[int]] = []
    for spot in sorted(position[key] for key in set(wanted)):
        if groups and spot - groups[-1][0] < size:
            groups[-1].append(spot)
        else:
            groups.append([spot])
    return [(keys[group[0]], keys[group[-1]]) for group in groups]
