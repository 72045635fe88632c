-- One row per recorded ingestion failure. Rename and cast only.
-- Every column of raw.ingest_errors, cast to its declared type (pipeline/contract/tables.py).
select
    {{ staged_columns('ingest_errors') }}

from {{ source('raw', 'ingest_errors') }}
