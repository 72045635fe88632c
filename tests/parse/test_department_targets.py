"""Department-level targets (部门整体绩效目标) of the seed documents, rows read off the documents by hand.

Expected clauses were copied from the seed files (wrap spaces inside Chinese and LaTeX removed),
not from the parser's output.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from pipeline.core.types import RawDocument
from pipeline.load.warehouse import load_document
from pipeline.parse import document
from pipeline.parse.department import department_targets, split_clauses
from pipeline.parse.frames import DocumentFrames
from tests.conftest import SEED_DIR, SEEDS

Seed = Callable[[str], DocumentFrames]
SUB = "分项绩效目标"
OVERALL = "总体绩效目标"


def rows(frames: DocumentFrames) -> list[dict[str, object]]:
    return frames.department_targets.to_dicts()


def clause(frames: DocumentFrames, text: str) -> dict[str, object]:
    [found] = [r for r in rows(frames) if r["clause"] == text]
    return found


def typed(row: dict[str, object]) -> tuple[object, object, object, object]:
    return row["comparator"], row["value_num"], row["value_unit"], row["value_kind"]


def goals(frames: DocumentFrames) -> dict[int, str]:
    return {r["goal_no"]: r["goal_title"] for r in rows(frames) if r["section"] == SUB}


@pytest.mark.parametrize(
    ("number", "total", "sub_goals"),
    [("000", 48, 6), ("001", 19, 13), ("002", 19, 4), ("003", 3, 2), ("004", 0, 0)],
)
def test_counts_per_document(seed: Seed, number: str, total: int, sub_goals: int) -> None:
    frames = seed(number)
    assert frames.documents["status"][0] == "loaded"
    assert frames.department_targets.height == total
    assert len(goals(frames)) == sub_goals
    sections = Counter(r["section"] for r in rows(frames))
    assert sections[OVERALL] == (1 if total else 0)


def test_000_goals_and_clauses(seed: Seed) -> None:
    frames = seed("000")
    assert goals(frames) == {
        1: "加强党的领导、夯实基层政权",
        2: "促进经济发展、增加农民收入",
        3: "优化公共服务、着力改善民生",
        4: "强化社会治理、维护社会稳定",
        5: "推进基层民主、促进农村和谐",
        6: "改善生态环境、提升乡风文明",
    }
    first = [r for r in rows(frames) if r["goal_no"] == 1]
    assert [r["clause"] for r in first] == [
        "各项工作群众满意率大于90%",
        "工作完成率高于95%",
        "党员队伍壮大",
        "完成党组织换届任务",
        "意识形态工作提升",
    ]
    assert typed(first[0]) == (">", 90.0, "%", "quantitative")
    assert typed(first[2]) == (None, None, None, "qualitative")
    assert first[0]["source_line"] == 68 and first[0]["clause_no"] == 1
    # the 绩效目标 paragraph goes on in the next paragraph
    assert str(first[0]["goal_text"]).startswith("做好宣传和执行党的路线、方针、政策")
    assert "做好本级人民代表大会相关工作" in str(first[0]["goal_text"])
    assert typed(clause(frames, "行政审批工作完成率达到90%以上")) == (">=", 90.0, "%", "quantitative")
    # two measures in one part are two clauses
    assert typed(clause(frames, "环保宣传普及率大于95%")) == (">", 95.0, "%", "quantitative")
    assert typed(clause(frames, "同比增长15%")) == ("=", 15.0, "%", "quantitative")
    overall = [r for r in rows(frames) if r["section"] == OVERALL]
    assert overall[0]["goal_no"] == 0 and overall[0]["clause"] is None and overall[0]["source_line"] == 50
    assert "打造成为工业重镇、县域次中心镇" in str(overall[0]["goal_text"])


def test_001_goals_and_clauses(seed: Seed) -> None:
    frames = seed("001")
    assert goals(frames)[1] == "基层党建" and goals(frames)[13] == "应急管理"
    basic = [r for r in rows(frames) if r["goal_no"] == 8]
    assert {r["goal_title"] for r in basic} == {"基层政权建设"}
    assert "预算资金29.85万元" in str(basic[0]["goal_text"])
    assert basic[0]["source_line"] == 30
    assert typed(clause(frames, "镇党政领导包联化解信访事项全年不少于5件")) == (">=", 5.0, "件", "quantitative")
    assert typed(clause(frames, "开展社会主义核心价值观内容在全社会的普及率大于等于95%")) == (
        ">=",
        95.0,
        "%",
        "quantitative",
    )
    assert typed(clause(frames, "全镇会议质量的优良率达到良")) == (None, None, None, "qualitative")


def test_002_goals_and_typed_examples(seed: Seed) -> None:
    frames = seed("002")
    assert goals(frames) == {
        1: "贯彻执行上级的各项方针政策",
        2: "加强综合治理，维护社会稳定",
        3: "严格控制经费支出，保障公务运行",
        4: "巩固脱贫成果，大力推进乡村振兴",
    }
    first = [r["clause"] for r in rows(frames) if r["goal_no"] == 1]
    assert first == [
        "做好森林草原防灭火工作",
        "森林草原火情发生数小于3起",
        "重大火情发生数0",
        "户厕改造合格率100%，无建新不拆旧现象",
        "禁止辖区内劣质散煤销售，推广无烟煤、生物质颗粒等清洁能源使用",
        "上级部署农村中心工作完成率≥98%",
    ]
    assert typed(clause(frames, "森林草原火情发生数小于3起")) == ("<", 3.0, "起", "quantitative")
    assert typed(clause(frames, "重大火情发生数0"))[:2] == ("=", 0.0)
    assert typed(clause(frames, "上级部署农村中心工作完成率≥98%")) == (">=", 98.0, "%", "quantitative")
    petition = clause(
        frames, "对村级无法解决的问题镇里及时给予答复，落实属地责任，消除越级上访风险，非法进京上访案件0起"
    )
    assert typed(petition) == ("=", 0.0, "起", "quantitative")
    assert petition["source_line"] == 48 and petition["goal_no"] == 2
    assert "时时不脱节" in str(petition["goal_text"])  # goal paragraph cut by a page break
    assert typed(clause(frames, "坚持节约简朴，年人均办公费小于3600元")) == ("<", 3600.0, "元", "quantitative")


def test_003_sub_goals_without_clauses(seed: Seed) -> None:
    frames = seed("003")
    sub = [r for r in rows(frames) if r["section"] == SUB]
    assert [(r["goal_no"], r["goal_title"], r["clause"], r["value_kind"]) for r in sub] == [
        (1, "人员类经费绩效目标", None, "missing"),
        (2, "日常公用类经费绩效目标", None, "missing"),
    ]
    assert "人员经费年初安排12477818.06元" in str(sub[0]["goal_text"])
    assert "数量指标-" not in str(sub[0]["goal_text"])  # the hyphen-joined indicators are not goal text


def test_split_clauses_cuts_commas_only_between_measures() -> None:
    assert split_clauses("综治网格覆盖率100%，矛盾纠纷化解率≥90%。") == ["综治网格覆盖率100%", "矛盾纠纷化解率≥90%"]
    assert split_clauses("及时将矛盾化解在基层，与上年度相比，居民热线投诉降低率≥50%；不出现重大事件") == [
        "及时将矛盾化解在基层，与上年度相比，居民热线投诉降低率≥50%",
        "不出现重大事件",
    ]


def test_document_without_the_section_has_no_rows() -> None:
    doc = RawDocument(source_file="x.txt", format="text", lines=("项目支出绩效目标表", "一、项目名称"))
    assert department_targets(doc) == []


def test_a_failure_reading_targets_does_not_fail_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(doc: RawDocument) -> list[object]:
        raise RuntimeError("bug")

    monkeypatch.setattr(document, "department_targets", broken)
    frames = document.parse_document(SEED_DIR / SEEDS["002"], SEED_DIR)
    assert frames.documents["status"][0] == "loaded"
    assert frames.department_targets.height == 0 and frames.errors.height == 0


def test_loaded_into_raw_department_targets(seed: Seed, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load_document(warehouse, seed("002"))
    load_document(warehouse, seed("002"))  # a reload replaces, never duplicates
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        count, lines = con.execute(
            "select count(*), count(source_line) from raw.department_targets where source_file = ?",
            [SEEDS["002"]],
        ).fetchone() or (None, None)
    finally:
        con.close()
    assert (count, lines) == (19, 19)
