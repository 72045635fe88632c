"""The report reads the marts one town at a time: rows grouped by town, in the order of the town rows."""

from __future__ import annotations

from pipeline.report.data import Row, TownGroups, grouped_by_town


def rows(*keys: tuple[str | None, str | None]) -> list[Row]:
    return [{"county": county, "town": town, "n": n} for n, (county, town) in enumerate(keys)]


def test_consecutive_rows_of_a_town_form_one_group() -> None:
    groups = list(grouped_by_town(iter(rows((None, "甲镇"), (None, "甲镇"), ("县", None), ("县", "乙镇")))))
    assert [(key, [r["n"] for r in group]) for key, group in groups] == [
        (("", "甲镇"), [0, 1]),
        (("县", ""), [2]),
        (("县", "乙镇"), [3]),
    ]
    assert list(grouped_by_town(iter([]))) == []


def test_a_town_takes_its_own_rows_and_skips_towns_without_a_year_row() -> None:
    projects = TownGroups(grouped_by_town(iter(rows(("A", "a"), ("A", "b"), ("A", "b"), ("B", "c"), ("C", "d")))))
    assert [r["n"] for r in projects.take(("A", "a"))] == [0]
    assert [r["n"] for r in projects.take(("A", "c0"))] == []  # passes A/b by, keeps B/c waiting
    assert [r["n"] for r in projects.take(("B", "c"))] == [3]
    assert projects.take(("Z", "z")) == []  # C/d had no year row: left out
    assert projects.take(("Z", "zz")) == []
