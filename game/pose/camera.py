"""A webcam as a pose source: capture in its own thread, MediaPipe in LIVE_STREAM mode.

Pipeline, and who waits on whom:

* A **capture thread** owns the ``cv2.VideoCapture`` from open to release. It reads as
  fast as the camera delivers, stamps each image with ``time.monotonic()`` the moment
  ``read()`` returns (relative to the source's start: never the wall clock, which jumps),
  and hands it straight to a :class:`~game.pose.estimator.LivePoseEstimator`.
  ``submit`` never blocks and MediaPipe drops what it has no time for, so nothing stale
  ever queues up behind a slow inference.
* :meth:`CameraSource.frames` yields each *new* result (the newest; results it was too
  slow to take are skipped), with the camera image it was computed from attached, so the
  game draws a picture together with its own pose. It wakes every few milliseconds even
  when nothing arrives, so :meth:`CameraSource.close` ends it promptly from any thread.

**Mirroring** (``mirror=True``, the default): players expect a bathroom mirror, so the
picture is flipped left-right while the model works on the unflipped image (it was
trained on real, unflipped people; the capture thread flips the copy to be shown, scaled
to :attr:`CameraSource.display_size` if the game said it) and each landmark's image ``x``
becomes ``1 - x`` so the skeleton sits on the flipped picture (the mask is flipped with
it). Landmark **identities are not swapped**:
MediaPipe labels the person's anatomical sides, and ``LEFT_KNEE`` must stay the player's
real left knee, or a cue about "your left knee" would name the wrong leg. The **world
landmarks are left as measured**: they are the coach's 3-D space, and flipping their
``x`` without swapping labels would make a left-handed body in which a player facing the
camera reads as seen from behind (``features.measure`` tells front from rear by which
side the left hip is on). So image coordinates are mirrored for display, world
coordinates stay true to the camera, and both keep anatomical labels; nothing in the
coach compares image ``x`` with world ``x``.

**Slow machines**: how much inference each frame gets is chosen by an
:class:`~game.pose.quality.InferenceQuality` policy (``quality``: ``auto``, ``full`` or
``fast``). At its lighter levels MediaPipe gets a copy scaled down to a 640 px long side
(``cv2.INTER_AREA``, the resampling that averages instead of skipping pixels), and at
the lightest only every 2nd frame; the game still gets the full camera picture with each
result (landmarks are fractions of the image, so they fit it; the person mask
comes at the smaller size). In ``auto`` the capture thread feeds the policy each frame's
arrival and each result's latency and drops, so it steps down when the machine falls
behind and back up when it has room. :attr:`CameraSource.quality_state` says what it
chose.

**Health** is not faked with empty frames: :attr:`CameraSource.status` says
``starting``, ``ok``, ``stalled`` (no image for over :data:`STALL_AFTER_S`, e.g. a read
that hangs) or ``lost`` (``read()`` failing for :data:`LOST_AFTER_S`, e.g. unplugged).
A lost camera is released and reopened every :data:`REOPEN_EVERY_S` until it answers;
:meth:`CameraSource.frames` simply carries on when images return.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Protocol

import numpy as np

from game.memory import return_freed_memory
from game.native_log import quiet_native_stderr
from game.pose.estimator import LivePoseEstimator
from game.pose.frame import PoseFrame
from game.pose.people import PeopleWatch
from game.pose.picture import scale_picture
from game.pose.quality import InferenceQuality, QualityMode, QualityState
from game.pose.source import SourceError, SourceInfo, SourceUnavailable

__all__ = [
    "CLOSE_JOIN_S",
    "FIRST_FRAME_TIMEOUT_S",
    "LOST_AFTER_S",
    "OPEN_TIMEOUT_S",
    "REOPEN_EVERY_S",
    "STALL_AFTER_S",
    "CameraSource",
    "CameraStats",
    "CameraStatus",
    "CaptureDevice",
    "mirror_frame",
]

#: Longest wait for the camera to open before giving up. A missing camera fails in
#: milliseconds (measured: 5 ms on Linux/V4L2 with no /dev/video*); some desktop backends
#: take a few seconds to open a real USB webcam, so this is generous.
OPEN_TIMEOUT_S = 5.0
#: A camera that opened may need a moment (auto exposure) before its first image; after
#: this long without one it counts as stalled.
FIRST_FRAME_TIMEOUT_S = 3.0
#: No new image for this long: stalled. A healthy camera sends one every 33 ms at 30 fps,
#: so 1 s is ~30 missed frames, far beyond any jitter or exposure change.
STALL_AFTER_S = 1.0
#: ``read()`` failing for this long: the device is gone (unplugged); it is released and
#: reopened. Short failures (a dropped USB packet) are ridden out without reopening.
LOST_AFTER_S = 1.0
#: While lost, how often to try to reopen the camera.
REOPEN_EVERY_S = 1.0
#: Wait after a failed read before the next, so a dead device is not spun on.
FAILED_READ_WAIT_S = 0.05
#: :meth:`CameraSource.frames` is woken by each new result; without one it still looks up
#: this often, which bounds how long ``close()`` takes to end it.
RESULT_POLL_S = 0.05
#: ``close()`` waits this long for the capture thread to release the camera; a thread
#: stuck inside a driver's read releases it (and the model) itself when the read returns.
CLOSE_JOIN_S = 0.5
#: Weight of the newest interval in the measured capture rate (an exponential average
#: over roughly the last ten frames).
_FPS_SMOOTHING = 0.1


class CameraStatus(StrEnum):
    """How the camera is doing, as the game shows it."""

    STARTING = "starting"  # opened, no image yet
    OK = "ok"
    STALLED = "stalled"  # open, but no image for over STALL_AFTER_S
    LOST = "lost"  # reads fail (unplugged); reopening every REOPEN_EVERY_S


class CaptureDevice(Protocol):
    """The part of ``cv2.VideoCapture`` the source uses; tests pass a fake with it."""

    def read(self) -> tuple[bool, np.ndarray | None]: ...

    def set(self, prop_id: int, value: float) -> bool: ...

    def get(self, prop_id: int) -> float: ...

    def isOpened(self) -> bool: ...  # OpenCV's spelling

    def open(self, index: int) -> bool: ...

    def release(self) -> None: ...


@dataclass(frozen=True, slots=True)
class CameraStats:
    """Counters for diagnostics and benchmarks (a snapshot; see :meth:`CameraSource.stats`)."""

    grabbed: int  # images read from the camera
    failed_reads: int
    reopens: int  # successful reopens after the camera was lost
    results: int  # results MediaPipe returned (the rest it dropped)
    yielded: int  # results frames() handed on
    capture_fps: float  # measured rate of images from the camera (0 before two arrive)
    submitted: int = 0  # images handed to the model (fewer than grabbed at the fast level)
    dropped: int = 0  # submitted images MediaPipe had no time for
    quality: str = ""  # the quality mode and what it does now, e.g. "auto: 640 px, ..."
    inference_size: tuple[int, int] | None = None  # what the model worked on last


def mirror_frame(frame: PoseFrame, *, image_mirrored: bool = False) -> PoseFrame:
    """``frame`` as seen in a mirror: image and mask flipped, landmark ``x`` -> ``1 - x``.
    ``image_mirrored``: the picture is mirrored already (the capture thread did it).

    Landmark identities and world landmarks are kept (see the module docstring for why).
    A pixel column ``c`` of a ``W``-wide image moves to ``W - 1 - c``, i.e. the continuous
    coordinate ``x * W`` moves to ``W - x * W``: so ``1 - x`` in normalised units.

    This runs on MediaPipe's result thread, between a result and the screen, so pictures
    are flipped by OpenCV: 0.02 ms for a 640x360 image where numpy's reversed-view copy
    took 1.05 ms, and that copy, made while the game loop held the GIL, cost the live
    path 1.3 ms a frame (median frame-to-screen 36.8 -> 32.5 ms, ``bench/live.py``). The
    camera flips its pictures earlier, on the capture thread (``image_mirrored``): with
    the model busy, even OpenCV's flip of a 900x506 picture took 0.24 ms here.
    """
    landmarks = frame.landmarks
    if landmarks is not None:
        landmarks = landmarks.copy()
        landmarks[:, 0] = 1.0 - landmarks[:, 0]
    image = frame.image
    if image is not None and not image_mirrored:
        image = _flip_columns(image)
    mask = None if frame.mask is None else _flip_columns(frame.mask)
    return dataclasses.replace(frame, landmarks=landmarks, image=image, mask=mask)


def _flip_columns(picture: np.ndarray) -> np.ndarray:
    """A left-right flipped copy (an image, or a mask): OpenCV's when it takes the array."""
    if picture.ndim in (2, 3) and picture.dtype in (np.uint8, np.float32) and picture.size:
        return _cv2().flip(picture, 1)
    return np.ascontiguousarray(picture[:, ::-1])


def _cv2() -> ModuleType:
    """OpenCV, imported when a camera is used (importing this module stays cheap)."""
    import cv2

    return cv2


class CameraSource:
    """A webcam as a :class:`~game.pose.source.PoseSource` (``info.live`` is True).

    Args:
        index: the camera's number (0 is the first; ``camera:1`` in a source spec).
        model: the pose model file (see :func:`game.pose.model.resolve_model`).
        width, height, fps: what to ask the camera for; it may give something else, and
            :attr:`info` reports what it really gives.
        mirror: show the player a mirror image (see the module docstring).
        quality: how much inference each frame gets: ``"auto"`` (follow the machine),
            ``"full"`` or ``"fast"`` (see :mod:`game.pose.quality`); :attr:`quality`
            changes it while running.
        mask: also compute the person mask, on by default: the coach reads the tail
            tuck, the glutes and the knees' gap from the silhouette
            (:mod:`game.coach.silhouette`, :mod:`game.coach.knees`), so without it those
            faults are "not measurable" live. One live inference measured alone (the
            player tracked alone): at 640x360 no cost outside the noise (17.5 ms against
            18.1 without), at 1280x720 ~4 ms (21.1 against 17.0). Off only for a caller
            that needs nothing but landmarks.
        capture: an already made capture device (a fake in tests) instead of
            ``cv2.VideoCapture(index)``; the capture thread takes it over.

    Raises :class:`SourceUnavailable` (quickly) when there is no camera at ``index``,
    :class:`SourceError` for impossible settings, and
    :class:`~game.pose.model.ModelError` when the model cannot be loaded.
    """

    def __init__(
        self,
        index: int = 0,
        *,
        model: Path,
        width: int = 1280,
        height: int = 720,
        fps: float = 30.0,
        mirror: bool = True,
        mask: bool = True,
        quality: QualityMode | str = QualityMode.AUTO,
        capture: CaptureDevice | None = None,
    ) -> None:
        if index < 0:
            raise SourceError(f"camera index must be 0 or more, got {index}")
        if width <= 0 or height <= 0 or fps <= 0:
            raise SourceError(f"camera size and fps must be positive, got {width}x{height}@{fps}")
        try:
            self._quality = InferenceQuality(quality)
        except ValueError as exc:
            raise SourceError(str(exc)) from None
        self.index = index
        self.mirror = mirror
        self._asked = (width, height, float(fps))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._opened = threading.Event()  # the first open attempt has finished
        self._go = threading.Event()  # the model is ready (or we are giving up)
        self._finished = threading.Event()
        self._open_ok = False
        self._given: tuple[int, int, float] = (width, height, float(fps))
        self._estimator: LivePoseEstimator | None = None
        self._people: PeopleWatch | None = None
        self._error: BaseException | None = None
        # Health and counters, written by the capture thread under _lock.
        self._lost = False
        self._streaming_since = 0.0
        self._last_grab: float | None = None
        self._failing_since: float | None = None
        self._grabbed = self._failed = self._reopens = self._yielded = 0
        self._fps = 0.0
        self._inferred_size: tuple[int, int] | None = None
        #: ``time.monotonic()`` at the source's start: frame timestamps count from here.
        self.clock_origin_s = time.monotonic()
        self._display_size: tuple[int, int] | None = None
        #: Pictures the capture thread made ready to show (scaled, mirrored), by frame
        #: timestamp; a result carrying one of these is not flipped again.
        self._ready_pictures: dict[float, np.ndarray] = {}
        self.info = SourceInfo(f"camera:{index}", float(fps), (width, height), True, "")

        self._thread = threading.Thread(
            target=self._run, args=(capture,), name=f"camera-{index}", daemon=True
        )
        self._thread.start()
        if not self._opened.wait(OPEN_TIMEOUT_S):
            self._give_up()
            raise SourceUnavailable(
                f"camera {index} did not answer within {OPEN_TIMEOUT_S:g} s; unplug it and "
                "plug it back in, or play with --source demo"
            )
        if not self._open_ok:
            self._give_up()
            raise SourceUnavailable(
                f"No camera found at index {index} (is one plugged in, and not in use by "
                "another program?); play with --source demo or a video file"
            )
        try:
            self._estimator = LivePoseEstimator(model, mask=mask, keep_image=True)
        except BaseException:
            self._give_up()
            raise
        self._people = PeopleWatch(model)  # the player is tracked alone; see game.pose.people
        given_w, given_h, given_fps = self._given
        self.info = SourceInfo(
            name=f"camera:{index}",
            fps=given_fps,
            frame_size=(given_w, given_h),
            live=True,
            description=(
                f"camera {index}: {given_w}x{given_h} @ {_num(given_fps)} fps "
                f"(asked {width}x{height} @ {_num(fps)})"
            ),
        )
        with self._lock:
            self._streaming_since = time.monotonic()
        self._go.set()

    # -- the PoseSource interface ----------------------------------------------------

    def frames(self) -> Iterator[PoseFrame]:
        """Each new pose result as it arrives; ends when the source is closed.

        Only the newest result is ever handed on: any that came and went while the reader
        was busy are skipped, because a live game wants the present, not a backlog.

        Raises what broke the capture thread (e.g. a camera sending images the model
        cannot take), so a reader such as the UI's feed can report it.
        """
        seen: PoseFrame | None = None
        while not self._stop.is_set():
            if self._error is not None:
                raise self._error
            estimator = self._estimator
            if estimator is None:
                self._stop.wait(RESULT_POLL_S)
                continue
            frame = estimator.wait_newer(seen, RESULT_POLL_S)
            if frame is None:
                continue
            seen = frame
            with self._lock:
                self._yielded += 1
            yield self._handed_on(frame)

    def subscribe(self, deliver: Callable[[PoseFrame], None]) -> None:
        """Push each new result to ``deliver`` instead of waiting for :meth:`frames`.

        Called on the thread MediaPipe returns results on, the moment a result exists,
        mirrored as :meth:`frames` would be: the game's live feed uses this, so a pose
        reaches the screen with one hand-off between threads (to the game loop) instead
        of two (about a millisecond less, measured in ``bench/live.py``). ``deliver``
        must be quick and thread-safe. What breaks the capture thread is in
        :attr:`error`.
        """
        estimator = self._estimator
        if estimator is None:
            raise SourceError("the camera is not streaming")

        def push(frame: PoseFrame) -> None:
            if self._stop.is_set():
                return
            with self._lock:
                self._yielded += 1
            deliver(self._handed_on(frame))

        estimator.listen(push)

    def _handed_on(self, frame: PoseFrame) -> PoseFrame:
        """A result as the game gets it: mirrored (if asked), and with the other people the
        people watch last saw in view (the player's own landmarker looks for one)."""
        with self._lock:
            ready = self._ready_pictures.get(frame.timestamp_s)
            for done in [t for t in self._ready_pictures if t < frame.timestamp_s]:
                del self._ready_pictures[done]  # handed on, or dropped by the model
        mirrored = ready is not None and frame.image is ready
        if self.mirror:
            frame = mirror_frame(frame, image_mirrored=mirrored)
        elif mirrored:  # the mirror was turned off while this image was inferred
            frame = dataclasses.replace(frame, image=_flip_columns(ready))
        people = self._people
        extra = people.extra_people if people is not None else 0
        if extra > frame.extra_people:
            frame = dataclasses.replace(frame, extra_people=extra)
        return frame

    @property
    def error(self) -> BaseException | None:
        """What broke the capture thread, if anything (:meth:`frames` raises it)."""
        return self._error

    def close(self) -> None:
        """Stop capturing and release the camera and model. Any thread; safe twice.

        Only the capture thread touches the device, so closing never releases it under
        a read in progress (some drivers crash on that); the thread lets go after it.
        """
        self._stop.set()
        self._go.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(CLOSE_JOIN_S)

    def __enter__(self) -> CameraSource:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- health ----------------------------------------------------------------------

    @property
    def status(self) -> CameraStatus:
        """Whether images are arriving; safe to read from any thread at any rate."""
        now = time.monotonic()
        with self._lock:
            if self._lost or self._error is not None:
                return CameraStatus.LOST
            last, since = self._last_grab, self._streaming_since
        if last is None:
            waited = now - since if since else 0.0
            return CameraStatus.STARTING if waited < FIRST_FRAME_TIMEOUT_S else CameraStatus.STALLED
        return CameraStatus.STALLED if now - last > STALL_AFTER_S else CameraStatus.OK

    @property
    def display_size(self) -> tuple[int, int] | None:
        """(width, height) the game draws the picture at, or None (any thread may set it).

        The capture thread then scales each picture to it while the model works on the
        image, and the frames carry it at that size: the game loop would scale it
        between the pose and the screen (0.6 ms with the model busy on the other core,
        measured in ``bench/live.py``). Raises :class:`SourceError` for a size that is
        not two positive whole numbers.
        """
        return self._display_size

    @display_size.setter
    def display_size(self, size: tuple[int, int] | None) -> None:
        if size is not None:
            try:
                width, height = (int(n) for n in size)
            except (TypeError, ValueError):
                raise SourceError(f"a display size is (width, height), got {size!r}") from None
            if width <= 0 or height <= 0:
                raise SourceError(f"a display size must be positive, got {width}x{height}")
            size = (width, height)
        self._display_size = size

    @property
    def quality(self) -> QualityMode:
        """The inference quality mode; set it to change it live (from any thread)."""
        with self._lock:
            return self._quality.mode

    @quality.setter
    def quality(self, mode: QualityMode | str) -> None:
        with self._lock:
            self._quality.mode = mode  # ValueError for an unknown mode

    @property
    def quality_state(self) -> QualityState:
        """The mode and what it does now (e.g. ``"640 px, every 2nd frame"``), for the UI."""
        with self._lock:
            return self._quality.state()

    @property
    def closed(self) -> bool:
        """True once the capture thread has released the camera and the model."""
        return self._finished.is_set()

    def stats(self) -> CameraStats:
        """A snapshot of the counters (for diagnostics and the benchmark)."""
        estimator = self._estimator
        with self._lock:
            state = self._quality.state()
            return CameraStats(
                grabbed=self._grabbed,
                failed_reads=self._failed,
                reopens=self._reopens,
                results=estimator.results if estimator is not None else 0,
                yielded=self._yielded,
                capture_fps=self._fps,
                submitted=estimator.submitted if estimator is not None else 0,
                dropped=estimator.dropped if estimator is not None else 0,
                quality=f"{state.mode}: {state.description}",
                inference_size=self._inferred_size,
            )

    # -- the capture thread ------------------------------------------------------------

    def _give_up(self) -> None:
        """Constructor failed: stop the capture thread (it releases what it opened)."""
        self._stop.set()
        self._go.set()
        self._thread.join(CLOSE_JOIN_S)

    def _run(self, injected: CaptureDevice | None) -> None:
        device: CaptureDevice | None = None
        try:
            device = self._open_first(injected)
            self._opened.set()
            if device is None:
                return
            self._go.wait()
            self._capture(device)
        except Exception as exc:  # reported through frames() and status, never lost
            self._error = exc
        finally:
            self._opened.set()
            if device is not None:
                with quiet_native_stderr():
                    device.release()
            if self._estimator is not None:
                self._estimator.close()  # quiets its own native output
            if self._people is not None:
                self._people.close()
            return_freed_memory()  # the models' memory, back to the system (game.memory)
            self._finished.set()

    def _open_first(self, injected: CaptureDevice | None) -> CaptureDevice | None:
        with quiet_native_stderr():  # OpenCV warns per backend it tries
            device: CaptureDevice = (
                injected if injected is not None else _cv2().VideoCapture(self.index)
            )
            opened = bool(device.isOpened())
            if opened:
                self._given = self._configure(device)
            else:
                device.release()
        if not opened:
            return None
        self._open_ok = True
        return device

    def _configure(self, device: CaptureDevice) -> tuple[int, int, float]:
        """Ask for the size and rate; read back what the camera really gives."""
        cv2 = _cv2()
        width, height, fps = self._asked
        # USB 2 webcams give 720p at 30 fps only as MJPG: raw YUYV at that size needs
        # ~440 Mbit/s and is capped at 5-10 fps. A camera without MJPG ignores this.
        device.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        device.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        device.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        device.set(cv2.CAP_PROP_FPS, fps)
        device.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # newest image, not a queue (where supported)
        given_w = int(device.get(cv2.CAP_PROP_FRAME_WIDTH)) or width
        given_h = int(device.get(cv2.CAP_PROP_FRAME_HEIGHT)) or height
        given_fps = float(device.get(cv2.CAP_PROP_FPS)) or fps  # some backends report 0
        return given_w, given_h, given_fps

    def _capture(self, device: CaptureDevice) -> None:
        """Read, stamp, submit; ride out short failures; reopen a lost camera."""
        released = False
        while not self._stop.is_set():
            if released:
                if self._stop.wait(REOPEN_EVERY_S):
                    break
                released = not self._reopen(device)
                continue
            ok, image = device.read()
            now = time.monotonic()
            if self._stop.is_set():
                break
            if ok and image is not None and image.size:
                self._submit(image, now)
            elif self._read_failed(now):
                with quiet_native_stderr():
                    device.release()
                released = True
            else:
                self._stop.wait(FAILED_READ_WAIT_S)

    def _submit(self, bgr: np.ndarray, grabbed_at: float) -> None:
        """Convert one camera image and hand it, or a smaller copy, to the model.

        The quality policy first hears how the results since the last image went, then
        says whether this image is submitted and at what size.
        """
        estimator = self._estimator
        assert estimator is not None
        timings = estimator.take_timings()
        height, width = bgr.shape[:2]
        with self._lock:
            if self._last_grab is not None:
                interval = grabbed_at - self._last_grab
                if interval > 0:
                    rate = 1.0 / interval
                    self._fps = (
                        rate if self._fps == 0 else self._fps + _FPS_SMOOTHING * (rate - self._fps)
                    )
            self._last_grab = grabbed_at
            self._failing_since = None
            self._lost = False
            self._grabbed += 1
            for timing in timings:
                self._quality.result_arrived(timing.arrived_s, timing.latency_s, timing.dropped)
            if timings:
                self._inferred_size = timings[-1].size
            submit = self._quality.frame_grabbed(grabbed_at, (width, height))
            small_size = self._quality.current.inference_size(width, height)
        if (width, height) != self.info.frame_size:  # the camera changed its mind
            self.info = dataclasses.replace(self.info, frame_size=(width, height))
        if not submit:
            return  # skipped frames are not even converted: this is the slow machines' path
        rgb = _to_rgb(bgr)
        timestamp_s = grabbed_at - self.clock_origin_s
        if small_size == (width, height):
            ticket = estimator.submit(rgb, timestamp_s)
            inferred = rgb
        else:
            cv2 = _cv2()
            inferred = cv2.resize(rgb, small_size, interpolation=cv2.INTER_AREA)
            ticket = estimator.submit(inferred, timestamp_s, display=rgb)
        self._ready_picture(estimator, ticket, rgb, timestamp_s)
        if self._people is not None:
            self._people.offer(inferred)

    def _ready_picture(
        self, estimator: LivePoseEstimator, ticket: int, rgb: np.ndarray, timestamp_s: float
    ) -> None:
        """While the model works on the image, make its picture ready to show: scaled to
        :attr:`display_size` and mirrored. Done here, on the capture thread, these are
        not between the pose and the screen; on the result thread, with the model busy,
        the mirror's flip of a 900x506 picture took 0.24 ms and the scaling 0.6 ms."""
        shown_at = self.display_size
        mirror = self.mirror
        if shown_at is None and not mirror:
            return
        picture = rgb if shown_at is None else scale_picture(rgb, shown_at)
        if mirror:
            picture = _flip_columns(picture)
        if picture is rgb or not estimator.replace_picture(ticket, picture):
            return
        if mirror:
            with self._lock:
                self._ready_pictures[timestamp_s] = picture

    def _read_failed(self, now: float) -> bool:
        """Count a failed read; True once reads have failed for :data:`LOST_AFTER_S`."""
        with self._lock:
            self._failed += 1
            if self._failing_since is None:
                self._failing_since = now
            if now - self._failing_since >= LOST_AFTER_S:
                self._lost = True
            return self._lost

    def _reopen(self, device: CaptureDevice) -> bool:
        with quiet_native_stderr():
            opened = bool(device.open(self.index)) and bool(device.isOpened())
            if opened:
                self._configure(device)
            else:
                device.release()
        if opened:
            with self._lock:
                self._reopens += 1
                self._failing_since = None  # a fresh LOST_AFTER_S before giving up again
        return opened


def _to_rgb(image: np.ndarray) -> np.ndarray:
    """OpenCV's BGR (or grey, or BGRA) camera image as the RGB the model wants."""
    cv2 = _cv2()
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _num(value: float) -> str:
    """30.0 -> "30", 29.97 -> "29.97": rates as a person writes them."""
    return f"{round(value, 2):g}"
