"""Keep native libraries' chatter (MediaPipe/LiteRT, ALSA) off the player's terminal.

The runtime writes dozens of INFO/WARNING lines straight to file descriptor 2 when a
model loads and closes; environment variables do not silence them (measured with
mediapipe 1.2). While a model loads or closes we point fd 2 at a log file, and hand it
back afterwards. ``--verbose`` turns this off.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["native_log_path", "quiet_native_stderr", "set_verbose"]

_lock = threading.Lock()
_verbose = False
_log_path = Path(tempfile.gettempdir()) / f"glutes-high-native-{os.getpid()}.log"


def set_verbose(verbose: bool) -> None:
    """Show the runtime's own messages (``--verbose``) instead of logging them."""
    global _verbose
    _verbose = verbose


def native_log_path() -> Path:
    return _log_path


@contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Send what native code writes to fd 2 into the log file for the ``with`` block."""
    if _verbose:
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
