-- Documents that could not be read, with their error class: each needs a person to act (the
-- error classes and what to do are in the README). Severity warn: bad input is expected in the
-- wild; it is shown as a failing check on ingest_errors without stopping anything.
{{ config(severity='warn') }}

select
    ingest_errors.source_file,
    ingest_errors.error_class,
    ingest_errors.message

from {{ ref('ingest_errors') }} as ingest_errors
