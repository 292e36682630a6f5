"""The camera's inference quality, end to end with the real model and a pretend HD camera.

:class:`HDCamera` has ``cv2.VideoCapture``'s interface and plays the first seconds of a
real clip, scaled up to 1280x720, at a steady rate (looping), remembering the index of
every image it hands out. So what MediaPipe worked on can be told from each result (its
mask comes at the size inferred) and which camera image a result belongs to from its
picture; nothing of MediaPipe is mocked.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
from fake_camera import PacedCamera

from game.pose.camera import CameraSource, CameraStats
from game.pose.estimator import LIVE_NUM_POSES, PoseEstimator
from game.pose.frame import PoseFrame
from game.pose.landmarks import Landmark
from game.pose.model import resolve_model
from game.pose.quality import QualityMode
from game.pose.source import SourceError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CLIP = DATA / "videos" / "side_tommy_3reps_pickup.mp4"
pytestmark = pytest.mark.skipif(
    not CLIP.is_file(), reason=f"needs the shared clip {CLIP} (../shared/data beside the project)"
)
HD = (1280, 720)
SMALL = (640, 360)  # the 640 px copy of an HD picture
BODY = (Landmark.LEFT_HIP, Landmark.RIGHT_HIP, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE)


def _digest(image: np.ndarray) -> bytes:
    return hashlib.sha1(np.ascontiguousarray(image).tobytes()).digest()


def _clip_frames(count: int) -> list[np.ndarray]:
    video = cv2.VideoCapture(str(CLIP))
    frames: list[np.ndarray] = []
    while len(frames) < count:
        ok, image = video.read()
        if not ok:
            break
        frames.append(cv2.resize(image, HD, interpolation=cv2.INTER_CUBIC))
    video.release()
    return frames


class HDCamera(PacedCamera):
    """A 1280x720 webcam stand-in at ``fps``; image ``i`` is the ``i``-th one read.

    Each image is made unique (its first pixel holds the read count) so a result's
    picture names the read it came from even when the clip loops.
    """

    def __init__(self, frames: list[np.ndarray], fps: float) -> None:
        super().__init__(fps)
        self.frames = frames
        self.index_of: dict[bytes, int] = {}

    def get(self, prop_id: int) -> float:
        return {
            cv2.CAP_PROP_FRAME_WIDTH: float(HD[0]),
            cv2.CAP_PROP_FRAME_HEIGHT: float(HD[1]),
            cv2.CAP_PROP_FPS: self.fps,
        }.get(prop_id, 0.0)

    def image(self) -> np.ndarray:
        image = self.frames[self.reads % len(self.frames)].copy()
        image[0, 0] = (self.reads % 256, (self.reads // 256) % 256, 7)
        self.index_of[_digest(image)] = self.reads
        return image


def _run(source: CameraSource, seconds: float, frames: list[PoseFrame]) -> threading.Thread:
    def consume() -> None:
        frames.extend(source.frames())

    reader = threading.Thread(target=consume, daemon=True)
    reader.start()
    time.sleep(seconds)
    return reader


@pytest.fixture(scope="module")
def clip() -> list[np.ndarray]:
    return _clip_frames(60)


@dataclass
class Switched:
    """One real-time session: 2 s at "full", then switched live to "fast" for 2.5 s."""

    source: CameraSource
    camera: HDCamera
    frames: list[PoseFrame]
    switch_s: float  # on the source's clock
    at_switch: CameraStats
    at_end: CameraStats

    def before(self) -> list[PoseFrame]:
        """Results of frames grabbed well before the switch (a frame grabbed just before
        it may be handed over just after it, at the new quality)."""
        return [f for f in self.frames if f.timestamp_s < self.switch_s - 0.2]

    def after(self) -> list[PoseFrame]:
        """Results of frames grabbed well after the switch (none in flight from before)."""
        return [f for f in self.frames if f.timestamp_s > self.switch_s + 0.2]


@pytest.fixture(scope="module")
def switched(clip: list[np.ndarray]) -> Iterator[Switched]:
    camera = HDCamera(clip, 30.0)
    source = CameraSource(
        0, model=resolve_model(), mask=True, mirror=False, quality="full", capture=camera
    )
    frames: list[PoseFrame] = []
    reader = _run(source, 2.0, frames)
    at_switch = source.stats()
    switch_s = time.monotonic() - source.clock_origin_s
    source.quality = "fast"
    time.sleep(2.5)
    at_end = source.stats()
    source.close()
    reader.join(2.0)
    print(f"\nfull then fast: at the switch {at_switch}; at the end {at_end}")
    yield Switched(source, camera, frames, switch_s, at_switch, at_end)


def _read_index(camera: HDCamera, frame: PoseFrame) -> int:
    """Which camera read ``frame``'s picture is (the picture is RGB, the camera's BGR)."""
    assert frame.image is not None
    return camera.index_of[_digest(frame.image[:, :, ::-1])]


def test_full_quality_infers_every_frame_at_full_size(switched: Switched) -> None:
    before, stats = switched.before(), switched.at_switch
    assert len(before) >= 10
    assert stats.inference_size == HD
    assert stats.quality == "full: 1280 px, every frame"
    assert stats.grabbed - stats.submitted <= 1  # one may be between the two counts
    with_mask = [f for f in before if f.mask is not None]
    assert with_mask and all(f.mask.shape == (HD[1], HD[0]) for f in with_mask)


def test_fast_quality_gives_mediapipe_a_small_copy_of_every_2nd_frame(switched: Switched) -> None:
    after, start, end = switched.after(), switched.at_switch, switched.at_end
    assert len(after) >= 10
    assert switched.source.quality is QualityMode.FAST
    assert end.quality == "fast: 640 px, every 2nd frame"
    assert end.inference_size == SMALL
    # MediaPipe worked on the 640 px copy: its mask comes at that size...
    with_mask = [f for f in after if f.mask is not None]
    assert len(with_mask) >= 0.8 * len(after)
    assert all(f.mask.shape == (SMALL[1], SMALL[0]) for f in with_mask)
    # ...and got only every 2nd camera image: half the reads since the switch were
    # submitted, and the results' pictures are reads an even number apart.
    grabbed, submitted = end.grabbed - start.grabbed, end.submitted - start.submitted
    assert abs(submitted - grabbed / 2) <= 2, (submitted, grabbed)
    reads = [_read_index(switched.camera, f) for f in after]
    assert all((b - a) % 2 == 0 for a, b in itertools.pairwise(reads)), reads


def test_the_game_still_gets_the_full_picture_with_landmarks_that_fit_it(
    switched: Switched,
) -> None:
    after = switched.after()
    for frame in after:
        assert frame.frame_size == HD
        assert frame.image is not None and frame.image.shape == (HD[1], HD[0], 3)
        _read_index(switched.camera, frame)  # the camera's own picture, untouched
    assert switched.source.info.frame_size == HD
    # Landmarks found on the 640 px copy sit where the model puts them on the full picture.
    people = [f for f in after if f.has_person]
    assert len(people) >= 0.8 * len(after)
    estimator = PoseEstimator(resolve_model(), mask=False, num_poses=LIVE_NUM_POSES)
    try:
        for k, frame in enumerate(people[:: max(1, len(people) // 4)][:4]):
            assert frame.image is not None and frame.landmarks is not None
            rgb = np.ascontiguousarray(frame.image)
            full = estimator.estimate(rgb, k * 10.0)
            assert full.landmarks is not None
            body = list(BODY)
            np.testing.assert_allclose(
                frame.landmarks[body, :2], full.landmarks[body, :2], atol=0.04
            )
    finally:
        estimator.close()


def test_auto_steps_down_when_the_camera_outruns_the_model(clip: list[np.ndarray]) -> None:
    """A 200 fps camera: no machine infers a pose in 5 ms, so Auto must lighten the load."""
    camera = HDCamera(clip, 200.0)
    source = CameraSource(0, model=resolve_model(), mirror=False, capture=camera)
    frames: list[PoseFrame] = []
    reader = _run(source, 0.0, frames)
    levels = []
    deadline = time.monotonic() + 8.0
    while time.monotonic() < deadline and source.quality_state.level < 2:
        levels.append(source.quality_state.level)
        time.sleep(0.05)
    state, stats = source.quality_state, source.stats()
    source.close()
    reader.join(2.0)
    print(f"\nauto at 200 fps: {stats}")
    assert state.mode is QualityMode.AUTO
    assert (state.level, state.description) == (2, "640 px, every 2nd frame")
    assert levels[0] == 0 and 1 in levels, "one level at a time"
    assert stats.quality == "auto: 640 px, every 2nd frame"
    assert frames and all(f.frame_size == HD for f in frames)


def test_an_unknown_quality_is_refused() -> None:
    with pytest.raises(SourceError, match="turbo"):
        CameraSource(0, model=resolve_model(), quality="turbo")
