"""A player's calibration is stored, read back for play, and a damaged one never stops play."""

from __future__ import annotations

from game.coach.calibration import Calibration
from game.play.levels import load_levels
from game.play.scores import ScoreStore
from game.play.session import start_session
from game.ui.scenes.calibration import (
    CALIBRATION_FIELD,
    load_calibration,
    save_calibration,
)

CAL = Calibration(
    standing_knee_deg=12.5,
    standing_lean_deg=4.0,
    standing_bulge=0.05,
    standing_hips_over_foot=0.3,
    standing_com_over_foot=0.5,
    trunk_m=0.5,
    thigh_m=0.43,
    shank_m=0.42,
    view="side",
)


def test_saved_calibration_reaches_the_coach(tmp_path):
    store = tmp_path / "scores.db"
    save_calibration(store, "Alex", CAL)
    loaded = load_calibration(store, "Alex")
    assert loaded is not None and loaded.standing_knee_deg == 12.5
    assert load_calibration(store, "Jo") is None

    levels, _ = load_levels()
    first = next(lv for lv in levels if lv.id == "first-squats")
    session = start_session(first, loaded)
    assert session.coach.calibration is loaded
    assert session.coach._detector.baseline == 12.5


def test_a_damaged_record_is_ignored(tmp_path):
    store = tmp_path / "scores.db"
    with ScoreStore(store) as s:
        s.set_player_data("Alex", CALIBRATION_FIELD, {"version": 99})
    assert load_calibration(store, "Alex") is None
