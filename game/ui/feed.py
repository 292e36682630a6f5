"""Pose frames from a source, handed to the game without ever stalling a frame.

Two kinds of source need two pacings:

* **Recorded** sources (demo athlete, video file, recording) can be read as fast as we
  like, so they are paced by the *play clock*: :meth:`PoseFeed.poll` returns every frame
  whose timestamp has been reached and no others. The coach sees every frame (it needs
  them all to time a rep), pausing the game pauses the athlete, and a headless run that
  simulates time gets exactly the same frames as a real one. The iterator is read lazily,
  one frame ahead, in the game's own thread, which keeps this path deterministic.
* **Live** sources (a camera) produce frames in real time whether we read them or not.
  A background thread reads them into a small bounded buffer that drops the oldest when
  full, and :meth:`PoseFeed.poll` takes whatever has arrived without waiting. A slow or
  frozen camera can never block the render loop.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator

from game.pose.frame import PoseFrame
from game.pose.source import PoseSource

__all__ = ["LIVE_BUFFER_FRAMES", "PoseFeed"]

#: Frames kept for a live source between polls: ~0.25 s at 30 fps. The loop polls every
#: update (60 Hz), so this only fills during a stall, and then the oldest frames go first.
LIVE_BUFFER_FRAMES = 8
#: How long close() waits for the live reader thread before leaving it to finish alone.
JOIN_TIMEOUT_S = 0.5


class PoseFeed:
    """Wraps a :class:`PoseSource`; see the module docstring for how it is paced.

    Attributes:
        latest: the newest frame :meth:`poll` returned (what the stage draws), or None.
        error: the exception the source raised while reading, if it broke mid-stream.
        dropped: live frames dropped because the buffer was full.
    """

    def __init__(self, source: PoseSource, buffer_frames: int = LIVE_BUFFER_FRAMES) -> None:
        self.source = source
        self.live = bool(source.info.live)
        self.latest: PoseFrame | None = None
        self.error: BaseException | None = None
        self.dropped = 0
        self._ended = False
        self._closed = False
        self._close_lock = threading.Lock()
        # recorded sources
        self._iter: Iterator[PoseFrame] | None = None
        self._pending: PoseFrame | None = None
        # live sources
        self._buffer: deque[PoseFrame] = deque(maxlen=max(1, buffer_frames))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if self.live:
            self._thread = threading.Thread(
                target=self._read_live, name=f"pose-feed-{source.info.name}", daemon=True
            )
            self._thread.start()

    @property
    def ended(self) -> bool:
        """True once a finite source has no more frames (or broke) and all were returned."""
        if self.live:
            with self._lock:
                return self._ended and not self._buffer
        return self._ended and self._pending is None

    def poll(self, now_s: float) -> list[PoseFrame]:
        """New frames, oldest first; never blocks on a live source.

        Recorded sources: every frame with ``timestamp_s <= now_s`` not returned before.
        Live sources: every frame that arrived since the last poll (``now_s`` unused).
        """
        frames = self._poll_live() if self.live else self._poll_paced(now_s)
        if frames:
            self.latest = frames[-1]
        return frames

    def _poll_paced(self, now_s: float) -> list[PoseFrame]:
        if self._closed:
            return []
        out: list[PoseFrame] = []
        while True:
            if self._pending is None:
                if self._ended:
                    break
                self._pending = self._next_frame()
                if self._pending is None:
                    break
            if self._pending.timestamp_s > now_s:
                break
            out.append(self._pending)
            self._pending = None
        return out

    def _next_frame(self) -> PoseFrame | None:
        try:
            if self._iter is None:
                self._iter = iter(self.source.frames())
            return next(self._iter)
        except StopIteration:
            self._ended = True
        except Exception as exc:  # a broken file or model: the play scene shows it
            self.error = exc
            self._ended = True
        return None

    def _poll_live(self) -> list[PoseFrame]:
        with self._lock:
            frames = list(self._buffer)
            self._buffer.clear()
        return frames

    def _read_live(self) -> None:
        try:
            for frame in self.source.frames():
                if self._stop.is_set():
                    break
                with self._lock:
                    if len(self._buffer) == self._buffer.maxlen:
                        self.dropped += 1  # deque drops the oldest for us
                    self._buffer.append(frame)
        except Exception as exc:  # camera unplugged, decoder error: reported, not raised
            self.error = exc
        finally:
            with self._lock:
                self._ended = True
            if self._stop.is_set():
                self._close_source()

    def close(self) -> None:
        """Stop reading and close the source. Safe to call twice; waits at most ~0.5 s.

        A live reader stuck inside a camera read is not interrupted from outside (some
        camera drivers crash when released mid-read); it closes the source itself as soon
        as that read returns.
        """
        self._stop.set()
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(JOIN_TIMEOUT_S)
            if thread.is_alive():
                return
        self._close_source()

    def _close_source(self) -> None:
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self.source.close()
