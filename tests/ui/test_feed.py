"""PoseFeed: recorded sources paced by the play clock, live sources never blocking."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.pose.frame import PoseFrame
from game.pose.source import SourceInfo
from game.ui.feed import PoseFeed


class ListSource:
    """A recorded source: frames at the given timestamps; counts how far it was read."""

    def __init__(self, times: list[float], live: bool = False, fail_at: int | None = None):
        self.info = SourceInfo("list", 30.0, (64, 48), live)
        self.times = times
        self.fail_at = fail_at
        self.read = 0
        self.closed = 0

    def frames(self) -> Iterator[PoseFrame]:
        for i, t in enumerate(self.times):
            if i == self.fail_at:
                raise OSError("disk on fire")
            self.read += 1
            yield PoseFrame.empty(t, (64, 48))

    def close(self) -> None:
        self.closed += 1


class SlowCamera:
    """A live source whose frames take ``delay_s`` each: a slow or stuck camera."""

    def __init__(self, delay_s: float, count: int = 1000) -> None:
        self.info = SourceInfo("cam", 30.0, (64, 48), True)
        self.delay_s, self.count = delay_s, count
        self.closed = threading.Event()

    def frames(self) -> Iterator[PoseFrame]:
        start = time.monotonic()
        for _ in range(self.count):
            time.sleep(self.delay_s)
            yield PoseFrame.empty(time.monotonic() - start, (64, 48))

    def close(self) -> None:
        self.closed.set()


def stamps(frames: list[PoseFrame]) -> list[float]:
    return [f.timestamp_s for f in frames]


def test_paced_poll_returns_every_frame_up_to_now_once() -> None:
    source = ListSource([i / 10 for i in range(10)])
    feed = PoseFeed(source)
    assert stamps(feed.poll(0.25)) == [0.0, 0.1, 0.2]
    assert feed.poll(0.25) == []  # none twice
    assert stamps(feed.poll(0.3)) == [0.3]  # a frame exactly at "now" is due
    assert feed.latest is not None and feed.latest.timestamp_s == 0.3
    assert source.read <= 5  # read lazily: at most one frame ahead of the clock
    assert not feed.ended


def test_paced_poll_after_a_stall_catches_up_with_every_frame() -> None:
    feed = PoseFeed(ListSource([i / 30 for i in range(90)]))
    assert len(feed.poll(10.0)) == 90  # the coach needs them all, in order
    assert feed.ended


def test_end_of_a_finite_source_is_detected_only_after_its_last_frame() -> None:
    feed = PoseFeed(ListSource([0.0, 0.5]))
    feed.poll(0.1)
    assert not feed.ended
    feed.poll(0.6)
    assert feed.ended
    assert feed.poll(99.0) == []


def test_a_source_that_breaks_is_reported_not_raised() -> None:
    feed = PoseFeed(ListSource([0.0, 0.1, 0.2], fail_at=2))
    assert len(feed.poll(1.0)) == 2
    assert feed.ended and isinstance(feed.error, OSError)


def test_close_closes_the_source_once() -> None:
    source = ListSource([0.0])
    feed = PoseFeed(source)
    feed.close()
    feed.close()
    assert source.closed == 1
    assert feed.poll(1.0) == []


@given(
    st.lists(st.floats(0, 5, allow_nan=False), max_size=40).map(sorted),
    st.lists(st.floats(0, 6, allow_nan=False), max_size=20),
)
def test_paced_poll_never_returns_future_or_repeated_frames(
    times: list[float], polls: list[float]
) -> None:
    feed = PoseFeed(ListSource(times))
    seen: list[PoseFrame] = []
    clock = 0.0
    for step in polls:
        clock = max(clock, step)  # the play clock never runs backwards
        got = feed.poll(clock)
        assert all(f.timestamp_s <= clock for f in got)
        seen += got
    assert len({id(f) for f in seen}) == len(seen)
    assert stamps(seen) == times[: len(seen)]  # in order, none skipped
    assert stamps(seen + feed.poll(10.0)) == times


def test_a_slow_live_source_never_blocks_poll() -> None:
    camera = SlowCamera(delay_s=0.05)
    feed = PoseFeed(camera)
    try:
        start = time.perf_counter()
        for _ in range(20):
            feed.poll(0.0)
        assert time.perf_counter() - start < 0.02  # 20 polls, no waiting on the camera
        deadline = time.monotonic() + 2.0
        got: list[PoseFrame] = []
        while not got and time.monotonic() < deadline:
            got = feed.poll(0.0)
            time.sleep(0.01)
        assert got, "frames from the live thread arrive"
        assert feed.latest is got[-1]
    finally:
        feed.close()
    assert camera.closed.wait(1.0)


def test_a_live_buffer_keeps_the_newest_frames_when_nobody_polls() -> None:
    camera = SlowCamera(delay_s=0.0, count=50)
    feed = PoseFeed(camera, buffer_frames=4)
    try:
        deadline = time.monotonic() + 2.0
        while feed.dropped < 46 and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.02)  # let the reader notice the end of the source
        got = feed.poll(0.0)
        assert len(got) == 4 and feed.dropped == 46
        assert stamps(got) == sorted(stamps(got))
        assert feed.ended
    finally:
        feed.close()


def test_closing_a_stuck_live_source_returns_promptly() -> None:
    camera = SlowCamera(delay_s=0.3)
    feed = PoseFeed(camera)
    start = time.perf_counter()
    feed.close()
    assert time.perf_counter() - start < 0.8
    # The reader closes the camera itself once its current read returns.
    assert camera.closed.wait(1.0)


@pytest.mark.parametrize("live", [False, True])
def test_feed_reports_liveness_from_the_source(live: bool) -> None:
    feed = PoseFeed(ListSource([0.0], live=live))
    try:
        assert feed.live is live
    finally:
        feed.close()


class LostCamera:
    """A live source whose camera is gone: frames() waits, waking often, until closed."""

    def __init__(self) -> None:
        self.info = SourceInfo("lost", 30.0, (64, 48), True)
        self.status = "lost"
        self.closed = threading.Event()

    def frames(self) -> Iterator[PoseFrame]:
        while not self.closed.wait(0.01):
            pass
        yield from ()

    def close(self) -> None:
        self.closed.set()


def test_closing_a_live_feed_closes_a_source_that_has_nothing_to_give() -> None:
    camera = LostCamera()
    feed = PoseFeed(camera)
    assert feed.source_status == "lost"
    start = time.perf_counter()
    feed.close()
    assert camera.closed.is_set()
    assert time.perf_counter() - start < 0.3
    assert feed.ended


def test_a_source_without_a_status_reports_none() -> None:
    feed = PoseFeed(ListSource([0.0]))
    try:
        assert feed.source_status is None
    finally:
        feed.close()


class SlowVideo:
    """A recorded source that is slow to read (decode + inference) and says so."""

    def __init__(self, count: int, delay_s: float, fail_at: int | None = None) -> None:
        self.info = SourceInfo("video", 30.0, (64, 48), False, prefetch=True)
        self.count, self.delay_s, self.fail_at = count, delay_s, fail_at
        self.closed = 0
        self.generator_closed_on: str | None = None

    def frames(self) -> Iterator[PoseFrame]:
        try:
            for i in range(self.count):
                if i == self.fail_at:
                    raise OSError("decoder gave up")
                time.sleep(self.delay_s)
                yield PoseFrame.empty(i / 30, (64, 48))
        finally:
            self.generator_closed_on = threading.current_thread().name

    def close(self) -> None:
        self.closed += 1


def test_a_slow_recorded_source_is_read_ahead_and_never_blocks_poll() -> None:
    source = SlowVideo(count=20, delay_s=0.03)
    feed = PoseFeed(source)
    got: list[PoseFrame] = []
    worst = 0.0
    deadline = time.monotonic() + 10
    while not feed.ended and time.monotonic() < deadline:
        t0 = time.perf_counter()
        got += feed.poll(100.0)
        worst = max(worst, time.perf_counter() - t0)
        time.sleep(0.005)
    feed.close()
    assert stamps(got) == [i / 30 for i in range(20)]  # every frame, in order, once
    assert worst < 0.02  # a frame takes 30 ms to read: poll must not have waited for one
    assert source.closed == 1
    assert source.generator_closed_on is not None
    assert source.generator_closed_on.startswith("pose-prefetch")


def test_a_slow_recorded_source_that_breaks_is_reported() -> None:
    feed = PoseFeed(SlowVideo(count=10, delay_s=0.001, fail_at=3))
    got: list[PoseFrame] = []
    deadline = time.monotonic() + 5
    while not feed.ended and time.monotonic() < deadline:
        got += feed.poll(100.0)
        time.sleep(0.005)
    feed.close()
    assert len(got) == 3 and isinstance(feed.error, OSError)


def test_a_live_source_that_can_scale_pictures_is_told_the_drawn_size() -> None:
    """A camera scales its pictures on its own thread when it knows the size they are
    drawn at; other sources, and sizes that are no size, are left alone."""
    camera = LostCamera()
    camera.display_size = None  # type: ignore[attr-defined]
    recorded = ListSource([0.0])
    recorded.display_size = None  # type: ignore[attr-defined]
    live, paced = PoseFeed(camera), PoseFeed(recorded)
    plain = PoseFeed(SlowCamera(0.05, count=1))  # a live source without display_size
    try:
        live.show_pictures_at((900, 506))
        assert camera.display_size == (900, 506)  # type: ignore[attr-defined]
        live.show_pictures_at((0, 506))
        assert camera.display_size == (900, 506)  # type: ignore[attr-defined]
        paced.show_pictures_at((900, 506))
        assert recorded.display_size is None  # type: ignore[attr-defined]
        plain.show_pictures_at((900, 506))  # nothing to tell, and no error
        assert not hasattr(plain.source, "display_size")
    finally:
        live.close()
        paced.close()
        plain.close()
