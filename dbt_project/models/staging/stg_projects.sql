-- One row per project table. Rename and cast only (spend_plan text -> JSON).
-- Every column of raw.projects, cast to its declared type (pipeline/contract/tables.py).
select
    {{ staged_columns('projects') }}

from {{ source('raw', 'projects') }}
