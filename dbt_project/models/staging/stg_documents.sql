-- One row per file seen in the raw folder. Rename and cast only.
-- Every column of raw.documents, cast to its declared type (pipeline/contract/tables.py).
select
    {{ staged_columns('documents') }}

from {{ source('raw', 'documents') }}
