"""The records built per line and per row: ``fields_set_directly`` and ``line_locator`` change how
they are built, never what they are (same parameters, defaults, equality, hash, frozenness)."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from pipeline.core.traditional import Folded, fold
from pipeline.core.types import (
    IndicatorRecord,
    Locator,
    ProjectRecord,
    Row,
    TextLine,
    Unexplained,
    fields_set_directly,
    line_locator,
)

DIRECT = (Row, TextLine, Unexplained, ProjectRecord, IndicatorRecord, Folded)


def _as_dataclass_builds_it(cls: type) -> type:
    """The same fields in a frozen dataclass with the ``__init__`` dataclass generates."""
    specs = [(f.name, f.type, dataclasses.field(default=f.default)) for f in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(cls.__name__, specs, frozen=True)


@pytest.mark.parametrize("cls", DIRECT, ids=lambda cls: cls.__name__)
def test_the_init_takes_what_the_dataclass_init_takes(cls: type) -> None:
    assert inspect.signature(cls.__init__) == inspect.signature(_as_dataclass_builds_it(cls).__init__)  # type: ignore[misc]


def test_a_row_holds_what_it_was_given_and_the_defaults() -> None:
    row = Row(("数量指标", "≥95%"), Locator(line=7))
    assert (row.cells, row.locator, row.placed, row.ocr_score) == (("数量指标", "≥95%"), Locator(line=7), False, None)
    assert Row(cells=("a",), locator=Locator(page=2), placed=True, ocr_score=0.72).ocr_score == 0.72


def test_records_compare_hash_replace_and_pickle_as_before() -> None:
    args = (1, 2, "产出指标", "数量指标", "培训人次", None, "≥120人次", None, Locator(line=3))
    record = IndicatorRecord(*args)
    reference = _as_dataclass_builds_it(IndicatorRecord)(*args)
    assert dataclasses.astuple(record) == dataclasses.astuple(reference)
    assert record == IndicatorRecord(*args) and hash(record) == hash(IndicatorRecord(*args))
    assert record != IndicatorRecord(*args, is_core=True)
    assert dataclasses.replace(record, row_no=3).row_no == 3
    assert pickle.loads(pickle.dumps(record)) == record


@pytest.mark.parametrize("cls", DIRECT, ids=lambda cls: cls.__name__)
def test_records_stay_frozen(cls: type) -> None:
    first = dataclasses.fields(cls)[0].name
    values = {f.name: f.default if f.default is not dataclasses.MISSING else None for f in dataclasses.fields(cls)}
    record = cls(**values)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, first, "x")


def test_only_plain_fields_are_set_directly() -> None:
    @dataclasses.dataclass(frozen=True)
    class WithFactory:
        notes: tuple[str, ...] = dataclasses.field(default_factory=tuple)

    @dataclasses.dataclass(frozen=True)
    class WithPostInit:
        text: str

        def __post_init__(self) -> None:
            pass

    for cls in (WithFactory, WithPostInit):
        with pytest.raises(TypeError):
            fields_set_directly(cls)


def test_a_folded_text_is_built_as_before() -> None:
    folded = fold("數(shù)量指標(biāo)")
    assert (folded.written, folded.text) == ("數(shù)量指標(biāo)", "数量指标")
    assert folded.origin is not None and folded.written_span(0, 2) == "數(shù)量"
    assert fold("满意度") == Folded("满意度", "满意度")


def test_a_line_locator_is_the_locator_of_that_line() -> None:
    assert line_locator(17) == Locator(line=17) and line_locator(17).page is None
    assert line_locator(17) is line_locator(17)
