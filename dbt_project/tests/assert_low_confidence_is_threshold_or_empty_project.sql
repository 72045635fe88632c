-- A loaded document is low_confidence exactly when its layout scored under 0.9 or one of its
-- projects has no indicator rows: a document read only in part is never complete (a PDF whose
-- second page was damaged loaded as complete, confidence 1.0, one project without rows).
with partly_read as (

    select distinct dim_project.document_id
    from {{ ref('dim_project') }} as dim_project
    where not exists (
        select 1
        from {{ ref('fct_indicator') }} as fct_indicator
        where fct_indicator.project_id = dim_project.project_id
    )

)

select
    dim_document.document_id,
    dim_document.source_file,
    dim_document.layout_confidence,
    dim_document.low_confidence

from {{ ref('dim_document') }} as dim_document
left join partly_read
    on dim_document.document_id = partly_read.document_id
where dim_document.status = 'loaded'
  and dim_document.low_confidence is distinct from (
      dim_document.layout_confidence < 0.9 or partly_read.document_id is not null
  )
