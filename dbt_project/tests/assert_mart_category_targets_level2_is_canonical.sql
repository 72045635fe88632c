-- mart_category_targets.level2 is one of the canonical 二级指标 names (pipeline/core/categories.py,
-- passed as the var jixiao_level2_names) or '(not mapped)'. Returns the rows with any other name.
select level2, county, town, fiscal_year, target_unit
from {{ ref('mart_category_targets') }}
where level2 not in {{ mart_sql_list('jixiao_level2_names') }}
  and level2 <> '(not mapped)'
