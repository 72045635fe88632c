-- One row per recorded ingestion failure. Rename and cast only.
with source as (

    select * from {{ source('raw', 'ingest_errors') }}

),

renamed as (

    select
        cast(document_id as varchar)          as document_id,
        cast(source_file as varchar)          as source_file,
        nullif(cast(sha256 as varchar), '')   as sha256,  -- '' : the file was never read
        cast(stage as varchar)                as stage,
        cast(error_class as varchar)          as error_class,
        cast(message as varchar)              as message,
        cast(recorded_at as timestamp)        as recorded_at

    from source

)

select * from renamed
