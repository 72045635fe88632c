"""CPU time of the PDF table path against bare pdfplumber, for ``pdf table pages vs pdfplumber``.

``make bench`` prints the target line from wall-clock time, as every line of the bench. On a
machine shared with other work wall time swings with the load (this 2-core box gave the same
code 3.0× and 4.4× within an hour); the CPU seconds of the process (``time.process_time``) are
steadier. Both works run in turn in this one process, ``rounds`` times, and the best of each is
kept: ``parse_document`` on the PDF against pdfplumber ``extract_tables()`` on every page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def cpu_seconds(work: Callable[[], Any]) -> float:
    """CPU seconds the process spends on ``work`` (threads included, children not)."""
    start = time.process_time()
    work()
    return time.process_time() - start


def cpu_ratio(path: Path, rounds: int) -> tuple[float, float]:
    """The best CPU seconds of ``parse_document`` and of bare pdfplumber on ``path`` over ``rounds`` rounds."""
    from bench.run import bare_pdfplumber
    from pipeline.parse.document import parse_document

    parse_s = bare_s = float("inf")
    for _ in range(rounds):
        parse_s = min(parse_s, cpu_seconds(lambda: parse_document(path, path.parent)))
        bare_s = min(bare_s, cpu_seconds(lambda: bare_pdfplumber(path)))
    return parse_s, bare_s
