{#-
  Generic test: every row satisfies a SQL boolean expression; the failing rows are returned.

  - On a model:  `- expression_is_true: {arguments: {expression: "budget_yuan >= 0"}}`
  - On a column: the column name is put in front of the expression, so
    `expression: ">= 1"` under column `row_no` checks `row_no >= 1`.

  A row where the expression is NULL passes (SQL `where not (null)` keeps nothing), so
  nullable columns need no `is null or` guard; use the `where` config to scope rows.
  (The project's own version of dbt_utils.expression_is_true: dbt hub packages cannot be
  installed here.)
-#}
{% test expression_is_true(model, expression, column_name=None) %}

select *
from {{ model }}
{% if column_name is none %}
where not ({{ expression }})
{% else %}
where not ({{ column_name }} {{ expression }})
{% endif %}

{% endtest %}
