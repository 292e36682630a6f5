"""Pose frames from a video file: OpenCV decodes on one thread, MediaPipe infers on another.

A pass (:func:`infer_video`) runs three threads: decoding (and the BGR→RGB conversion)
a few frames ahead of inference, inference (MediaPipe releases the GIL while it works),
and the reader (the coach in ``analyze``), so on a 2-core machine ``analyze`` runs at
about the speed of inference alone. Start-up overlaps too: the model loads while the
first frames decode and the reader imports what it needs. Frames are never dropped: a
video is read as fast as it can be, and every frame is inferred in order (VIDEO running
mode, with tracking).

``VideoSource(jobs=N)`` deals a long file's frames out to up to N interleaved lanes
inferred in parallel processes (:mod:`game.pose.parallel`) and still yields one stream,
in order.
"""

from __future__ import annotations

import math
import queue
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from game.native_log import quiet_native_stderr
from game.pose.estimator import PoseEstimator
from game.pose.frame import PoseFrame
from game.pose.source import SourceInfo, SourceUnavailable

if TYPE_CHECKING:
    from game.pose.parallel import ParallelPass, _RemoteLane

__all__ = [
    "DecodedFrame",
    "ModelLoad",
    "VideoPass",
    "VideoProbe",
    "VideoSource",
    "decode_video",
    "infer_video",
    "probe_video",
]

#: Decoded frames kept ready for inference: enough to ride out a slow decode, small
#: enough that a 1080p video holds < 50 MB in the queue.
DECODE_AHEAD_FRAMES = 8
#: Pose frames kept ready for the reader: lets inference run on while the reader is busy
#: for a moment (the coach finishing a rep). Masks make these ~1 MB each at 640x360.
INFER_AHEAD_FRAMES = 8
#: How long stopping a pass waits for each of its threads (one inference is ~20 ms).
JOIN_TIMEOUT_S = 2.0
_END = object()
#: What a file that reports no frame rate is played at (phones sometimes write 0).
FALLBACK_FPS = 30.0
#: Up to this many pixels a frame is decoded on one thread. FFmpeg's default, a thread
#: per core, costs more CPU in hand-offs than it saves at camera sizes (640x360 H.264:
#: 0.91 ms of CPU a frame against 0.69 on one thread), and that CPU is taken from the
#: core MediaPipe's second graph thread wants: in paired runs, frames/s through the
#: whole pipeline against inference alone rose from a median 0.94 to 0.95. One thread
#: still decodes 1080p faster than MediaPipe infers it; larger videos get FFmpeg's own
#: choice.
SINGLE_THREAD_DECODE_MAX_PIXELS = 1920 * 1080


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
    path: Path, fps: float, *, start: int = 0, stop: int | None = None, step: int = 1
) -> Iterator[DecodedFrame]:
    """Decode frames ``start`` to ``stop`` (exclusive) as RGB, with timestamps ``i / fps``;
    with ``step`` > 1 only every ``step``-th of them (the others are decoded, as the
    codec needs, but neither converted nor handed on).

    Timestamps come from the frame index and the file's frame rate, so a part decoded on
    its own gets the same timestamps as in a whole-file pass. A part starts with a seek;
    if the decoder does not land exactly on ``start`` it is reopened and reads its way
    there instead, slower but never off by a frame.
    """
    import cv2

    cap = _open_for_decoding(path)
    try:
        if not cap.isOpened():
            raise SourceUnavailable(f"{path}: OpenCV cannot open this file as a video")
        if start and not (
            cap.set(cv2.CAP_PROP_POS_FRAMES, start)
            and int(cap.get(cv2.CAP_PROP_POS_FRAMES)) == start
        ):
            cap.release()
            cap = _open_for_decoding(path)
            for _ in range(start):
                if not cap.grab():
                    return
        index = start
        while stop is None or index < stop:
            if (index - start) % step:
                if not cap.grab():
                    return
                index += 1
                continue
            ok, bgr = cap.read()
            if not ok or bgr is None:
                return
            yield DecodedFrame(index, index / fps, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            index += 1
    finally:
        cap.release()


def _open_for_decoding(path: Path):  # type: ignore[no-untyped-def]
    """A capture of ``path`` decoding on one thread, or on FFmpeg's default number for
    frames larger than ``SINGLE_THREAD_DECODE_MAX_PIXELS``."""
    import cv2

    with quiet_native_stderr():
        cap = cv2.VideoCapture(str(path), cv2.CAP_ANY, [cv2.CAP_PROP_N_THREADS, 1])
        pixels = cap.get(cv2.CAP_PROP_FRAME_WIDTH) * cap.get(cv2.CAP_PROP_FRAME_HEIGHT)
        if cap.isOpened() and pixels <= SINGLE_THREAD_DECODE_MAX_PIXELS:
            return cap
        cap.release()
        return cv2.VideoCapture(str(path))


def infer_video(
    path: Path,
    fps: float,
    *,
    model: Path,
    mask: bool = True,
    keep_image: bool = False,
    start: int = 0,
    stop: int | None = None,
    step: int = 1,
    loading: ModelLoad | None = None,
) -> VideoPass:
    """Pose frames of video frames ``start`` to ``stop``, one stream, three threads.

    The threads start at the call, not at the first ``next()``: the decoder opens the
    file and decodes ahead while the inference thread imports MediaPipe and loads the
    model, and the caller can do its own start-up (``analyze`` imports the coach) in the
    meantime. Inference then runs on its own thread, so whatever the caller does with each
    frame (the coach, a progress bar) overlaps the next inference instead of adding to it.

    ``step`` > 1 infers only every ``step``-th frame from ``start`` on: one lane of a
    parallel pass (see :mod:`game.pose.parallel`). ``loading`` is a model already being loaded
    (:class:`ModelLoad`) to use instead of loading one. An error in either thread is
    raised in the reader's thread, and ends the pass.
    """
    load = loading if loading is not None else ModelLoad(model, mask)
    return VideoPass(path, fps, load, keep_image, start, stop, step)


class VideoPass(Iterator[PoseFrame]):
    """One pass: a decode thread feeding an inference thread feeding the reader.

    :meth:`stop` may be called from any thread (the game closes a source from its own
    thread while a prefetch thread reads it). The threads hold only the queues and the
    stop flag, never the pass, so a pass dropped unfinished is collected and stops them.
    """

    def __init__(
        self,
        path: Path,
        fps: float,
        load: ModelLoad,
        keep_image: bool,
        start: int,
        stop: int | None,
        step: int = 1,
    ) -> None:
        self.stopped = threading.Event()
        self._decoded: queue.Queue[object] = queue.Queue(DECODE_AHEAD_FRAMES)
        self._inferred: queue.Queue[object] = queue.Queue(INFER_AHEAD_FRAMES)
        self._threads = (
            threading.Thread(
                target=_infer,
                args=(self._decoded, self._inferred, self.stopped, load, keep_image),
                name="video-infer",
                daemon=True,
            ),
            threading.Thread(
                target=_decode,
                args=(self._decoded, self.stopped, path, fps, start, stop, step),
                name="video-decode",
                daemon=True,
            ),
        )
        for thread in self._threads:
            thread.start()

    def __next__(self) -> PoseFrame:
        item = _get(self._inferred, self.stopped)
        if item is _END:
            self.stop()
            raise StopIteration
        if isinstance(item, BaseException):
            self.stop()
            raise item
        return item  # type: ignore[return-value]

    def stop(self) -> None:
        """Stop both threads; each releases its own decoder or model. Safe to call twice."""
        self.stopped.set()
        _drain(self._decoded)
        _drain(self._inferred)
        for thread in self._threads:
            if thread.is_alive() and thread is not threading.current_thread():
                thread.join(timeout=JOIN_TIMEOUT_S)

    def __del__(self) -> None:
        self.stopped.set()


def _decode(
    out: queue.Queue[object],
    stopped: threading.Event,
    path: Path,
    fps: float,
    start: int,
    stop: int | None,
    step: int = 1,
) -> None:
    item: object = _END
    try:
        for decoded in decode_video(path, fps, start=start, stop=stop, step=step):
            if not _put(out, decoded, stopped):
                return
    except BaseException as exc:  # handed on, and raised in the reader's thread
        item = exc
    _put(out, item, stopped)


def _infer(
    decoded: queue.Queue[object],
    out: queue.Queue[object],
    stopped: threading.Event,
    load: ModelLoad,
    keep_image: bool,
) -> None:
    item: object = _END
    try:
        with load.result() as estimator:
            while True:
                got = _get(decoded, stopped)
                if got is _END:
                    break
                if isinstance(got, BaseException):
                    item = got
                    break
                assert isinstance(got, DecodedFrame)
                frame = estimator.estimate(got.rgb, got.timestamp_s, keep_image=keep_image)
                if not _put(out, frame, stopped):
                    return
    except BaseException as exc:  # a model that will not load, a bad frame
        item = exc
    _put(out, item, stopped)


def _get(q: queue.Queue[object], stopped: threading.Event) -> object:
    """The next item, or ``_END`` once ``stopped`` is set."""
    while not stopped.is_set():
        try:
            return q.get(timeout=0.1)
        except queue.Empty:
            continue
    return _END


class ModelLoad:
    """A :class:`PoseEstimator` being created on its own thread from the moment this is made.

    Loading the model is the longest step of a pass's start-up (~0.15 s, plus ~30 ms to
    import MediaPipe's modules); started early it overlaps whatever the caller still has
    to do (opening and probing the file, the first decodes, importing the coach).
    MediaPipe releases the GIL while it loads.
    """

    def __init__(self, model: Path, mask: bool) -> None:
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._estimator: PoseEstimator | None = None
        self._error: BaseException | None = None
        self._discarded = False
        threading.Thread(
            target=self._load, args=(model, mask), name="video-model-load", daemon=True
        ).start()

    def _load(self, model: Path, mask: bool) -> None:
        try:
            estimator = PoseEstimator(model, mask=mask)
        except BaseException as exc:  # raised by result(), in the thread that wants it
            self._error = exc
        else:
            with self._lock:
                if self._discarded:
                    estimator.close()
                else:
                    self._estimator = estimator
        self._done.set()

    def result(self) -> PoseEstimator:
        """The estimator, once loaded (the caller owns it then); or the loading error."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        with self._lock:
            estimator, self._estimator = self._estimator, None
        if estimator is None:
            raise RuntimeError("this model load was discarded or already taken")
        return estimator

    def discard(self) -> None:
        """Not wanted after all: the estimator is closed as soon as it has loaded."""
        with self._lock:
            self._discarded = True
            estimator, self._estimator = self._estimator, None
        if estimator is not None:
            estimator.close()


class VideoSource:
    """A video file as a :class:`~game.pose.source.PoseSource` (not live).

    ``jobs`` above 1 lets a long video be dealt out to interleaved lanes inferred in
    parallel processes (:mod:`game.pose.parallel`); the frames still come out in order, one
    stream, and a short video (or ``jobs=1``) is inferred in this process. The workers
    are started with ``spawn``, so a script that asks for them needs the usual
    ``if __name__ == "__main__":`` guard (``python -m game`` and ``glutes-high`` have it).

    ``preload`` starts loading the first pass's model at once, while the file is being
    probed (``analyze`` wants its frames as soon as possible; a caller that only checks
    that a file opens does not).
    """

    def __init__(
        self,
        path: Path,
        *,
        model: Path,
        mask: bool = True,
        keep_image: bool = False,
        jobs: int = 1,
        preload: bool = False,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise SourceUnavailable(f"{self.path}: no such file")
        self._preloaded = ModelLoad(model, mask) if preload else None
        self.jobs = max(1, int(jobs))
        self._workers: list[_RemoteLane] = []
        if preload and self.jobs > 1:
            # One worker (the usual plan: two lanes) starts before the file is probed, so
            # its start-up hides behind this process's (see parallel.start_workers).
            from game.pose.parallel import start_workers

            self._workers = start_workers(self.path, model, mask, keep_image, 1)
        try:
            probe = probe_video(self.path)
        except BaseException:
            self.close()
            raise
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
        self._passes: weakref.WeakSet[VideoPass | ParallelPass] = weakref.WeakSet()

    def frames(self) -> Iterator[PoseFrame]:
        """A fresh pass over the file; decoding and inference start at this call."""
        loading, self._preloaded = self._preloaded, None
        workers, self._workers = self._workers, []
        frames: VideoPass | ParallelPass
        if self.jobs > 1 and self._split():
            from game.pose.parallel import ParallelPass

            frames = ParallelPass(
                self.path,
                self.info.fps,
                self.frame_count,
                model=self.model,
                mask=self.mask,
                keep_image=self.keep_image,
                jobs=self.jobs,
                loading=loading,
                workers=workers,
            )
        else:
            _let_go(workers)
            frames = infer_video(
                self.path,
                self.info.fps,
                model=self.model,
                mask=self.mask,
                keep_image=self.keep_image,
                loading=loading,
            )
        self._passes.add(frames)
        return frames

    def _split(self) -> bool:
        """Whether a pass splits the file: long enough for ``jobs`` to pay (see the plan)."""
        from game.pose.parallel import plan_lanes

        return len(plan_lanes(self.frame_count, self.info.fps, self.jobs)) > 1

    def close(self) -> None:
        """Stop every pass in progress (its threads and worker processes). Safe twice."""
        loading, self._preloaded = getattr(self, "_preloaded", None), None
        if loading is not None:
            loading.discard()
        workers, self._workers = getattr(self, "_workers", []), []
        _let_go(workers)
        for frames in list(getattr(self, "_passes", ())):
            frames.stop()


def _let_go(workers: list[_RemoteLane]) -> None:
    """End workers started early that no pass will use."""
    for worker in workers:
        worker.stop()
        worker.release()


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
