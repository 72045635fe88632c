-- Grain: one row per project table of a loaded document, with the document's town, county and
-- fiscal year. Projects of failed documents are excluded.
with projects as (

    select * from {{ ref('stg_projects') }}

),

loaded_documents as (

    select * from {{ ref('stg_documents') }}
    where status = 'loaded'

)

select
    projects.project_id,
    projects.document_id,
    projects.table_no,
    projects.project_code,
    projects.project_name,
    projects.budget_yuan,
    projects.fiscal_funds_yuan,
    projects.other_funds_yuan,
    projects.purpose,
    projects.goals,
    projects.spend_plan,
    projects.source_file,
    projects.source_locator,
    projects.source_page,
    projects.source_line,
    projects.source_kind,
    projects.layout,
    projects.linked_project_id,
    projects.linked_project_id is null                  as counts_in_totals,
    loaded_documents.town,
    loaded_documents.county,
    loaded_documents.fiscal_year

from projects
inner join loaded_documents
    on projects.document_id = loaded_documents.document_id
