"""Shared types for the path of a document: read → recognise layout → extract → normalise.

A reader turns a file into a ``RawDocument``; a layout turns a ``RawDocument`` into an
``Extraction`` (projects and indicator rows exactly as written, cleaned of serialisation
artefacts only); the normalise step types and keys them into polars frames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from functools import lru_cache
from typing import Final, Literal, TypeAlias, TypeVar, cast, get_args

SourceKind: TypeAlias = Literal["table", "prose"]
"""Where a project's targets were read: a 绩效目标表 grid, or sentences / hyphen-joined strings."""
SOURCE_TABLE: Final = "table"
SOURCE_PROSE: Final = "prose"
SOURCE_KINDS: Final[tuple[str, ...]] = (SOURCE_TABLE, SOURCE_PROSE)
ValueKind: TypeAlias = Literal["quantitative", "date", "qualitative", "missing"]
"""What an indicator value is: a number to reach, a deadline, words (优, 健全), or nothing."""
VALUE_KINDS: Final[tuple[ValueKind, ...]] = get_args(ValueKind)
CORE_MARK: Final = "★"
"""Marks a core indicator (核心指标) before its name, in a table cell or a prose list."""

Cells: TypeAlias = tuple[str, ...]

_Record = TypeVar("_Record")


def fields_set_directly(cls: type[_Record]) -> type[_Record]:
    """A frozen dataclass whose ``__init__`` writes its fields straight into the instance's dict.

    The ``__init__`` that ``dataclass(frozen=True)`` generates sets each field through
    ``object.__setattr__`` (stepping around the class's own ``__setattr__``, which refuses): about
    2.5x the cost of a plain one, and parsing builds a ``Row`` or ``TextLine`` per line for every
    layout it tries and an ``IndicatorRecord`` per row read (3.4 µs → 1.3 µs for its 12 fields).
    This one takes the same parameters with the same defaults, in the same order, and the
    instance stays as frozen as before: assigning a field still raises ``FrozenInstanceError``.
    Generated from ``fields()`` as ``dataclass`` generates its own, so a field is written once.
    For classes whose every field is an ``__init__`` parameter with a plain default, if any.
    """
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__: its fields cannot be set directly")
    params: list[str] = []
    names: list[str] = []
    defaults: dict[str, object] = {}
    for item in fields(cls):  # type: ignore[arg-type]
        if not item.init or item.kw_only or item.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{item.name}: only plain fields are set directly")
        if item.default is not MISSING:
            defaults[item.name] = item.default
        params.append(f"{item.name}=_defaults[{item.name!r}]" if item.name in defaults else item.name)
        names.append(f"{item.name}={item.name}")
    source = f"def __init__(self, {', '.join(params)}):\n    self.__dict__.update({', '.join(names)})\n"
    namespace: dict[str, object] = {"_defaults": defaults}
    exec(source, namespace)  # as dataclasses builds __init__: code made of the class's own field names
    init = cast(Callable[..., None], namespace["__init__"])
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {item.name: item.type for item in fields(cls)} | {"return": None}  # type: ignore[arg-type]
    setattr(cls, "__init__", init)  # noqa: B010 — mypy refuses assigning to a method
    return cls


SpendPlan: TypeAlias = tuple[tuple[str, str], ...]
"""(month label as written, share as written) pairs, in the order of the table's columns."""


@dataclass(frozen=True)
class Locator:
    """Where a piece of a document came from: a 1-based line of a text file or a 1-based page."""

    line: int | None = None
    page: int | None = None

    def describe(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts) or "unknown"


@lru_cache(maxsize=1 << 16)
def line_locator(number: int) -> Locator:
    """``Locator(line=number)``, one shared object per line number.

    Every text layout that scores a document builds a block per line (a 500-line tab-row book is cut
    into blocks by five of them), and building a frozen dataclass costs ~5× looking one up; a
    Locator is immutable and compared by value, so line 17's is the same wherever it is used."""
    return Locator(line=number)


@fields_set_directly
@dataclass(frozen=True)
class Row:
    """One row of a table grid as the serialisation gave it (cells may still carry markup)."""

    cells: Cells
    locator: Locator
    placed: bool = False
    """The cells already stand under their header's columns (a stream the reader cut into rows):
    read them where they are, without placing them again."""
    ocr_score: float | None = None
    """The lowest recognition score of the row's cells when it was read by OCR from a scan; None
    for rows of a text layer, a Word table or a worksheet."""


@fields_set_directly
@dataclass(frozen=True)
class TextLine:
    """A line of running text between tables: headings, unit lines, paragraphs."""

    text: str
    locator: Locator


@fields_set_directly
@dataclass(frozen=True)
class Unexplained:
    """Cells inside an indicator table that the reader could not explain as part of any row."""

    text: str
    locator: Locator


Block: TypeAlias = Row | TextLine | Unexplained


@dataclass(frozen=True)
class RawDocument:
    """A document as read from disk, before any layout has looked at it.

    ``lines`` is the text of the document (for binary formats, the text layer, page by page).
    ``blocks`` is the table structure a binary reader found (PDF ruled tables, Word tables,
    worksheet cells); text formats leave it empty and let a layout rebuild the grid from lines.
    """

    source_file: str
    format: str
    lines: tuple[str, ...]
    blocks: tuple[Block, ...] = ()
    line_pages: tuple[int, ...] = ()
    """The 1-based page of each line, for formats with pages (PDF); empty for text."""
    ocr_pages: tuple[int, ...] = ()
    """The 1-based pages read by OCR (scans, image files, a garbage text layer); empty otherwise."""


@fields_set_directly
@dataclass(frozen=True)
class ProjectRecord:
    """A project's header block (项目编码 … 绩效目标) as written in the document."""

    table_no: int
    project_code: str | None
    project_name: str | None
    budget_text: str | None
    fiscal_funds_text: str | None
    other_funds_text: str | None
    amount_unit: str | None
    purpose: str | None
    goals: str | None
    spend_plan: SpendPlan
    locator: Locator
    title: str | None = None
    source_kind: SourceKind = "table"
    layout: str | None = None
    """The layout that read this project when it is not the document's own (prose beside tables)."""


@fields_set_directly
@dataclass(frozen=True)
class IndicatorRecord:
    """One indicator row of a performance-target table, cells as written."""

    table_no: int
    row_no: int
    level1: str | None
    level2: str | None
    level3: str | None
    description: str | None
    value_text: str | None
    basis: str | None
    locator: Locator
    actual_text: str | None = None
    """实际完成值 as written (self-evaluation tables); None in a target table."""
    is_core: bool = False
    """Marked ★ (核心指标) in the document."""
    ocr_min_score: float | None = None
    """The lowest OCR score of the row's cells (a scan); None when the row was read from text."""


@dataclass(frozen=True)
class Extraction:
    """What a layout found in a document."""

    layout: str
    confidence: float
    projects: tuple[ProjectRecord, ...]
    indicators: tuple[IndicatorRecord, ...]
    unit_total_text: str | None = None
    unit_total_unit: str | None = None
    notes: tuple[str, ...] = field(default=())
    document_kind: str = "target"
    """``target`` (绩效目标表 / 申报表 / 审批表) or ``self_evaluation`` (绩效自评表: targets and actuals)."""


@dataclass(frozen=True)
class DocumentMeta:
    """Who published a document and for which year, read from its content."""

    town: str | None
    county: str | None
    county_code: str | None
    fiscal_year: int | None
    unit_code: str | None
    unit_name: str | None
    amount_unit: str | None
