"""The warehouse's raw tables, each column declared once: name, type, meaning, checks.

Everything else is derived from these declarations (see ``columns.py``): the frame builders'
schemas, the pandera models, the DuckDB DDL, dbt's sources and staging YAML, the docs blocks the
marts refer to, and the column tables of ``docs/raw_layer.md`` (``make raw-docs``). To add a column,
declare it here in the place it should appear, fill it in the frame builder
(``pipeline/parse/frames.py``) and run ``make raw-docs``.

A column several tables share (``source_file``, ``document_id``) is declared once below and
placed in each table; the tables are listed in the order the loader writes them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from pipeline.contract.columns import (
    BOOLEAN,
    DATE,
    DOUBLE,
    INTEGER,
    TIMESTAMP,
    VARCHAR,
    Column,
    Reference,
    Table,
)
from pipeline.core.comparators import COMPARATORS
from pipeline.core.confidence import LOW_CONFIDENCE
from pipeline.core.errors import ERROR_CLASSES, STAGES
from pipeline.core.money import AMOUNT_UNITS
from pipeline.core.types import SOURCE_KINDS, VALUE_KINDS

RAW_SCHEMA: Final = "raw"
"""The DuckDB schema the loader writes and dbt reads as the source ``raw``."""

DOCUMENT_KINDS: Final = ("target", "self_evaluation")
DEPARTMENT_TARGET_SECTIONS: Final = ("总体绩效目标", "分项绩效目标")
DOCUMENT_STATUSES: Final = ("loaded", "failed", "withdrawn")

SHA256_HEX_LENGTH: Final = 64
FIRST_FISCAL_YEAR: Final = 2000
LAST_FISCAL_YEAR: Final = 2100

DOCUMENT_ID: Final = Column("document_id", VARCHAR, "The document the row is in.", nullable=False)
DOCUMENT_REF: Final = Column(
    "document_id",
    VARCHAR,
    "The document the row is in.",
    nullable=False,
    references=Reference("documents", "document_id"),
)
SOURCE_FILE: Final = Column(
    "source_file", VARCHAR, "Path of the document relative to the raw folder (posix separators).", nullable=False
)
TABLE_NO: Final = Column(
    "table_no", INTEGER, "1-based position of the project table in the document.", nullable=False, minimum=1
)
COMPARATOR: Final = Column(
    "comparator",
    VARCHAR,
    "Comparator read from the value (>=, <=, =, >, <); null if the value states none.",
    allowed=COMPARATORS,
)
VALUE_KIND: Final = Column(
    "value_kind",
    VARCHAR,
    "quantitative (a number was read), date (a deadline such as 2024年12月底), qualitative (text such as "
    "有效提升) or missing (no value written).",
    nullable=False,
    allowed=VALUE_KINDS,
)
LAYOUT_OF_PROJECT: Final = Column(
    "layout",
    VARCHAR,
    'The layout that read the project (see README "Layouts"); prose_targets for prose.',
    nullable=False,
)


def _page(what: str) -> Column:
    return Column("source_page", INTEGER, f"1-based page {what} (paged formats such as pdf), else null.", minimum=1)


def _line(what: str) -> Column:
    return Column("source_line", INTEGER, f"1-based line {what} (text formats), else null.", minimum=1)


DOCUMENTS: Final = Table(
    name="documents",
    description="One row per file seen in the raw folder: loaded, failed or withdrawn.",
    columns=(
        Column(
            "document_id",
            VARCHAR,
            "Document key — first 16 hex characters of sha1(source_file); stable across edits of the file.",
            key=True,
        ),
        Column(
            "source_file",
            VARCHAR,
            "Path of the file relative to the raw folder (posix separators), e.g. 甲县/乙镇2024.txt.",
            nullable=False,
            unique=True,
        ),
        Column(
            "sha256",
            VARCHAR,
            "SHA-256 of the file's bytes as they were parsed (64 hex characters); changes when the file changes. "
            "Null (blank in raw) for a failed document whose file could not be read at all (a FIFO, a symlink out "
            "of the folder, a file over the size limit).",
            nullable=False,
            min_length=SHA256_HEX_LENGTH,
            max_length=SHA256_HEX_LENGTH,
            blank_is_null=True,
            required_where="status <> 'failed'",
        ),
        Column(
            "file_stat",
            VARCHAR,
            "The file as the filesystem described it when it was read: size in bytes, modification and status-change "
            "times (nanoseconds since 1970) and inode, e.g. `48213:1733563200123456789:1733563200123456789:1837265`. "
            "A later run that finds the file with the same four trusts sha256 instead of reading the file again. Null "
            "(blank in raw) when the file could not be read; a withdrawn document keeps its last reading's.",
            blank_is_null=True,
        ),
        Column(
            "format",
            VARCHAR,
            "Reader family (`text` for .txt/.md, `html` for .html/.htm/.shtml, `mhtml`, `image` for a scanned page in .png/.jpg/.jpeg/.tif/.tiff, read by OCR) or the bare file suffix (`pdf`, `docx`, `xls`, "
            "`xlsx`, `doc`, `wps`, `rtf`, `et`, `ofd`; any suffix for an unsupported file, which then has status failed). What was "
            "read, not the name: a .doc that is a web page is `html`, a Word 97 file named .et is `doc`, RTF named .doc is `rtf`.",
            nullable=False,
        ),
        Column(
            "layout", VARCHAR, "Name of the layout (document shape) that recognised the document; null when it failed."
        ),
        Column(
            "layout_confidence",
            DOUBLE,
            "Score between 0 and 1 of the chosen layout; null when it failed. For the layouts that read forms "
            "(every layout but html_list) it is 0.6 + 0.4 × (rows read) / (table rows seen): 1.0 when every row of "
            "every indicator table read as an indicator row, lower as rows are rejected (rows naming nothing they "
            "measure, template placeholders such as XX or **).",
            minimum=0,
            maximum=1,
        ),
        Column(
            "low_confidence",
            BOOLEAN,
            f"True when layout_confidence is below the parser's LOW_CONFIDENCE ({LOW_CONFIDENCE:g}): more than a "
            "quarter of the table rows could not be read; null when the document failed.",
        ),
        Column(
            "document_kind",
            VARCHAR,
            "`target` for performance-target tables (绩效目标表, 绩效目标申报表 / 审批表): fct_indicator holds "
            "targets only (actual_text null). `self_evaluation` for self-evaluation tables (绩效自评表): each row "
            "also has the actual value (实际完成值) in actual_text / actual_num. Null when the document failed.",
            allowed=DOCUMENT_KINDS,
        ),
        Column(
            "status",
            VARCHAR,
            "`loaded`, `failed` (see ingest_errors) or `withdrawn` (the file was deleted; its rows stay as history).",
            nullable=False,
            allowed=DOCUMENT_STATUSES,
        ),
        Column("town", VARCHAR, "Township (镇/乡) the budget belongs to, e.g. 乙镇; null if not found."),
        Column("county", VARCHAR, "County (县/市/区) of the township, e.g. 甲县; null if not found."),
        Column(
            "county_code",
            VARCHAR,
            "Six-digit administrative division code of the county, e.g. 130529.",
            pattern=r"^\d{6}$",
        ),
        Column(
            "fiscal_year",
            INTEGER,
            "Budget year the document is for, e.g. 2024.",
            minimum=FIRST_FISCAL_YEAR,
            maximum=LAST_FISCAL_YEAR,
        ),
        Column("unit_code", VARCHAR, "Budget unit code (单位编码) as printed."),
        Column("unit_name", VARCHAR, "Budget unit name (单位名称) as printed, e.g. 甲县乙镇人民政府."),
        Column(
            "amount_unit",
            VARCHAR,
            "Money unit the document writes amounts in (万元, 千元 or 元); all *_yuan columns are converted to 元.",
            allowed=AMOUNT_UNITS,
        ),
        Column(
            "unit_total_yuan", DOUBLE, "The unit total the document states, in 元; null if it states none.", minimum=0
        ),
        Column(
            "missing_facts",
            VARCHAR,
            "Facts the document does not state, of fiscal_year, county, town, unit, project_name, budget "
            "(comma-separated); null when it states them all. A county department has no town. Filter on it "
            "before comparing towns or years.",
        ),
        Column(
            "project_count", INTEGER, "Number of project tables extracted (0 when failed).", nullable=False, minimum=0
        ),
        Column(
            "indicator_count", INTEGER, "Number of indicator rows extracted (0 when failed).", nullable=False, minimum=0
        ),
        Column("parser_version", VARCHAR, "Version of the parser that wrote the row.", nullable=False),
        Column(
            "loaded_at",
            TIMESTAMP,
            "When the loader wrote the document's rows (or recorded its failure).",
            nullable=False,
        ),
    ),
)

PROJECTS: Final = Table(
    name="projects",
    description="One row per project table (header block) of a loaded document, or per project written as prose.",
    columns=(
        Column("project_id", VARCHAR, "Project key — `{document_id}-p{table_no:03d}`.", key=True),
        DOCUMENT_REF,
        replace(TABLE_NO, unique_per_document=True),
        Column("project_code", VARCHAR, "Project code (项目编码) as printed; null if the table has none.", pattern=r"^\S+$"),
        Column(
            "project_name",
            VARCHAR,
            "Project name (项目名称) as printed, e.g. 农村人居环境整治; null if the table has none (then it has a code).",
        ),
        Column("budget_yuan", DOUBLE, "Total project budget (项目资金总额/年度资金总额) in 元.", minimum=0),
        Column("fiscal_funds_yuan", DOUBLE, "Of which fiscal funds (财政拨款) in 元.", minimum=0),
        Column("other_funds_yuan", DOUBLE, "Of which other funds (其他资金) in 元.", minimum=0),
        Column("amount_unit", VARCHAR, "Money unit the table's amounts were written in."),
        Column("budget_text", VARCHAR, "The budget as written in the document."),
        Column(
            "fiscal_funds_text",
            VARCHAR,
            "Of which fiscal funds (财政拨款) as written, e.g. 19.00 under a 单位：万元 line; fiscal_funds_yuan is read from it.",
        ),
        Column(
            "other_funds_text",
            VARCHAR,
            "Of which other funds (其他资金) as written; null when the cell is blank. other_funds_yuan is read from it.",
        ),
        Column("purpose", VARCHAR, "Project overview / basis for the project (项目概况、立项依据) as written."),
        Column("goals", VARCHAR, "Overall performance goals (总体目标) as written."),
        Column(
            "spend_plan",
            VARCHAR,
            'Spending schedule, JSON array of {"label": "3月底", "share": "25%"} in column order '
            "(text in raw, DuckDB JSON from staging on).",
            nullable=False,
            staged_type="JSON",
        ),
        SOURCE_FILE,
        _page("the table starts on"),
        _line("the table starts on"),
        Column(
            "source_locator", VARCHAR, "Human-readable location of the table in the source (page or line).", nullable=False
        ),
        Column(
            "source_kind",
            VARCHAR,
            "`table` (read from a 绩效目标表) or `prose` (a budget sentence and its indicator list).",
            nullable=False,
            allowed=SOURCE_KINDS,
        ),
        LAYOUT_OF_PROJECT,
        Column(
            "linked_project_id",
            VARCHAR,
            "For a prose project that restates a table project of the same document (budgets equal to the fen, "
            "names alike: 预算残疾人保障金 / 残疾人保障金), that table project's id; else null.",
            references=Reference("projects", "project_id"),
        ),
    ),
)

INDICATORS: Final = Table(
    name="indicators",
    description="One row per indicator row of a performance-target table (绩效目标表).",
    columns=(
        Column("indicator_id", VARCHAR, "Indicator key — `{project_id}-r{row_no:03d}`.", key=True),
        Column(
            "project_id",
            VARCHAR,
            "The project table the row is in.",
            nullable=False,
            references=Reference("projects", "project_id"),
        ),
        DOCUMENT_ID,
        TABLE_NO,
        Column("row_no", INTEGER, "1-based position of the row within its table.", nullable=False, minimum=1),
        Column("level1_raw", VARCHAR, "一级指标 as written in the document (wrap spaces removed)."),
        Column("level2_raw", VARCHAR, "二级指标 as written in the document (wrap spaces removed)."),
        Column(
            "level1",
            VARCHAR,
            "Canonical 一级指标 (e.g. 产出指标, 效益指标, 满意度指标); null when it could not be mapped with confidence.",
        ),
        Column(
            "level2",
            VARCHAR,
            "Canonical 二级指标 (e.g. 数量指标, 质量指标, 时效指标, 成本指标); null when not mappable.",
        ),
        Column(
            "category_note",
            VARCHAR,
            "Why level1/level2 differ from what was written, or why they could not be mapped.",
        ),
        Column("level3", VARCHAR, "三级指标 (the indicator's name) as written, e.g. 垃圾清运量."),
        Column("description", VARCHAR, "Indicator content / description (指标内容) as written."),
        Column("value_text", VARCHAR, "Target value (指标值) exactly as written, e.g. ≥95%."),
        Column("basis", VARCHAR, "Basis for the target value (指标值确定依据) as written."),
        COMPARATOR,
        Column(
            "value_num",
            DOUBLE,
            "The number read from the value text (95 for ≥95%); set for every quantitative row.",
        ),
        Column("value_unit", VARCHAR, "The unit read from the value text, as written (%, 万元, 吨, 个 …)."),
        VALUE_KIND,
        Column("value_date", DATE, "The date read from the value text, for date targets."),
        Column("value_std", DOUBLE, "value_num converted to the standard unit (unit_std), e.g. 万元 → 元."),
        Column("unit_std", VARCHAR, "The standard unit of value_std."),
        Column("value_parse_note", VARCHAR, "How (or why not) the value text was parsed."),
        Column(
            "actual_text",
            VARCHAR,
            "The actual value (实际完成值 / 全年实际值) as written, for rows of a self-evaluation table "
            "(dim_document.document_kind = 'self_evaluation'); null for target tables and for self-evaluation rows left blank. A 度量单位 column is appended to a bare number.",
        ),
        Column(
            "actual_num",
            DOUBLE,
            "The number read from actual_text by the rules of value_num (e.g. 96.5% → 96.5, 12650平方米 → 12650); "
            "null when actual_text is null or holds no number (已建立, a date).",
        ),
        Column("is_core", BOOLEAN, "Marked ★ (核心指标) in the document, in a table cell or a prose list.", nullable=False),
        Column(
            "ocr_min_score",
            DOUBLE,
            "For a row read by OCR from a scan, the lowest recognition score of its cells (0–1; below 0.9 the "
            "document is low_confidence); null for a row read from text.",
            minimum=0,
            maximum=1,
        ),
        SOURCE_FILE,
        _page("of the row"),
        _line("of the row"),
    ),
)

INGEST_ERRORS: Final = Table(
    name="ingest_errors",
    description="One row per failure of a document at some stage of ingestion.",
    columns=(
        Column("document_id", VARCHAR, "The document that failed.", nullable=False),
        SOURCE_FILE,
        Column(
            "sha256",
            VARCHAR,
            "SHA-256 of the file's bytes; null (blank in raw) if the file could not be read at all.",
            blank_is_null=True,
        ),
        Column("stage", VARCHAR, "Pipeline stage that failed.", nullable=False, allowed=STAGES),
        Column(
            "error_class",
            VARCHAR,
            "Machine-readable failure class analysts filter on.",
            nullable=False,
            allowed=tuple(ERROR_CLASSES),
        ),
        Column(
            "message",
            VARCHAR,
            "What went wrong, written for a person (what to do about it where known).",
            nullable=False,
            min_length=1,
        ),
        Column("recorded_at", TIMESTAMP, "When the failure was recorded.", nullable=False),
    ),
)

DEPARTMENT_TARGETS: Final = Table(
    name="department_targets",
    description=(
        "One row per clause of a department-level sub-goal's 绩效指标 paragraph (部门整体绩效目标 → 分项绩效目标), "
        "one row per sub-goal without clauses, and one row for 总体绩效目标; read from the prose before the "
        "tables by pipeline/parse/department.py. Empty for documents without that section."
    ),
    columns=(
        Column(
            "target_id", VARCHAR, "Row key — `{document_id}-t{n:03d}`, n counting the document's rows in order.", key=True
        ),
        DOCUMENT_REF,
        Column(
            "section",
            VARCHAR,
            "`总体绩效目标` (overall target) or `分项绩效目标` (sub-goals).",
            nullable=False,
            allowed=DEPARTMENT_TARGET_SECTIONS,
        ),
        Column(
            "goal_no", INTEGER, "The sub-goal's number, 1..n in document order; 0 for the overall target.", nullable=False, minimum=0
        ),
        Column(
            "goal_title", VARCHAR, "The sub-goal heading as written, its number and final 。 removed (e.g. 基层党建)."
        ),
        Column(
            "goal_text",
            VARCHAR,
            "The sub-goal's 绩效目标 paragraph(s), continuation paragraphs joined (the overall target's text for goal_no 0).",
        ),
        Column(
            "clause_no",
            INTEGER,
            "1-based position of the clause within its sub-goal; null when there is no clause.",
            minimum=1,
        ),
        Column(
            "clause",
            VARCHAR,
            "One clause of the 绩效指标 paragraph as written (cut on ；。 and, when two or more comma pieces carry a "
            "number, on ，); null for a goal without clauses.",
        ),
        Column(
            "comparator",
            VARCHAR,
            ">=, <=, =, > or < read from the clause (大于 → >, 达到/以上 → >=, a bare figure → =); null when none.",
            allowed=COMPARATORS,
        ),
        Column("value_num", DOUBLE, "The number the clause sets (90 for 群众满意率大于90%)."),
        Column(
            "value_unit",
            VARCHAR,
            "Unit of value_num as indicator values normalise it (%, 起, 元 …); null when none is written.",
        ),
        replace(
            VALUE_KIND,
            description="quantitative | date | qualitative (a clause with no measure) | missing (no clause).",
        ),
        SOURCE_FILE,
        Column(
            "source_line",
            INTEGER,
            "1-based line of the 绩效指标 paragraph (of the heading when the goal has none).",
            nullable=False,
            minimum=1,
        ),
    ),
)

RAW_TABLES: Final = (DOCUMENTS, PROJECTS, INDICATORS, INGEST_ERRORS, DEPARTMENT_TARGETS)
"""Every raw table, in the order the loader writes them."""
