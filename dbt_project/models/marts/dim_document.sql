-- Grain: one row per file seen in the raw folder, loaded or failed (the only mart that keeps
-- failed documents; their failures are in ingest_errors).
with documents as (

    select * from {{ ref('stg_documents') }}

),

-- Documents with a project that has no indicator rows (a damaged page, a table not read):
-- read only in part, so never complete, whatever the layout's score.
partly_read as (

    select distinct projects.document_id
    from {{ ref('stg_projects') }} as projects
    where not exists (
        select 1
        from {{ ref('stg_indicators') }} as indicators
        where indicators.project_id = projects.project_id
    )

)

select
    documents.document_id,
    source_file,
    sha256,
    format,
    layout,
    layout_confidence,
    documents.low_confidence or partly_read.document_id is not null as low_confidence,
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
left join partly_read
    on documents.document_id = partly_read.document_id
