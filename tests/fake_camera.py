"""Webcam stand-ins for tests: the ``cv2.VideoCapture`` methods a camera source uses.

:class:`PacedCamera` hands out images at a steady frame rate, as a real webcam does, and
answers the rest of the capture interface; :class:`StillCamera` shows one picture for
ever. Tests subclass them for cameras with a past (clips, unique frames, failures).
"""

from __future__ import annotations

import time

import numpy as np


class PacedCamera:
    """``read()`` waits for image ``i``'s time (``i / fps`` after the first read), then
    returns :meth:`image`; ``get`` knows nothing (0.0, as some backends answer)."""

    def __init__(self, fps: float = 30.0) -> None:
        self.fps = fps
        self.reads = 0
        self.t0: float | None = None
        self.opened = True

    def image(self) -> np.ndarray:
        raise NotImplementedError

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.t0 is None:
            self.t0 = time.monotonic()
        wait = self.t0 + self.reads / self.fps - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        image = self.image()
        self.reads += 1
        return True, image

    def isOpened(self) -> bool:  # OpenCV's spelling
        return self.opened

    def open(self, index: int) -> bool:
        return self.opened

    def release(self) -> None:
        self.opened = False

    def set(self, prop_id: int, value: float) -> bool:
        return False

    def get(self, prop_id: int) -> float:
        return 0.0  # the source keeps what it asked for


class StillCamera(PacedCamera):
    """A camera showing one BGR picture (a copy each read, as OpenCV hands out)."""

    def __init__(self, bgr: np.ndarray, fps: float = 30.0) -> None:
        super().__init__(fps)
        self.bgr = bgr

    def image(self) -> np.ndarray:
        return self.bgr.copy()
