"""One video inferred in parallel: interleaved lanes, one process each, joined in order.

MediaPipe infers one frame at a time on about one core (VIDEO mode, measured 17-18 ms a
frame at 640x360 on the development machine), so a second core only helps a file if the
file is split. :class:`ParallelPass` does that for ``analyze --jobs N``:

* :func:`plan_lanes` deals the frames out like cards to up to N **lanes**: with two,
  lane 0 takes frames 0, 2, 4... and lane 1 frames 1, 3, 5... Each lane is one VIDEO-mode
  stream with its own tracking, at the video's frame rate over N, and timestamps
  ``i / fps``, exactly those of a whole-file pass.
* Lane 0 is inferred in this process (:func:`~game.pose.video.infer_video`, the same
  pipeline as one stream, decoding every frame but converting only its own), the others
  each in a worker process started with ``spawn``: MediaPipe's native runtime is not
  safe to fork once a graph exists, and a spawned interpreter never inherits one. A
  worker appends each pose frame, pickled, to a spool file.
* The frames come out in order, one stream, taken from the lanes in turn; the coach runs
  over that stream in the caller, unchanged.

Why lanes and not contiguous chunks (what this module did first): a chunk that starts
mid-video starts MediaPipe cold, so each chunk after the first had to infer a second of
warm-up and throw it away (without it, rep bottoms near a seam moved by up to 5 frames),
and the last chunk to start waits for its worker's start-up. Lanes have no seams: every
lane tracks the person from the first frame, all lanes finish together, and nothing is
inferred twice. On side_tommy (459 frames) two lanes ran 84 frames/s against two chunks'
72, on the same machine in the same minute, and found the same reps with every bottom
within one frame of one stream's. The price: each lane tracks at a lower frame rate, so
lanes are only as many as keep :data:`MIN_LANE_FPS`.

A file that ends early (a damaged tail) ends the stream where it ends, as one stream
would: every lane decodes the same file and stops at the same gap. An error in a worker
(a file it cannot open, a model it cannot load) is raised in the reader as the same
exception, with the same message, that one stream raises.

A split costs a worker's start-up (~0.4 s: Python, numpy, OpenCV, MediaPipe, the model,
the first inference), so a clip shorter than :data:`MIN_SPLIT_S` is one stream.
"""

from __future__ import annotations

import itertools
import math
import os
import pickle
import struct
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.pose.frame import PoseFrame
from game.pose.source import SourceUnavailable

if TYPE_CHECKING:
    from game.pose.video import ModelLoad

__all__ = [
    "MAX_AUTO_JOBS",
    "MIN_LANE_FPS",
    "MIN_SPLIT_S",
    "Lane",
    "ParallelPass",
    "default_jobs",
    "plan_lanes",
    "start_workers",
]

#: A clip shorter than this is one stream: a worker's ~0.4 s start-up would eat what a
#: second lane saves (two lanes save about half of the clip's inference time: ~1 s here).
MIN_SPLIT_S = 2.0
#: Each lane sees the video at its frame rate over the number of lanes; MediaPipe's
#: tracking is only checked at 15 frames/s (a 30 fps clip in two lanes), so lanes are
#: never made slower than this: a 30 fps video splits in two, a 60 fps one in up to four.
MIN_LANE_FPS = 14.0
#: ``--jobs`` by default uses every core this process may run on, up to this many: every
#: process holds a model and decodes the whole file.
MAX_AUTO_JOBS = 8
#: How long stopping waits for a worker process to end before it is killed.
WORKER_EXIT_S = 2.0

# Spool records from a worker: a tag, then a pickle (a frame, an exception) or nothing.
_FRAME = b"F"
_ERROR = b"E"
_DONE = b"D"


def default_jobs() -> int:
    """The cores this process may use (its CPU affinity), at most :data:`MAX_AUTO_JOBS`."""
    count = getattr(os, "process_cpu_count", None)
    if count is not None:
        usable = count()
    elif hasattr(os, "sched_getaffinity"):
        usable = len(os.sched_getaffinity(0))
    else:
        usable = os.cpu_count()
    return max(1, min(MAX_AUTO_JOBS, usable or 1))


@dataclass(frozen=True, slots=True)
class Lane:
    """Frames ``offset``, ``offset + step``, ``offset + 2 * step``... of the video."""

    offset: int
    step: int


def plan_lanes(
    frame_count: int,
    fps: float,
    jobs: int,
    *,
    min_split_s: float = MIN_SPLIT_S,
    min_lane_fps: float = MIN_LANE_FPS,
) -> list[Lane]:
    """Deal ``frame_count`` frames out to at most ``jobs`` lanes (see the module doc).

    One lane (the whole file, one stream) when the clip is shorter than ``min_split_s``,
    its frame count is unknown (0), or a second lane would track at under
    ``min_lane_fps``.
    """
    count = max(1, int(jobs))
    if math.isfinite(fps) and fps > 0:
        count = min(count, max(1, int(fps / min_lane_fps)))
        if frame_count < min_split_s * fps:
            count = 1
    else:
        count = 1
    return [Lane(offset, count) for offset in range(count)]


def start_workers(
    path: Path, model: Path, mask: bool, keep_image: bool, count: int
) -> list[_RemoteLane]:
    """Start ``count`` worker processes for ``path`` that import what they need and load
    the model, then wait to be told their lane (:meth:`ParallelPass` does that).

    Started before the file is even probed, a worker's ~0.4 s start-up overlaps the
    caller's own (Python, OpenCV, its own model) instead of following it. Started after
    the probe, the worker's first frame came 0.31 s after the caller's first; started
    before, 0.16 s. The whole ``analyze`` of side_tommy gains less (median of 5
    alternating runs 5.81 s against 5.85 s, best 5.65 against 5.77): on 2 cores the two
    start-ups also slow each other.
    """
    import multiprocessing

    from game import native_log

    context = multiprocessing.get_context("spawn")
    verbose = native_log.is_verbose()
    workers: list[_RemoteLane] = []
    try:
        for _ in range(max(0, count)):
            workers.append(_RemoteLane(context, Path(path), model, mask, keep_image, verbose))
    except BaseException:
        for worker in workers:
            worker.stop()
            worker.release()
        raise
    return workers


class ParallelPass(Iterator[PoseFrame]):
    """The pose frames of a whole video, in order, inferred in interleaved lanes in parallel.

    Starts at construction: the worker processes first (their start-up is the longest),
    then this process's own lane. :meth:`stop` may be called from any thread; it stops
    the local threads and ends the workers.
    """

    def __init__(
        self,
        path: Path,
        fps: float,
        frame_count: int,
        *,
        model: Path,
        mask: bool = True,
        keep_image: bool = False,
        jobs: int = 2,
        loading: ModelLoad | None = None,
        workers: list[_RemoteLane] | None = None,
    ) -> None:
        from game.pose.video import infer_video

        self.path = Path(path)
        self.lanes = plan_lanes(frame_count, fps, jobs)
        self.stopped = threading.Event()
        # Workers started early (start_workers) are used first; any more are started now,
        # any left over are let go.
        started = list(workers or ())
        self._remote: list[_RemoteLane] = started[: len(self.lanes) - 1]
        for spare in started[len(self.lanes) - 1 :]:
            spare.stop()
            spare.release()
        try:
            missing = len(self.lanes) - 1 - len(self._remote)
            self._remote += start_workers(self.path, model, mask, keep_image, missing)
            for remote, lane in zip(self._remote, self.lanes[1:], strict=True):
                remote.assign(fps, lane)
        except BaseException:
            self.stop()
            self._release()
            raise
        first = self.lanes[0]
        self._local = infer_video(
            self.path,
            fps,
            model=model,
            mask=mask,
            keep_image=keep_image,
            start=first.offset,
            step=first.step,
            loading=loading,
        )
        self._frames = self._generate()

    def __next__(self) -> PoseFrame:
        return next(self._frames)

    def stop(self) -> None:
        """Stop the local threads and end the worker processes. Safe to call twice, and
        from any thread: the reader's own thread then ends the stream."""
        self.stopped.set()
        local = getattr(self, "_local", None)
        if local is not None:
            local.stop()
        for remote in self._remote:
            remote.stop()

    def _release(self) -> None:
        """Close the spool files (the reader's thread, or the collector, does this)."""
        for remote in self._remote:
            remote.release()

    def __del__(self) -> None:
        """A pass dropped unfinished: end its workers now rather than at exit."""
        for remote in getattr(self, "_remote", ()):
            if remote.process.is_alive():
                remote.process.terminate()
            remote.release()

    def _generate(self) -> Iterator[PoseFrame]:
        """Frame ``i`` from lane ``i % lanes``; the first lane without its frame ends the
        stream (frames are dealt in order, so no later frame exists either)."""
        lanes: list[Iterator[PoseFrame]] = [self._local]
        lanes += [remote.frames(self.stopped) for remote in self._remote]
        try:
            for lane in itertools.cycle(lanes):
                frame = next(lane, None)
                if frame is None or self.stopped.is_set():
                    return
                yield frame
        finally:
            self.stop()
            self._release()


class _RemoteLane:
    """A worker process inferring one lane into a spool file, and how to read it back.

    The worker appends records (a tag byte, a length, a pickle) to a temporary file and
    counts each finished record on a process-shared semaphore; the reader takes one
    count per record it reads. Frames pass through the page cache once, not through a
    pipe in 64 kB pieces that would need the reader's GIL for each, and a chunk waiting
    for its turn costs page cache (written back to disk when memory is short), not
    this process's memory.
    """

    def __init__(
        self,
        context: Any,
        path: Path,
        model: Path,
        mask: bool,
        keep_image: bool,
        verbose: bool,
    ) -> None:
        self.lane: Lane | None = None
        self.path = path
        descriptor, spool = tempfile.mkstemp(prefix="glutes-high-lane-", suffix=".frames")
        self._spool_fd: int | None = descriptor
        self._spool = Path(spool)
        self._offset = 0
        self._records = context.Semaphore(0)
        self._orders, orders = None, None
        try:
            orders, self._orders = context.Pipe(duplex=False)
            self.process = context.Process(
                target=run_lane,
                args=(spool, self._records, orders, str(path), str(model), mask, keep_image),
                kwargs={"verbose": verbose},
                name="glutes-high-pose-lane",
                daemon=True,
            )
            self.process.start()
        except BaseException:
            self.release()
            raise
        finally:
            if orders is not None:
                orders.close()  # the worker holds its own end

    def assign(self, fps: float, lane: Lane) -> None:
        """Tell the worker (started, loading its model) which frames are its own."""
        self.lane = lane
        assert self._orders is not None
        self._orders.send((fps, lane))

    def frames(self, stopped: threading.Event) -> Iterator[PoseFrame]:
        """This lane's frames, in order; raises what the worker raised."""
        while True:
            if not self._wait_for_record(stopped):
                return
            tag, body = self._read_record()
            if tag == _FRAME:
                yield pickle.loads(body)
            elif tag == _ERROR:
                raise pickle.loads(body)
            else:
                return

    def _wait_for_record(self, stopped: threading.Event) -> bool:
        while not self._records.acquire(timeout=0.1):
            if stopped.is_set():
                return False
            if not self.process.is_alive() and not self._records.acquire(block=False):
                lane = self.lane or Lane(0, 1)
                raise SourceUnavailable(
                    f"{self.path}: the pose worker for every {_ordinal(lane.step)} frame "
                    f"from frame {lane.offset} stopped without finishing (exit code "
                    f"{self.process.exitcode})"
                )
        return True

    def _read_record(self) -> tuple[bytes, bytes]:
        assert self._spool_fd is not None
        header = _pread(self._spool_fd, _HEADER.size, self._offset)
        tag, size = _HEADER.unpack(header)
        body = _pread(self._spool_fd, size, self._offset + _HEADER.size)
        self._offset += _HEADER.size + size
        return tag, body

    def stop(self) -> None:
        """End the worker: terminated if still at work, killed if it will not go."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=WORKER_EXIT_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=WORKER_EXIT_S)

    def release(self) -> None:
        """Close the spool file; only from the reading thread (or once nobody reads)."""
        orders, self._orders = self._orders, None
        if orders is not None:
            orders.close()  # a worker still waiting for its lane reads the end and goes
        descriptor, self._spool_fd = self._spool_fd, None
        if descriptor is not None:
            os.close(descriptor)
        self._spool.unlink(missing_ok=True)  # if the worker never got to open it


#: A spool record's header: its tag and the length of the pickle after it.
_HEADER = struct.Struct("<cQ")


def _pread(descriptor: int, size: int, offset: int) -> bytes:
    """Exactly ``size`` bytes at ``offset`` (a record is complete before it is counted)."""
    parts = []
    while size:
        part = os.pread(descriptor, size, offset)
        if not part:
            raise SourceUnavailable("a pose worker's spool file ended inside a record")
        parts.append(part)
        size -= len(part)
        offset += len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _ordinal(n: int) -> str:
    return {1: "", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def run_lane(
    spool: str,
    records: Any,
    orders: Any,
    path: str,
    model: str,
    mask: bool,
    keep_image: bool,
    *,
    verbose: bool = False,
) -> None:
    """A worker process's whole life: load the model, wait for its lane, infer the lane
    into the spool file record by record.

    Started before the caller has even probed the file (see :func:`start_workers`), so
    its imports and model load overlap the caller's own start-up. The order is ``(fps,
    lane)``; a closed pipe (the caller decided on one stream, or stopped) ends it quietly.
    The last record says how it ended: done, or the exception, pickled, for the reader to
    raise (one that will not pickle goes as a ``RuntimeError`` with its type and message).
    """
    from game import native_log
    from game.pose.video import ModelLoad, infer_video

    native_log.set_verbose(verbose)
    load = ModelLoad(Path(model), mask)
    try:
        fps, lane = orders.recv()
    except (EOFError, OSError, KeyboardInterrupt):
        load.discard()
        return
    with open(spool, "ab") as out:
        os.unlink(spool)  # the reader holds its own descriptor; the file goes with the last

        def record(tag: bytes, body: bytes) -> None:
            out.write(_HEADER.pack(tag, len(body)))
            out.write(body)
            out.flush()
            records.release()

        frames = None
        try:
            frames = infer_video(
                Path(path),
                fps,
                model=Path(model),
                mask=mask,
                keep_image=keep_image,
                start=lane.offset,
                step=lane.step,
                loading=load,
            )
            for frame in frames:
                record(_FRAME, pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
            record(_DONE, b"")
        except KeyboardInterrupt:  # Ctrl+C reaches the whole process group; the reader
            return  # handles it
        except Exception as exc:
            try:
                body = pickle.dumps(exc)
                pickle.loads(body)
            except Exception:
                body = pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))
            record(_ERROR, body)
        finally:
            if frames is not None:
                frames.stop()
