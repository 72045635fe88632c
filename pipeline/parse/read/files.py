"""Opening a document once: the bytes a run parses come from a regular file inside the raw folder.

Checking a path and then opening it again by name lets a symlink swapped in between lead the
read outside the folder, and a FIFO named ``x.txt`` blocks ``open()`` until someone writes to
it. So a document is opened once — its resolved path, with ``O_NOFOLLOW`` (a symlink swapped
in as the last component is refused) and ``O_NONBLOCK`` (a FIFO opens at once) — and all the
rest is asked of that descriptor: what it is (``fstat``: a regular file, or refused), where it
really lives (``/proc/self/fd``, which also catches a folder swapped for a symlink), its size,
its bytes and their digest. The digest recorded is always the digest of the bytes parsed.

The file's status as the descriptor was opened (``file_stat``) is recorded beside the digest: a
later run that finds the file with the same status trusts the digest instead of reading the file
again, as git trusts its index (``pipeline.load.batch.plan``).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.core.errors import STAGE_READ, IngestError

CHUNK_BYTES: Final = 1 << 20
MIB: Final = 1 << 20
OPEN_FLAGS: Final = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
FD_PATHS: Final = Path("/proc/self/fd")
"""Linux names the file behind a descriptor here; elsewhere ``O_NOFOLLOW`` guards the last component only."""


FileStat = str
"""A file's size, modification and status-change times (ns) and inode: ``48213:1733…:1733…:1837265``.

Any write to the file changes its status-change time, which no program can set back (``touch -d``
and ``cp -p`` set the modification time only), and replacing it changes its inode: equal
statuses mean the bytes were not touched. A status that differs only costs a reading: copying
the folder elsewhere changes every status, and runs read every file (as they did before statuses
were recorded) until each is parsed again, by a new parser version or an edit."""


SETTLED_NS: Final = 2_000_000_000
"""A file changed less than this before it was opened is not vouched for by its status.

Filesystems stamp times from a clock that ticks every few milliseconds, so a file written again
within the tick it was read in, to the same size, keeps its status (git's "racily clean" files).
Its status is then recorded blank and the next run reads the file again."""


def file_stat(status: os.stat_result) -> FileStat:
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}"


def settled_stat(status: os.stat_result) -> FileStat:
    """``file_stat`` of a file taken just now, blank when it changed too recently to vouch for it (``SETTLED_NS``)."""
    return file_stat(status) if time.time_ns() - status.st_ctime_ns >= SETTLED_NS else ""


def stat_of(path: Path) -> FileStat | None:
    """The status of the file a path leads to (through symlinks), None when there is none."""
    try:
        return file_stat(path.stat())
    except OSError:
        return None


@dataclass(frozen=True)
class FileBytes:
    """A document's bytes, the sha256 of exactly those bytes, and the file's status before they were
    read (``settled_stat``: blank when it had just changed)."""

    data: bytes
    sha256: str
    stat: FileStat


def _unsafe(message: str) -> IngestError:
    return IngestError("unsafe_path", STAGE_READ, message)


def _unreadable(message: str) -> IngestError:
    return IngestError("unreadable_file", STAGE_READ, message)


def resolve_inside(path: Path, raw_dir: Path) -> Path:
    """The file's real path, which must lie in the raw folder; symlink loops and dangling links refused."""
    root = raw_dir.resolve()
    try:
        real = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError as err:
        if not Path(os.path.realpath(path)).is_relative_to(root):
            raise _unsafe("the path is a symlink pointing outside the raw folder (to nothing); never followed") from err
        raise _unreadable("the path is a symlink to a file that does not exist") from err
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _unsafe("the path is a symlink loop; replace it with the document itself") from err
        raise _unreadable(f"the file could not be opened: {err.strerror}") from err
    if not real.is_relative_to(root):
        raise _unsafe(f"the path points outside the raw folder (to {real}); copy the document into the folder instead")
    return real


def _descriptor_path(fd: int) -> Path | None:
    """Where the open file really is (Linux), or None when the system does not say."""
    try:
        return Path(os.readlink(FD_PATHS / str(fd)))
    except OSError:
        return None


def _check_descriptor(fd: int, raw_dir: Path) -> os.stat_result:
    """The open file's status, once it is known to be a regular file inside the raw folder."""
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        raise _unreadable("this is not a regular file (a FIFO, socket, device or folder); put a document here instead")
    where = _descriptor_path(fd)
    if where is not None and not where.is_relative_to(raw_dir.resolve()):
        raise _unsafe(f"the file was swapped for a link outside the raw folder (to {where}) while being read")
    return status


@contextmanager
def open_inside(path: Path, raw_dir: Path) -> Iterator[tuple[int, os.stat_result]]:
    """One descriptor of a regular file inside the raw folder, and its status; ``IngestError`` otherwise."""
    real = resolve_inside(path, raw_dir)
    try:
        fd = os.open(real, OPEN_FLAGS)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _unsafe("the file was swapped for a symlink while being read; never followed") from err
        raise _unreadable(f"the file could not be opened: {err.strerror}") from err
    try:
        yield fd, _check_descriptor(fd, raw_dir)
    finally:
        os.close(fd)


def _chunks(fd: int) -> Iterator[bytes]:
    while chunk := os.read(fd, CHUNK_BYTES):
        yield chunk


def _too_large(size: int, limit: int, path: Path) -> IngestError:
    return IngestError(
        "file_too_large",
        STAGE_READ,
        f"the file is {size / MIB:.0f} MiB, over the {limit / MIB:.0f} MiB limit for {path.suffix or 'this'} files; "
        "split it or remove pages without performance tables",
    )


def read_inside(path: Path, raw_dir: Path, limit: int) -> FileBytes:
    """The file's bytes and their digest, read from one descriptor; never more than ``limit`` bytes.

    A file that grows past the limit while it is read is refused like one that was too large.
    """
    try:
        with open_inside(path, raw_dir) as (fd, status):
            before = settled_stat(status)
            if status.st_size > limit:
                raise _too_large(status.st_size, limit, path)
            digest, size = hashlib.sha256(), 0
            parts: list[bytes] = []
            for chunk in _chunks(fd):
                size += len(chunk)
                if size > limit:
                    raise _too_large(size, limit, path)
                digest.update(chunk)
                parts.append(chunk)
    except OSError as err:
        raise _unreadable(f"the file could not be read: {err.strerror}") from err
    return FileBytes(b"".join(parts), digest.hexdigest(), before)


def digest_inside(path: Path, raw_dir: Path) -> str | None:
    """The sha256 of a readable regular file inside the raw folder; None otherwise (gone, unsafe, unreadable)."""
    try:
        with open_inside(path, raw_dir) as (fd, _):
            digest = hashlib.sha256()
            for chunk in _chunks(fd):
                digest.update(chunk)
    except (IngestError, OSError):
        return None
    return digest.hexdigest()


HIDDEN_PREFIXES: Final = (".", "~$")
"""Dotfiles and Office lock files (``~$x.docx``) are never documents."""


class RawFolderMissingError(FileNotFoundError):
    """The raw folder is not there: a run must stop rather than take every document for deleted."""


def discover_documents(raw_dir: Path) -> Iterator[Path]:
    """Every document file below the raw folder, in a stable order; folder symlinks are not entered.

    A file symlink is listed (so that one pointing outside the folder is reported, not ignored).
    A missing raw folder raises ``RawFolderMissingError``: an empty listing would withdraw every
    document of the warehouse (a mistyped ``JIXIAO_RAW_DIR``, a share not mounted).
    """
    if not raw_dir.is_dir():
        raise RawFolderMissingError(
            f"the raw folder {raw_dir} does not exist or is not a folder (JIXIAO_RAW_DIR mistyped, or a share "
            "not mounted?); nothing was ingested and no document was withdrawn"
        )
    found: list[Path] = []
    for folder, subfolders, files in os.walk(raw_dir, followlinks=False):
        subfolders[:] = [d for d in subfolders if not d.startswith(HIDDEN_PREFIXES)]
        found.extend(Path(folder) / name for name in files if not name.startswith(HIDDEN_PREFIXES))
    yield from sorted(found)


def source_file_of(path: Path, raw_dir: Path) -> str:
    """The path relative to the raw folder, with forward slashes: the document's name in a run.

    A name that is not valid UTF-8 keeps its raw bytes here (as Python's surrogate escapes) so
    that it still leads back to the file; ``stored_name`` is what the warehouse records.
    """
    return path.relative_to(raw_dir).as_posix()


def stored_name(source_file: str) -> str:
    """The name analysts see: ``source_file`` itself, or, for bytes that are not UTF-8, ``\\xNN`` escapes.

    DuckDB, Arrow and Dagster's run storage take only valid UTF-8; one such file name must not
    stop a run.
    """
    return os.fsencode(source_file).decode("utf-8", "backslashreplace")
