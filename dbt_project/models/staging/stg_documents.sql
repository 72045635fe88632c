-- One row per file seen in the raw folder. Rename and cast only.
with source as (

    select * from {{ source('raw', 'documents') }}

),

renamed as (

    select
        cast(document_id as varchar)          as document_id,
        cast(source_file as varchar)          as source_file,
        nullif(cast(sha256 as varchar), '')   as sha256,  -- '' : the file was never read
        cast(format as varchar)               as format,
        cast(layout as varchar)               as layout,
        cast(layout_confidence as double)     as layout_confidence,
        cast(low_confidence as boolean)       as low_confidence,
        cast(document_kind as varchar)        as document_kind,
        cast(status as varchar)               as status,
        cast(town as varchar)                 as town,
        cast(county as varchar)               as county,
        cast(county_code as varchar)          as county_code,
        cast(fiscal_year as integer)          as fiscal_year,
        cast(unit_code as varchar)            as unit_code,
        cast(unit_name as varchar)            as unit_name,
        cast(amount_unit as varchar)          as amount_unit,
        cast(unit_total_yuan as double)       as unit_total_yuan,
        missing_facts,
        cast(project_count as integer)        as project_count,
        cast(indicator_count as integer)      as indicator_count,
        cast(parser_version as varchar)       as parser_version,
        cast(loaded_at as timestamp)          as loaded_at

    from source

)

select * from renamed
