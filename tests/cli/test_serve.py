"""``jixiao serve``: the daemon and the webserver live and die together."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from pipeline.cli.serve import serve_forever

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_when_one_child_ends_the_other_is_stopped_and_its_exit_code_is_returned() -> None:
    started = time.monotonic()
    code = serve_forever([SLEEPER, [sys.executable, "-c", "raise SystemExit(3)"]])
    assert code == 3
    assert time.monotonic() - started < 30  # the sleeper was stopped, not waited for


def _terminate_once_handled(before: object) -> None:
    """SIGTERM to this process, once serve_forever has put its own handler in place (as systemd would stop it)."""
    while signal.getsignal(signal.SIGTERM) is before:
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)


def test_a_stop_signal_stops_both_and_exits_0() -> None:
    threading.Thread(target=_terminate_once_handled, args=(signal.getsignal(signal.SIGTERM),), daemon=True).start()
    started = time.monotonic()
    assert serve_forever([SLEEPER, SLEEPER]) == 0
    assert time.monotonic() - started < 30
