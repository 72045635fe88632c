"""A quiet terminal: Dagster's and dbt's logs to a file, a progress bar and our own messages on screen.

``quiet(log)`` sends everything written to standard output and error while it is open — Python's
streams and file descriptors 1 and 2, so dbt's subprocess and the parser's worker processes too —
to the log file, and hands back a stream on the terminal as it was. The messages of the
``jixiao`` logger (a run waiting for an open reader to close) are shown on that stream as well as
logged. ``quiet(None)`` (``-v``) changes nothing: the logs stay on the terminal.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

OUR_LOGGER = "jixiao"


def _fd_of(stream: TextIO) -> int | None:
    try:
        return stream.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):
        return None


@contextlib.contextmanager
def quiet(log: Path | None) -> Iterator[TextIO]:
    """While open, stdout and stderr go to ``log`` (nothing changes when it is None); yields the terminal."""
    if log is None:
        yield sys.stdout
        return
    sys.stdout.flush()
    sys.stderr.flush()
    fd = _fd_of(sys.stdout)
    terminal: TextIO = os.fdopen(os.dup(fd), "w", buffering=1, encoding="utf-8") if fd is not None else sys.stdout
    saved = os.dup(1), os.dup(2)
    handler = logging.StreamHandler(terminal)
    handler.setFormatter(logging.Formatter("jixiao: %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger(OUR_LOGGER).addHandler(handler)
    try:
        with log.open("a", encoding="utf-8", buffering=1) as sink:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            try:
                with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                    yield terminal
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
    finally:
        logging.getLogger(OUR_LOGGER).removeHandler(handler)
        for copy in saved:
            os.close(copy)
        if terminal is not sys.stdout:
            terminal.flush()
            terminal.close()
