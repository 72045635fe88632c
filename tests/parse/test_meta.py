"""Where a unit is, from its name as the unit lines and fields write it."""

import pytest

from pipeline.parse.meta import Place, place_from_name


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("甲县乙镇人民政府本级", Place("甲县", "乙镇")),
        ("甲县乙乡人民政府", Place("甲县", "乙乡")),
        ("甲市乙区人民政府丙街道办事处", Place("乙区", "丙街道")),
        ("甲县农业农村局", Place("甲县", None)),
        # regression: a bracketed qualifier after the name hid the town (the county alone was kept)
        ("甲县乙镇人民政府（本级）", Place("甲县", "乙镇")),
        ("甲县乙镇人民政府(机关)", Place("甲县", "乙镇")),
    ],
)
def test_place_from_a_unit_name(name: str, place: Place) -> None:
    assert place_from_name(name) == place
