"""Recordings: exact round trips, atomic writes, and bad files refused with clear errors.

The key property: coaching a recording gives the same report as coaching the source it
was recorded from, so a recording can stand in for a session in bug reports and tests.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.coach.analysis import analyze_frames
from game.pose import recording as rec_module
from game.pose.frame import PoseFrame
from game.pose.recording import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MASK_MAX_SIDE_PX,
    RecordingError,
    RecordingSource,
    RecordingWriter,
    read_recording,
    record,
)
from game.pose.source import PoseSource, SourceError, SourceInfo, SourceUnavailable
from game.pose.sources import open_source

DEMO = "demo?reps=1"


@cache
def demo_frames(spec: str = DEMO) -> tuple[PoseFrame, ...]:
    return tuple(open_source(spec).frames())


@cache
def session() -> tuple[PoseFrame, ...]:
    """The demo rep with what real sessions also have: nobody in view (with and without a
    mask), someone else in view, and NaN coordinates (the smoother's missing landmarks)."""
    frames = list(demo_frames())
    size = frames[0].frame_size
    frames[5] = PoseFrame.empty(frames[5].timestamp_s, size)
    frames[6] = PoseFrame.empty(frames[6].timestamp_s, size, mask=np.zeros((480, 640), np.float32))
    frames[7] = dataclasses.replace(frames[7], extra_people=2)
    frames[8] = dataclasses.replace(frames[8], mask=None)
    landmarks = frames[9].landmarks.copy()
    landmarks[3, :3] = np.nan
    frames[9] = dataclasses.replace(frames[9], landmarks=landmarks)
    return tuple(frames)


def write(path: Path, frames: tuple[PoseFrame, ...] | list[PoseFrame], **kwargs) -> Path:
    with RecordingWriter(path, 30.0, frames[0].frame_size, source_name="test", **kwargs) as w:
        for frame in frames:
            w.add(frame)
    return path


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("rec") / "session.npz", session())


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def iou(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a > 0.5, b > 0.5
    return float((a & b).sum() / max(1, (a | b).sum()))


# --- round trips -------------------------------------------------------------------------------
def test_replay_gives_back_exactly_what_was_recorded(recorded):
    original = session()
    source = RecordingSource(recorded)
    replayed = list(source.frames())
    assert len(replayed) == len(original)
    for before, after in zip(original, replayed, strict=True):
        assert after.timestamp_s == before.timestamp_s
        assert after.has_person == before.has_person
        assert after.extra_people == before.extra_people
        assert after.frame_size == before.frame_size
        assert after.image is None and after.truth is None  # never stored
        if before.has_person:
            assert same_bits(after.landmarks, before.landmarks)
            assert same_bits(after.world_landmarks, before.world_landmarks)
        assert (after.mask is None) == (before.mask is None)
        if before.mask is not None:
            assert after.mask.dtype == np.float32 and after.mask.shape == before.mask.shape
            if before.mask.any():
                assert iou(after.mask, before.mask) > 0.9
            else:
                assert not after.mask.any()


def test_a_recording_is_a_pose_source(recorded):
    source = RecordingSource(recorded, masks=False)
    assert isinstance(source, PoseSource)
    assert source.info == SourceInfo(
        name=str(recorded),
        fps=30.0,
        frame_size=(640, 480),
        live=False,
        description=source.info.description,
    )
    assert "test" in source.info.description and "180 frames" in source.info.description
    first = [f.timestamp_s for f in source.frames()]
    assert [f.timestamp_s for f in source.frames()] == first  # replays from the start
    frames = source.frames()
    next(frames)
    source.close()
    source.close()  # twice is fine
    assert list(frames) == []


def test_metadata_and_stored_arrays(recorded):
    recording = read_recording(recorded)
    meta = recording.metadata
    assert meta["source"] == "test" and meta["fps"] == 30.0 and meta["frames"] == 180
    assert meta["frame_size"] == (640, 480) and meta["mask_size"] == (640, 480)
    assert meta["game_version"] == __import__("game").__version__
    assert meta["created"].endswith("+00:00")
    assert max(recording.mask_size) <= MASK_MAX_SIDE_PX
    assert recording.masks.shape == (180, 480, 640) and recording.masks.dtype == np.uint8
    assert recording.present.sum() == 178 and recording.mask_present.sum() == 178
    with np.load(recorded, allow_pickle=False) as npz:  # plain numpy reads it too
        assert str(npz["format"]) == FORMAT_NAME and int(npz["version"]) == FORMAT_VERSION
        assert "image" not in " ".join(npz.files)


def test_masks_can_be_left_out_when_writing_or_reading(tmp_path, recorded):
    assert all(f.mask is None for f in RecordingSource(recorded, masks=False).frames())
    bare = write(tmp_path / "bare.npz", session(), masks=False)
    assert read_recording(bare).mask_size is None
    assert all(f.mask is None for f in RecordingSource(bare).frames())
    assert bare.stat().st_size < recorded.stat().st_size


def test_an_empty_recording_round_trips(tmp_path):
    path = tmp_path / "empty.npz"
    with RecordingWriter(path, 30.0, (640, 480)):
        pass
    assert list(RecordingSource(path).frames()) == []


def test_frames_are_copies_the_reader_may_change(recorded):
    source = RecordingSource(recorded)
    first = next(source.frames())
    first.landmarks[:] = 0
    assert next(source.frames()).landmarks.any()


class FramesSource:
    """Already-made frames as a source (so the demo is simulated once per test run)."""

    def __init__(self, info: SourceInfo, frames: tuple[PoseFrame, ...]) -> None:
        self.info, self._frames = info, frames

    def frames(self):
        return iter(self._frames)

    def close(self) -> None:
        pass


def test_analysing_a_recording_gives_the_same_report_as_the_source(tmp_path):
    spec = "demo:heels_lift?reps=2&rest=0.5&lead=1&tail=1"
    frames = demo_frames(spec)
    path = tmp_path / "two.npz"
    assert record(FramesSource(open_source(spec).info, frames), path) == len(frames)
    replay = RecordingSource(path)
    # Masks included: stored whole and at 8 bits, they read the same as the source's.
    expected = analyze_frames(frames, source=spec, fps=30.0)
    got = analyze_frames(replay.frames(), source=spec, fps=replay.info.fps)
    assert got["rep_count"] == expected["rep_count"] == 2
    assert got["reps"] == expected["reps"]
    assert {k: v for k, v in got.items() if k != "timing"} == {
        k: v for k, v in expected.items() if k != "timing"
    }


def test_record_stops_at_max_seconds_and_reports_progress(tmp_path):
    seen: list[int] = []
    count = record(open_source(DEMO), tmp_path / "short.npz", max_seconds=2.0, progress=seen.append)
    assert count == 60 and seen == list(range(1, 61))
    assert RecordingSource(tmp_path / "short.npz").frame_count == 60


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_record_refuses_a_bad_max_seconds(tmp_path, bad):
    with pytest.raises(ValueError, match="max_seconds"):
        record(open_source(DEMO), tmp_path / "x.npz", max_seconds=bad)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (PoseFrame.empty(0.0, (320, 240)), r"is \(320, 240\), but this recording is \(640, 480\)"),
    ],
)
def test_the_writer_refuses_frames_that_do_not_fit(tmp_path, frame, message):
    writer = RecordingWriter(tmp_path / "x.npz", 30.0, (640, 480))
    with pytest.raises(ValueError, match=message):
        writer.add(frame)


def test_a_mask_inferred_smaller_than_the_frame_is_stretched_to_it(tmp_path):
    """A camera that infers on a 640 px copy sends 1280x720 frames with 640x360 masks."""
    small = np.zeros((360, 640), np.float32)
    small[90:270, 160:480] = 1.0  # a person in the middle half
    path = tmp_path / "x.npz"
    writer = RecordingWriter(path, 30.0, (1280, 720))
    writer.add(PoseFrame.empty(0.0, (1280, 720), mask=small))
    writer.close()
    stored = read_recording(path).masks[0]
    assert stored.shape == (360, 640)  # 1280x720 stored at MASK_MAX_SIDE_PX
    assert stored[180, 320] == 255 and stored[10, 10] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0.0, (640, 480)), "fps"),
        ((float("nan"), (640, 480)), "fps"),
        ((30.0, (0, 480)), "frame_size"),
    ],
)
def test_the_writer_checks_its_parameters(tmp_path, args, message):
    with pytest.raises(ValueError, match=message):
        RecordingWriter(tmp_path / "x.npz", *args)


def test_adding_after_close_is_refused(tmp_path):
    writer = RecordingWriter(tmp_path / "x.npz", 30.0, (640, 480))
    writer.close()
    writer.close()
    with pytest.raises(ValueError, match="already closed"):
        writer.add(PoseFrame.empty(0.0, (640, 480)))


# --- atomic writes ------------------------------------------------------------------------------
def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_failure_while_writing_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    path = tmp_path / "session.npz"
    path.write_bytes(b"the previous recording")
    real_write = rec_module._write_array
    calls = []

    def failing(archive, name, array):
        calls.append(name)
        if name == "landmarks":  # midway: several members already in the archive
            raise OSError(28, "No space left on device")
        real_write(archive, name, array)

    monkeypatch.setattr(rec_module, "_write_array", failing)
    with pytest.raises(OSError, match="No space left"):
        write(path, demo_frames()[:10])
    assert calls[:3] == ["format", "version", "metadata"]
    assert path.read_bytes() == b"the previous recording"
    assert leftovers(tmp_path) == []

    fresh = tmp_path / "fresh.npz"
    with pytest.raises(OSError):
        write(fresh, demo_frames()[:10])
    assert not fresh.exists() and leftovers(tmp_path) == []


def test_a_failure_in_the_with_block_writes_nothing(tmp_path):
    path = tmp_path / "x.npz"
    with pytest.raises(RuntimeError), RecordingWriter(path, 30.0, (640, 480)) as writer:
        writer.add(demo_frames()[0])
        raise RuntimeError("the camera went away")
    assert not path.exists() and leftovers(tmp_path) == []


class _Breaking:
    """A source that breaks after five frames."""

    def __init__(self, error: BaseException) -> None:
        self.info = open_source(DEMO).info
        self.error = error

    def frames(self):
        yield from demo_frames()[:5]
        raise self.error

    def close(self) -> None:
        pass


def test_record_keeps_what_it_read_on_ctrl_c_and_nothing_on_an_error(tmp_path):
    stopped = tmp_path / "stopped.npz"
    assert record(_Breaking(KeyboardInterrupt()), stopped) == 5
    assert read_recording(stopped).frame_count == 5

    broken = tmp_path / "broken.npz"
    with pytest.raises(RuntimeError):
        record(_Breaking(RuntimeError("decoder died")), broken)
    assert not broken.exists() and leftovers(tmp_path) == []


# --- bad files ----------------------------------------------------------------------------------
UNPICKLED: list[str] = []


def _unpickled(name: str) -> str:
    UNPICKLED.append(name)
    return name


class Booby:
    """Unpickling this records that it happened (a real attack would run code instead)."""

    def __reduce__(self):
        return (_unpickled, ("booby",))


@cache
def good_arrays() -> dict[str, np.ndarray]:
    """The members of a small valid recording, to corrupt one at a time."""
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "good.npz", demo_frames()[:4])
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}


def npz_with(path: Path, **changes: object) -> Path:
    """A recording whose members are the good ones with ``changes`` (None deletes)."""
    arrays = dict(good_arrays())
    for name, value in changes.items():
        if value is None:
            arrays.pop(name)
        else:
            arrays[name] = value
    with path.open("wb") as out:
        np.savez(out, **arrays)  # allow_pickle defaults to True here: objects get pickled
    return path


def metadata_with(**changes: object) -> np.ndarray:
    meta = json.loads(str(good_arrays()["metadata"]))
    meta.update(changes)
    return np.array(json.dumps(meta))


def truncated(cut: float):
    def make(path: Path, good: Path) -> None:
        data = good.read_bytes()
        path.write_bytes(data[: int(len(data) * cut)] if cut < 1 else data[:-1])

    return make


@pytest.fixture(scope="module")
def good_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("good") / "good.npz", demo_frames()[:30])


BAD_FILES = {
    "empty file": (lambda p, g: p.write_bytes(b""), "the file is empty"),
    "random bytes": (
        lambda p, g: p.write_bytes(np.random.default_rng(0).bytes(5000)),
        r"not a Glutes High recording \(not an .npz file\)",
    ),
    "a text file": (lambda p, g: p.write_text("timestamp,x,y\n0,1,2\n"), "not an .npz file"),
    "cut at 0.2 %": (truncated(0.002), "damaged or was cut short"),
    "cut at 30 %": (truncated(0.3), "damaged or was cut short"),
    "cut at 90 %": (truncated(0.9), "damaged or was cut short"),
    "last byte missing": (truncated(1.0), "damaged or was cut short"),
    "an empty zip": (
        lambda p, g: zipfile.ZipFile(p, "w").close(),
        r"not a Glutes High recording \(an empty zip archive\)",
    ),
    "some other npz": (
        lambda p, g: np.savez(p, x=np.arange(3)),
        "without the recording marker",
    ),
    "another format": (
        lambda p, g: npz_with(p, format=np.array("someone-elses-poses")),
        "its format is 'someone-elses-poses'",
    ),
    "a newer version": (
        lambda p, g: npz_with(p, version=np.array(99, dtype="<i8")),
        r"recorded by a newer Glutes High \(version 99\)",
    ),
    "version zero": (
        lambda p, g: npz_with(p, version=np.array(0, dtype="<i8")),
        "unknown recording version 0",
    ),
    "version as text": (
        lambda p, g: npz_with(p, version=np.array("1")),
        "'version' array is <U1, expected int64",
    ),
    "pickled landmarks": (
        lambda p, g: npz_with(p, landmarks=np.array([Booby()], dtype=object)),
        "'landmarks' array holds Python objects",
    ),
    "pickled format": (
        lambda p, g: npz_with(p, format=np.array([Booby()], dtype=object)),
        "'format' array holds Python objects",
    ),
    "metadata not JSON": (
        lambda p, g: npz_with(p, metadata=np.array("{fps: 30")),
        "metadata is not valid JSON",
    ),
    "metadata a list": (
        lambda p, g: npz_with(p, metadata=np.array("[30]")),
        "metadata is not a JSON object",
    ),
    "no fps": (
        lambda p, g: npz_with(p, metadata=metadata_with(fps=None)),
        "fps must be a positive",
    ),
    "bad frame size": (
        lambda p, g: npz_with(p, metadata=metadata_with(frame_size=[640])),
        r"frame_size must be \[width, height\]",
    ),
    "frame count disagrees": (
        lambda p, g: npz_with(p, metadata=metadata_with(frames=5)),
        "the metadata says 5 frames but the arrays hold 4",
    ),
    "landmarks missing": (lambda p, g: npz_with(p, landmarks=None), "no 'landmarks' array"),
    "landmarks short": (
        lambda p, g: npz_with(p, landmarks=good_arrays()["landmarks"][:3]),
        r"'landmarks' array has shape \(3, 33, 4\), expected \(4, 33, 4\)",
    ),
    "landmarks float64": (
        lambda p, g: npz_with(p, landmarks=good_arrays()["landmarks"].astype(np.float64)),
        "'landmarks' array is float64, expected float32",
    ),
    "world 2-D": (
        lambda p, g: npz_with(p, world=good_arrays()["world"].reshape(4, 99)),
        r"'world' array has shape \(4, 99\)",
    ),
    "present too long": (
        lambda p, g: npz_with(p, present=np.ones(5, bool)),
        r"'present' array has shape \(5,\), expected \(4,\)",
    ),
    "timestamps 2-D": (
        lambda p, g: npz_with(p, timestamps=np.zeros((4, 1))),
        "expected one row per frame",
    ),
    "a NaN timestamp": (
        lambda p, g: npz_with(p, timestamps=np.array([0, np.nan, 0.2, 0.3])),
        "some timestamps are not finite numbers",
    ),
    "negative extra people": (
        lambda p, g: npz_with(p, extra_people=np.array([0, -1, 0, 0], dtype="<i2")),
        "negative counts",
    ),
    "masks the wrong size": (
        lambda p, g: npz_with(p, masks=np.zeros((4, 10, 10), np.uint8)),
        r"'masks' array has shape \(4, 10, 10\), expected \(4, 480, 640\)",
    ),
    "masks missing": (lambda p, g: npz_with(p, masks=None), "no 'masks' array"),
    "fortran order": (
        lambda p, g: npz_with(p, world=np.asfortranarray(good_arrays()["world"])),
        "Fortran order",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_files_are_refused_with_a_clear_error(tmp_path, good_file, case):
    make, message = BAD_FILES[case]
    path = tmp_path / "bad.npz"
    make(path, good_file)
    UNPICKLED.clear()
    with pytest.raises(RecordingError, match=message) as caught:
        RecordingSource(path)
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, SourceError)
    with pytest.raises(RecordingError):
        read_recording(path)
    assert UNPICKLED == []  # refused without unpickling


def test_the_pickle_case_would_really_run_code_if_unpickled(tmp_path):
    """Guard for the test above: the booby-trapped file does fire when unpickled."""
    path = npz_with(tmp_path / "trap.npz", landmarks=np.array([Booby()], dtype=object))
    UNPICKLED.clear()
    with np.load(path, allow_pickle=True) as npz:
        npz["landmarks"]
    assert UNPICKLED == ["booby"]


def test_a_missing_file_is_unavailable_not_bad(tmp_path):
    with pytest.raises(SourceUnavailable, match="no such file"):
        RecordingSource(tmp_path / "nowhere.npz")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), st.booleans())
def test_random_bytes_only_ever_raise_recording_error(tmp_path_factory, data, zip_like):
    path = tmp_path_factory.mktemp("fuzz") / "x.npz"
    path.write_bytes((b"PK\x03\x04" if zip_like else b"") + data)
    with pytest.raises(RecordingError):
        RecordingSource(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_recordings_only_ever_raise_recording_error(tmp_path, good_file, data):
    blob = bytearray(good_file.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, len(blob) - 1))
        blob[where] = data.draw(st.integers(0, 255))
    path = tmp_path / "damaged.npz"
    path.write_bytes(bytes(blob))
    try:
        source = RecordingSource(path)
        for frame in source.frames():
            assert isinstance(frame, PoseFrame)
    except RecordingError:
        pass
