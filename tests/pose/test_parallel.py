"""Parallel chunked inference: the plan, and real chunks against one stream on a real clip.

The model and clips are real (../shared/data); the clip is short so the whole file stays
within a few seconds of inference each way.
"""

from __future__ import annotations

import itertools
import math
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
    MIN_CHUNK_S,
    WARMUP_S,
    Chunk,
    _RemoteChunk,
    default_jobs,
    plan_chunks,
)
from game.pose.source import SourceUnavailable
from game.pose.video import VideoSource, decode_video

VIDEOS = Path(__file__).resolve().parents[2].parent / "shared/data/videos"
#: 8.5 s, 255 frames, 3 reps: long enough for two chunks, short enough to infer twice;
#: its seam lands 0.3 s after a rep bottom (a half-second warm-up moved that bottom by 3
#: frames; the chosen one moves it by at most one).
CLIP = VIDEOS / "side_frontsquat_barbell_3reps.mp4"
needs_clip = pytest.mark.skipif(not CLIP.exists(), reason=f"no clip at {CLIP}")


# --- the plan ---------------------------------------------------------------------------


def test_a_clip_splits_in_two_with_a_one_second_warm_up():
    first, second = plan_chunks(459, 29.97, 2)
    assert first == Chunk(0, 0, 0, 244)
    assert second == Chunk(1, 214, 244, None)
    # Both infer about the same number of frames: 244 against 459 - 214 = 245.
    assert second.warmup == round(WARMUP_S * 29.97) == 30


@pytest.mark.parametrize(
    ("frame_count", "jobs"),
    [(459, 1), (0, 4), (62, 2), (round(2 * MIN_CHUNK_S * 30) - 1, 2)],
)
def test_one_stream_when_splitting_cannot_pay(frame_count, jobs):
    assert plan_chunks(frame_count, 30.0, jobs) == [Chunk(0, 0, 0, None)]


@given(
    frame_count=st.integers(0, 200_000),
    fps=st.floats(1.0, 240.0),
    jobs=st.integers(1, 64),
    warmup_s=st.floats(0.0, 3.0),
    min_chunk_s=st.floats(0.1, 30.0),
)
def test_chunks_cover_every_frame_once_with_balanced_work(
    frame_count, fps, jobs, warmup_s, min_chunk_s
):
    chunks = plan_chunks(frame_count, fps, jobs, warmup_s=warmup_s, min_chunk_s=min_chunk_s)
    assert 1 <= len(chunks) <= jobs
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert chunks[0].start == chunks[0].warmup_start == 0
    assert chunks[-1].stop is None
    for before, after in itertools.pairwise(chunks):
        assert before.stop == after.start  # contiguous: nothing skipped, nothing twice
    if len(chunks) == 1:
        return
    warm = round(warmup_s * fps)
    min_frames = math.ceil(min_chunk_s * fps)
    stops = [c.stop for c in chunks[:-1]] + [frame_count]
    kept = [stop - c.start for c, stop in zip(chunks, stops, strict=True)]
    work = [stop - c.warmup_start for c, stop in zip(chunks, stops, strict=True)]
    assert all(c.warmup == min(warm, c.start) for c in chunks[1:])
    assert min(kept) >= min_frames - 1  # rounding the bounds moves them by at most one
    assert max(work) - min(work) <= 2


def test_default_jobs_is_the_usable_cores_capped():
    assert 1 <= default_jobs() <= 8


# --- real chunks against one stream -------------------------------------------------------


@needs_clip
def test_a_chunk_decodes_from_exactly_its_first_frame():
    """Workers seek to their chunk; a seek that lands a frame off would shift every pose."""
    fps = 30.0
    whole = [f.rgb for f in decode_video(CLIP, fps)]
    for start, stop in ((1, 4), (97, 100), (len(whole) - 3, None)):
        chunk = list(decode_video(CLIP, fps, start=start, stop=stop))
        assert [f.index for f in chunk] == list(range(start, stop or len(whole)))
        assert [f.timestamp_s for f in chunk] == [i / fps for i in range(start, stop or len(whole))]
        for frame in chunk:
            assert np.array_equal(frame.rgb, whole[frame.index])


@needs_clip
def test_two_chunks_give_the_frames_and_reps_of_one_stream():
    model = shipped_model()
    one = VideoSource(CLIP, model=model, jobs=1)
    single = list(one.frames())
    one.close()
    two = VideoSource(CLIP, model=model, jobs=2)
    joined = list(two.frames())
    two.close()
    first, second = plan_chunks(two.frame_count, two.info.fps, 2)

    assert len(joined) == len(single) == two.frame_count
    assert [f.timestamp_s for f in joined] == [f.timestamp_s for f in single]
    # The first chunk is the same pipeline over the same frames: identical, bit for bit.
    for a, b in zip(single[: first.stop], joined[: first.stop], strict=True):
        assert np.array_equal(a.landmarks, b.landmarks)
        assert np.array_equal(a.world_landmarks, b.world_landmarks)
        assert np.array_equal(a.mask, b.mask)
    # The second came from a worker: the same kind of frame, masks included.
    width, height = two.info.frame_size
    for frame in joined[second.start :]:
        assert frame.mask is not None and frame.mask.shape == (height, width)
        assert frame.has_person and frame.extra_people == 0
    assert all(f.image is None for f in joined)

    fps = two.info.fps
    by_one = analyze_frames(single, source=CLIP.name, fps=fps)
    by_two = analyze_frames(joined, source=CLIP.name, fps=fps)
    assert by_one["rep_count"] == by_two["rep_count"] == 3
    for a, b in zip(by_one["reps"], by_two["reps"], strict=True):
        assert abs(a["bottom_s"] - b["bottom_s"]) <= 1.0 / fps + 0.0011  # rounded to 1 ms


@needs_clip
def test_a_damaged_tail_ends_both_ways_at_the_same_frame(tmp_path):
    """A file cut short (its index still promises every frame) ends where the data ends,
    in chunks as in one stream; the second chunk's frames past the gap are not used."""
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
    workers = [child for child in multiprocessing.active_children() if "pose-chunk" in child.name]
    assert workers
    source.close()
    assert not any(worker.is_alive() for worker in workers)
    assert not [t for t in threading.enumerate() if t.name.startswith("video-")]


# --- worker errors ----------------------------------------------------------------------------


def _remote(path: Path, tmp_path: Path) -> _RemoteChunk:
    context = multiprocessing.get_context("spawn")
    chunk = Chunk(1, 10, 20, 40)
    return _RemoteChunk(context, path, 30.0, chunk, shipped_model(), False, False, False)


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
