-- The analyst marts neither lose nor double targets: per document, fct_indicator's rows, the rows
-- of mart_indicator_quality, and the indicator counts summed over mart_project_quality,
-- mart_town_year (per town and year) and mart_category_targets all agree. Returns mismatches.
with facts as (

    select county, town, fiscal_year, count(*) as n
    from {{ ref('fct_indicator') }}
    group by all

),

quality as (

    select county, town, fiscal_year, count(*) as n
    from {{ ref('mart_indicator_quality') }}
    group by all

),

projects as (

    select county, town, fiscal_year, sum(indicator_count) as n
    from {{ ref('mart_project_quality') }}
    group by all

),

towns as (

    select county, town, fiscal_year, indicator_count as n
    from {{ ref('mart_town_year') }}

),

categories as (

    select county, town, fiscal_year, sum(indicator_count) as n
    from {{ ref('mart_category_targets') }}
    group by all

)

select
    towns.county,
    towns.town,
    towns.fiscal_year,
    facts.n      as fct_indicator_rows,
    quality.n    as mart_indicator_quality_rows,
    projects.n   as mart_project_quality_sum,
    towns.n      as mart_town_year_count,
    categories.n as mart_category_targets_sum

from towns
full outer join facts
    on towns.county is not distinct from facts.county
    and towns.town is not distinct from facts.town
    and towns.fiscal_year is not distinct from facts.fiscal_year
left join quality
    on towns.county is not distinct from quality.county
    and towns.town is not distinct from quality.town
    and towns.fiscal_year is not distinct from quality.fiscal_year
left join projects
    on towns.county is not distinct from projects.county
    and towns.town is not distinct from projects.town
    and towns.fiscal_year is not distinct from projects.fiscal_year
left join categories
    on towns.county is not distinct from categories.county
    and towns.town is not distinct from categories.town
    and towns.fiscal_year is not distinct from categories.fiscal_year
where coalesce(facts.n, 0) <> coalesce(towns.n, 0)
   or coalesce(quality.n, 0) <> coalesce(towns.n, 0)
   or coalesce(projects.n, 0) <> coalesce(towns.n, 0)
   or coalesce(categories.n, 0) <> coalesce(towns.n, 0)
