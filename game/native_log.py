"""Keep native libraries' chatter (MediaPipe/LiteRT, ALSA) off the player's terminal.

The runtime writes dozens of INFO/WARNING lines straight to file descriptor 2 when a
model loads, on the first inference and when it closes; environment variables do not
silence them (measured with mediapipe 1.2). Two tools:

* :func:`route_native_stderr` — for a whole command-line run: fd 2 goes to a log file
  for good, and Python's ``sys.stderr`` is re-opened on the real terminal, so the game's
  own messages (and Python tracebacks) still reach the player.
* :func:`quiet_native_stderr` — for one block (a model load in a library call or test).

``--verbose`` (:func:`set_verbose`) turns both off.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "is_verbose",
    "native_log_path",
    "quiet_native_stderr",
    "route_native_stderr",
    "set_verbose",
]

_lock = threading.Lock()
_verbose = False
_routed = False
_log_path = Path(tempfile.gettempdir()) / f"glutes-high-native-{os.getpid()}.log"


def is_verbose() -> bool:
    """Whether ``--verbose`` asked for the native runtime's own output (worker processes
    are told the same)."""
    return _verbose


def set_verbose(verbose: bool) -> None:
    """Show the runtime's own messages (``--verbose``) instead of logging them."""
    global _verbose
    _verbose = verbose


def native_log_path() -> Path:
    return _log_path


@contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Send what native code writes to fd 2 into the log file for the ``with`` block."""
    if _verbose or _routed:
        yield
        return
    with _lock:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            with open(_log_path, "ab") as log:
                os.dup2(log.fileno(), 2)
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def route_native_stderr() -> Path | None:
    """Send native fd-2 output to the log for the rest of the process; the log's path."""
    global _routed
    if _verbose or _routed:
        return None
    try:
        if sys.stderr.fileno() != 2:
            return None  # stderr is already captured elsewhere (a test runner, a pipe wrapper)
    except (AttributeError, OSError, ValueError):
        return None
    with _lock:
        sys.stderr.flush()
        terminal = os.dup(2)
        log = os.open(_log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log, 2)
        os.close(log)
        encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
        sys.stderr = io.TextIOWrapper(
            io.FileIO(terminal, "w", closefd=True),
            encoding=encoding,
            errors="backslashreplace",
            line_buffering=True,
        )
        _routed = True
    return _log_path
