"""How well the OCR reader reads scans: the 186 rows of tables20.pdf, scanned, against its ground truth.

``tests/fixtures/pdf/tables20.pdf`` (20 ruled 绩效目标表, 34 pages) is scanned by
``make_scan_fixtures.scan_pdf`` — noise, a rotation up to 1.5° and a red seal on every page — at
150 and 200 dpi into ``bench/corpus/scans/`` (made once, reused), read by the whole parser
(``read_document`` → ``extract_document``), and each table's rows compared in order with
``ground_truth.json``:

- **exact**: 三级指标 (the name) and 指标值 (the value) both as written;
- **invented**: a row read that the table does not have (more rows than the ground truth);
- **wrong but sure**: a row not exact whose ``ocr_min_score`` is not under ``LOW_CONFIDENCE`` —
  a mistake the document's ``low_confidence`` flag would not warn of.

    uv run python scripts/ocr_accuracy.py [DPI ...]
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pipeline.core.confidence import LOW_CONFIDENCE
from pipeline.core.types import Extraction, IndicatorRecord
from pipeline.parse.document import extract_document
from pipeline.parse.read import read_document
from scripts.make_scan_fixtures import DPI_CHOICES, scan_pdf

ROOT: Final = Path(__file__).resolve().parents[1]
FIXTURES: Final = ROOT / "tests" / "fixtures" / "pdf"
SCANS: Final = ROOT / "bench" / "corpus" / "scans"


@dataclass
class Score:
    """Rows of one scanned document compared with the ground truth."""

    expected: int = 0
    exact: int = 0
    invented: int = 0
    wrong_but_sure: int = 0
    low_confidence: bool = False
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.exact / self.expected if self.expected else 0.0


def ground_truth() -> list[dict[str, Any]]:
    truth: list[dict[str, Any]] = json.loads((FIXTURES / "ground_truth.json").read_text(encoding="utf-8"))
    return truth


def scanned_tables(dpi: int) -> Path:
    """tables20.pdf scanned at ``dpi`` (made on first use)."""
    target = SCANS / f"tables20_{dpi}dpi.pdf"
    return target if target.exists() else scan_pdf(FIXTURES / "tables20.pdf", target, dpi)


def score(extraction: Extraction, truth: list[dict[str, Any]]) -> Score:
    result = Score(low_confidence=extraction.confidence < LOW_CONFIDENCE)
    for table in truth:
        rows: list[IndicatorRecord] = [r for r in extraction.indicators if r.table_no == table["index"] + 1]
        expected: list[list[str]] = table["rows"]
        result.expected += len(expected)
        result.invented += max(0, len(rows) - len(expected))
        for index, cells in enumerate(expected):
            row = rows[index] if index < len(rows) else None
            if row is not None and (row.level3, row.value_text) == (cells[2], cells[4]):
                result.exact += 1
                continue
            read = f"{row.level3} | {row.value_text} ({row.ocr_min_score})" if row else "missing"
            result.misses.append(f"table {table['index'] + 1} row {index + 1}: {cells[2]} | {cells[4]} → {read}")
            sure = row is not None and (row.ocr_min_score is None or row.ocr_min_score >= LOW_CONFIDENCE)
            result.wrong_but_sure += sure
    return result


def measure(dpi: int) -> Score:
    path = scanned_tables(dpi)
    started = time.perf_counter()
    extraction = extract_document(read_document(path.read_bytes(), path.name))
    result = score(extraction, ground_truth())
    result.seconds = time.perf_counter() - started
    return result


def main(arguments: list[str]) -> int:
    for dpi in [int(a) for a in arguments] or list(DPI_CHOICES):
        result = measure(dpi)
        print(
            f"{dpi} dpi: {result.exact}/{result.expected} rows exact ({100 * result.share:.1f} %), "
            f"{result.invented} invented, {result.wrong_but_sure} wrong without a low score, "
            f"document low_confidence={result.low_confidence}, {result.seconds:.0f} s"
        )
        for miss in result.misses:
            print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
