"""One Dagster partition per document, keyed by its path relative to the raw folder."""

from __future__ import annotations

from typing import Final

import dagster as dg

DOCUMENTS_PARTITION_NAME: Final = "documents"
documents_partitions = dg.DynamicPartitionsDefinition(name=DOCUMENTS_PARTITION_NAME)
