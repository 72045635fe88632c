-- Grain: one row per clause of a department-level sub-goal (部门整体绩效目标 → 分项绩效目标) of a
-- loaded document, one row per sub-goal without clauses and one per overall target (总体绩效目标),
-- with the document's town, county and fiscal year. Rows of failed documents are excluded.
with targets as (

    select * from {{ ref('stg_department_targets') }}

),

loaded_documents as (

    select * from {{ ref('stg_documents') }}
    where status = 'loaded'

)

select
    targets.target_id,
    targets.document_id,
    targets.source_file,
    targets.source_line,
    loaded_documents.town,
    loaded_documents.county,
    loaded_documents.fiscal_year,
    targets.section,
    targets.goal_no,
    targets.goal_title,
    targets.goal_text,
    targets.clause_no,
    targets.clause,
    targets.comparator,
    targets.value_num,
    targets.value_unit,
    targets.value_kind

from targets
inner join loaded_documents
    on targets.document_id = loaded_documents.document_id
