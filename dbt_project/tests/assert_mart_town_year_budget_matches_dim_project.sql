-- mart_town_year's project count and total budget are those of dim_project for the same county,
-- town and year, and every project of mart_project_quality is counted there. Returns mismatches.
-- Summed as the mart sums money (macros/money.sql).
with projects as (

    select county, town, fiscal_year, count(*) as n_projects, coalesce(sum({{ money('budget_yuan') }}), 0) as budget_yuan
    from {{ ref('dim_project') }}
    where counts_in_totals
    group by all

)

select
    mart_town_year.county,
    mart_town_year.town,
    mart_town_year.fiscal_year,
    mart_town_year.project_count,
    projects.n_projects,
    mart_town_year.total_budget_yuan,
    projects.budget_yuan

from {{ ref('mart_town_year') }} as mart_town_year
left join projects
    on mart_town_year.county is not distinct from projects.county
    and mart_town_year.town is not distinct from projects.town
    and mart_town_year.fiscal_year is not distinct from projects.fiscal_year
where mart_town_year.project_count <> coalesce(projects.n_projects, 0)
   or abs(mart_town_year.total_budget_yuan - coalesce(projects.budget_yuan, 0)) > {{ var('jixiao_money_epsilon_yuan') }}
