-- Grain: one row per recorded ingestion failure of a document (a failed document has at
-- least one). All failures are kept: this is where failed documents are explained.
with errors as (

    select * from {{ ref('stg_ingest_errors') }}

)

select
    source_file,
    sha256,
    stage,
    error_class,
    message,
    recorded_at,
    document_id

from errors
