"""One video inferred in parallel: contiguous time chunks, one process each, joined in order.

MediaPipe infers one frame at a time on about one core (VIDEO mode, measured 17-18 ms a
frame at 640x360 on the development machine), so a second core only helps a file if the
file is split. :class:`ParallelPass` does that for ``analyze --jobs N``:

* :func:`plan_chunks` splits the frames into up to N contiguous chunks. Every chunk
  after the first starts :data:`WARMUP_S` early: those frames are inferred and dropped, so
  that MediaPipe's tracking and its own landmark smoothing have settled when the chunk's
  first kept frame comes, instead of starting cold from a fresh detection mid-squat.
* The first chunk is inferred in this process (:func:`~game.pose.video.infer_video`, the
  same pipeline as one stream), the others each in a worker process started with
  ``spawn``: MediaPipe's native runtime is not safe to fork once a graph exists, and a
  spawned interpreter never inherits one. A worker decodes its own chunk (seeking to its
  start), infers it in VIDEO mode with increasing timestamps ``i / fps``, exactly those of
  a whole-file pass, and appends each pose frame, pickled, to a spool file.
* The frames come out in order, one stream: the whole first chunk, then the second...
  The coach runs over that stream in the caller, unchanged. Later chunks finish while
  earlier ones are still being read, so their frames wait in their spool files: page
  cache, not this process's memory, so a long high-resolution video cannot exhaust it
  (a 640x360 mask is 0.9 MB a frame; the files are deleted as soon as both ends have
  them open, so nothing is left behind).

A file that ends early (a damaged tail) ends the stream where it ends, as one stream
would: frames decoded after a gap by a later chunk are not used. An error in a worker (a
file it cannot open, a model it cannot load) is raised in the reader as the same
exception, with the same message, that one stream raises.

A split has costs: a worker needs ~0.4 s (Python, numpy, OpenCV, MediaPipe, the model,
the first inference) before its first frame, and each later chunk infers its warm-up
twice over; so chunks keep at least :data:`MIN_CHUNK_S`, and a short clip is one stream.
"""

from __future__ import annotations

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
    "MIN_CHUNK_S",
    "WARMUP_S",
    "Chunk",
    "ParallelPass",
    "default_jobs",
    "plan_chunks",
]

#: Seconds a chunk after the first starts early, inferred and dropped. MediaPipe's
#: tracking history never fully washes out (the seam's landmarks differ from a whole-file
#: pass by ~1 px, and a hard pose can differ by more for seconds), so this was chosen on
#: what the coach makes of it: every clip in ../shared/data, split in 2 and in 3, against
#: one stream. Rep bottoms moved by up to 5 frames with no warm-up, up to 3 with 0.5 s,
#: and at most 1 with 1 s; rep counts never changed, except on 3q_barbell_occluded (the
#: clip on which MediaPipe loses the legs at every bottom; a known miss), split in 3.
WARMUP_S = 1.0
#: No chunk keeps fewer seconds than this: twice the warm-up, so a chunk's warm-up is at
#: most a third of its work. A worker's start-up (~0.4 s, in parallel with this
#: process's own) is then well paid for too: a 2-way split of a 5 s clip still saves
#: about a second.
MIN_CHUNK_S = 2.0
#: ``--jobs`` by default uses every core this process may run on, up to this many: every
#: process holds a model and its own decoder, and each extra chunk adds a warm-up.
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
class Chunk:
    """Frames ``start`` to ``stop`` (exclusive; ``None``: to the end of the file) are kept;
    inference starts at ``warmup_start`` (``<= start``) so tracking has settled by then."""

    index: int
    warmup_start: int
    start: int
    stop: int | None

    @property
    def warmup(self) -> int:
        return self.start - self.warmup_start


def plan_chunks(
    frame_count: int,
    fps: float,
    jobs: int,
    *,
    warmup_s: float = WARMUP_S,
    min_chunk_s: float = MIN_CHUNK_S,
) -> list[Chunk]:
    """Split ``frame_count`` frames into at most ``jobs`` contiguous chunks, with warm-ups.

    Chunks cover every frame once, in order, each at least ``min_chunk_s`` long; the last
    runs to the end of the file (a container's frame count can be a little off). The
    work is balanced, warm-ups included: every chunk infers the same number of frames
    (to within one), so the first, which needs no warm-up, keeps the most. An unknown
    frame count (0) gives one chunk: there is nothing to split by.
    """
    warm = max(0, round(warmup_s * fps)) if math.isfinite(warmup_s * fps) else 0
    min_frames = max(1, math.ceil(min_chunk_s * fps)) if math.isfinite(min_chunk_s * fps) else 1
    # Every chunk after the first keeps (frames - warm) / count frames: at least min_frames.
    count = min(int(jobs), (frame_count - warm) // min_frames) if frame_count > warm else 1
    if count <= 1:
        return [Chunk(0, 0, 0, None)]
    # Chunk 0 infers b1 frames, chunk i >= 1 infers (b[i+1] - b[i]) + warm; all equal
    # gives b[k] = k * share - (k - 1) * warm with share = (frames + (count-1) warm) / count.
    share = (frame_count + (count - 1) * warm) / count
    bounds = [0] + [round(k * share - (k - 1) * warm) for k in range(1, count)]
    chunks = []
    for i, start in enumerate(bounds):
        stop = bounds[i + 1] if i + 1 < count else None
        chunks.append(Chunk(i, max(0, start - warm), start, stop))
    return chunks


class ParallelPass(Iterator[PoseFrame]):
    """The pose frames of a whole video, in order, inferred chunk by chunk in parallel.

    Starts at construction: the worker processes first (their start-up is the longest),
    then this process's own chunk. :meth:`stop` may be called from any thread; it stops
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
    ) -> None:
        import multiprocessing

        from game import native_log
        from game.pose.video import infer_video

        self.path = Path(path)
        self.chunks = plan_chunks(frame_count, fps, jobs)
        self.stopped = threading.Event()
        context = multiprocessing.get_context("spawn")
        verbose = bool(getattr(native_log, "_verbose", False))
        self._remote: list[_RemoteChunk] = []
        try:
            for chunk in self.chunks[1:]:
                self._remote.append(
                    _RemoteChunk(context, self.path, fps, chunk, model, mask, keep_image, verbose)
                )
        except BaseException:
            self.stop()
            self._release()
            raise
        first = self.chunks[0]
        self._local = infer_video(
            self.path,
            fps,
            model=model,
            mask=mask,
            keep_image=keep_image,
            stop=first.stop,
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
        try:
            kept = 0
            for frame in self._local:
                kept += 1
                yield frame
            if self.stopped.is_set() or kept < _length(self.chunks[0]):
                return  # the file ended inside the first chunk: so does the stream
            for remote in self._remote:
                kept = 0
                for frame in remote.frames(self.stopped):
                    kept += 1
                    yield frame
                if self.stopped.is_set() or (
                    remote.chunk.stop is not None and kept < _length(remote.chunk)
                ):
                    return
        finally:
            self.stop()
            self._release()


def _length(chunk: Chunk) -> int:
    assert chunk.stop is not None
    return chunk.stop - chunk.start


class _RemoteChunk:
    """A worker process inferring one chunk into a spool file, and how to read it back.

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
        fps: float,
        chunk: Chunk,
        model: Path,
        mask: bool,
        keep_image: bool,
        verbose: bool,
    ) -> None:
        self.chunk = chunk
        self.path = path
        descriptor, spool = tempfile.mkstemp(prefix="glutes-high-chunk-", suffix=".frames")
        self._spool_fd: int | None = descriptor
        self._spool = Path(spool)
        self._offset = 0
        self._records = context.Semaphore(0)
        self.process = context.Process(
            target=run_chunk,
            args=(spool, self._records, str(path), fps, chunk, str(model), mask, keep_image),
            kwargs={"verbose": verbose},
            name=f"glutes-high-pose-chunk-{chunk.index}",
            daemon=True,
        )
        try:
            self.process.start()
        except BaseException:
            self.release()
            raise

    def frames(self, stopped: threading.Event) -> Iterator[PoseFrame]:
        """This chunk's kept frames, in order; raises what the worker raised."""
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
                end = self.chunk.stop if self.chunk.stop is not None else "the end"
                raise SourceUnavailable(
                    f"{self.path}: the pose worker for frames {self.chunk.start} to {end} "
                    f"stopped without finishing (exit code {self.process.exitcode})"
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


def run_chunk(
    spool: str,
    records: Any,
    path: str,
    fps: float,
    chunk: Chunk,
    model: str,
    mask: bool,
    keep_image: bool,
    *,
    verbose: bool = False,
) -> None:
    """A worker process's whole life: infer one chunk into the spool file, record by record.

    The last record says how it ended: done, or the exception, pickled, for the reader to
    raise (one that will not pickle goes as a ``RuntimeError`` with its type and message).
    """
    from game import native_log
    from game.pose.video import infer_video

    native_log.set_verbose(verbose)
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
                start=chunk.warmup_start,
                keep_from=chunk.start,
                stop=chunk.stop,
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
