"""The parser's version: a hash of the code that turns a file into rows.

A document is re-parsed when its bytes change or when this code does; deriving the version from
the source means nobody has to remember to bump a number after fixing a layout.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

_PACKAGE: Final = Path(__file__).resolve().parents[1]
_PARSING_CODE: Final = ("core", "contract", "parse")
"""Everything a document's rows depend on: the folders of the path up to its frames (``docs/architecture.md``)."""
VERSION_LENGTH: Final = 12


def _parsing_sources() -> list[Path]:
    files: list[Path] = []
    for name in _PARSING_CODE:
        target = _PACKAGE / name
        files.extend(sorted(target.rglob("*.py")) if target.is_dir() else [target])
    return files


def parser_version() -> str:
    digest = hashlib.sha256()
    for path in _parsing_sources():
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:VERSION_LENGTH]


PARSER_VERSION: Final = parser_version()
