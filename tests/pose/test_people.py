"""A second person in view is noticed, though the player's own landmarker looks for one.

Real model, real pictures: two people are the middle halves of two real clips' frames
side by side (a 640x360 picture, a person on each half), one person is one of those
halves beside a blank grey one. (Two whole frames side by side make a 1280x360 strip in
which the person detector, working on a square, sees both people too small.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from fake_camera import StillCamera

from game.pose.camera import CameraSource
from game.pose.model import resolve_model
from game.pose.people import PeopleWatch
from game.pose.video import decode_video, probe_video

VIDEOS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "videos"
SIDE = VIDEOS / "side_tommy_3reps_pickup.mp4"
FRONT = VIDEOS / "front_coach_counter_13reps.mp4"
pytestmark = pytest.mark.skipif(
    not (SIDE.is_file() and FRONT.is_file()),
    reason=f"needs the shared clips in {VIDEOS} (../shared/data beside the project)",
)


def _frame(clip: Path, index: int) -> np.ndarray:
    probe = probe_video(clip)
    return next(decode_video(clip, probe.fps, start=index, stop=index + 1)).rgb


@pytest.fixture(scope="module")
def pictures() -> dict[str, np.ndarray]:
    """RGB pictures 640x360: "two" people, "one" person (the other half blank grey)."""
    side, front = _frame(SIDE, 10)[:, 160:480], _frame(FRONT, 30)[:, 160:480]
    return {
        "two": np.ascontiguousarray(np.hstack([side, front])),
        "one": np.ascontiguousarray(np.hstack([side, np.full_like(front, 128)])),
    }


def _wait_for_checks(watch: PeopleWatch, count: int, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while watch.checks < count:
        assert time.monotonic() < deadline, "the people watch did not check in time"
        time.sleep(0.01)


def test_the_watch_counts_a_second_person_in_and_out(pictures: dict[str, np.ndarray]) -> None:
    watch = PeopleWatch(resolve_model(), interval_s=0.0)
    try:
        seen = []
        for step, name in enumerate(["one", "two", "one"]):
            watch.offer(pictures[name])
            _wait_for_checks(watch, step + 1)
            seen.append(watch.extra_people)
        assert seen == [0, 1, 0]
    finally:
        watch.close()


def _camera_frames(rgb: np.ndarray, seconds: float) -> Iterator:
    source = CameraSource(
        0, model=resolve_model(), capture=StillCamera(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    )
    try:
        start = time.monotonic()
        for frame in source.frames():
            yield frame
            if time.monotonic() - start > seconds:
                break
    finally:
        source.close()


@pytest.mark.parametrize(("name", "extra"), [("two", 1), ("one", 0)])
def test_a_camera_hands_on_the_other_people_in_view(
    pictures: dict[str, np.ndarray], name: str, extra: int
) -> None:
    """Within a second or two every frame says whether someone else is in view, which is
    what pauses counting (the coach skips frames with ``extra_people``)."""
    frames = [f for f in _camera_frames(pictures[name], 3.0) if f.has_person]
    assert frames, "the model found the player"
    assert frames[-1].extra_people == extra
    assert max(f.extra_people for f in frames) == extra
