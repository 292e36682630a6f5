"""Pose frames from a source, handed to the game without ever stalling a frame.

Two kinds of source need two pacings:

* **Recorded** sources (demo athlete, video file, recording) can be read as fast as we
  like, so they are paced by the *play clock*: :meth:`PoseFeed.poll` returns every frame
  whose timestamp has been reached and no others. The coach sees every frame (it needs
  them all to time a rep), pausing the game pauses the athlete, and a headless run that
  simulates time gets exactly the same frames as a real one. The iterator is read lazily,
  one frame ahead, in the game's own thread, which keeps this path deterministic.
* **Live** sources (a camera) produce frames in real time whether we read them or not.
  They go into a small bounded buffer that drops the oldest when full, and
  :meth:`PoseFeed.poll` takes whatever has arrived without waiting. A slow or frozen
  camera can never block the render loop. A source that can push (the camera's
  ``subscribe``) fills the buffer from its own result thread the moment a pose exists;
  any other live source is read into it by a background thread.
"""

from __future__ import annotations

import queue
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
#: Frames a slow recorded source (a video: decode + inference) is read ahead by: ~1 s.
PREFETCH_FRAMES = 30
_END = object()
#: With ``wait_for_slow``, how long one poll waits for a slow source's next frame.
SLOW_WAIT_S = 10.0


class PoseFeed:
    """Wraps a :class:`PoseSource`; see the module docstring for how it is paced.

    Attributes:
        latest: the newest frame :meth:`poll` returned (what the stage draws), or None.
        error: the exception the source raised while reading, if it broke mid-stream.
        dropped: live frames dropped because the buffer was full.
    """

    def __init__(
        self,
        source: PoseSource,
        buffer_frames: int = LIVE_BUFFER_FRAMES,
        *,
        wait_for_slow: bool = False,
        on_arrival: threading.Event | None = None,
    ) -> None:
        self.source = source
        #: Set each time a live frame arrives (the main loop waits on it).
        self.on_arrival = on_arrival
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
        # Slow recorded sources are read ahead on a thread (paced as usual, never dropped).
        self.prefetch = bool(source.info.prefetch) and not self.live
        #: Headless runs simulate time: waiting for the next slow frame is right there.
        self.wait_for_slow = wait_for_slow
        self._ahead: queue.Queue[object] = queue.Queue(PREFETCH_FRAMES)
        if self.prefetch:
            self._thread = threading.Thread(
                target=self._read_ahead, name=f"pose-prefetch-{source.info.name}", daemon=True
            )
            self._thread.start()
        if self.live:
            subscribe = getattr(source, "subscribe", None)
            if callable(subscribe):  # a camera pushes each pose the moment it exists
                subscribe(self._push_live)
            else:
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
        if self.prefetch:
            try:
                if self.wait_for_slow:
                    item = self._ahead.get(timeout=SLOW_WAIT_S)
                else:
                    item = self._ahead.get_nowait()
            except queue.Empty:
                return None  # not decoded yet: the next poll looks again
            if item is _END:
                self._ended = True
                return None
            if isinstance(item, BaseException):
                self.error = item
                self._ended = True
                return None
            return item  # type: ignore[return-value]
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

    def _read_ahead(self) -> None:
        """Prefetch thread: the source's generator lives and is closed on this thread."""
        frames = iter(self.source.frames())
        item: object = _END
        try:
            for frame in frames:
                while not self._stop.is_set():
                    try:
                        self._ahead.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
        except Exception as exc:  # a broken file or model: the play scene shows it
            item = exc
        finally:
            close = getattr(frames, "close", None)
            if close is not None:
                close()
        while not self._stop.is_set():
            try:
                self._ahead.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _poll_live(self) -> list[PoseFrame]:
        broken = getattr(self.source, "error", None) if self._thread is None else None
        with self._lock:
            if isinstance(broken, BaseException) and self.error is None:
                self.error = broken  # a pushing source broke: as a reader thread would
                self._ended = True
            frames = list(self._buffer)
            self._buffer.clear()
        return frames

    def _push_live(self, frame: PoseFrame) -> None:
        """A live pose (pushed by the source from its thread, or read by ours): kept for
        the next poll, the oldest dropped when the buffer is full."""
        if self._stop.is_set():
            return
        with self._lock:
            if len(self._buffer) == self._buffer.maxlen:
                self.dropped += 1  # deque drops the oldest for us
            self._buffer.append(frame)
        if self.on_arrival is not None:
            self.on_arrival.set()

    def _read_live(self) -> None:
        try:
            for frame in self.source.frames():
                if self._stop.is_set():
                    break
                self._push_live(frame)
        except Exception as exc:  # camera unplugged, decoder error: reported, not raised
            self.error = exc
        finally:
            with self._lock:
                self._ended = True
            if self._stop.is_set():
                self._close_source()

    def show_pictures_at(self, size: tuple[int, int]) -> None:
        """Say the (width, height) the pictures are drawn at. A live source that can
        (a camera: ``display_size``) then scales them on its own thread while the model
        works, off the path from a pose to the screen; pictures of another size still
        draw (the stage scales them)."""
        if not self.live or not hasattr(self.source, "display_size"):
            return
        wanted = (int(size[0]), int(size[1]))
        if wanted[0] > 0 and wanted[1] > 0 and self.source.display_size != wanted:
            self.source.display_size = wanted  # said once per change, not every update

    @property
    def source_status(self) -> str | None:
        """The source's own word on its health, if it gives one (a camera says "ok",
        "stalled", "lost"...: :class:`~game.pose.camera.CameraStatus`); None otherwise."""
        status = getattr(self.source, "status", None)
        return None if status is None else str(status)

    def close(self) -> None:
        """Stop reading and close the source. Safe to call twice; waits at most ~0.5 s.

        A live source is closed at once, while the reader may still be waiting inside its
        ``frames()``: that is what ends a ``frames()`` waiting for a camera that is gone.
        So a live source's ``close()`` must be safe from another thread; the camera source
        only signals its own capture thread, which releases the device after its current
        read (some camera drivers crash when released mid-read).
        """
        self._stop.set()
        if self.live:
            self._close_source()
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
