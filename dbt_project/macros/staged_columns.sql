{#-
  The select list of a staging model: every column of a raw table, in its declared order, cast
  to its declared type and named as it is, e.g. `cast("table_no" as INTEGER) as table_no`.
  The types come from the generated sources.yml (pipeline/contract/tables.py is the one
  declaration); a column's meta may ask for another type (`staged_type: JSON` for spend_plan,
  stored as text) or for '' to read as null (`blank_is_null` for a sha256 never computed).
  Renames and casts only: staging never filters or computes.
  While dbt parses (execute is false) the list is not needed and is `*`.
-#}
{% macro staged_columns(table) -%}
    {%- if execute -%}
        {%- set columns = graph.sources['source.' ~ project_name ~ '.raw.' ~ table]['columns'].values() -%}
        {%- for column in columns %}
            {%- set meta = column['meta'] or {} -%}
            {%- set cast = 'cast(' ~ adapter.quote(column['name']) ~ ' as ' ~ (meta.get('staged_type') or column['data_type']) ~ ')' -%}
            {%- if meta.get('blank_is_null') -%}
                {%- set cast = 'nullif(' ~ cast ~ ", '')" -%}
            {%- endif %}
        {{ cast }} as {{ column['name'] }}{{ ',' if not loop.last }}
        {%- endfor -%}
    {%- else -%}
        *
    {%- endif -%}
{%- endmacro %}
