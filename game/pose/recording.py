"""Recordings of pose frames: write a session's poses to a file, replay them as a source.

A recording keeps what the coach and the game need from each frame (timestamp, landmarks,
world landmarks, how many other people were in view, the person mask) and never the
camera image: a player's recording holds no picture of their home, and a minute of it takes
~2.5-2.9 MB (~1.5 MB without masks; measured on the demo athlete and on MediaPipe's output
for side_tommy_3reps_pickup at 30 fps). Replayed through :class:`RecordingSource`, it is a
:class:`~game.pose.source.PoseSource` like any other, so a session seen once can be coached
again, shared in a bug report, or kept as a regression test.

The file is an ``.npz`` archive (a zip of ``.npy`` arrays, readable with ``numpy.load``):

=================  =========================  ===========================================
member             dtype, shape               what
=================  =========================  ===========================================
``format``         str, ()                    ``"glutes-high-recording"``
``version``        int64, ()                  ``1`` (:data:`FORMAT_VERSION`)
``metadata``       str, ()                    JSON: ``source``, ``fps``, ``frame_size``
                                              ``[w, h]``, ``created`` (UTC, ISO 8601),
                                              ``game_version``, ``mask_size`` ``[w, h]``
                                              or ``null``, ``frames``
``timestamps``     float64, (N,)              seconds, as the source gave them
``present``        bool, (N,)                 a person was seen (else the frame is empty)
``landmarks``      float32, (N, 33, 4)        image landmarks (zeros when not present)
``world``          float32, (N, 33, 3)        world landmarks (zeros when not present)
``extra_people``   int16, (N,)                other people in view
``mask_present``   bool, (N,)                 the frame had a mask (only with masks)
``masks``          uint8, (N, h, w)           person mask, 0-255, downscaled so its long
                                              side is at most :data:`MASK_MAX_SIDE_PX`
=================  =========================  ===========================================

Everything is stored exactly except the mask: it is averaged down to at most
:data:`MASK_MAX_SIDE_PX` pixels on its long side and quantised to 8 bits, and comes back
upscaled (bilinear) to the frame size as float32. The coach reads the mask (the back's
contour from the side, the gap between the shins from the front) as person / not person
at 0.5, which 8 bits keep exactly; so a recording of frames up to that size replays to
the very same analysis as its source.

Reading never unpickles (``allow_pickle`` is never on: a recording may come from anyone),
checks every member's dtype and shape against the frame count before reading its data,
and turns any problem into a :class:`RecordingError` that names the file and what is wrong.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np

from game import __version__
from game.pose.frame import PoseFrame
from game.pose.landmarks import NUM_LANDMARKS
from game.pose.source import PoseSource, SourceError, SourceInfo, SourceUnavailable

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MASK_MAX_SIDE_PX",
    "MAX_FRAMES",
    "Recording",
    "RecordingError",
    "RecordingSource",
    "RecordingWriter",
    "read_recording",
    "record",
]

#: The marker that tells a recording from any other ``.npz``.
FORMAT_NAME = "glutes-high-recording"
#: Bumped when a change would make an older game misread a file; readers refuse newer ones.
FORMAT_VERSION = 1
#: Masks are averaged down so their long side is at most this: a 640x360 video or a
#: camera inferred at 640 px keeps its mask whole (the coach's mask measurements then
#: replay exactly), 1280x720 goes to 640x360. At 640x360 a mask compresses to ~3 KB per
#: frame (MediaPipe's masks of side_tommy_3reps_pickup), against 0.9 MB as float32.
#: It was 160 px (~0.9 KB), from when nothing in the coach read the mask: the silhouette
#: metrics read such a mask differently from the full one.
MASK_MAX_SIDE_PX = 640
#: The most frames a reader accepts: two hours at 60 fps, far beyond any training session.
#: A bound that a file's own header cannot talk the reader out of (a crafted file could
#: otherwise ask for gigabytes).
MAX_FRAMES = 2 * 60 * 60 * 60
#: Sanity bounds on sizes a file's metadata may claim (a 16K camera, masks as 1024 px).
_MAX_FRAME_SIDE_PX = 16384
_MAX_MASK_SIDE_PX = 1024
#: :func:`read_recording` loads masks whole only up to this (an hour at 30 fps, 160x120).
_MAX_LOADED_MASK_BYTES = 2**31
#: The metadata JSON is a few hundred bytes; anything near this is not ours.
_MAX_METADATA_CHARS = 65536
#: zlib level for masks held in memory while recording: level 1 is ~4x faster than the
#: default and the masks (mostly flat 0 or 255) shrink almost as much.
_MEMORY_MASK_ZLIB_LEVEL = 1
#: The stored dtypes, little-endian whatever machine wrote the file.
_FLOAT64, _FLOAT32 = np.dtype("<f8"), np.dtype("<f4")
_INT64, _INT16 = np.dtype("<i8"), np.dtype("<i2")
_BOOL, _UINT8 = np.dtype("|b1"), np.dtype("|u1")
#: The first bytes of every zip archive (a local file header).
_ZIP_MAGIC = b"PK\x03\x04"


class RecordingError(SourceError):
    """A file is not a usable recording; the message names the file and what is wrong."""


# --- masks ----------------------------------------------------------------------------------
def _mask_factor(frame_size: tuple[int, int], max_side: int) -> int:
    """The whole-number downscale factor that brings the long side to at most ``max_side``."""
    return max(1, math.ceil(max(frame_size) / max_side))


def _small_mask_size(frame_size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """``(w, h)`` of a stored mask for frames of ``frame_size``."""
    factor = _mask_factor(frame_size, max_side)
    width, height = frame_size
    return math.ceil(width / factor), math.ceil(height / factor)


def _downscale_mask(mask: np.ndarray, factor: int) -> np.ndarray:
    """Area-average ``mask`` (0..1 float) by ``factor`` into uint8 0..255.

    The edges are padded by repeating the last row/column, so a frame size that the factor
    does not divide loses nothing.
    """
    height, width = mask.shape
    h, w = math.ceil(height / factor), math.ceil(width / factor)
    clean = np.nan_to_num(mask, nan=0.0)
    np.clip(clean, 0.0, 1.0, out=clean)
    if (h * factor, w * factor) != (height, width):
        clean = np.pad(clean, ((0, h * factor - height), (0, w * factor - width)), mode="edge")
    sums = clean.reshape(h * factor, w, factor).sum(axis=2).reshape(h, factor, w).sum(axis=1)
    return np.rint(sums * (255.0 / (factor * factor))).astype(np.uint8)


class _Upscaler:
    """Bilinear upscaling of stored masks back to the frame size (pixel centres aligned)."""

    def __init__(self, small_size: tuple[int, int], frame_size: tuple[int, int]) -> None:
        small_w, small_h = small_size
        width, height = frame_size
        self._rows = self._axis(small_h, height)
        self._cols = self._axis(small_w, width)

    @staticmethod
    def _axis(small: int, full: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Output pixel centre i sits at (i + 0.5) * small / full - 0.5 in the small grid.
        pos = np.clip((np.arange(full) + 0.5) * (small / full) - 0.5, 0.0, small - 1)
        low = np.floor(pos).astype(np.intp)
        high = np.minimum(low + 1, small - 1)
        return low, high, (pos - low).astype(np.float32)

    def __call__(self, small: np.ndarray) -> np.ndarray:
        values = small.astype(np.float32) * np.float32(1.0 / 255.0)
        # Columns first, on the small array; then whole rows, which copy fast.
        low, high, weight = self._cols
        wide = values[:, low]
        wide += (values[:, high] - wide) * weight
        low, high, weight = self._rows
        out = wide[low]
        out += (wide[high] - out) * weight[:, np.newaxis]
        return out


# --- writing ----------------------------------------------------------------------------------
class RecordingWriter:
    """Collects frames in memory and writes the recording, atomically, on :meth:`close`.

    Memory: ~1.2 KB of landmarks per frame plus ~0.9 KB per mask, which is kept
    zlib-compressed until the file is written. Measured: 39 MB held for a 10-minute session
    at 30 fps (18,000 frames), 88 MB at the peak while writing it (3.3 s), for a 24 MB
    file. Without masks, about half. Hours of recording would want a streaming writer.

    The file appears under its real name only once it is complete: it is written to a
    temporary file in the same folder, flushed to disk, then renamed over ``path``. A crash
    or an error while writing leaves any earlier file at ``path`` untouched. The file is
    readable by its owner only (``0600``, as ``tempfile`` creates it): it describes a
    person's body.

    As a context manager it writes the file when the block ends normally, and writes
    nothing if the block raises.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        fps: float,
        frame_size: tuple[int, int],
        *,
        source_name: str = "",
        masks: bool = True,
        mask_max_side: int = MASK_MAX_SIDE_PX,
    ) -> None:
        if not (math.isfinite(fps) and fps > 0):
            raise ValueError(f"fps must be finite and positive, got {fps!r}")
        width, height = frame_size
        if int(width) <= 0 or int(height) <= 0:
            raise ValueError(f"frame_size must be positive, got {frame_size!r}")
        if not 1 <= mask_max_side <= _MAX_MASK_SIDE_PX:
            raise ValueError(
                f"mask_max_side must be 1 to {_MAX_MASK_SIDE_PX} pixels, got {mask_max_side!r}"
            )
        self.path = Path(path)
        self.fps = float(fps)
        self.frame_size = (int(width), int(height))
        self.source_name = source_name
        self.keep_masks = masks
        self._factor = _mask_factor(self.frame_size, mask_max_side)
        self._mask_size = _small_mask_size(self.frame_size, mask_max_side)
        self._timestamps: list[float] = []
        self._present: list[bool] = []
        self._landmarks: list[np.ndarray] = []
        self._world: list[np.ndarray] = []
        self._extra: list[int] = []
        self._masks: list[bytes | None] = []
        self._closed = False

    @property
    def frame_count(self) -> int:
        """Frames added so far."""
        return len(self._timestamps)

    def add(self, frame: PoseFrame) -> None:
        """Keep one frame (copied: the caller may reuse its arrays)."""
        if self._closed:
            raise ValueError(f"{self.path}: the recording is already closed")
        if tuple(frame.frame_size) != self.frame_size:
            raise ValueError(
                f"frame at {frame.timestamp_s:.3f} s is {frame.frame_size}, but this recording "
                f"is {self.frame_size}"
            )
        mask_blob = None
        if self.keep_masks and frame.mask is not None:
            width, height = self.frame_size
            mask = frame.mask  # 2-D: PoseFrame checks
            if mask.shape != (height, width):
                # A camera that infers on a smaller copy (game.pose.quality) sends its
                # mask at that size: stretched to the frame, as a reader would.
                import cv2

                mask = cv2.resize(mask.astype(np.float32), (width, height))
            small = _downscale_mask(mask, self._factor)
            mask_blob = zlib.compress(small.tobytes(), _MEMORY_MASK_ZLIB_LEVEL)
        if frame.landmarks is not None and frame.world_landmarks is not None:
            landmarks, world = frame.landmarks.copy(), frame.world_landmarks.copy()
        else:
            landmarks, world = _NO_LANDMARKS, _NO_WORLD
        self._timestamps.append(float(frame.timestamp_s))
        self._present.append(landmarks is not _NO_LANDMARKS)
        self._landmarks.append(landmarks)
        self._world.append(world)
        self._extra.append(int(np.clip(frame.extra_people, 0, np.iinfo(np.int16).max)))
        self._masks.append(mask_blob)

    def close(self) -> None:
        """Write the file (atomically). Safe to call twice; the second call does nothing."""
        if self._closed:
            return
        self._closed = True
        _write_atomically(self.path, self._write_members)

    def discard(self) -> None:
        """Drop the frames without writing anything."""
        self._closed = True
        for kept in (self._timestamps, self._present, self._landmarks, self._world):
            kept.clear()
        self._extra.clear()
        self._masks.clear()

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()

    # --- internals -----------------------------------------------------------------------
    def _metadata(self, with_masks: bool) -> dict[str, Any]:
        return {
            "source": self.source_name,
            "fps": self.fps,
            "frame_size": list(self.frame_size),
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "game_version": __version__,
            "mask_size": list(self._mask_size) if with_masks else None,
            "frames": self.frame_count,
        }

    def _write_members(self, archive: zipfile.ZipFile) -> None:
        count = self.frame_count
        with_masks = self.keep_masks and any(blob is not None for blob in self._masks)
        metadata = json.dumps(self._metadata(with_masks), sort_keys=True)
        _write_array(archive, "format", np.array(FORMAT_NAME))
        _write_array(archive, "version", np.array(FORMAT_VERSION, dtype=_INT64))
        _write_array(archive, "metadata", np.array(metadata))
        _write_array(archive, "timestamps", np.array(self._timestamps, dtype=_FLOAT64))
        _write_array(archive, "present", np.array(self._present, dtype=_BOOL))
        landmarks = np.stack(self._landmarks) if count else np.zeros((0, NUM_LANDMARKS, 4))
        world = np.stack(self._world) if count else np.zeros((0, NUM_LANDMARKS, 3))
        _write_array(archive, "landmarks", landmarks.astype(_FLOAT32, copy=False))
        _write_array(archive, "world", world.astype(_FLOAT32, copy=False))
        _write_array(archive, "extra_people", np.array(self._extra, dtype=_INT16))
        if not with_masks:
            return
        _write_array(
            archive, "mask_present", np.array([b is not None for b in self._masks], dtype=_BOOL)
        )
        # The masks are streamed one frame at a time, so writing never holds them all
        # uncompressed (10 minutes at 160x120 would be 345 MB).
        width, height = self._mask_size
        header = {"descr": "|u1", "fortran_order": False, "shape": (count, height, width)}
        blank = bytes(width * height)
        with archive.open("masks.npy", "w", force_zip64=True) as out:
            np.lib.format.write_array_header_2_0(out, header)
            for blob in self._masks:
                out.write(blank if blob is None else zlib.decompress(blob))


_NO_LANDMARKS = np.zeros((NUM_LANDMARKS, 4), dtype=np.float32)
_NO_WORLD = np.zeros((NUM_LANDMARKS, 3), dtype=np.float32)


def _write_array(archive: zipfile.ZipFile, name: str, array: np.ndarray) -> None:
    with archive.open(f"{name}.npy", "w", force_zip64=True) as out:
        np.lib.format.write_array(out, array, allow_pickle=False)


def _write_atomically(path: Path, write: Callable[[zipfile.ZipFile], None]) -> None:
    """Write a zip archive at ``path`` so that it appears complete or not at all."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                write(archive)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def record(
    source: PoseSource,
    path: str | os.PathLike[str],
    *,
    max_seconds: float | None = None,
    progress: Callable[[int], None] | None = None,
    masks: bool = True,
) -> int:
    """Read ``source`` to its end (or for ``max_seconds`` of its own time) into a recording.

    Returns how many frames were written; ``progress(frames_so_far)`` is called after each.
    Ctrl-C (``KeyboardInterrupt``) is how a player stops recording a camera, which never
    ends by itself: it ends the recording like the end of the source (what was read is
    written and counted) instead of losing it. Any other error writes nothing and goes on.
    The source is not closed: whoever opened it closes it.
    """
    if max_seconds is not None and not (math.isfinite(max_seconds) and max_seconds > 0):
        raise ValueError(f"max_seconds must be finite and positive, got {max_seconds!r}")
    info = source.info
    writer = RecordingWriter(path, info.fps, info.frame_size, source_name=info.name, masks=masks)
    first: float | None = None
    try:
        for frame in source.frames():
            first = frame.timestamp_s if first is None else first
            if max_seconds is not None and frame.timestamp_s - first >= max_seconds:
                break
            writer.add(frame)
            if progress is not None:
                progress(writer.frame_count)
    except KeyboardInterrupt:
        pass  # stopped by the player: keep what was recorded
    except BaseException:
        writer.discard()
        raise
    writer.close()
    return writer.frame_count


# --- reading ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class Recording:
    """A whole recording in memory, as stored (masks still small and uint8).

    ``masks`` is ``(N, h, w)`` uint8 or ``None`` when the file has none (or they were not
    asked for); ``mask_present`` says which frames had a mask.
    """

    path: Path
    metadata: dict[str, Any]
    fps: float
    frame_size: tuple[int, int]
    mask_size: tuple[int, int] | None
    timestamps: np.ndarray
    present: np.ndarray
    landmarks: np.ndarray
    world: np.ndarray
    extra_people: np.ndarray
    mask_present: np.ndarray | None
    masks: np.ndarray | None

    @property
    def frame_count(self) -> int:
        """How many frames the recording holds."""
        return int(self.timestamps.shape[0])


def read_recording(path: str | os.PathLike[str], *, masks: bool = True) -> Recording:
    """Read and check a whole recording; raises :class:`RecordingError` naming the problem.

    Fine for tests and short files; :class:`RecordingSource` streams the masks instead.
    """
    path = Path(path)
    with _open_archive(path) as archive:
        recording = _read_header(path, archive)
        if masks and recording.mask_size is not None:
            width, height = recording.mask_size
            shape = (recording.frame_count, height, width)
            if math.prod(shape) > _MAX_LOADED_MASK_BYTES:
                raise RecordingError(
                    f"{path}: the masks are too large to load at once "
                    f"({math.prod(shape) // 2**20} MB); replay the file with RecordingSource"
                )
            stored = _read_array(path, archive, "masks", _UINT8, shape)
            return dataclasses.replace(recording, masks=stored)
    return recording


class RecordingSource:
    """A recording replayed as a :class:`~game.pose.source.PoseSource` (not live).

    Opening checks the whole file's structure at once, so a bad file fails here with a
    clear :class:`RecordingError` (a missing file raises ``SourceUnavailable``). Frames come
    back exactly as recorded (timestamps, landmarks, world landmarks, ``extra_people``,
    frames with nobody in them) except the mask, which is the recording's one lossy part:
    stored small and 8-bit, it is upscaled to the frame size as float32. Masks are read from
    the file as frames are asked for, so replaying a long recording does not hold them all;
    ``masks=False`` skips them (and the upscaling) for analysis, which never reads them.
    """

    def __init__(self, path: str | os.PathLike[str], *, masks: bool = True) -> None:
        self.path = Path(path)
        self._with_masks = masks
        with _open_archive(self.path) as archive:
            self.recording = _read_header(self.path, archive)
        rec = self.recording
        duration = float(rec.timestamps[-1] - rec.timestamps[0]) if rec.frame_count else 0.0
        source = rec.metadata.get("source") or "an unnamed source"
        created = rec.metadata.get("created") or "an unknown date"
        self.info = SourceInfo(
            name=str(self.path),
            fps=rec.fps,
            frame_size=rec.frame_size,
            live=False,
            description=(
                f"recording of {source}: {rec.frame_count} frames, {duration:.1f} s, made {created}"
            ),
        )
        self._closed = False

    @property
    def frame_count(self) -> int:
        """How many frames :meth:`frames` yields."""
        return self.recording.frame_count

    def frames(self) -> Iterator[PoseFrame]:
        """The recorded frames in order; each call replays from the start."""
        rec = self.recording
        if not (self._with_masks and rec.mask_size is not None and rec.mask_present is not None):
            for index in range(rec.frame_count):
                if self._closed:
                    return
                yield self._frame(index, None)
            return
        width, height = rec.mask_size
        upscale = _Upscaler(rec.mask_size, rec.frame_size)
        shape = (rec.frame_count, height, width)
        with (
            _open_archive(self.path) as archive,
            _member(self.path, archive, "masks") as (stream, header),
        ):
            _check(self.path, "masks", header, _UINT8, shape)
            for index in range(rec.frame_count):
                if self._closed:
                    return
                data = _read_exactly(self.path, "masks", stream, width * height)
                mask = None
                if rec.mask_present[index]:
                    small = np.frombuffer(data, dtype=np.uint8).reshape(height, width)
                    mask = upscale(small)
                yield self._frame(index, mask)
            _drain(self.path, "masks", stream)  # the zip layer checks the CRC at the end

    def close(self) -> None:
        """Stop any running :meth:`frames` generator. Safe to call twice."""
        self._closed = True

    def __enter__(self) -> RecordingSource:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _frame(self, index: int, mask: np.ndarray | None) -> PoseFrame:
        rec = self.recording
        t = float(rec.timestamps[index])
        if not rec.present[index]:
            return PoseFrame.empty(t, rec.frame_size, mask=mask)
        return PoseFrame(
            t,
            rec.landmarks[index].copy(),
            rec.world[index].copy(),
            rec.frame_size,
            mask=mask,
            extra_people=int(rec.extra_people[index]),
        )


# --- reading internals ------------------------------------------------------------------------
#: What zipfile, zlib and numpy's ``.npy`` header parser raise on a damaged or hostile file:
#: a bad or cut-short zip, a broken deflate stream or CRC, an "encrypted" flag
#: (RuntimeError), an unknown compression method (NotImplementedError), a header that is
#: not a Python literal (SyntaxError, ValueError, TypeError) or numbers out of range.
_DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
    OverflowError,
    NotImplementedError,
    RuntimeError,
)


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    """Open ``path`` as a zip archive, or raise an error saying what the file is instead."""
    try:
        with path.open("rb") as probe:
            head = probe.read(len(_ZIP_MAGIC))
    except FileNotFoundError:
        raise SourceUnavailable(f"{path}: no such file") from None
    except OSError as exc:
        raise RecordingError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if not head:
        raise RecordingError(f"{path}: the file is empty, not a Glutes High recording")
    try:
        archive = zipfile.ZipFile(path)
    except _DAMAGE as exc:
        if head == _ZIP_MAGIC:
            raise RecordingError(
                f"{path}: the recording is damaged or was cut short (its zip index is "
                f"unreadable: {exc})"
            ) from exc
        raise RecordingError(f"{path}: not a Glutes High recording (not an .npz file)") from exc
    with archive:
        yield archive


@dataclass(frozen=True, slots=True)
class _Header:
    """An ``.npy`` member's header, read before any of its data."""

    shape: tuple[int, ...]
    fortran: bool
    dtype: np.dtype[Any]
    data_bytes: int  # what the member holds after its header


@contextlib.contextmanager
def _member(path: Path, archive: zipfile.ZipFile, name: str) -> Iterator[tuple[IO[bytes], _Header]]:
    """Open member ``name``, read its ``.npy`` header and yield the stream at its data."""
    try:
        info = archive.getinfo(f"{name}.npy")
    except KeyError:
        raise RecordingError(f"{path}: the recording has no {name!r} array") from None
    try:
        stream = archive.open(info)
    except _DAMAGE as exc:
        raise RecordingError(f"{path}: cannot open the {name!r} array ({exc})") from exc
    with stream:
        try:
            version = np.lib.format.read_magic(stream)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
            else:
                raise ValueError(f".npy format version {version} is not one this game writes")
            header = _Header(tuple(shape), bool(fortran), dtype, info.file_size - stream.tell())
        except Exception as exc:
            # Besides the zip errors, numpy's header parser (tokenize, then a safe
            # ast.literal_eval, bounded to 10,000 bytes) raises whatever garbage provokes:
            # TokenError, SyntaxError, RecursionError... All of them mean "damaged" here.
            raise RecordingError(f"{path}: the {name!r} array is damaged ({exc})") from exc
        if header.dtype.hasobject:
            raise RecordingError(
                f"{path}: the {name!r} array holds Python objects; recordings never do, and "
                "this game does not load them (unpickling could run code)"
            )
        yield stream, header


def _check(
    path: Path, name: str, header: _Header, dtype: np.dtype[Any], shape: tuple[int, ...]
) -> None:
    """The header must say exactly ``dtype`` and ``shape``, and the member hold just that."""
    if header.dtype != dtype or header.fortran:
        order = " in Fortran order" if header.fortran else ""
        raise RecordingError(
            f"{path}: the {name!r} array is {header.dtype}{order}, expected {dtype}"
        )
    if header.shape != shape:
        raise RecordingError(
            f"{path}: the {name!r} array has shape {header.shape}, expected {shape}"
        )
    expected = math.prod(shape) * dtype.itemsize
    if header.data_bytes != expected:
        raise RecordingError(
            f"{path}: the {name!r} array holds {header.data_bytes} bytes of data, but its "
            f"shape needs {expected}"
        )


def _read_exactly(path: Path, name: str, stream: IO[bytes], size: int) -> bytes:
    try:
        data = stream.read(size)
    except _DAMAGE as exc:
        raise RecordingError(f"{path}: the {name!r} array is damaged ({exc})") from exc
    if len(data) != size:
        raise RecordingError(f"{path}: the {name!r} array is cut short")
    return data


def _drain(path: Path, name: str, stream: IO[bytes]) -> None:
    """Read a member to its end: only then does the zip layer check its CRC."""
    try:
        rest = stream.read()
    except _DAMAGE as exc:
        raise RecordingError(f"{path}: the {name!r} array is damaged ({exc})") from exc
    if rest:
        raise RecordingError(f"{path}: the {name!r} array has data past its end")


def _read_array(
    path: Path,
    archive: zipfile.ZipFile,
    name: str,
    want: np.dtype[Any],
    shape: tuple[int, ...] | None = None,
) -> np.ndarray:
    """Read a numeric member whose dtype and shape are known (``shape=None``: 1-D, any
    length up to :data:`MAX_FRAMES`). Returned in native byte order."""
    with _member(path, archive, name) as (stream, header):
        if shape is None:
            if len(header.shape) != 1:
                raise RecordingError(
                    f"{path}: the {name!r} array has shape {header.shape}, expected one row "
                    "per frame"
                )
            if header.shape[0] > MAX_FRAMES:
                raise RecordingError(
                    f"{path}: the recording claims {header.shape[0]} frames, more than the "
                    f"{MAX_FRAMES} this game accepts"
                )
            shape = header.shape
        _check(path, name, header, want, shape)
        data = _read_exactly(path, name, stream, header.data_bytes)
        _drain(path, name, stream)
    return np.frombuffer(data, dtype=want).reshape(shape).astype(want.newbyteorder("="))


def _read_text(path: Path, archive: zipfile.ZipFile, name: str) -> str:
    """A 0-d unicode member (``format``, ``metadata``) of a sane length."""
    with _member(path, archive, name) as (stream, header):
        dtype = header.dtype
        if dtype.kind != "U" or header.shape != () or dtype.itemsize > 4 * _MAX_METADATA_CHARS:
            raise RecordingError(f"{path}: the {name!r} entry is not a short text ({dtype})")
        _check(path, name, header, dtype, ())
        data = _read_exactly(path, name, stream, dtype.itemsize)
        _drain(path, name, stream)
    return str(np.frombuffer(data, dtype=dtype)[0])


def _read_header(path: Path, archive: zipfile.ZipFile) -> Recording:
    """Everything but the masks' data, checked for consistency; masks' header checked too."""
    names = set(archive.namelist())
    if "format.npy" not in names:
        kind = "an .npz without the recording marker" if names else "an empty zip archive"
        raise RecordingError(f"{path}: not a Glutes High recording ({kind})")
    marker = _read_text(path, archive, "format")
    if marker != FORMAT_NAME:
        raise RecordingError(f"{path}: not a Glutes High recording (its format is {marker!r})")
    version = int(_read_array(path, archive, "version", _INT64, ()))
    if version > FORMAT_VERSION:
        raise RecordingError(
            f"{path}: recorded by a newer Glutes High (version {version}); this game reads "
            f"recordings up to version {FORMAT_VERSION}: update it to replay this file"
        )
    if version < 1:
        raise RecordingError(f"{path}: unknown recording version {version}")

    metadata = _parse_metadata(path, _read_text(path, archive, "metadata"))
    fps = metadata["fps"]
    frame_size = metadata["frame_size"]
    mask_size = metadata["mask_size"]

    timestamps = _read_array(path, archive, "timestamps", _FLOAT64)
    count = int(timestamps.shape[0])
    if not np.isfinite(timestamps).all():
        raise RecordingError(f"{path}: some timestamps are not finite numbers")
    if metadata.get("frames", count) != count:
        raise RecordingError(
            f"{path}: the metadata says {metadata['frames']} frames but the arrays hold {count}"
        )
    present = _read_array(path, archive, "present", _BOOL, (count,))
    landmarks = _read_array(path, archive, "landmarks", _FLOAT32, (count, NUM_LANDMARKS, 4))
    world = _read_array(path, archive, "world", _FLOAT32, (count, NUM_LANDMARKS, 3))
    extra = _read_array(path, archive, "extra_people", _INT16, (count,))
    if (extra < 0).any():
        raise RecordingError(f"{path}: 'extra_people' holds negative counts")
    mask_present = None
    if mask_size is not None:
        mask_present = _read_array(path, archive, "mask_present", _BOOL, (count,))
        width, height = mask_size
        with _member(path, archive, "masks") as (_stream, header):
            _check(path, "masks", header, _UINT8, (count, height, width))
    return Recording(
        path=path,
        metadata=metadata,
        fps=fps,
        frame_size=frame_size,
        mask_size=mask_size,
        timestamps=timestamps,
        present=present.view(np.uint8) != 0,
        landmarks=landmarks,
        world=world,
        extra_people=extra,
        mask_present=None if mask_present is None else mask_present.view(np.uint8) != 0,
        masks=None,
    )


def _parse_metadata(path: Path, text: str) -> dict[str, Any]:
    """The metadata JSON, with ``fps``, ``frame_size`` and ``mask_size`` checked and typed."""
    try:
        metadata = json.loads(text)
    except ValueError as exc:
        raise RecordingError(f"{path}: the recording's metadata is not valid JSON ({exc})") from exc
    if not isinstance(metadata, dict):
        raise RecordingError(f"{path}: the recording's metadata is not a JSON object")
    fps = metadata.get("fps")
    if isinstance(fps, bool) or not isinstance(fps, int | float) or not (0 < fps < math.inf):
        raise RecordingError(f"{path}: the metadata's fps must be a positive number, got {fps!r}")
    metadata["fps"] = float(fps)
    metadata["frame_size"] = _size(path, metadata, "frame_size", _MAX_FRAME_SIDE_PX)
    if metadata.get("mask_size") is not None:
        metadata["mask_size"] = _size(path, metadata, "mask_size", _MAX_MASK_SIDE_PX)
    else:
        metadata["mask_size"] = None
    return metadata


def _size(path: Path, metadata: dict[str, Any], key: str, largest: int) -> tuple[int, int]:
    value = metadata.get(key)
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and all(0 < v <= largest for v in value)
    )
    if not ok:
        raise RecordingError(
            f"{path}: the metadata's {key} must be [width, height] in pixels (1 to {largest}), "
            f"got {value!r}"
        )
    return int(value[0]), int(value[1])
