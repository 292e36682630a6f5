"""Pose frames from a video file: OpenCV decodes on one thread, MediaPipe infers on another.

Decoding (and the BGR→RGB conversion) runs on a background thread a few frames ahead
of inference, so the two overlap on a 2-core machine and ``analyze`` runs at about the
speed of inference alone. Frames are never dropped: a video is read as fast as it can
be, and every frame is inferred in order (VIDEO running mode, with tracking).
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from game.native_log import quiet_native_stderr
from game.pose.estimator import PoseEstimator
from game.pose.frame import PoseFrame
from game.pose.source import SourceInfo, SourceUnavailable

__all__ = ["DecodedFrame", "VideoSource", "decode_video", "probe_video"]

#: Decoded frames kept ready for inference: enough to ride out a slow decode, small
#: enough that a 1080p video holds < 50 MB in the queue.
DECODE_AHEAD_FRAMES = 8
#: What a file that reports no frame rate is played at (phones sometimes write 0).
FALLBACK_FPS = 30.0


@dataclass(frozen=True, slots=True)
class DecodedFrame:
    index: int
    timestamp_s: float
    rgb: np.ndarray


@dataclass(frozen=True, slots=True)
class VideoProbe:
    fps: float
    frame_count: int
    size: tuple[int, int]


def probe_video(path: Path) -> VideoProbe:
    """Open ``path`` just long enough to read its frame rate, length and size."""
    import cv2

    with quiet_native_stderr():
        cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise SourceUnavailable(f"{path}: OpenCV cannot open this file as a video")
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        if not math.isfinite(fps) or fps <= 1.0:
            fps = FALLBACK_FPS
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        if size[0] <= 0 or size[1] <= 0:
            raise SourceUnavailable(f"{path}: the video has no readable picture size")
        return VideoProbe(fps, count, size)
    finally:
        cap.release()


def decode_video(
    path: Path, fps: float, *, start: int = 0, stop: int | None = None
) -> Iterator[DecodedFrame]:
    """Decode frames ``start`` to ``stop`` (exclusive) as RGB, with timestamps ``i / fps``.

    Timestamps come from the frame index and the file's frame rate, so a chunk decoded on
    its own gets the same timestamps as in a whole-file pass.
    """
    import cv2

    with quiet_native_stderr():
        cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise SourceUnavailable(f"{path}: OpenCV cannot open this file as a video")
        if start:
            cap.set(cv2.CAP_PROP_POS_FRAMES, start)
        index = start
        while stop is None or index < stop:
            ok, bgr = cap.read()
            if not ok or bgr is None:
                return
            yield DecodedFrame(index, index / fps, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            index += 1
    finally:
        cap.release()


class VideoSource:
    """A video file as a :class:`~game.pose.source.PoseSource` (not live)."""

    def __init__(
        self,
        path: Path,
        *,
        model: Path,
        mask: bool = True,
        keep_image: bool = False,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise SourceUnavailable(f"{self.path}: no such file")
        probe = probe_video(self.path)
        self.model = model
        self.mask = mask
        self.keep_image = keep_image
        self.frame_count = probe.frame_count
        self.info = SourceInfo(
            name=str(self.path),
            fps=probe.fps,
            frame_size=probe.size,
            live=False,
            description=f"video {self.path.name}: {probe.size[0]}x{probe.size[1]} "
            f"@ {probe.fps:.2f} fps, {probe.frame_count} frames",
            prefetch=True,
        )
        self._runs: list[tuple[threading.Event, PoseEstimator]] = []

    def frames(self) -> Iterator[PoseFrame]:
        """A fresh pass over the file; each pass has its own decoder thread and model."""
        stop = threading.Event()
        estimator = PoseEstimator(self.model, mask=self.mask)
        self._runs.append((stop, estimator))
        decoded: queue.Queue[DecodedFrame | BaseException | None] = queue.Queue(DECODE_AHEAD_FRAMES)
        thread = threading.Thread(
            target=self._decode_into, args=(decoded, stop), name="video-decode", daemon=True
        )
        thread.start()
        try:
            while not stop.is_set():
                try:
                    item = decoded.get(timeout=0.1)
                except queue.Empty:
                    continue
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield estimator.estimate(item.rgb, item.timestamp_s, keep_image=self.keep_image)
        finally:
            stop.set()
            _drain(decoded)
            thread.join(timeout=2.0)
            estimator.close()
            self._runs.remove((stop, estimator))

    def _decode_into(
        self, out: queue.Queue[DecodedFrame | BaseException | None], stop: threading.Event
    ) -> None:
        item: DecodedFrame | BaseException | None
        try:
            for item in decode_video(self.path, self.info.fps):
                if not _put(out, item, stop):
                    return
            item = None
        except BaseException as exc:  # handed to the reading thread, which raises it
            item = exc
        _put(out, item, stop)

    def close(self) -> None:
        """Stop every pass in progress; their generators release their own resources."""
        for stop, _estimator in list(self._runs):
            stop.set()


def _put(q: queue.Queue, item: object, stop: threading.Event) -> bool:
    """Put ``item`` unless ``stop`` is set first; whether it went in."""
    while not stop.is_set():
        try:
            q.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _drain(q: queue.Queue) -> None:
    while True:
        try:
            q.get_nowait()
        except queue.Empty:
            return
