-- Grain: one row per canonical level-2 category × county × town × fiscal year × target unit: how
-- many indicators the category has there, and the spread (min, median, max) of the numeric targets
-- that share one unit, so that e.g. 服务对象满意度指标 in % compares across towns.
-- Indicators without a number are grouped under target_unit '(no number)', numbers written
-- without a unit under '(no unit)'.
with indicators as (

    select
        *,
        coalesce(level2, '(not mapped)') as category,
        case
            when value_std is null then '(no number)'
            when unit_std is null then '(no unit)'
            else unit_std
        end                              as target_unit
    from {{ ref('mart_indicator_quality') }}

)

select
    category                                                       as level2,
    level1,
    county,
    town,
    fiscal_year,
    target_unit,
    count(*)                                                       as indicator_count,
    sum(count(*)) over (partition by category, county, town, fiscal_year)::bigint
                                                                   as category_indicator_count,
    count(value_std)                                               as numeric_count,
    min(value_std)                                                 as min_target,
    median(value_std)                                              as median_target,
    max(value_std)                                                 as max_target,
    count(*) filter (where is_flagged)                             as flagged_count

from indicators
group by category, level1, county, town, fiscal_year, target_unit
