{#-
  Models land in exactly the schema they configure (`+schema: staging` -> `staging`), not in
  dbt's default `<target schema>_<custom schema>` (`main_staging`). Models without a custom
  schema (the marts) land in the target schema, `main`.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
