"""A synthetic corpus made from the seed documents' layouts, deterministic for a given size.

Document ``i`` is seed ``i % 5`` (``data/raw``) with, drawn from ``random.Random(i)``:

- the town renamed (every spelling of the seed's town in the text, e.g. 阎瞳镇/阎疃镇 → 青石镇),
- every project name given a prefix (东区, 第二期 …), consistently wherever it is written,
- money with decimals scaled by 0.5–2.0 and two-digit percentages redrawn in 80–100,
- a random subset of the seed's project tables kept (at least half of them, in order; the
  last table and the text after it always stay), so documents differ in their number of projects.

So ``corpus/100`` is the first 100 documents of ``corpus/1000``. The layouts, labels and
serialisations are the seeds' own: parsing a corpus document exercises the same code paths.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.parse.document import parse_document

REPO: Final = Path(__file__).resolve().parents[1]
SEED_DIR: Final = REPO / "data" / "raw"
CORPUS_DIR: Final = REPO / "bench" / "corpus"
TOWN_STEMS: Final = (
    "青石", "白马", "柳河", "桃源", "双桥", "新集", "南湖", "北岭", "东坡", "西关", "红旗", "金沙",
    "长乐", "平安", "永丰", "黄庄", "杨柳", "石门", "龙泉", "凤凰", "安平", "太和", "清河", "马坊",
)
PROJECT_PREFIXES: Final = ("东区", "西区", "第二期", "续建", "新增", "常规", "专项", "村级", "片区", "综合")
_DECIMAL: Final = re.compile(r"(?<![\d.])(\d{1,6})\.(\d{1,2})(?![\d.年])")
_PERCENT: Final = re.compile(r"(?<![\d.])(\d{2})%")
_TOWN_WORD: Final = re.compile(r"[\u4e00-\u9fff]{2}镇")


@dataclass(frozen=True)
class Seed:
    name: str
    lines: list[str]
    town: str
    town_spellings: tuple[str, ...]
    project_names: tuple[str, ...]
    project_starts: tuple[int, ...]  # 1-based line where each project table starts

COMPLETE_MARKER: Final = ".complete"


def load_seeds() -> list[Seed]:
    seeds = []
    for path in sorted(SEED_DIR.iterdir()):
        frames = parse_document(path, SEED_DIR)
        text = path.read_text(encoding="utf-8")
        town = str(frames.documents["town"][0] or "")
        spellings = {town} | {w for w in _TOWN_WORD.findall(text) if town and len(set(w) & set(town)) >= 2}
        starts = sorted({int(s) for s in frames.projects["source_line"].to_list() if s is not None})
        names = sorted({str(n) for n in frames.projects["project_name"].to_list() if n}, key=lambda n: (-len(n), n))
        seeds.append(Seed(path.name, text.split("\n"), town, tuple(sorted(spellings, key=lambda w: (-len(w), w))),
                          tuple(names), tuple(starts)))
    return seeds


def _keep_projects(seed: Seed, rng: random.Random) -> list[str]:
    starts = [s - 1 for s in seed.project_starts]
    if len(starts) < 2:
        return list(seed.lines)
    blocks = [seed.lines[a:b] for a, b in itertools.pairwise(starts)]
    keep = rng.randint(max(1, len(blocks) // 2), len(blocks))
    chosen = sorted(rng.sample(range(len(blocks)), keep))
    lines = seed.lines[: starts[0]]
    for index in chosen:
        lines.extend(blocks[index])
    lines.extend(seed.lines[starts[-1]:])
    return lines


def variant(seed: Seed, index: int) -> str:
    """Document ``index`` of the corpus, made from ``seed``."""
    rng = random.Random(index)
    text = "\n".join(_keep_projects(seed, rng))
    town = rng.choice(TOWN_STEMS) + "镇"
    for spelling in seed.town_spellings:
        text = text.replace(spelling, town)
    for name in seed.project_names:
        text = text.replace(name, rng.choice(PROJECT_PREFIXES) + name)
    factor = rng.uniform(0.5, 2.0)

    def scale(match: re.Match[str]) -> str:
        decimals = len(match.group(2))
        return f"{float(match.group(0)) * factor:.{decimals}f}"

    text = _DECIMAL.sub(scale, text)
    return _PERCENT.sub(lambda _: f"{rng.randint(80, 100)}%", text)


def complete_folder(folder: Path) -> bool:
    """Whether a corpus folder was built to the end (its marker is written last): reuse it then."""
    return (folder / COMPLETE_MARKER).exists()


def mark_complete(folder: Path, size: int) -> None:
    (folder / COMPLETE_MARKER).write_text(f"{size}\n")


def write_text_document(folder: Path, index: int, seed: Seed) -> None:
    """Document ``index`` of a corpus: a variant of ``seed``, named after its number and its seed."""
    (folder / f"{index:05d}_{seed.name}").write_text(variant(seed, index), encoding="utf-8")


def build_corpus(size: int, root: Path = CORPUS_DIR) -> Path:
    """``bench/corpus/<size>/`` with ``size`` documents; reused if already complete."""
    folder = root / str(size)
    if complete_folder(folder):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    seeds = load_seeds()
    for index in range(size):
        write_text_document(folder, index, seeds[index % len(seeds)])
    mark_complete(folder, size)
    return folder
