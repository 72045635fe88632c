-- Grain: one row per county, town and fiscal year with at least one loaded document: projects,
-- budget, indicators, how many targets are quantified or flagged, the median satisfaction target,
-- and whether the projects' budgets add up to the unit total the document states.
with documents as (

    select * from {{ ref('dim_document') }}
    where status = 'loaded'

),

projects as (

    select * from {{ ref('dim_project') }}

),

indicators as (

    select * from {{ ref('mart_indicator_quality') }}

),

-- Per document: the sum of its project budgets against the total it states (if it states one).
-- Money is summed as DECIMAL (macros/money.sql) and turned into DOUBLE only in the last select.
document_budgets as (

    select
        documents.document_id,
        documents.county,
        documents.town,
        documents.fiscal_year,
        {{ money('documents.unit_total_yuan') }}              as unit_total_yuan,
        count(projects.project_id)                           as project_count,
        count(projects.budget_yuan)                          as projects_with_budget,
        coalesce(sum({{ money('projects.budget_yuan') }}), 0) as budget_yuan
    from documents
    left join projects
        on documents.document_id = projects.document_id
        and projects.counts_in_totals
    group by all

),

budgets as (

    select
        county,
        town,
        fiscal_year,
        count(*)                                                         as document_count,
        sum(project_count)::bigint                                       as project_count,
        sum(projects_with_budget)::bigint                                as projects_with_budget,
        sum(budget_yuan)                                                 as total_budget_yuan,
        count(unit_total_yuan)                                           as documents_with_unit_total,
        sum(unit_total_yuan)                                             as stated_unit_total_yuan,
        sum(budget_yuan - unit_total_yuan)                               as reconciliation_diff_yuan
    from document_budgets
    group by all

),

targets as (

    select
        county,
        town,
        fiscal_year,
        count(*)                                                         as indicator_count,
        count(*) filter (where not unquantified)                         as quantified_count,
        count(*) filter (where is_flagged)                               as flagged_count,
        {{ flag_counts() }},
        count(satisfaction_target_pct)                                   as satisfaction_target_count,
        median(satisfaction_target_pct)                                  as median_satisfaction_target_pct,
        min(satisfaction_target_pct)                                     as min_satisfaction_target_pct
    from indicators
    group by all

)

select
    budgets.county,
    budgets.town,
    budgets.fiscal_year,
    budgets.document_count,
    budgets.project_count,
    budgets.total_budget_yuan::double                                     as total_budget_yuan,
    coalesce(targets.indicator_count, 0)                                  as indicator_count,
    coalesce(targets.quantified_count, 0)                                 as quantified_count,
    targets.quantified_count::double / nullif(targets.indicator_count, 0) as share_quantified,
    coalesce(targets.flagged_count, 0)                                    as flagged_count,
    targets.flagged_count::double / nullif(targets.indicator_count, 0)    as share_flagged,
    {{ coalesced_flag_counts('targets') }}
    coalesce(targets.satisfaction_target_count, 0)                        as satisfaction_target_count,
    targets.median_satisfaction_target_pct,
    targets.min_satisfaction_target_pct,
    budgets.stated_unit_total_yuan::double                                as stated_unit_total_yuan,
    budgets.reconciliation_diff_yuan::double                              as reconciliation_diff_yuan,
    case
        when budgets.documents_with_unit_total = 0 then null
        else abs(budgets.reconciliation_diff_yuan) <= {{ var('jixiao_unit_total_tolerance_yuan') }}
    end                                                                   as budgets_reconcile

from budgets
left join targets
    on budgets.county is not distinct from targets.county
    and budgets.town is not distinct from targets.town
    and budgets.fiscal_year is not distinct from targets.fiscal_year
