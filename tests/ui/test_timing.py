"""Fixed-step game time: whole steps out, backlog capped so a stall cannot spiral."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.ui.timing import FixedStep


def test_steps_follow_real_time() -> None:
    fs = FixedStep(hz=60, max_steps=5)
    assert fs.advance(1 / 60) == 1
    assert fs.advance(1 / 120) == 0
    assert fs.advance(1 / 120) == 1  # the two halves add up


def test_a_stall_runs_at_most_max_steps_and_drops_the_rest() -> None:
    fs = FixedStep(hz=60, max_steps=5)
    assert fs.advance(2.0) == 5
    assert fs.dropped_s == pytest.approx(2.0 - 5 / 60, abs=1 / 60)
    assert fs.advance(1 / 60) == 1  # back to normal straight away


@pytest.mark.parametrize(("hz", "max_steps"), [(0, 5), (-1, 5), (60, 0)])
def test_bad_parameters_are_refused(hz: float, max_steps: int) -> None:
    with pytest.raises(ValueError):
        FixedStep(hz=hz, max_steps=max_steps)


@given(st.lists(st.floats(min_value=0, max_value=0.05), min_size=1, max_size=200))
def test_game_time_tracks_real_time_without_stalls(frames: list[float]) -> None:
    fs = FixedStep(hz=60, max_steps=5)
    steps = sum(fs.advance(dt) for dt in frames)
    assert steps / 60 == pytest.approx(sum(frames), abs=1 / 60 + 1e-6)
    assert 0 <= fs.alpha <= 1


def test_a_live_pose_pulls_the_next_step_in_and_it_is_paid_back() -> None:
    fs = FixedStep(hz=60, max_steps=5)
    assert fs.advance(0.004) == 0
    assert fs.advance(0.004, early=True) == 1  # drawn now, not 8.7 ms later
    assert fs.advance(1 / 60 - 0.008 - 1e-4) == 0  # the borrowed step's time is not over yet
    assert fs.advance(1 / 60) == 0  # ...and this is the time of the step it borrowed from
    assert fs.advance(2e-4) == 1
    assert fs.advance(0.001, early=True) == 1
    assert fs.advance(0.001, early=True) == 0  # never more than one step ahead


@given(
    st.lists(
        st.tuples(st.floats(min_value=0, max_value=0.05), st.booleans()), min_size=1, max_size=300
    )
)
def test_early_steps_never_let_game_time_drift_from_real_time(frames) -> None:
    fs = FixedStep(hz=60, max_steps=5)
    steps = sum(fs.advance(dt, early=early) for dt, early in frames)
    real = sum(dt for dt, _ in frames)
    assert real - 1 / 60 - 1e-6 <= steps / 60 <= real + 1 / 60 + 1e-6
    assert 0 <= fs.alpha <= 1
