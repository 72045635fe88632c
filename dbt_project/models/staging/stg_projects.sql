-- One row per project table. Rename and cast only (spend_plan text -> JSON).
with source as (

    select * from {{ source('raw', 'projects') }}

),

renamed as (

    select
        cast(project_id as varchar)           as project_id,
        cast(document_id as varchar)          as document_id,
        cast(table_no as integer)             as table_no,
        cast(project_code as varchar)         as project_code,
        cast(project_name as varchar)         as project_name,
        cast(budget_yuan as double)           as budget_yuan,
        cast(fiscal_funds_yuan as double)     as fiscal_funds_yuan,
        cast(other_funds_yuan as double)      as other_funds_yuan,
        cast(amount_unit as varchar)          as amount_unit,
        cast(budget_text as varchar)          as budget_text,
        cast(purpose as varchar)              as purpose,
        cast(goals as varchar)                as goals,
        cast(spend_plan as json)              as spend_plan,
        cast(source_file as varchar)          as source_file,
        cast(source_page as integer)          as source_page,
        cast(source_line as integer)          as source_line,
        cast(source_locator as varchar)       as source_locator,
        cast(source_kind as varchar)          as source_kind,
        cast(layout as varchar)               as layout,
        cast(linked_project_id as varchar)    as linked_project_id

    from source

)

select * from renamed
