"""A whole level played by the demo athlete, with no pygame and no camera."""

from __future__ import annotations

from pathlib import Path

from game.play.levels import load_level
from game.play.session import LevelSession, SessionStatus
from game.pose.frame import PoseFrame
from game.pose.sources import open_source

LEVEL = """\
format = 1
id = "three-squats"
title = "Three squats"
kind = "squats"
time_limit_s = {limit}

[goals]
reps = 3
depth_deg = 90

[stars]
thresholds = [150, 240, 285]
"""


def play(tmp_path: Path, spec: str, limit: int = 60, fps: float = 60.0) -> LevelSession:
    """Drive the session like the UI does: fixed ticks, frames delivered up to the clock."""
    path = tmp_path / "level.toml"
    path.write_text(LEVEL.format(limit=limit))
    session = LevelSession(load_level(path))
    source = open_source(spec)
    frames = iter(source.frames())
    pending: PoseFrame | None = next(frames, None)
    clock = 0.0
    while session.status is SessionStatus.RUNNING:
        clock += 1 / fps
        while pending is not None and pending.timestamp_s <= clock:
            session.add_frame(pending)
            pending = next(frames, None)
        session.tick(1 / fps)
    source.close()
    return session


def test_clean_reps_complete_the_level_with_three_stars(tmp_path):
    session = play(tmp_path, "demo?reps=5&mask=false")
    result = session.result()
    assert result.completed and session.status is SessionStatus.COMPLETE
    assert len(result.reps) == 3
    assert result.points >= 285 and result.stars == 3
    assert result.duration_s < 60


def test_shallow_reps_run_out_of_time_with_no_stars(tmp_path):
    session = play(tmp_path, "demo:shallow?reps=5&mask=false", limit=15)
    result = session.result()
    assert session.status is SessionStatus.FAILED
    assert not result.completed and result.stars == 0 and not result.reps
    assert result.partial_reps >= 2
    assert result.duration_s == 15


def test_faulty_reps_cost_stars(tmp_path):
    result = play(tmp_path, "demo:heels_lift?reps=5&mask=false").result()
    assert result.completed
    assert all("heels_lift" in rep.faults for rep in result.reps)
    assert result.stars < 3


def test_frames_after_the_end_change_nothing(tmp_path):
    session = play(tmp_path, "demo?reps=5&mask=false")
    before = session.result()
    source = open_source("demo?reps=2&mask=false")
    for frame in source.frames():
        assert session.add_frame(frame) == []
    assert session.tick(100) == []
    assert session.result() == before


def test_ending_early_keeps_the_time_played_and_gives_no_stars(tmp_path):
    path = tmp_path / "level.toml"
    path.write_text(LEVEL.format(limit=60))
    session = LevelSession(load_level(path))
    session.tick(12.5)
    assert [e.kind for e in session.end()] == ["ended"]
    assert session.end() == []
    result = session.result()
    assert session.status is SessionStatus.FAILED
    assert (result.completed, result.stars, result.duration_s) == (False, 0, 12.5)
