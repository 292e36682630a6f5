"""MediaPipe Pose Landmarker → :class:`PoseFrame`: the one adapter that imports mediapipe.

Two running modes, as MediaPipe intends them:

* :class:`PoseEstimator` — VIDEO mode, synchronous, for video files and recordings:
  every frame is inferred, in order, with tracking between frames.
* :class:`LivePoseEstimator` — LIVE_STREAM mode, for a camera: :meth:`submit` hands a
  frame over and returns at once; MediaPipe drops frames it has no time for and calls
  back with results, and :meth:`latest` gives the newest. The capture thread never waits
  on inference, and the game loop never waits on either.

Timestamps are the source's own (seconds since it started), turned into the strictly
increasing whole milliseconds MediaPipe requires.

MediaPipe is imported lean (:func:`mediapipe_api`): only the Pose Landmarker's own
modules, about 30 ms, instead of ``import mediapipe``'s half a second of every other task,
matplotlib and an audio library. ``analyze`` pays that start-up once per process.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import math
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from game.native_log import quiet_native_stderr
from game.pose.frame import PoseFrame
from game.pose.landmarks import NUM_LANDMARKS
from game.pose.model import ModelError

log = logging.getLogger(__name__)

__all__ = [
    "LivePoseEstimator",
    "MediaPipeApi",
    "PeopleCounter",
    "PoseEstimator",
    "ResultTiming",
    "mediapipe_api",
    "to_pose_frame",
]

#: MediaPipe's defaults for the three confidences; they suit one person at home.
MIN_DETECTION_CONFIDENCE = 0.5
MIN_PRESENCE_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5
#: People looked for live: the player only, as in files, so MediaPipe tracks them from
#: frame to frame and the coach gets the frames it was tuned on. With room for a second
#: person MediaPipe runs its detector on every frame (27-29 ms a frame here against 16-18
#: ms for one person, 640x360), and its landmarks at a deep squat's bottom differ enough
#: to hide a tail tuck (see :mod:`game.pose.people`, which counts a second person in view
#: on the side instead).
LIVE_NUM_POSES = 1
VIDEO_NUM_POSES = 1
#: Live result timings kept until someone takes them (:meth:`LivePoseEstimator.take_timings`):
#: a few seconds' worth at 30 fps, so a reader that never asks costs no growing memory.
_TIMINGS_KEPT = 256
#: A submitted frame with no result after this long was dropped long ago; forgotten.
_PENDING_FORGET_MS = 2000


#: The packages whose ``__init__`` imports every MediaPipe task (and through its drawing
#: utilities matplotlib.pyplot, through its audio tasks sounddevice): 0.5-0.6 s of
#: ``import mediapipe`` measured with ``python -X importtime`` (mediapipe 1.2.3), against
#: ~30 ms for the modules the Pose Landmarker needs. Outermost first.
_HEAVY_PACKAGES = (
    "mediapipe",
    "mediapipe.tasks",
    "mediapipe.tasks.python",
    "mediapipe.tasks.python.vision",
)
_lean_lock = threading.RLock()


@dataclass(frozen=True, slots=True)
class MediaPipeApi:
    """The handful of MediaPipe names the estimators use."""

    Image: Any
    ImageFormat: Any
    BaseOptions: Any
    PoseLandmarker: Any
    PoseLandmarkerOptions: Any
    RunningMode: Any


@cache
def mediapipe_api() -> MediaPipeApi:
    """Import the Pose Landmarker's modules without running MediaPipe's package ``__init__``s.

    Importing ``mediapipe.tasks.python.vision.pose_landmarker`` the ordinary way first runs
    the four package ``__init__`` files above it, and they import every task. So, unless
    someone already imported ``mediapipe``, each of those packages goes into
    ``sys.modules`` unexecuted (:func:`_defer_package_init`), the needed modules are
    imported by their full names, and a package's own ``__init__`` runs the first time
    anyone asks it for a name it lacks. ``import mediapipe; mediapipe.Image`` elsewhere in
    the same process therefore still works, at the usual cost, when it is used.
    """
    with _lean_lock:
        if "mediapipe" not in sys.modules:
            for name in _HEAVY_PACKAGES:
                if not _defer_package_init(name):
                    break  # an unusual install: the imports below run the real __init__s
        pose = importlib.import_module("mediapipe.tasks.python.vision.pose_landmarker")
        image = importlib.import_module("mediapipe.tasks.python.vision.core.image")
        mode = importlib.import_module(
            "mediapipe.tasks.python.vision.core.vision_task_running_mode"
        )
        base = importlib.import_module("mediapipe.tasks.python.core.base_options")
    return MediaPipeApi(
        Image=image.Image,
        ImageFormat=image.ImageFormat,
        BaseOptions=base.BaseOptions,
        PoseLandmarker=pose.PoseLandmarker,
        PoseLandmarkerOptions=pose.PoseLandmarkerOptions,
        RunningMode=mode.VisionTaskRunningMode,
    )


def _defer_package_init(name: str) -> bool:
    """Put package ``name`` in ``sys.modules`` with its ``__init__`` not yet run.

    The module gets its path (so submodules import normally) and a module ``__getattr__``
    (PEP 562): the first use of a name it lacks runs the real ``__init__``s of every
    deferred package (:func:`_run_deferred_inits`). Whether the package could be deferred.
    """
    if name in sys.modules:
        return True
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return False
    module = importlib.util.module_from_spec(spec)

    def __getattr__(attr: str) -> Any:
        _run_deferred_inits()
        try:
            return module.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    _deferred.append(module)
    return True


#: Packages in ``sys.modules`` whose ``__init__`` has not run yet, outermost first.
_deferred: list[ModuleType] = []


def _run_deferred_inits() -> None:
    """Run every deferred package ``__init__``, innermost first, as a plain import would.

    All at once and in that order because they depend on each other's state:
    ``mediapipe/__init__`` rebinds ``mediapipe.tasks`` to ``mediapipe.tasks.python``, and
    modules the inner ``__init__``s import still expect the original.
    """
    with _lean_lock:
        while _deferred:
            module = _deferred.pop()
            del module.__dict__["__getattr__"]
            module.__spec__.loader.exec_module(module)  # type: ignore[union-attr]


def _create(
    model: Path, mode: str, mask: bool, num_poses: int, callback: Any = None
) -> tuple[MediaPipeApi, Any]:
    with quiet_native_stderr():
        mp = mediapipe_api()
        options = mp.PoseLandmarkerOptions(
            base_options=mp.BaseOptions(model_asset_path=str(model)),
            running_mode=getattr(mp.RunningMode, mode),
            num_poses=num_poses,
            min_pose_detection_confidence=MIN_DETECTION_CONFIDENCE,
            min_pose_presence_confidence=MIN_PRESENCE_CONFIDENCE,
            min_tracking_confidence=MIN_TRACKING_CONFIDENCE,
            output_segmentation_masks=mask,
            result_callback=callback,
        )
        try:
            landmarker = mp.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"MediaPipe could not load the pose model {model}: {exc}") from exc
    return mp, landmarker


def to_pose_frame(
    result: Any, timestamp_s: float, size: tuple[int, int], image: np.ndarray | None = None
) -> PoseFrame:
    """Convert one PoseLandmarkerResult. With two people, the larger one is the player.

    ``size`` is the frame's (the picture shown); the mask keeps the size it was inferred
    at, which is smaller when the camera path handed MediaPipe a downscaled copy.
    """
    people = result.pose_landmarks or []
    if not people:
        return PoseFrame.empty(timestamp_s, size, image=image)
    sizes = [_extent(person) for person in people]
    best = int(np.argmax(sizes))
    landmarks = np.array(
        [(p.x, p.y, p.z, p.visibility or 0.0) for p in people[best]], dtype=np.float32
    )
    world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks[best]], dtype=np.float32)
    if landmarks.shape != (NUM_LANDMARKS, 4) or world.shape != (NUM_LANDMARKS, 3):
        return PoseFrame.empty(timestamp_s, size, image=image)
    mask = None
    if result.segmentation_masks and len(result.segmentation_masks) > best:
        found = result.segmentation_masks[best]
        view = found.numpy_view()
        mask = np.array(view, dtype=np.float32).reshape(found.height, found.width)
    return PoseFrame(
        timestamp_s,
        landmarks,
        world,
        size,
        mask=mask,
        image=image,
        extra_people=len(people) - 1,
    )


def _extent(person: Any) -> float:
    xs = [p.x for p in person]
    ys = [p.y for p in person]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))


class _Base:
    _landmarker: Any
    _closed = False

    def __enter__(self) -> _Base:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the model. Safe to call twice."""
        if not self._closed:
            self._closed = True
            with quiet_native_stderr():
                self._landmarker.close()


class _Clock:
    """Seconds → strictly increasing whole milliseconds, as MediaPipe requires."""

    def __init__(self) -> None:
        self.last_ms = -1

    def ms(self, timestamp_s: float) -> int:
        self.last_ms = max(math.floor(timestamp_s * 1000.0), self.last_ms + 1)
        return self.last_ms


class PoseEstimator(_Base):
    """VIDEO mode: infer every frame of a file or recording, in order."""

    def __init__(self, model: Path, *, mask: bool = True, num_poses: int = VIDEO_NUM_POSES) -> None:
        self._mp, self._landmarker = _create(model, "VIDEO", mask, num_poses)
        self._clock = _Clock()

    def estimate(
        self, rgb: np.ndarray, timestamp_s: float, *, keep_image: bool = False
    ) -> PoseFrame:
        """Find the player in one RGB uint8 image taken at ``timestamp_s``."""
        height, width = rgb.shape[:2]
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=_contiguous(rgb))
        result = self._landmarker.detect_for_video(image, self._clock.ms(timestamp_s))
        return to_pose_frame(result, timestamp_s, (width, height), rgb if keep_image else None)


class PeopleCounter(_Base):
    """IMAGE mode: how many people one picture shows (up to ``num_poses``).

    Each picture is judged alone, from MediaPipe's person detector: pictures counted
    half a second apart (:mod:`game.pose.people`) are too far apart for VIDEO mode's
    tracking to help, and what a tracked person hid in one picture should not carry
    over to the next. The detector works on a square: people who fill little of a very
    wide picture may go unseen.
    """

    def __init__(self, model: Path, *, num_poses: int = 2) -> None:
        self._mp, self._landmarker = _create(model, "IMAGE", False, num_poses)

    def count(self, rgb: np.ndarray) -> int:
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=_contiguous(rgb))
        return len(self._landmarker.detect(image).pose_landmarks or [])


@dataclass(frozen=True, slots=True)
class ResultTiming:
    """How one live result went: what a quality policy needs to judge the machine."""

    arrived_s: float  # time.monotonic() when the result came back
    latency_s: float  # from submit() to the result
    dropped: int  # frames submitted before this one that MediaPipe dropped
    size: tuple[int, int]  # (width, height) of the image MediaPipe worked on


class LivePoseEstimator(_Base):
    """LIVE_STREAM mode: :meth:`submit` never blocks; :meth:`latest` is the newest result.

    Each result carries the image it was computed from (when ``keep_image``), so what the
    game draws is always a camera picture with its own pose, never a newer picture with
    an older skeleton. That image may be a bigger copy of the one inferred (``display``
    in :meth:`submit`): landmarks are fractions of the picture, so they fit both.

    :meth:`take_timings` tells how each result went (latency, drops), thread-safely, for
    a caller that adapts what it submits to how fast the machine keeps up.
    """

    def __init__(self, model: Path, *, mask: bool = True, keep_image: bool = True) -> None:
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._latest: PoseFrame | None = None
        #: Per submitted frame: its timestamp, the picture kept for it (or None), that
        #: picture's (width, height) and ``time.monotonic()`` at submit.
        self._pending: dict[int, tuple[float, np.ndarray | None, tuple[int, int], float]] = {}
        self._timings: deque[ResultTiming] = deque(maxlen=_TIMINGS_KEPT)
        self._forgotten = 0  # pending frames given up on, not yet reported as dropped
        self._keep_image = keep_image
        self._listeners: list[Callable[[PoseFrame], None]] = []
        self.results = 0
        self.submitted = 0
        self.dropped = 0
        self._mp, self._landmarker = _create(
            model, "LIVE_STREAM", mask, LIVE_NUM_POSES, self._on_result
        )
        self._clock = _Clock()

    def submit(
        self, rgb: np.ndarray, timestamp_s: float, *, display: np.ndarray | None = None
    ) -> int:
        """Hand one camera frame to MediaPipe; it may drop it if still busy.

        ``display``: the picture the result should carry instead of ``rgb`` (the
        full-size camera image when ``rgb`` is a downscaled copy for speed). Returns the
        frame's ticket for :meth:`replace_picture`.
        """
        submitted_at = time.monotonic()
        ms = self._clock.ms(timestamp_s)
        shown = rgb if display is None else display
        kept = shown if self._keep_image else None
        size = (shown.shape[1], shown.shape[0])
        with self._lock:
            self._pending[ms] = (timestamp_s, kept, size, submitted_at)
            self.submitted += 1
            for old in [k for k in self._pending if k < ms - _PENDING_FORGET_MS]:
                del self._pending[old]  # dropped by MediaPipe long ago
                self._forgotten += 1
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=_contiguous(rgb))
        self._landmarker.detect_async(image, ms)
        return ms

    def replace_picture(self, ticket: int, picture: np.ndarray) -> bool:
        """Let the result of a submitted frame carry ``picture`` instead (the camera
        scales its picture to the size it is shown at while the model works). False
        when the result came already, or the frame was dropped: then nothing changes."""
        if not self._keep_image:
            return False
        with self._lock:
            pending = self._pending.get(ticket)
            if pending is None:
                return False
            timestamp_s, _, size, submitted_at = pending
            self._pending[ticket] = (timestamp_s, picture, size, submitted_at)
        return True

    def _on_result(self, result: Any, image: Any, timestamp_ms: int) -> None:
        arrived = time.monotonic()
        with self._lock:
            inferred = (image.width, image.height)
            timestamp_s, rgb, size, submitted_at = self._pending.pop(
                timestamp_ms, (timestamp_ms / 1000.0, None, inferred, arrived)
            )
            skipped = [k for k in self._pending if k < timestamp_ms]
            for old in skipped:
                del self._pending[old]  # frames MediaPipe skipped
            dropped = len(skipped) + self._forgotten
            self._forgotten = 0
        frame = to_pose_frame(result, timestamp_s, size, rgb)
        with self._lock:
            self._latest = frame
            self.results += 1
            self.dropped += dropped
            self._timings.append(ResultTiming(arrived, arrived - submitted_at, dropped, inferred))
            self._arrived.notify_all()
            listeners = list(self._listeners)
        for deliver in listeners:
            try:
                deliver(frame)
            except Exception:  # a reader's bug must not stop MediaPipe's results
                log.exception("a live pose listener failed")

    def listen(self, deliver: Callable[[PoseFrame], None]) -> None:
        """Call ``deliver(frame)`` with every new result, on MediaPipe's result thread, the
        moment it exists: for a reader that must not wait for another thread's hand-off.
        ``deliver`` must be quick (it delays the next result) and thread-safe."""
        with self._lock:
            self._listeners.append(deliver)

    def take_timings(self) -> list[ResultTiming]:
        """The timings of the results since the last call, oldest first (any thread)."""
        with self._lock:
            taken = list(self._timings)
            self._timings.clear()
        return taken

    def latest(self) -> PoseFrame | None:
        with self._lock:
            return self._latest

    def wait_newer(self, seen: PoseFrame | None, timeout_s: float) -> PoseFrame | None:
        """The newest result once it is not ``seen``, waiting up to ``timeout_s`` for one
        (None if none came). Woken by the result itself, so a reader adds no polling delay."""
        with self._lock:
            self._arrived.wait_for(
                lambda: self._latest is not None and self._latest is not seen, timeout_s
            )
            latest = self._latest
        return latest if latest is not seen else None


def _contiguous(rgb: np.ndarray) -> np.ndarray:
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an RGB uint8 image (H, W, 3), got {rgb.dtype} {rgb.shape}")
    return np.ascontiguousarray(rgb)
