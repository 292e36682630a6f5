"""Parallel inference in interleaved lanes: the plan, and real lanes against one stream on
a real clip.

The model and clips are real (../shared/data); the clip is short so the whole file stays
within a few seconds of inference each way.
"""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.coach.analysis import analyze_frames
from game.pose.model import shipped_model
from game.pose.parallel import (
    MIN_LANE_FPS,
    MIN_SPLIT_S,
    Lane,
    _RemoteLane,
    default_jobs,
    plan_lanes,
)
from game.pose.source import SourceUnavailable
from game.pose.video import VideoSource, decode_video

VIDEOS = Path(__file__).resolve().parents[2].parent / "shared/data/videos"
#: 8.5 s, 255 frames, 3 reps: long enough for two lanes, short enough to infer twice.
CLIP = VIDEOS / "side_frontsquat_barbell_3reps.mp4"
needs_clip = pytest.mark.skipif(not CLIP.exists(), reason=f"no clip at {CLIP}")


# --- the plan ---------------------------------------------------------------------------


def test_a_30_fps_clip_is_dealt_to_two_lanes():
    assert plan_lanes(459, 29.97, 2) == [Lane(0, 2), Lane(1, 2)]
    # More cores do not make more lanes than keep MIN_LANE_FPS...
    assert plan_lanes(459, 29.97, 8) == [Lane(0, 2), Lane(1, 2)]
    # ...but a 60 fps video can feed four.
    assert plan_lanes(1000, 60.0, 8) == [Lane(k, 4) for k in range(4)]


@pytest.mark.parametrize(
    ("frame_count", "fps", "jobs"),
    [(459, 30.0, 1), (0, 30.0, 4), (round(MIN_SPLIT_S * 30) - 1, 30.0, 2), (459, 20.0, 2)],
)
def test_one_stream_when_splitting_cannot_pay(frame_count, fps, jobs):
    assert plan_lanes(frame_count, fps, jobs) == [Lane(0, 1)]


@given(
    frame_count=st.integers(0, 200_000),
    fps=st.floats(0.0, 240.0),
    jobs=st.integers(1, 64),
)
def test_lanes_deal_every_frame_to_exactly_one_lane(frame_count, fps, jobs):
    lanes = plan_lanes(frame_count, fps, jobs)
    assert 1 <= len(lanes) <= jobs
    assert all(lane.step == len(lanes) for lane in lanes)
    assert [lane.offset for lane in lanes] == list(range(len(lanes)))  # each index once
    if len(lanes) > 1:
        assert fps / len(lanes) >= MIN_LANE_FPS
        assert frame_count >= MIN_SPLIT_S * fps


def test_default_jobs_is_the_usable_cores_capped():
    assert 1 <= default_jobs() <= 8


# --- real lanes against one stream --------------------------------------------------------


@needs_clip
def test_a_lane_decodes_exactly_its_own_frames():
    """A lane that got a frame off would shift every pose; a chunk must still seek right."""
    fps = 30.0
    whole = [f.rgb for f in decode_video(CLIP, fps)]
    for start, stop, step in ((0, None, 2), (1, None, 2), (1, 4, 1), (97, 100, 1), (5, 40, 3)):
        part = list(decode_video(CLIP, fps, start=start, stop=stop, step=step))
        expected = list(range(start, stop or len(whole), step))
        assert [f.index for f in part] == expected
        assert [f.timestamp_s for f in part] == [i / fps for i in expected]
        for frame in part:
            assert np.array_equal(frame.rgb, whole[frame.index])


@needs_clip
def test_two_lanes_give_the_frames_and_reps_of_one_stream():
    model = shipped_model()
    one = VideoSource(CLIP, model=model, jobs=1)
    single = list(one.frames())
    one.close()
    two = VideoSource(CLIP, model=model, jobs=2)
    joined = list(two.frames())
    two.close()

    assert len(joined) == len(single) == two.frame_count
    assert [f.timestamp_s for f in joined] == [f.timestamp_s for f in single]
    # Each lane tracks at 15 frames/s, so the landmarks are close to one stream's, not
    # equal: a frame's landmarks sit a median 1.3 % of the picture's height from one
    # stream's on this clip (8 px of 640; the barbell hides the arms).
    width, height = two.info.frame_size
    both = [(a, b) for a, b in zip(single, joined, strict=True) if a.has_person and b.has_person]
    assert len(both) >= 0.95 * sum(a.has_person for a in single)
    offsets = []
    for a, b in both:
        assert b.mask is not None and b.mask.shape == (height, width)
        apart = (a.landmarks[:, :2] - b.landmarks[:, :2]) * (width, height)
        offsets.append(np.median(np.hypot(*apart.T)))
    assert np.median(offsets) < 0.02 * height
    assert all(f.image is None for f in joined)

    fps = two.info.fps
    by_one = analyze_frames(single, source=CLIP.name, fps=fps)
    by_two = analyze_frames(joined, source=CLIP.name, fps=fps)
    assert by_one["rep_count"] == by_two["rep_count"] == 3
    for a, b in zip(by_one["reps"], by_two["reps"], strict=True):
        # Rounded to 1 ms. Tracking at 15 frames/s moves a bottom by up to 3 frames here;
        # over all 18 clips, by at most 4 (0.13 s) outside a held bottom.
        assert abs(a["bottom_s"] - b["bottom_s"]) <= 4.0 / fps + 0.0011


@needs_clip
def test_a_damaged_tail_ends_both_ways_at_the_same_frame(tmp_path):
    """A file cut short (its index still promises every frame) ends where the data ends,
    in lanes as in one stream."""
    cut = tmp_path / "cut.mp4"
    data = CLIP.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.4)])
    model = shipped_model()
    counts = []
    for jobs in (1, 2):
        source = VideoSource(cut, model=model, mask=False, jobs=jobs)
        assert source.frame_count == 255  # from the index, which was not cut
        counts.append(len(list(source.frames())))
        source.close()
    assert 0 < counts[0] < 255 / 2
    assert counts[1] == counts[0]


@needs_clip
def test_stopping_early_ends_the_worker_processes():
    source = VideoSource(CLIP, model=shipped_model(), mask=False, jobs=2)
    frames = source.frames()
    next(frames)
    workers = [child for child in multiprocessing.active_children() if "pose-lane" in child.name]
    assert workers
    source.close()
    assert not any(worker.is_alive() for worker in workers)
    assert not [t for t in threading.enumerate() if t.name.startswith("video-")]


# --- worker errors ----------------------------------------------------------------------------


def _remote(path: Path, tmp_path: Path) -> _RemoteLane:
    context = multiprocessing.get_context("spawn")
    remote = _RemoteLane(context, path, shipped_model(), False, False, False)
    remote.assign(30.0, Lane(1, 2))
    return remote


def test_a_worker_that_cannot_open_the_video_raises_the_one_stream_error(tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64)
    with pytest.raises(SourceUnavailable) as one_stream:
        VideoSource(broken, model=shipped_model())
    remote = _remote(broken, tmp_path)
    try:
        with pytest.raises(SourceUnavailable) as from_worker:
            list(remote.frames(threading.Event()))
    finally:
        remote.stop()
        remote.release()
    assert str(from_worker.value) == str(one_stream.value)
    assert "OpenCV cannot open this file as a video" in str(from_worker.value)


@needs_clip
def test_a_worker_that_dies_is_an_error_not_a_short_video(tmp_path):
    clip = tmp_path / CLIP.name
    shutil.copy(CLIP, clip)
    remote = _remote(clip, tmp_path)
    try:
        remote.process.kill()
        with pytest.raises(SourceUnavailable, match="stopped without finishing"):
            list(remote.frames(threading.Event()))
    finally:
        remote.stop()
        remote.release()
