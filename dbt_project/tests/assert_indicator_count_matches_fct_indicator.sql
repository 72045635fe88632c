-- Every document's indicator_count equals the number of its rows in fct_indicator
-- (withdrawn documents keep their counts as history and are left out; 0 for failed documents, whose rows must not reach the mart). Returns the mismatches.
with indicator_rows as (

    select document_id, count(*) as n_rows
    from {{ ref('fct_indicator') }}
    group by document_id

)

select
    dim_document.document_id,
    dim_document.source_file,
    dim_document.status,
    dim_document.indicator_count,
    coalesce(indicator_rows.n_rows, 0) as fct_indicator_rows

from {{ ref('dim_document') }} as dim_document
left join indicator_rows
    on dim_document.document_id = indicator_rows.document_id
where dim_document.status <> 'withdrawn'
  and dim_document.indicator_count is distinct from coalesce(indicator_rows.n_rows, 0)
