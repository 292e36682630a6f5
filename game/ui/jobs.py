"""Run one slow call (the score database) off the render loop and collect its answer.

SQLite is quick, but another copy of the game holding the write lock makes a save wait
up to the store's busy timeout (seconds). A scene starts a :class:`Job` in ``enter`` and
checks ``done`` in ``update``; the frame rate never notices. Each job opens its own
store inside its thread, since a SQLite connection belongs to the thread that made it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Job"]

T = TypeVar("T")


class Job(Generic[T]):
    """``fn()`` running in a thread. Read ``result``/``error`` once ``done`` is True.

    ``background=False`` runs ``fn`` right away instead: headless runs use that, since a
    simulated clock has no frame rate to protect, and there a thread would make what the
    screen shows at a given game time depend on thread scheduling.
    """

    def __init__(self, fn: Callable[[], T], name: str = "job", background: bool = True) -> None:
        self._fn = fn
        self.result: T | None = None
        self.error: Exception | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        if not background:
            self._run()
            return
        # Not a daemon: a score being written is finished even if the player quits now.
        self._thread = threading.Thread(target=self._run, name=name)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.result = self._fn()
        except Exception as exc:  # handed to the scene, which tells the player
            self.error = exc
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until finished; True if done. For tests and tools, never the game loop."""
        return self._done.wait(timeout)
