-- One row per indicator row of a performance-target table. Rename and cast only.
-- Every column of raw.indicators, cast to its declared type (pipeline/contract/tables.py).
select
    {{ staged_columns('indicators') }}

from {{ source('raw', 'indicators') }}
