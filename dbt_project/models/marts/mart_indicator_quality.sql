-- Grain: one row per indicator (fct_indicator), with the quality flags and the reason for each
-- flag in words. The flags and their rules in words are seeds/quality_flags.csv (each flag's
-- expression and reason are here, in `flagged` and `explained`); their thresholds and word
-- lists are in macros/mart_rules.sql.
--
-- Memory: dbt's DuckDB runs under a small cap (pipeline/defs/dbt_project.py). DuckDB keeps a CTE
-- that is read twice as a table in memory: `indicators`, `measured` and `classified` are each
-- read twice (money_parts and repeated read them too), and kept, they were every indicator with
-- its compact texts (400 MB spilled at 542 000 rows). NOT MATERIALIZED recomputes them instead.
with indicators as not materialized (

    select * from {{ ref('fct_indicator') }}

),

projects as (

    select project_id, budget_yuan from {{ ref('dim_project') }}

),

-- What the indicator measures: its name (三级指标), or its description when the name is blank.
measured as not materialized (

    select
        indicators.*,
        projects.budget_yuan,
        coalesce(nullif(trim(indicators.level3), ''), trim(indicators.description), '') as measure_name,
        regexp_replace(coalesce(indicators.value_text, ''), '\s', '', 'g')             as value_compact,
        regexp_replace(coalesce(indicators.basis, ''), '\s', '', 'g')                  as basis_compact,
        regexp_replace(coalesce(indicators.description, ''), '\s', '', 'g')            as description_compact,
        regexp_replace(coalesce(indicators.level3, ''), '\s', '', 'g')                 as level3_compact,
        coalesce(
            indicators.level2 in {{ mart_sql_list('jixiao_cost_level2') }}
            or indicators.level1 = '{{ var("jixiao_cost_level1") }}',
            false
        )                                                                               as is_cost_category
    from indicators
    left join projects
        on indicators.project_id = projects.project_id

),

classified as not materialized (

    select
        *,
        case
            when is_cost_category then 'lower_is_better'
            when level2 in {{ mart_sql_list('jixiao_satisfaction_level2') }}
                or regexp_matches(measure_name, {{ mart_words_regex('jixiao_satisfaction_words') }})
                then 'higher_is_better'
            when regexp_matches(measure_name, {{ mart_words_regex('jixiao_lower_is_better_words') }})
                then 'lower_is_better'
            when unit_std = '%'
                or regexp_matches(measure_name, {{ mart_words_regex('jixiao_rate_words') }})
                then 'higher_is_better'
        end                                                                             as measure_direction,
        coalesce(
            level2 in {{ mart_sql_list('jixiao_satisfaction_level2') }}
            or regexp_matches(measure_name, {{ mart_words_regex('jixiao_satisfaction_words') }}),
            false
        )                                                                               as is_satisfaction,
        coalesce(
            is_cost_category
            and unit_std in {{ mart_sql_list('jixiao_money_units') }}
            and not regexp_matches(measure_name, {{ mart_words_regex('jixiao_per_unit_words') }}),
            false
        )                                                                               as is_cost_figure
    from measured

),

-- A cost figure is compared with the budget only when it is the project's one money figure that
-- is not per unit; several such figures are parts (compared as a sum in mart_project_quality).
money_parts as (

    select project_id, count(*) as money_cost_figures
    from classified
    where is_cost_figure
    group by project_id

),

-- The same name + description + value in several projects of one document. Only texts repeated
-- often enough to be boilerplate are kept, so the join below holds those (42 000 of 387 000 texts
-- of the bench's 10 000 documents) rather than every text of the warehouse.
repeated as (

    select
        document_id,
        coalesce(level3, '')      as level3_key,
        coalesce(description, '') as description_key,
        coalesce(value_text, '')  as value_key,
        count(distinct project_id) as projects_with_same_text
    from indicators
    group by all
    having count(distinct project_id) >= {{ mart_rule('jixiao_boilerplate_min_projects') }}

),

flagged as (

    select
        classified.*,
        repeated.projects_with_same_text,
        case
            when is_satisfaction and value_std is not null and (unit_std = '%' or unit_std is null)
                then value_std
        end                                                                             as satisfaction_target_pct,

        value_kind in ('qualitative', 'missing')                                        as unquantified,

        coalesce(measure_direction = 'higher_is_better' and comparator in {{ mart_sql_list('jixiao_ceiling_comparators') }}, false)
                                                                                        as backwards,

        coalesce(
            (is_satisfaction and (unit_std = '%' or unit_std is null)
                and value_std < {{ mart_rule('jixiao_satisfaction_floor_pct') }})
            or (unit_std = '%' and value_std > {{ mart_rule('jixiao_rate_ceiling_pct') }}
                and not regexp_matches(measure_name, {{ mart_words_regex('jixiao_growth_words') }}))
            or (unit_std = '%' and value_std < 0),
            false
        )                                                                               as implausible,

        coalesce(
            is_cost_figure
            and regexp_matches(measure_name, {{ mart_words_regex('jixiao_total_words') }})
            and money_parts.money_cost_figures = 1
            and budget_yuan is not null
            and abs(value_std - budget_yuan)
                > greatest({{ mart_rule('jixiao_cost_mismatch_tolerance_share') }} * budget_yuan, 1),
            false
        )                                                                               as cost_mismatch,

        coalesce(
            (length(level3_compact) >= 2 and value_compact <> '' and contains(value_compact, level3_compact))
            or (length(description_compact) >= 2 and value_compact <> ''
                and contains(value_compact, description_compact)),
            false
        )                                                                               as echo,

        coalesce(repeated.projects_with_same_text >= {{ mart_rule('jixiao_boilerplate_min_projects') }}, false)
                                                                                        as boilerplate,

        (
            regexp_matches(basis_compact, '^[-—_/\\.·、无]*$')
            or basis_compact = description_compact
            or basis_compact = level3_compact
        )                                                                               as no_basis

    from classified
    left join money_parts
        on classified.project_id = money_parts.project_id
    left join repeated
        on classified.document_id = repeated.document_id
        and coalesce(classified.level3, '') = repeated.level3_key
        and coalesce(classified.description, '') = repeated.description_key
        and coalesce(classified.value_text, '') = repeated.value_key

),

explained as (

    select
        *,
        {{ flag_sum() }}                                                              as flag_count,
        nullif(concat_ws('; ',
            case when unquantified then
                'unquantified: the target '
                || coalesce('''' || value_text || '''', 'is blank and')
                || ' states no number and no date'
            end,
            case when backwards then
                'backwards: ' || measure_name || ' is a rate where more is better, but the target is '''
                || value_text || ''' (a ceiling)'
            end,
            case when implausible and is_satisfaction and value_std < {{ mart_rule('jixiao_satisfaction_floor_pct') }} then
                'implausible: a satisfaction target of ' || value_text
                || ' is under {{ mart_rule("jixiao_satisfaction_floor_pct") }}%'
            when implausible then
                'implausible: ' || value_text || ' is outside 0-{{ mart_rule("jixiao_rate_ceiling_pct") }}% for a share'
            end,
            case when cost_mismatch then
                'cost_mismatch: ' || measure_name || ' ' || value_text || ' = '
                || format('{:,.2f}', value_std) || ' 元, but the project''s budget is '
                || format('{:,.2f}', budget_yuan) || ' 元'
            end,
            case when echo then
                'echo: the value ''' || value_text || ''' repeats the indicator''s name'
            end,
            case when boilerplate then
                'boilerplate: the same name, description and value in '
                || cast(projects_with_same_text as varchar) || ' projects of this document'
            end,
            case when no_basis then
                case when basis_compact = '' or regexp_matches(basis_compact, '^[-—_/\\.·、无]*$')
                    then 'no_basis: no basis for the value is given'
                    else 'no_basis: the basis only repeats the indicator''s name or description'
                end
            end
        ), '')                                                                          as reason
    from flagged

)

select
    indicator_id,
    project_id,
    document_id,
    county,
    town,
    fiscal_year,
    project_name,
    level1,
    level2,
    level3,
    description,
    value_text,
    basis,
    comparator,
    value_std,
    unit_std,
    value_kind,
    measure_direction,
    is_satisfaction,
    satisfaction_target_pct,
    is_cost_figure,
    budget_yuan,
    {% for flag in quality_flags() -%}
    {{ flag }},
    {% endfor -%}
    flag_count,
    flag_count > 0 as is_flagged,
    reason,
    source_file,
    source_page,
    source_line,
    table_no,
    row_no

from explained
