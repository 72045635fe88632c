-- A failed document is always explained: it has at least one row in ingest_errors.
select
    dim_document.document_id,
    dim_document.source_file

from {{ ref('dim_document') }} as dim_document
where dim_document.status = 'failed'
  and not exists (
      select 1
      from {{ ref('ingest_errors') }} as ingest_errors
      where ingest_errors.document_id = dim_document.document_id
  )
