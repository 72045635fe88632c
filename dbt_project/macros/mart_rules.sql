{#-
  The rules of the analyst marts (mart_*) in one place: thresholds and the word lists that decide
  what an indicator measures. Every value can be overridden like any dbt var, e.g.
  `dbt build --vars '{jixiao_boilerplate_min_projects: 4}'`; the defaults below are what the
  documentation (models/marts/mart_*.yml, README "Ask the warehouse") describes.

  The domain's own facts (the 二级 categories, the comparators, the error classes …) are not
  defaults here: they are vars passed from Python at every dbt call (pipeline/defs/dbt_vars.py;
  run dbt as `make dbt ARGS=build`), and mart_rule reads them like the rules.

  Words are matched as plain substrings of the indicator's name (三级指标, or its description
  when the name is blank); they are joined into one regular expression, so they must not
  contain regex metacharacters.
-#}

{% macro mart_rule(name) -%}
    {%- set defaults = {
        'jixiao_boilerplate_min_projects': 3,
        'jixiao_satisfaction_floor_pct': 50,
        'jixiao_rate_ceiling_pct': 100,
        'jixiao_cost_mismatch_tolerance_share': 0.01,
        'jixiao_lower_is_better_words': [
            '结余', '投诉', '发生数', '发生率', '事故', '差错', '失误', '违规', '违纪', '违法',
            '超支', '损失', '逾期', '不合格', '上访', '闲置', '空置', '返工', '误差', '伤亡', '死亡',
            '故障', '流失', '辍学', '成本', '费用', '单价', '能耗', '排放', '污染', '负担', '压力',
            '耗时', '用时'
        ],
        'jixiao_rate_words': ['率', '满意度', '比例', '比率', '占比', '比重'],
        'jixiao_growth_words': ['增长', '增幅', '增加', '提高', '提升', '增收'],
        'jixiao_satisfaction_words': ['满意'],
        'jixiao_total_words': ['总', '合计', '全年', '全部'],
        'jixiao_per_unit_words': ['每', '人均', '单价', '平均', '单位成本'],
        'jixiao_money_units': ['元', '元/年'],
    } -%}
    {%- if name in defaults -%}
        {{- return(var(name, defaults[name])) -}}
    {%- endif -%}
    {#- A fact passed from Python: var() fails with "Required var ... not provided" without it. -#}
    {{- return(var(name)) -}}
{%- endmacro %}


{#- A regular expression matching any of the words of a word-list rule: '结余|投诉|…'. -#}
{% macro mart_words_regex(name) -%}
    '{{ mart_rule(name) | join("|") }}'
{%- endmacro %}


{#- A SQL list literal of the strings of a list rule: ('元', '元/年'). -#}
{% macro mart_sql_list(name) -%}
    ({%- for item in mart_rule(name) -%}'{{ item }}'{%- if not loop.last -%}, {% endif -%}{%- endfor -%})
{%- endmacro %}

{#- The names of the quality flags in order, or only those of one severity ('substantive',
    'formal'): seeds/quality_flags.csv, which the Python side passes as the var
    jixiao_quality_flags ([{name, severity}, …]) at every dbt call. -#}
{% macro quality_flags(severity=none) -%}
    {%- set names = [] -%}
    {%- for flag in var('jixiao_quality_flags') -%}
        {%- if severity is none or flag['severity'] == severity -%}
            {%- do names.append(flag['name']) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(names) -}}
{%- endmacro %}


{#- The count of each quality flag over a group of mart_indicator_quality rows:
    `count(*) filter (where echo) as echo_count, …`. -#}
{% macro flag_counts() %}
    {%- for flag in quality_flags() %}
        count(*) filter (where {{ flag }}) as {{ flag }}_count{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- The number of flags raised on a row: `cast(unquantified as integer) + cast(backwards as integer) + …`. -#}
{% macro flag_sum() -%}
    {%- for flag in quality_flags() -%}
        cast({{ flag }} as integer){{ ' + ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}


{#- The flag count columns, comma-separated: `unquantified_count, backwards_count, …`. -#}
{% macro flag_count_columns() -%}
    {%- for flag in quality_flags() -%}
        {{ flag }}_count{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}


{#- Each flag count of `relation`, zero when it has no row: `coalesce(x.echo_count, 0) as echo_count, …`. -#}
{% macro coalesced_flag_counts(relation) %}
    {%- for flag in quality_flags() %}
        coalesce({{ relation }}.{{ flag }}_count, 0) as {{ flag }}_count,
    {%- endfor %}
{%- endmacro %}
