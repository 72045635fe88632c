-- A project table with no indicator row means a table was lost in extraction (a damaged page, a
-- table hidden under a grid): the document is loaded but low_confidence, and each such project is
-- listed here. Severity warn: it is a finding about a document, not a reason to stop the marts.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'dim_project'}}}) }}

select
    dim_project.project_id,
    dim_project.source_file,
    dim_project.project_name

from {{ ref('dim_project') }} as dim_project
where not exists (
    select 1
    from {{ ref('fct_indicator') }} as fct_indicator
    where fct_indicator.project_id = dim_project.project_id
)
