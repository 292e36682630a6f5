"""Calibration: the player's own standing numbers and tuck point, stored and read back."""

from __future__ import annotations

import json
import math

import pytest

from game.coach.calibration import (
    Calibration,
    CalibrationError,
    CalibrationStage,
    Calibrator,
)
from game.coach.coach import Coach
from game.pose.sources import open_source


def calibrate(spec: str) -> Calibrator:
    source = open_source(spec)
    calibrator = Calibrator()
    try:
        for frame in source.frames():
            calibrator.update(frame)
    finally:
        source.close()
    return calibrator


def test_standing_then_one_slow_squat():
    calibrator = calibrate("demo?reps=1&lead=4&down=3&seed=1")
    assert calibrator.stage is CalibrationStage.DONE
    cal = calibrator.result()
    assert cal is not None and cal.has_squat
    assert 0 <= cal.standing_knee_deg < 20
    assert cal.standing_lean_deg < 15
    assert cal.view == "side"
    assert 0.3 < cal.trunk_m < 0.7 and 0.3 < cal.thigh_m < 0.6
    assert cal.squat_depth_deg > 100
    assert math.isnan(cal.tuck_onset_deg)  # a clean squat never tucked
    assert cal.safe_depth_deg == cal.squat_depth_deg


def test_the_tuck_point_is_found_and_levels_stop_above_it():
    cal = calibrate("demo:tail_tuck?reps=1&lead=4&down=3&seed=1").result()
    assert cal is not None
    assert 60 < cal.tuck_onset_deg <= cal.squat_depth_deg
    assert cal.safe_depth_deg < cal.tuck_onset_deg


def test_too_short_a_stand_is_not_a_calibration():
    calibrator = calibrate("demo?reps=1&lead=1&seed=1")
    assert calibrator.stage is CalibrationStage.STANDING
    assert calibrator.result() is None
    assert "still" in calibrator.message.lower()


def test_round_trip_through_json():
    cal = calibrate("demo:tail_tuck?reps=1&lead=4&seed=4").result()
    back = Calibration.from_dict(json.loads(json.dumps(cal.as_dict())))
    assert back.standing_knee_deg == pytest.approx(cal.standing_knee_deg)
    assert back.tuck_onset_deg == pytest.approx(cal.tuck_onset_deg)
    assert back.view == cal.view


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([], "must be a table"),
        ({"version": 99, "standing_knee_deg": 3.0}, "version 99"),
        ({"version": 1}, "'standing_knee_deg' is missing"),
        ({"version": 1, "standing_knee_deg": "straight"}, "must be a number"),
        ({"version": 1, "standing_knee_deg": 3.0, "view": 5}, "'view' must be text"),
    ],
)
def test_damaged_records_say_what_is_wrong(data, words):
    with pytest.raises(CalibrationError, match=words):
        Calibration.from_dict(data)


def test_a_calibrated_coach_starts_from_the_players_standing_bend():
    cal = calibrate("demo?reps=1&lead=4&seed=5").result()
    coach = Coach(calibration=cal)
    assert coach._detector.baseline == pytest.approx(cal.standing_knee_deg)
