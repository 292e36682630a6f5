"""The command line on real video: quiet terminal, overlay, record and replay."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main

CLIP = Path(__file__).resolve().parents[1].parent / "shared/data/videos/front_highbar_1rep.mp4"
pytestmark = pytest.mark.skipif(not CLIP.exists(), reason=f"no clip at {CLIP}")
#: What the native MediaPipe/LiteRT runtime prints on load and first inference.
NATIVE_NOISE = ("W0000", "INFO: [", "WARNING: [", "Created TensorFlow", "XNNPACK")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", *args], capture_output=True, text=True, check=True
    )


def without_timing(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in ("timing", "source")}


def test_analyze_keeps_the_runtime_quiet_unless_verbose():
    quiet = run_cli("analyze", str(CLIP), "--json")
    assert json.loads(quiet.stdout)["rep_count"] == 1
    assert not any(noise in quiet.stderr for noise in NATIVE_NOISE), quiet.stderr
    loud = run_cli("analyze", str(CLIP), "--json", "--verbose")
    assert any(noise in loud.stderr for noise in NATIVE_NOISE)
    assert json.loads(loud.stdout)["rep_count"] == 1


def test_overlay_writes_every_frame(tmp_path, capsys):
    import cv2

    from game.pose.video import probe_video

    out = tmp_path / "overlay.mp4"
    assert main(["analyze", str(CLIP), "--json", "--overlay", str(out)]) == 0
    report = json.loads(capsys.readouterr().out)
    video = cv2.VideoCapture(str(out))
    frames = int(video.get(cv2.CAP_PROP_FRAME_COUNT))
    ok, picture = video.read()
    video.release()
    width, height = probe_video(CLIP).size
    assert ok and picture.shape[:2] == (height, width)
    assert frames == report["frames"]


def test_a_recorded_clip_replays_to_the_same_analysis(tmp_path, capsys):
    recording = tmp_path / "highbar.npz"
    assert main(["record", str(CLIP), "-o", str(recording)]) == 0
    assert main(["analyze", str(CLIP), "--json"]) == 0
    live = json.loads(capsys.readouterr().out)
    assert main(["analyze", str(recording), "--json"]) == 0
    replayed = json.loads(capsys.readouterr().out)
    assert live["rep_count"] == 1
    assert without_timing(replayed) == without_timing(live)


def test_recording_a_missing_file_says_so(tmp_path, capsys):
    assert main(["record", str(tmp_path / "nope.mp4"), "-o", str(tmp_path / "x.npz")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "x.npz").exists()


def test_a_missing_model_is_a_clear_error(tmp_path, capsys):
    assert main(["analyze", str(CLIP), "--model", str(tmp_path / "none.task")]) == 2
    err = capsys.readouterr().err
    assert "pose model not found" in err and "none.task" in err


def test_analyze_imports_only_what_it_needs(tmp_path):
    """Start-up is part of analyze's time: no pygame, no test tools, and of MediaPipe only
    the Pose Landmarker (its package __init__ imports every task, matplotlib and an audio
    library: half a second)."""
    out = tmp_path / "modules.json"
    code = (
        "import json, sys; from game.cli import main; rc = main(sys.argv[1:]); "
        f"open({str(out)!r}, 'w').write(json.dumps(sorted(sys.modules))); sys.exit(rc)"
    )
    subprocess.run(
        [sys.executable, "-c", code, "analyze", str(CLIP), "--json", "--jobs", "1"],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set(json.loads(out.read_text()))
    assert "mediapipe.tasks.python.vision.pose_landmarker" in modules
    unwanted = {
        "pygame",
        "hypothesis",
        "pytest",
        "matplotlib",
        "sounddevice",
        "mediapipe.tasks.python.audio",
        "mediapipe.tasks.python.text",
        "mediapipe.tasks.python.vision.hand_landmarker",
    }
    assert not modules & unwanted


def test_the_rest_of_mediapipe_still_imports_after_the_lean_import():
    code = (
        "from game.pose.estimator import mediapipe_api\n"
        "api = mediapipe_api()\n"
        "import mediapipe as mp\n"
        "from mediapipe.tasks.python import vision\n"
        "assert mp.Image is api.Image and vision.PoseLandmarker is api.PoseLandmarker\n"
        "assert mp.tasks.BaseOptions is api.BaseOptions\n"
        "assert vision.HandLandmarkerOptions and vision.drawing_utils\n"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)


def test_a_file_that_is_not_a_video_is_the_same_error_with_two_jobs(tmp_path, capsys):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64)
    errors = []
    for jobs in ("1", "2"):
        assert main(["analyze", str(broken), "--json", "--jobs", jobs]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        errors.append(captured.err)
    assert errors[0] == errors[1]
    assert "OpenCV cannot open this file as a video" in errors[0] and str(broken) in errors[0]


def test_jobs_must_be_a_positive_whole_number(capsys):
    for bad in ("0", "-1", "two"):
        with pytest.raises(SystemExit) as info:
            main(["analyze", str(CLIP), "--jobs", bad])
        assert info.value.code == 2
        assert "--jobs" in capsys.readouterr().err


def test_two_jobs_on_the_command_line_stay_quiet_and_count_the_reps():
    """The parallel path end to end: spawned workers log where the parent does."""
    clip = CLIP.with_name("side_frontsquat_barbell_3reps.mp4")  # long enough to split
    quiet = run_cli("analyze", str(clip), "--json", "--jobs", "2")
    assert json.loads(quiet.stdout)["rep_count"] == 3
    assert not any(noise in quiet.stderr for noise in NATIVE_NOISE), quiet.stderr
