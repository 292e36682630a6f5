"""The pose model file and the video source, with the real model and a real clip."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from game.pose.model import MODEL_ENV, ModelError, resolve_model, shipped_model
from game.pose.source import SourceUnavailable

CLIP = Path(__file__).resolve().parents[2].parent / "shared/data/videos/front_highbar_1rep.mp4"
needs_clip = pytest.mark.skipif(not CLIP.exists(), reason=f"no clip at {CLIP}")


def test_the_shipped_model_is_found_and_checked(monkeypatch):
    monkeypatch.delenv(MODEL_ENV, raising=False)
    assert resolve_model() == shipped_model()


def test_resolution_order_flag_then_env_then_shipped(tmp_path, monkeypatch):
    flag = tmp_path / "flag.task"
    env = tmp_path / "env.task"
    for path in (flag, env):
        with zipfile.ZipFile(path, "w") as bundle:
            bundle.writestr("pose_detector.tflite", b"x")
            bundle.writestr("pose_landmarks_detector.tflite", b"x")
    monkeypatch.setenv(MODEL_ENV, str(env))
    assert resolve_model(flag) == flag
    assert resolve_model() == env


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "pose model not found"),
        (b"<html>404 not found</html>", "damaged or not a .task bundle"),
        ("zip-without-networks", "missing pose_detector.tflite"),
    ],
)
def test_bad_models_name_the_path_and_the_fix(tmp_path, content, fragment):
    path = tmp_path / "model.task"
    if content == "zip-without-networks":
        with zipfile.ZipFile(path, "w") as bundle:
            bundle.writestr("pose_landmarks_detector.tflite", b"x")
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(ModelError) as info:
        resolve_model(path)
    message = str(info.value)
    assert str(path) in message and fragment in message
    assert "--model" in message and MODEL_ENV in message


def test_a_fake_bundle_fails_cleanly_in_mediapipe(tmp_path):
    from game.pose.estimator import PoseEstimator

    path = tmp_path / "fake.task"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("pose_detector.tflite", b"not a network")
        bundle.writestr("pose_landmarks_detector.tflite", b"not a network")
    with pytest.raises(ModelError, match="could not load"):
        PoseEstimator(resolve_model(path))


def test_a_file_that_is_not_a_video(tmp_path):
    from game.pose.video import VideoSource

    path = tmp_path / "notes.mp4"
    path.write_text("not a video")
    with pytest.raises(SourceUnavailable, match="cannot open"):
        VideoSource(path, model=shipped_model())


@needs_clip
def test_video_source_gives_every_frame_with_a_person():
    from game.pose.video import VideoSource

    source = VideoSource(CLIP, model=shipped_model(), keep_image=True)
    frames = list(source.frames())
    source.close()
    source.close()
    assert len(frames) == source.frame_count
    assert source.info.frame_size == frames[0].frame_size and not source.info.live
    times = np.array([f.timestamp_s for f in frames])
    assert np.allclose(np.diff(times), 1 / source.info.fps)
    assert all(f.has_person for f in frames)
    assert frames[0].image is not None and frames[0].mask is not None
    assert frames[0].image.shape[:2] == frames[0].mask.shape


@needs_clip
def test_stopping_early_releases_the_decoder():
    from game.pose.video import VideoSource

    source = VideoSource(CLIP, model=shipped_model(), mask=False)
    for i, _frame in enumerate(source.frames()):
        if i == 3:
            break
    source.close()
    # A second pass starts again from the first frame.
    assert next(iter(source.frames())).timestamp_s == 0.0
    source.close()
