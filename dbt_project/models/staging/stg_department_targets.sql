-- One row per department-level target clause. Rename and cast only.
-- Every column of raw.department_targets, cast to its declared type (pipeline/contract/tables.py).
select
    {{ staged_columns('department_targets') }}

from {{ source('raw', 'department_targets') }}
