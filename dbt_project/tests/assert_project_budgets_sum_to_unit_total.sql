-- Subcomponents sum to the total: for each loaded document that states a unit total, the sum of
-- its projects' budget_yuan should equal unit_total_yuan within a tolerance (default 1 元).
-- Severity warn: real documents do disagree with themselves (one seed differs by 100 元); the
-- difference is a finding to report, not a reason to stop the build. Both numbers are in the
-- marts (dim_document.unit_total_yuan, dim_project.budget_yuan).
{{ config(severity='warn') }}

with project_totals as (

    select
        document_id,
        sum({{ money('budget_yuan') }}) as sum_budget_yuan,  -- as the marts sum money
        count(*)                    as n_projects,
        count(budget_yuan)          as n_projects_with_budget
    from {{ ref('dim_project') }}
    where counts_in_totals  -- a project stated in prose and as a table counts once
    group by document_id

)

select
    dim_document.document_id,
    dim_document.source_file,
    dim_document.unit_total_yuan,
    coalesce(project_totals.sum_budget_yuan, 0)                               as sum_budget_yuan,
    coalesce(project_totals.sum_budget_yuan, 0) - dim_document.unit_total_yuan as difference_yuan,
    coalesce(project_totals.n_projects, 0)                                    as n_projects,
    coalesce(project_totals.n_projects_with_budget, 0)                        as n_projects_with_budget

from {{ ref('dim_document') }} as dim_document
left join project_totals
    on dim_document.document_id = project_totals.document_id
where dim_document.status = 'loaded'
  and dim_document.unit_total_yuan is not null
  and abs(coalesce(project_totals.sum_budget_yuan, 0) - dim_document.unit_total_yuan)
      > {{ var('jixiao_unit_total_tolerance_yuan') }}
