-- The same bytes read by the same parser must always give the same number of rows: every load of
-- every document is appended to raw.load_history by the loader, and a file whose loads of one
-- (sha256, parser_version) disagree on its project or indicator count is listed. Severity warn, so
-- that the marts are still built; the failing check is shown on dim_document.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'dim_document'}}}) }}

select
    load_history.source_file,
    load_history.sha256,
    load_history.parser_version,
    min(load_history.indicator_count) as fewest,
    max(load_history.indicator_count) as most

from {{ source('raw', 'documents').schema }}.load_history as load_history
where load_history.status = 'loaded'
  and load_history.source_file in (select source_file from {{ ref('dim_document') }})
group by load_history.source_file, load_history.sha256, load_history.parser_version
having min(load_history.indicator_count) <> max(load_history.indicator_count)
    or min(load_history.project_count) <> max(load_history.project_count)
