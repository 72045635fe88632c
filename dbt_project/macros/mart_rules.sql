{#-
  The rules of the analyst marts (mart_*) in one place: thresholds and the word lists that decide
  what an indicator measures. Every value can be overridden like any dbt var, e.g.
  `dbt build --vars '{jixiao_boilerplate_min_projects: 4}'`; the defaults below are what the
  documentation (models/marts/mart_*.yml, README "Ask the warehouse") describes.

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
        'jixiao_cost_level2': ['成本指标', '经济成本指标', '社会成本指标', '生态环境成本指标'],
        'jixiao_money_units': ['元', '元/年'],
        'jixiao_level2_names': [
            '数量指标', '质量指标', '时效指标', '成本指标', '经济成本指标', '社会成本指标',
            '生态环境成本指标', '经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标',
            '服务对象满意度指标'
        ],
    } -%}
    {%- if name not in defaults -%}
        {{ exceptions.raise_compiler_error("mart_rule: unknown rule '" ~ name ~ "'") }}
    {%- endif -%}
    {{- return(var(name, defaults[name])) -}}
{%- endmacro %}


{#- A regular expression matching any of the words of a word-list rule: '结余|投诉|…'. -#}
{% macro mart_words_regex(name) -%}
    '{{ mart_rule(name) | join("|") }}'
{%- endmacro %}


{#- A SQL list literal of the strings of a list rule: ('元', '元/年'). -#}
{% macro mart_sql_list(name) -%}
    ({%- for item in mart_rule(name) -%}'{{ item }}'{%- if not loop.last -%}, {% endif -%}{%- endfor -%})
{%- endmacro %}

{#- The count of each quality flag over a group of mart_indicator_quality rows: one list, so the
    project and town-year marts cannot drift apart when a flag is added. -#}
{% macro flag_counts() %}
        count(*) filter (where unquantified)                             as unquantified_count,
        count(*) filter (where backwards)                                as backwards_count,
        count(*) filter (where implausible)                              as implausible_count,
        count(*) filter (where cost_mismatch)                            as cost_mismatch_count,
        count(*) filter (where echo)                                     as echo_count,
        count(*) filter (where boilerplate)                              as boilerplate_count,
        count(*) filter (where no_basis)                                 as no_basis_count
{%- endmacro %}
