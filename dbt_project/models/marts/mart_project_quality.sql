-- Grain: one row per project (dim_project): how many indicators, how many are quantified, flags by
-- kind, which of the six kinds of target the project leaves out, its budget against the sum of its
-- cost figures, and one 0-100 quality score (formula in mart_project_quality.yml).
with projects as (

    select * from {{ ref('dim_project') }}

),

indicators as (

    select * from {{ ref('mart_indicator_quality') }}

),

per_project as (

    select
        project_id,
        count(*)                                                         as indicator_count,
        count(*) filter (where not unquantified)                         as quantified_count,
        {{ flag_counts() }},
        count(*) filter (where is_flagged)                               as flagged_count,
        count(*) filter (where {{ quality_flags('substantive') | join(' or ') }})
                                                                         as defective_count,
        bool_or(level2 = '数量指标')                                      as has_quantity,
        bool_or(level2 = '质量指标')                                      as has_quality,
        bool_or(level2 = '时效指标')                                      as has_timeliness,
        bool_or(level2 in {{ mart_sql_list('jixiao_cost_level2') }} or level1 = '{{ var("jixiao_cost_level1") }}')
                                                                         as has_cost,
        bool_or(level1 = '效益指标')                                      as has_benefit,
        bool_or(level1 = '满意度指标')                                    as has_satisfaction,
        -- Money cost figures that are not per unit (每…, 人均…): the parts of the project's cost.
        count(*) filter (where is_cost_figure)                           as cost_figure_count,
        sum({{ money('value_std') }}) filter (where is_cost_figure)      as cost_sum_yuan  -- DECIMAL: macros/money.sql
    from indicators
    group by project_id

),

joined as (

    select
        projects.project_id,
        projects.document_id,
        projects.county,
        projects.town,
        projects.fiscal_year,
        projects.table_no,
        projects.project_name,
        projects.source_kind,
        projects.linked_project_id,
        projects.budget_yuan,
        coalesce(per_project.indicator_count, 0)     as indicator_count,
        coalesce(per_project.quantified_count, 0)    as quantified_count,
        {{ coalesced_flag_counts('per_project') }}
        coalesce(per_project.flagged_count, 0)       as flagged_count,
        coalesce(per_project.defective_count, 0)     as defective_count,
        coalesce(per_project.has_quantity, false)     as has_quantity,
        coalesce(per_project.has_quality, false)      as has_quality,
        coalesce(per_project.has_timeliness, false)   as has_timeliness,
        coalesce(per_project.has_cost, false)         as has_cost,
        coalesce(per_project.has_benefit, false)      as has_benefit,
        coalesce(per_project.has_satisfaction, false) as has_satisfaction,
        coalesce(per_project.cost_figure_count, 0)    as cost_figure_count,
        per_project.cost_sum_yuan::double            as cost_sum_yuan
    from projects
    left join per_project
        on projects.project_id = per_project.project_id

),

scored as (

    select
        *,
        quantified_count::double / nullif(indicator_count, 0)  as share_quantified,
        flagged_count::double / nullif(indicator_count, 0)     as share_flagged,
        defective_count::double / nullif(indicator_count, 0)   as share_defective,
        boilerplate_count::double / nullif(indicator_count, 0) as share_boilerplate,
        no_basis_count::double / nullif(indicator_count, 0)    as share_no_basis,
        6 - (has_quantity::int + has_quality::int + has_timeliness::int
             + has_cost::int + has_benefit::int + has_satisfaction::int) as missing_category_count,
        nullif(concat_ws(', ',
            case when not has_quantity then '数量' end,
            case when not has_quality then '质量' end,
            case when not has_timeliness then '时效' end,
            case when not has_cost then '成本' end,
            case when not has_benefit then '效益' end,
            case when not has_satisfaction then '满意度' end
        ), '')                                                  as missing_categories,
        cost_sum_yuan - budget_yuan                             as cost_gap_yuan
    from joined

)

select
    project_id,
    document_id,
    county,
    town,
    fiscal_year,
    table_no,
    project_name,
    source_kind,
    linked_project_id,
    budget_yuan,
    indicator_count,
    quantified_count,
    share_quantified,
    unquantified_count,
    backwards_count,
    implausible_count,
    cost_mismatch_count,
    echo_count,
    boilerplate_count,
    no_basis_count,
    flagged_count,
    share_flagged,
    missing_categories,
    missing_category_count,
    cost_figure_count,
    cost_sum_yuan,
    cost_gap_yuan,
    case
        when indicator_count = 0 then 0.0
        else round(
            30 * share_quantified
            + 30 * (1 - share_defective)
            + 20 * (6 - missing_category_count) / 6.0
            + 10 * (1 - share_boilerplate)
            + 10 * (1 - share_no_basis),
            1)
    end                                                         as quality_score

from scored
