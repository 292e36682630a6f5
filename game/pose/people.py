"""How many people a live camera sees, checked twice a second beside the player's tracking.

The camera's own landmarker looks for **one** person, the player, so MediaPipe tracks them
from frame to frame: the pose found in one frame says where to look in the next. Asked for
two, MediaPipe runs its person detector on every frame instead, and the results are not
the same. On side_yuyou (a tucked deep squat, ../shared/data) the landmarks moved by 0.4 %
of the picture on a median frame, but at the rep bottoms the hip and shoulder landmarks
sat elsewhere on the body, and the silhouette's lower-back bulge there read 0.17-0.20
trunk lengths instead of 0.52-0.56: the coach missed the tail tuck on all three reps and
called the glutes low on all three. Files are analysed with one person, and the coach's
thresholds were set and tested that way, so the camera must give the coach the same kind
of frames. Looking for one person also cuts the live inference by ~40 % (27.8 -> ~17 ms
a frame at 640x360).

A second person walking into view must still pause counting (they could be taken for the
player), so :class:`PeopleWatch` looks for two on its own thread, on the newest camera
picture, every :data:`PEOPLE_CHECK_S`: a landmarker of its own in IMAGE mode (each
picture on its own, no tracking), one inference per check (~5 % of a core). The camera
adds what it found to every frame it hands on as ``extra_people``; a second person is
noticed within about half a second.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import numpy as np

__all__ = ["PEOPLE_CHECK_S", "PEOPLE_LOOKED_FOR", "PeopleWatch"]

log = logging.getLogger(__name__)

#: Seconds between two counts of the people in view: a person walking in is noticed
#: within about this long, at one inference per check.
PEOPLE_CHECK_S = 0.5
#: The player and one more: enough to know the player is not alone.
PEOPLE_LOOKED_FOR = 2
#: How long :meth:`PeopleWatch.close` waits for its thread (it may be mid-inference).
CLOSE_JOIN_S = 2.0


class PeopleWatch:
    """Counts the people on the newest offered picture every :data:`PEOPLE_CHECK_S`, each
    picture judged on its own (:class:`~game.pose.estimator.PeopleCounter`).

    :meth:`offer` is cheap (it keeps a reference) and may be called for every camera
    image; the watch's thread takes the newest when a check is due. :attr:`extra_people`
    is the count of people besides the player at the last check (0 until the first).
    The model is loaded on the watch's own thread, so starting one never delays the
    camera; one that fails to load leaves the count at 0 and says so in the log.
    """

    def __init__(self, model: Path, *, interval_s: float = PEOPLE_CHECK_S) -> None:
        self.interval_s = interval_s
        self.extra_people = 0
        self.checks = 0
        self._lock = threading.Condition()
        self._image: np.ndarray | None = None
        self._closed = False
        self._thread = threading.Thread(
            target=self._run, args=(Path(model),), name="camera-people", daemon=True
        )
        self._thread.start()

    def offer(self, rgb: np.ndarray) -> None:
        """The newest camera picture (RGB); any thread."""
        with self._lock:
            self._image = rgb
            self._lock.notify()

    def close(self) -> None:
        """Stop checking and release the model. Safe to call twice, from any thread."""
        with self._lock:
            self._closed = True
            self._lock.notify()
        if self._thread is not threading.current_thread():
            self._thread.join(CLOSE_JOIN_S)

    def _next(self, due: float) -> np.ndarray | None:
        """Wait until a check is due and a picture is there; None once closed."""
        with self._lock:
            while not self._closed:
                wait = due - time.monotonic()
                if wait <= 0 and self._image is not None:
                    image, self._image = self._image, None
                    return image
                self._lock.wait(wait if wait > 0 else None)
        return None

    def _run(self, model: Path) -> None:
        from game.pose.estimator import PeopleCounter

        try:
            counter = PeopleCounter(model, num_poses=PEOPLE_LOOKED_FOR)
        except Exception:  # the camera works on without it; the player is still coached
            log.exception("cannot load the model to count people in view")
            return
        try:
            due = time.monotonic()
            while (image := self._next(due)) is not None:
                due = time.monotonic() + self.interval_s
                self.extra_people = max(0, counter.count(image) - 1)
                self.checks += 1
        except Exception:  # a picture the model refuses: counting stops, play goes on
            log.exception("counting the people in view failed")
        finally:
            counter.close()
