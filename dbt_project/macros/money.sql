{#-
  Money is summed as DECIMAL, never as DOUBLE: a DOUBLE sum depends on the order DuckDB's
  threads add in, so two builds of the same documents differed in the last digits
  (642712610.8799996 vs 642712610.88). `money(x)` is an amount in 元 to the fen, as
  DECIMAL(18, 2): sums of it are exact and the same on every build. An amount past 10^16 元
  is not money (try_cast gives null, and the sum leaves it out) rather than an overflow that
  would fail the model and leave the marts stale.
-#}
{% macro money(expression) -%}
    try_cast({{ expression }} as decimal(18, 2))
{%- endmacro %}
