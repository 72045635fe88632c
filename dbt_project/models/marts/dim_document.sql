-- Grain: one row per file seen in the raw folder, loaded or failed (the only mart that keeps
-- failed documents; their failures are in ingest_errors).
with documents as (

    select * from {{ ref('stg_documents') }}

)

select
    document_id,
    source_file,
    sha256,
    format,
    layout,
    layout_confidence,
    low_confidence,
    document_kind,
    status,
    town,
    county,
    county_code,
    fiscal_year,
    unit_code,
    unit_name,
    amount_unit,
    unit_total_yuan,
    missing_facts,
    project_count,
    indicator_count,
    loaded_at

from documents
