"""What two readings of the same tables must agree on, whatever format each was read from."""

from __future__ import annotations

from typing import Final

ROW_COLUMNS: Final = ["table_no", "row_no", "level1", "level2", "level3", "description", "value_text", "basis"]
PROJECT_COLUMNS: Final = [
    "table_no",
    "project_code",
    "project_name",
    "budget_yuan",
    "fiscal_funds_yuan",
    "goals",
    "spend_plan",
]
