-- One row per indicator row of a performance-target table. Rename and cast only.
with source as (

    select * from {{ source('raw', 'indicators') }}

),

renamed as (

    select
        cast(indicator_id as varchar)         as indicator_id,
        cast(project_id as varchar)           as project_id,
        cast(document_id as varchar)          as document_id,
        cast(table_no as integer)             as table_no,
        cast(row_no as integer)               as row_no,
        cast(level1_raw as varchar)           as level1_raw,
        cast(level2_raw as varchar)           as level2_raw,
        cast(level1 as varchar)               as level1,
        cast(level2 as varchar)               as level2,
        cast(category_note as varchar)        as category_note,
        cast(level3 as varchar)               as level3,
        cast(description as varchar)          as description,
        cast(value_text as varchar)           as value_text,
        cast(basis as varchar)                as basis,
        cast(comparator as varchar)           as comparator,
        cast(value_num as double)             as value_num,
        cast(value_unit as varchar)           as value_unit,
        cast(value_kind as varchar)           as value_kind,
        cast(value_date as date)              as value_date,
        cast(value_std as double)             as value_std,
        cast(unit_std as varchar)             as unit_std,
        cast(value_parse_note as varchar)     as value_parse_note,
        cast(actual_text as varchar)          as actual_text,
        cast(actual_num as double)            as actual_num,
        cast(is_core as boolean)              as is_core,
        cast(ocr_min_score as double)         as ocr_min_score,
        cast(source_file as varchar)          as source_file,
        cast(source_page as integer)          as source_page,
        cast(source_line as integer)          as source_line

    from source

)

select * from renamed
