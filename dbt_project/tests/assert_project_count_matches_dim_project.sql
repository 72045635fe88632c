-- Every document's project_count equals the number of its rows in dim_project
-- (withdrawn documents keep their counts as history and are left out; 0 for failed documents). Returns the mismatches.
with project_rows as (

    select document_id, count(*) as n_rows
    from {{ ref('dim_project') }}
    group by document_id

)

select
    dim_document.document_id,
    dim_document.source_file,
    dim_document.status,
    dim_document.project_count,
    coalesce(project_rows.n_rows, 0) as dim_project_rows

from {{ ref('dim_document') }} as dim_document
left join project_rows
    on dim_document.document_id = project_rows.document_id
where dim_document.status <> 'withdrawn'
  and dim_document.project_count is distinct from coalesce(project_rows.n_rows, 0)
