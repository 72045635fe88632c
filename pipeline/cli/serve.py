"""``jixiao serve``: the Dagster daemon and webserver as one service, for a server's nightly runs.

Both are started as child processes; when either ends, or this process is told to stop
(SIGTERM from systemd, Ctrl-C), the other is stopped too and the exit code is the first one to
end's (0 when stopped on purpose), so a supervisor sees one service and restarts it whole.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Sequence
from types import FrameType
from typing import Final

POLL_SECONDS: Final = 1.0
STOP_GRACE_SECONDS: Final = 30.0


def serve_forever(commands: Sequence[Sequence[str]]) -> int:
    """Run the commands until one ends or a stop signal comes; stop the rest; the exit code."""
    children = [subprocess.Popen(list(command)) for command in commands]
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(POLL_SECONDS)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        ended = [child.returncode for child in children if child.returncode is not None]
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return 0 if stopping or not ended else ended[0]
