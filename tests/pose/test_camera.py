"""The webcam source, end to end with the real model and a pretend camera playing a real clip.

:class:`ClipCamera` has ``cv2.VideoCapture``'s interface and behaves like a webcam: it plays
a video file in real time (``read()`` waits for the next frame and skips the ones it is
late for) and can be "unplugged" (reads and opens fail) or "frozen" (a read hangs) for a
while. So the capture thread, LIVE_STREAM inference, mirroring and stall/recovery all run
for real; nothing of MediaPipe is mocked. One ~6 s real-time session is shared by the
tests that look at it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest
from fake_camera import StillCamera
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from game.coach.features import View, measure
from game.pose.camera import (
    LOST_AFTER_S,
    REOPEN_EVERY_S,
    STALL_AFTER_S,
    CameraSource,
    CameraStatus,
    mirror_frame,
)
from game.pose.estimator import LIVE_NUM_POSES, PoseEstimator
from game.pose.frame import PoseFrame
from game.pose.landmarks import NUM_LANDMARKS, Landmark
from game.pose.model import ModelError, resolve_model
from game.pose.picture import scale_picture
from game.pose.source import SourceError, SourceUnavailable
from game.pose.sources import open_source

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CLIP = DATA / "videos" / "side_tommy_3reps_pickup.mp4"
needs_clip = pytest.mark.skipif(
    not CLIP.is_file(), reason=f"needs the shared clip {CLIP} (../shared/data beside the project)"
)

# The pretend camera's timeline, in seconds after its first read: good, unplugged, good,
# frozen, good. Each bad window outlasts the source's threshold for noticing it.
UNPLUGGED = (1.2, 2.4)
FROZEN = (3.8, 5.3)
SESSION_S = 6.0
BODY = (
    Landmark.LEFT_SHOULDER,
    Landmark.RIGHT_SHOULDER,
    Landmark.LEFT_HIP,
    Landmark.RIGHT_HIP,
    Landmark.LEFT_KNEE,
    Landmark.RIGHT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
)


def _digest(bgr: np.ndarray) -> bytes:
    return hashlib.sha1(np.ascontiguousarray(bgr).tobytes()).digest()


class ClipCamera:
    """A webcam stand-in with the ``cv2.VideoCapture`` methods the source uses.

    It cannot do what it is asked: ``get`` reports the clip's own size and rate. Every
    image it hands out is remembered (by digest) with the moment ``read()`` returned it.
    """

    def __init__(
        self,
        path: Path,
        unplugged: tuple[float, float] | None = None,
        frozen: tuple[float, float] | None = None,
        opened: bool = True,
    ) -> None:
        self._video = cv2.VideoCapture(str(path))
        self.fps = float(self._video.get(cv2.CAP_PROP_FPS))
        self.size = (
            int(self._video.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(self._video.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )
        self.unplugged, self.frozen = unplugged, frozen
        self.opened = opened
        self.t0: float | None = None  # the camera's clock starts at its first read
        self._decoded = 0
        self.delivered: dict[bytes, float] = {}
        self.asked: dict[int, float] = {}
        self.opens = self.releases = 0

    def _now(self) -> float:
        assert self.t0 is not None
        return time.monotonic() - self.t0

    @staticmethod
    def _inside(t: float, window: tuple[float, float] | None) -> bool:
        return window is not None and window[0] <= t < window[1]

    def isOpened(self) -> bool:  # OpenCV's spelling
        return self.opened

    def open(self, index: int) -> bool:
        self.opens += 1
        self.opened = self.t0 is None or not self._inside(self._now(), self.unplugged)
        return self.opened

    def release(self) -> None:
        self.opened = False
        self.releases += 1

    def set(self, prop_id: int, value: float) -> bool:
        self.asked[prop_id] = value
        return False

    def get(self, prop_id: int) -> float:
        return {
            cv2.CAP_PROP_FRAME_WIDTH: float(self.size[0]),
            cv2.CAP_PROP_FRAME_HEIGHT: float(self.size[1]),
            cv2.CAP_PROP_FPS: self.fps,
        }.get(prop_id, 0.0)

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.t0 is None:
            self.t0 = time.monotonic()
        if not self.opened or self._inside(self._now(), self.unplugged):
            return False, None  # an unplugged V4L2 camera fails at once
        if self._inside(self._now(), self.frozen):
            assert self.frozen is not None
            time.sleep(self.frozen[1] - self._now())  # a driver read that hangs
        due = max(self._decoded, int(self._now() * self.fps))
        wait = due / self.fps - self._now()
        if wait > 0:
            time.sleep(wait)  # the next frame is not exposed yet
        while self._decoded < due:  # frames we were too late for are gone
            self._video.grab()
            self._decoded += 1
        ok, image = self._video.read()
        self._decoded += 1
        if not ok or image is None:
            return False, None
        self.delivered[_digest(image)] = time.monotonic()
        return True, image


@dataclass
class Session:
    """What one real-time run of the camera source produced."""

    source: CameraSource
    camera: ClipCamera
    frames: list[PoseFrame] = field(default_factory=list)
    received_at: list[float] = field(default_factory=list)
    statuses: list[tuple[float, CameraStatus]] = field(default_factory=list)
    consumer_ended_s: float = float("nan")

    @property
    def latencies_ms(self) -> np.ndarray:
        origin = self.source.clock_origin_s
        return np.array(
            [
                (r - (origin + f.timestamp_s)) * 1000
                for f, r in zip(self.frames, self.received_at, strict=True)
            ]
        )

    def status_runs(self) -> list[CameraStatus]:
        runs: list[CameraStatus] = []
        for _t, status in self.statuses:
            if not runs or runs[-1] is not status:
                runs.append(status)
        return runs


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    if not CLIP.is_file():
        pytest.skip(f"needs the shared clip {CLIP} (../shared/data beside the project)")
    camera = ClipCamera(CLIP, unplugged=UNPLUGGED, frozen=FROZEN)
    source = CameraSource(0, model=resolve_model(), capture=camera)  # the game's defaults
    run = Session(source, camera)

    def consume() -> None:
        for frame in source.frames():
            run.received_at.append(time.monotonic())
            run.frames.append(frame)

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    start = time.monotonic()
    while time.monotonic() - start < SESSION_S + 0.5:
        run.statuses.append((time.monotonic() - start, source.status))
        time.sleep(0.01)
    closing = time.monotonic()
    source.close()
    consumer.join(2.0)
    run.consumer_ended_s = time.monotonic() - closing
    lat = run.latencies_ms
    print(
        f"\ncamera source, real model, real-time {CLIP.name}: {len(run.frames)} results, "
        f"{source.stats()}, grab->result latency median {np.median(lat):.0f} ms, "
        f"p95 {np.percentile(lat, 95):.0f} ms, max {lat.max():.0f} ms; "
        f"close() ended frames() in {run.consumer_ended_s * 1000:.0f} ms"
    )
    yield run


# --- the live session ------------------------------------------------------------------------


@needs_clip
def test_a_camera_gives_the_coach_the_silhouette_it_reads_the_tail_from(session: Session) -> None:
    """By default a camera's results carry the person mask, mirrored with the picture, and
    the coach measures the back's contour from it (the tail tuck and the glutes are read
    there); without the mask they would be "not measurable" on every camera."""
    people = [f for f in session.frames if f.has_person]
    assert people and all(f.mask is not None for f in people)
    for frame in people[:: max(1, len(people) // 10)]:
        assert frame.mask is not None and frame.image is not None
        assert frame.mask.shape == frame.image.shape[:2]
    backs = [measure(f).lumbar_bulge for f in people]
    assert np.isfinite(backs).mean() > 0.8, "the silhouette's back is measured side-on"


@needs_clip
def test_info_reports_what_the_camera_really_gives(session: Session) -> None:
    info = session.source.info
    assert info.live
    assert info.frame_size == (640, 360)
    assert info.description == "camera 0: 640x360 @ 29.97 fps (asked 1280x720 @ 30)"
    assert session.camera.asked[cv2.CAP_PROP_FRAME_WIDTH] == 1280
    assert session.camera.asked[cv2.CAP_PROP_FPS] == 30


@needs_clip
def test_results_arrive_in_timestamp_order_with_their_images(session: Session) -> None:
    frames = session.frames
    good_s = UNPLUGGED[0] + (FROZEN[0] - UNPLUGGED[1] - REOPEN_EVERY_S) + (SESSION_S - FROZEN[1])
    assert len(frames) >= 8 * good_s, "expected at least 8 results per second of good video"
    stamps = np.array([f.timestamp_s for f in frames])
    assert np.all(np.diff(stamps) > 0)
    assert sum(f.has_person for f in frames) >= 0.9 * len(frames)
    for frame in frames:
        assert frame.image is not None and frame.image.shape == (360, 640, 3)
        assert frame.frame_size == (640, 360)


@needs_clip
def test_each_image_is_the_mirrored_camera_image_taken_at_its_timestamp(session: Session) -> None:
    origin = session.source.clock_origin_s
    for frame in session.frames:
        assert frame.image is not None
        unmirrored_bgr = frame.image[:, ::-1, ::-1]
        grabbed_at = session.camera.delivered.get(_digest(unmirrored_bgr))
        assert grabbed_at is not None, "the image is not a mirrored camera image"
        # Stamped when read() returned: the same moment, give or take the thread switch.
        assert abs(origin + frame.timestamp_s - grabbed_at) < 0.02


@needs_clip
def test_landmarks_are_mirrored_with_the_image_keeping_anatomical_sides(session: Session) -> None:
    """The mirrored result against the model run afresh on the unmirrored picture."""
    with_person = [f for f in session.frames if f.has_person]
    picks = [with_person[i] for i in np.linspace(0, len(with_person) - 1, 5).astype(int)]
    # The same settings as the live estimator, so the results are comparable.
    estimator = PoseEstimator(resolve_model(), mask=False, num_poses=LIVE_NUM_POSES)
    try:
        for k, frame in enumerate(picks):
            assert frame.image is not None and frame.landmarks is not None
            assert frame.world_landmarks is not None and frame.mask is not None
            raw = estimator.estimate(np.ascontiguousarray(frame.image[:, ::-1]), k * 10.0)
            assert raw.landmarks is not None and raw.world_landmarks is not None
            body = list(BODY)
            # Image x mirrored, y untouched, the same landmark names on the same joints.
            np.testing.assert_allclose(
                frame.landmarks[body, 0], 1.0 - raw.landmarks[body, 0], atol=0.04
            )
            np.testing.assert_allclose(frame.landmarks[body, 1], raw.landmarks[body, 1], atol=0.04)
            # World landmarks are the same body's: within 8 cm on average (0-4 cm seen).
            # Joint by joint they differ by up to ~0.15 m, because the live result was
            # tracked from the frames before it and the check infers the picture alone;
            # that they are not mirrored is exact in the property test above (the
            # source never touches them) and, from a real frame, in the coach's view test.
            world = frame.world_landmarks[body]
            assert np.abs(world - raw.world_landmarks[body]).mean() < 0.08
            # The mask was flipped with the picture: the hips sit on the person.
            h, w = frame.mask.shape
            for hip in (Landmark.LEFT_HIP, Landmark.RIGHT_HIP):
                x, y = frame.landmarks[hip, :2]
                assert frame.mask[int(y * h), int(x * w)] > 0.5
    finally:
        estimator.close()


@needs_clip
def test_an_unplugged_camera_is_lost_then_recovers_and_a_frozen_one_stalls(
    session: Session,
) -> None:
    runs = session.status_runs()
    wanted = [CameraStatus.OK, CameraStatus.LOST, CameraStatus.OK, CameraStatus.STALLED]
    wanted.append(CameraStatus.OK)
    it = iter(runs)
    assert all(status in it for status in wanted), f"status went {runs}"
    assert session.camera.opens >= 1 and session.source.stats().reopens >= 1
    # It noticed each problem about when its threshold says, not instantly.
    first_lost = next(t for t, s in session.statuses if s is CameraStatus.LOST)
    first_stall = next(t for t, s in session.statuses if s is CameraStatus.STALLED)
    assert first_lost > LOST_AFTER_S * 0.9
    assert first_stall > STALL_AFTER_S
    # Results came again after each problem.
    origin = session.source.clock_origin_s
    first_read = session.camera.t0
    assert first_read is not None
    after = [origin + f.timestamp_s - first_read for f in session.frames]
    assert any(UNPLUGGED[1] < t < FROZEN[0] for t in after)
    assert any(t > FROZEN[1] for t in after)


@needs_clip
def test_close_ends_frames_and_releases_the_camera(session: Session) -> None:
    assert session.consumer_ended_s < 0.5
    assert session.source.closed
    assert session.camera.releases >= 1
    session.source.close()  # twice is fine


@needs_clip
def test_latency_from_grab_to_result_is_measured(session: Session) -> None:
    """Printed for the record (see the fixture); asserted only loosely: CI machines vary."""
    latencies = session.latencies_ms
    assert latencies.min() > 0
    assert np.median(latencies) < 1000


# --- opening ---------------------------------------------------------------------------------


def test_no_camera_at_an_index_is_unavailable_quickly() -> None:
    start = time.monotonic()
    with pytest.raises(SourceUnavailable, match="No camera found at index 97"):
        CameraSource(97, model=resolve_model())
    assert time.monotonic() - start < 2.0


@needs_clip
def test_a_capture_that_does_not_open_is_unavailable_and_released() -> None:
    camera = ClipCamera(CLIP, opened=False)
    with pytest.raises(SourceUnavailable, match="No camera found at index 3"):
        CameraSource(3, model=resolve_model(), capture=camera)
    assert camera.releases == 1


@needs_clip
def test_a_bad_model_is_reported_and_the_camera_released(tmp_path: Path) -> None:
    broken = tmp_path / "broken.task"
    broken.write_bytes(b"not a model")
    camera = ClipCamera(CLIP)
    with pytest.raises(ModelError):
        CameraSource(0, model=broken, capture=camera)
    assert camera.releases >= 1


@pytest.mark.parametrize(("kwargs", "problem"), [({"width": 0}, "0x720"), ({"fps": -1}, "@-1")])
def test_impossible_settings_are_refused(kwargs: dict[str, float], problem: str) -> None:
    from game.pose.source import SourceError

    with pytest.raises(SourceError, match=problem):
        CameraSource(0, model=resolve_model(), **kwargs)  # type: ignore[arg-type]


# --- the mirroring rule ----------------------------------------------------------------------


def _random_frame(landmarks: np.ndarray, image: np.ndarray) -> PoseFrame:
    world = np.linspace(-1, 1, NUM_LANDMARKS * 3, dtype=np.float32).reshape(NUM_LANDMARKS, 3)
    h, w = image.shape[:2]
    mask = np.linspace(0, 1, h * w, dtype=np.float32).reshape(h, w)
    return PoseFrame(1.5, landmarks, world, (w, h), mask=mask, image=image, extra_people=1)


@settings(max_examples=40, deadline=None)
@given(
    landmarks=arrays(np.float32, (NUM_LANDMARKS, 4), elements=st.floats(0, 1, width=32)),
    image=arrays(np.uint8, st.tuples(st.integers(1, 6), st.integers(1, 6), st.just(3))),
)
def test_mirroring_flips_positions_not_identities_and_undoes_itself(
    landmarks: np.ndarray, image: np.ndarray
) -> None:
    frame = _random_frame(landmarks, image)
    mirrored = mirror_frame(frame)
    assert mirrored.landmarks is not None and mirrored.image is not None
    assert mirrored.mask is not None and frame.mask is not None
    np.testing.assert_allclose(mirrored.landmarks[:, 0], 1.0 - landmarks[:, 0], atol=1e-6)
    np.testing.assert_array_equal(mirrored.landmarks[:, 1:], landmarks[:, 1:])
    np.testing.assert_array_equal(mirrored.world_landmarks, frame.world_landmarks)
    np.testing.assert_array_equal(mirrored.image, image[:, ::-1])
    np.testing.assert_array_equal(mirrored.mask, frame.mask[:, ::-1])
    assert (mirrored.timestamp_s, mirrored.extra_people) == (1.5, 1)
    back = mirror_frame(mirrored)
    assert back.landmarks is not None and back.image is not None
    np.testing.assert_allclose(back.landmarks, landmarks, atol=1e-6)
    np.testing.assert_array_equal(back.image, image)


def test_a_pixel_and_its_landmark_move_to_the_same_place() -> None:
    image = np.zeros((4, 10, 3), dtype=np.uint8)
    image[2, 1] = 255  # pixel column 1 covers x in [0.1, 0.2)
    landmarks = np.zeros((NUM_LANDMARKS, 4), dtype=np.float32)
    landmarks[Landmark.NOSE, :2] = (0.15, 0.625)  # the centre of that pixel
    mirrored = mirror_frame(_random_frame(landmarks, image))
    assert mirrored.image is not None and mirrored.landmarks is not None
    x, y = mirrored.landmarks[Landmark.NOSE, :2]
    assert mirrored.image[int(y * 4), int(x * 10)].tolist() == [255, 255, 255]


@pytest.mark.parametrize(
    ("spec", "view"),
    [("demo?view=front", View.FRONT), ("demo?view=side", View.SIDE)],
)
def test_the_coach_sees_the_same_view_in_a_mirrored_frame(spec: str, view: View) -> None:
    """Why world landmarks are not mirrored: flipping their x with the labels kept turns a
    player facing the camera into one seen from behind."""
    source = open_source(spec)
    try:
        frame = next(iter(source.frames()))
    finally:
        source.close()
    features, mirrored = measure(frame), measure(mirror_frame(frame))
    assert features is not None and mirrored is not None
    assert features.view is view and mirrored.view is view
    if view is View.FRONT:
        assert frame.world_landmarks is not None
        naive = frame.world_landmarks.copy()
        naive[:, 0] *= -1
        flipped = measure(PoseFrame(0.0, frame.landmarks, naive, frame.frame_size))
        assert flipped is not None and flipped.view is View.REAR


class HostileCamera(ClipCamera):
    """A camera that sends black frames for a while, then frames of another size."""

    def __init__(self, path: Path, black: tuple[float, float], small: tuple[float, float]):
        super().__init__(path)
        self.black, self.small = black, small

    def read(self) -> tuple[bool, np.ndarray | None]:
        ok, image = super().read()
        if not ok or image is None:
            return ok, image
        if self._inside(self._now(), self.black):
            return True, np.zeros_like(image)  # lens cap on, or a dead sensor
        if self._inside(self._now(), self.small):
            h, w = image.shape[:2]  # the driver switched mode mid-stream
            return True, cv2.resize(image, (w // 2, h // 2))
        return True, image


@needs_clip
def test_black_frames_and_a_size_change_mid_stream_are_survived() -> None:
    black, small = (0.8, 1.8), (1.8, 2.8)
    camera = HostileCamera(CLIP, black=black, small=small)
    source = CameraSource(0, model=resolve_model(), mask=True, capture=camera)
    frames: list[PoseFrame] = []

    def consume() -> None:
        frames.extend(source.frames())

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    time.sleep(3.6)
    status = source.status
    source.close()
    consumer.join(2.0)

    def during(window: tuple[float, float]) -> list[PoseFrame]:
        # Frame timestamps count from the source's clock, which starts a moment before the
        # camera's: keep a margin inside each window.
        return [f for f in frames if window[0] + 0.25 <= f.timestamp_s <= window[1] - 0.1]

    assert status is CameraStatus.OK  # a camera sending frames is working, whatever they show
    assert during(black) and not any(f.has_person for f in during(black))
    resized = during(small)
    assert resized and all(
        f.frame_size == (camera.size[0] // 2, camera.size[1] // 2) for f in resized
    )
    assert sum(f.has_person for f in resized) >= len(resized) // 2
    after = [f for f in frames if f.timestamp_s > small[1] + 0.3]
    assert after and after[-1].frame_size == camera.size and after[-1].has_person


@pytest.mark.skipif(not CLIP.is_file(), reason=f"needs the shared clip {CLIP}")
def test_a_camera_pushes_into_the_games_feed_and_wakes_the_loop_at_once() -> None:
    """The game's live feed takes poses from the camera's result thread: no thread of
    its own in between, one hand-off less between a pose and the screen."""
    from game.ui.feed import PoseFeed  # the UI's side of it

    source = CameraSource(0, model=resolve_model(), capture=ClipCamera(CLIP))
    arrived = threading.Event()
    feed = PoseFeed(source, on_arrival=arrived)
    try:
        assert feed._thread is None  # pushed, not read by a thread of the feed's own
        assert arrived.wait(5.0), "no pose arrived within 5 s"
        frames = []
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            frames += feed.poll(0.0)
            time.sleep(0.05)
        assert len(frames) >= 10  # ~30 a second from a 30 fps clip
        stamps = [f.timestamp_s for f in frames]
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
        assert all(f.image is not None for f in frames)  # each pose with its own picture
        assert feed.latest is frames[-1] and feed.error is None
    finally:
        feed.close()
    count = len(feed.poll(0.0))
    time.sleep(0.2)
    assert len(feed.poll(0.0)) <= count  # closed: nothing more is pushed


def _pictures(source: CameraSource, count: int, shape: tuple[int, ...]) -> list[PoseFrame]:
    """The next ``count`` frames whose picture has ``shape`` (results in flight when the
    size changed may still carry the other one)."""
    found: list[PoseFrame] = []
    deadline = time.monotonic() + 10.0
    for frame in source.frames():
        if frame.image is not None and frame.image.shape == shape:
            found.append(frame)
        if len(found) >= count or time.monotonic() > deadline:
            break
    return found


def test_pictures_come_scaled_to_the_size_they_are_drawn_at_and_mirrored() -> None:
    """Told where the game draws them, the camera's capture thread scales (and mirrors)
    the pictures while the model works; the frames keep the camera's size and the
    mirror can still be turned off mid-stream."""
    rng = np.random.default_rng(11)  # no two columns alike: a missed flip shows
    bgr = rng.integers(0, 256, (360, 640, 3), dtype=np.uint8)
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    source = CameraSource(0, model=resolve_model(), capture=StillCamera(bgr))
    try:
        source.display_size = (900, 506)
        scaled = scale_picture(rgb, (900, 506))
        frames = _pictures(source, 5, (506, 900, 3))
        assert len(frames) == 5
        for frame in frames:
            assert frame.frame_size == (640, 360)
            np.testing.assert_array_equal(frame.image, cv2.flip(scaled, 1))
        source.mirror = False
        stamp = frames[-1].timestamp_s + 0.2  # what was in flight has arrived by then
        later = [f for f in _pictures(source, 12, (506, 900, 3)) if f.timestamp_s > stamp]
        assert later
        for frame in later:
            np.testing.assert_array_equal(frame.image, scaled)
        # A result whose picture was mirrored before the mirror went off (in flight while
        # the player switched it): the picture is turned back, the landmarks left alone.
        ready = cv2.flip(scaled, 1)
        stamp = later[-1].timestamp_s + 100.0  # a stamp no real result has
        with source._lock:
            source._ready_pictures[stamp] = ready
        handed = source._handed_on(PoseFrame.empty(stamp, (640, 360), image=ready))
        np.testing.assert_array_equal(handed.image, scaled)
        for wrong in [(0, 506), (900,), "big", (-1, 2)]:
            with pytest.raises(SourceError, match="display size"):
                source.display_size = wrong  # type: ignore[assignment]
        assert source.display_size == (900, 506)
        source.display_size = None
        source.mirror = True
        frames = _pictures(source, 3, (360, 640, 3))
        assert len(frames) == 3
        np.testing.assert_array_equal(frames[-1].image, cv2.flip(rgb, 1))
    finally:
        source.close()
