-- Grain: one row per indicator row of a performance-target table (绩效目标表) of a loaded
-- document, with the document's town, county and fiscal year and the project's name.
-- Rows of failed documents are excluded. The project join is a left join so that an indicator
-- whose project is missing stays visible (and fails the relationships test) instead of vanishing.
with indicators as (

    select * from {{ ref('stg_indicators') }}

),

projects as (

    select * from {{ ref('stg_projects') }}

),

loaded_documents as (

    select * from {{ ref('stg_documents') }}
    where status = 'loaded'

)

select
    indicators.indicator_id,
    indicators.project_id,
    indicators.document_id,
    loaded_documents.town,
    loaded_documents.county,
    loaded_documents.fiscal_year,
    projects.project_name,
    indicators.level1,
    indicators.level2,
    indicators.level1_raw,
    indicators.level2_raw,
    indicators.category_note,
    indicators.level3,
    indicators.description,
    indicators.value_text,
    indicators.basis,
    indicators.comparator,
    indicators.value_num,
    indicators.value_unit,
    indicators.value_kind,
    indicators.value_date,
    indicators.value_std,
    indicators.unit_std,
    indicators.value_parse_note,
    indicators.actual_text,
    indicators.actual_num,
    indicators.is_core,
    indicators.ocr_min_score,
    projects.source_kind,
    indicators.source_file,
    indicators.source_page,
    indicators.source_line,
    indicators.table_no,
    indicators.row_no

from indicators
inner join loaded_documents
    on indicators.document_id = loaded_documents.document_id
left join projects
    on indicators.project_id = projects.project_id
