"""Names and links a reader can follow: town pages named after the town, sources linked to the file.

A town's page is ``towns/<county>-<town>.html`` as written, e.g. ``towns/甲县-乙镇.html``: readable in
a file manager and in the address bar. A name is changed only where it must be, and then carries
a short digest of the town so that two towns never share a page: characters a file system or a URL
refuses (``/ \\ : * ? " < > | # %``, control characters, spaces) become ``_``; an unknown county or
town is written 未知; a name longer than ``MAX_NAME_BYTES`` is cut. E.g. a town written ``乙镇/丙村``
gets ``towns/甲县-乙镇_丙村-<digest>.html``. Names that were not changed contain exactly one ``-``
between county and town, so they cannot equal a changed one (two ``-``) or each other; and a stem
with a ``-`` is never one of the names Windows reserves (CON, NUL …).

A source is linked relative to the page (``../../raw/a.pdf#page=3`` from ``report/towns/``), so the
report, the warehouse and the raw folder can move together; PDF viewers open ``#page=N`` at that
page. Text files have no standard line anchor: the link opens the file and its text says the line.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Final
from urllib.parse import quote

from pipeline.report.labels import UNKNOWN

TOWNS_FOLDER: Final = "towns"
PAGE_SUFFIX: Final = ".html"
JOIN: Final = "-"
MAX_NAME_BYTES: Final = 150
"""File names are at most 255 bytes on common file systems; a Chinese character is 3 bytes in UTF-8."""
DIGEST_CHARS: Final = 8
UNSAFE: Final = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|#%\s]+')


def _safe(part: str) -> str:
    return UNSAFE.sub("_", part).strip(" .") or "_"


def _cut(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")[:max_bytes]
    return encoded.decode("utf-8", errors="ignore")


def town_page_name(county: str | None, town: str | None) -> str:
    """The file name of a town's page (inside ``TOWNS_FOLDER``): county and town as written."""
    parts = [county or "", town or ""]
    written = [_safe(part) if part else UNKNOWN for part in parts]
    stem = JOIN.join(written)
    changed = written != parts or any(JOIN in part for part in parts) or len(stem.encode("utf-8")) > MAX_NAME_BYTES
    if changed:
        digest = hashlib.sha1("/".join(parts).encode("utf-8")).hexdigest()[:DIGEST_CHARS]
        stem = f"{_cut(stem, MAX_NAME_BYTES)}{JOIN}{digest}"
    return stem + PAGE_SUFFIX


def href(path: str) -> str:
    """A relative path as an ``href``: every part percent-encoded (UTF-8), ``/`` kept."""
    return quote(path, safe="/")


def town_page_href(county: str | None, town: str | None) -> str:
    """The link from the overview (the report's folder) to a town's page."""
    return href(f"{TOWNS_FOLDER}/{town_page_name(county, town)}")


def source_href(page_dir: Path, raw_dir: Path, source_file: str, page: int | None) -> str:
    """The link from a page in ``page_dir`` to a document of the raw folder, at its page if a PDF's."""
    target = raw_dir / source_file
    try:
        link = href(Path(os.path.relpath(target, page_dir)).as_posix())
    except ValueError:  # another drive (Windows): no relative path exists
        link = target.resolve().as_uri()
    return link if page is None else f"{link}#page={page}"
