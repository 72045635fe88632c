-- One row per department-level target clause. Rename and cast only.
with source as (

    select * from {{ source('raw', 'department_targets') }}

),

renamed as (

    select
        cast(target_id as varchar)            as target_id,
        cast(document_id as varchar)          as document_id,
        cast(section as varchar)              as section,
        cast(goal_no as integer)              as goal_no,
        cast(goal_title as varchar)           as goal_title,
        cast(goal_text as varchar)            as goal_text,
        cast(clause_no as integer)            as clause_no,
        cast(clause as varchar)               as clause,
        cast(comparator as varchar)           as comparator,
        cast(value_num as double)             as value_num,
        cast(value_unit as varchar)           as value_unit,
        cast(value_kind as varchar)           as value_kind,
        cast(source_file as varchar)          as source_file,
        cast(source_line as integer)          as source_line

    from source

)

select * from renamed
