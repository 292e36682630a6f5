"""Each squat goal of the level format, one rule at a time.

The rules are applied to real reps of the demo athlete (the coach's verdicts, with one
field changed where a test needs a rep the demo does not make), and whole sessions are
played where the rule lives in the sequence of reps (streak, combo).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from game.coach.coach import Coach, RepResult
from game.coach.scoring import CLEAN_REP_MIN_SCORE, CUES, PRAISE
from game.play.levels import Level, load_level
from game.play.session import (
    PAUSE_SLACK_S,
    TEMPO_MISS_MAX_SCORE,
    TOO_DEEP_CUE,
    LevelSession,
    SessionEvent,
    SessionStatus,
    judge_rep,
    level_rep_score,
)
from game.play.tempo import RepTiming
from game.pose.frame import PoseFrame
from game.pose.sources import open_source

BASE = """\
format = 2
id = "rule"
world = 1
title = "Rule"
teaching = "One rule."
kind = "squats"
time_limit_s = {limit}

[goals]
reps = {reps}
depth_deg = 90
{goals}

[stars]
thresholds = [{stars}]
{extra}
"""


def make_level(
    tmp_path: Path,
    goals: str = "",
    *,
    reps: int = 5,
    limit: int = 90,
    stars: str = "250, 400, 460",
    extra: str = "",
) -> Level:
    path = tmp_path / "rule.toml"
    text = BASE.format(limit=limit, reps=reps, goals=goals, stars=stars, extra=extra)
    path.write_text(text)
    return load_level(path)


@pytest.fixture(scope="module")
def reps() -> dict[str, RepResult]:
    """A clean and a tail-tucked rep of the demo athlete, as the coach judged them."""
    out: dict[str, RepResult] = {}
    for name, spec in (("clean", "demo?reps=1"), ("tuck", "demo:tail_tuck?reps=1")):
        coach = Coach()
        with open_source(spec) as source:
            for frame in source.frames():
                step = coach.update(frame)
                if step.rep is not None:
                    out[name] = step.rep
    assert out["clean"].score == 100 and out["clean"].faults == ()
    assert "tail_tuck" in out["tuck"].faults and out["tuck"].score < CLEAN_REP_MIN_SCORE
    return out


ON_TEMPO = RepTiming(3.0, 1.0, 1.0)


# -- allowed faults -------------------------------------------------------------------


def test_a_forgiven_fault_costs_the_rep_nothing_but_is_still_named(tmp_path, reps):
    strict = make_level(tmp_path)
    forgiving = make_level(tmp_path, 'allowed_faults = ["tail_tuck"]')
    tuck = reps["tuck"]
    assert judge_rep(strict, tuck, None, CUES["tail_tuck"]).rep.score == tuck.score
    verdict = judge_rep(forgiving, tuck, None, CUES["tail_tuck"])
    assert verdict.rep.score == 100 and verdict.clean and verdict.counted
    assert "tail_tuck" in verdict.rep.faults  # the coach's finding is kept
    assert verdict.cue == CUES["tail_tuck"]  # and the coach still cues it


def test_a_forgiven_shallow_forgives_the_depth_shortfall(tmp_path, reps):
    shallow = replace(reps["clean"], depth_deg=75.0, faults=("shallow",), score=65)
    strict = make_level(tmp_path)
    assert level_rep_score(strict.goals, shallow, 90) == 65  # 100 - 20 - 15
    forgiving = make_level(tmp_path, 'allowed_faults = ["shallow"]')
    assert level_rep_score(forgiving.goals, shallow, 90) == 100


def test_an_unforgiven_fault_is_cued_before_praise_and_not_twice(tmp_path, reps):
    level = make_level(tmp_path)
    tuck = reps["tuck"]
    assert judge_rep(level, tuck, None, CUES["tail_tuck"]).cue == CUES["tail_tuck"]
    # Said mid-rep already: the coach passes no cue and the session does not repeat it.
    assert judge_rep(level, tuck, None, None, said_live="tail_tuck").cue is None
    assert judge_rep(level, reps["clean"], None, PRAISE).cue == PRAISE


# -- tempo ----------------------------------------------------------------------------

TEMPO = """
[goals.tempo]
down_s = 3
pause_s = 1
up_s = 1
tolerance_s = 0.5
"""


def test_an_off_tempo_rep_counts_but_is_not_clean(tmp_path, reps):
    level = make_level(tmp_path, TEMPO)
    clean = reps["clean"]
    on = judge_rep(level, clean, ON_TEMPO, PRAISE)
    assert on.counted and on.clean and on.rep.score == 100 and on.cue == PRAISE
    rushed = judge_rep(level, clean, RepTiming(1.4, 0.3, 1.1), PRAISE)
    assert rushed.counted and not rushed.clean
    assert rushed.rep.score == TEMPO_MISS_MAX_SCORE < CLEAN_REP_MIN_SCORE
    assert set(rushed.tempo_misses) == {"down", "pause"}
    assert rushed.cue == "Slower down - count 3 seconds"  # not praise
    # Just inside the tolerance in every phase is on tempo.
    edge = judge_rep(level, clean, RepTiming(3.45, 0.55, 1.45), PRAISE)
    assert edge.clean and not edge.tempo_misses


def test_a_rep_that_cannot_be_timed_is_not_marked_down(tmp_path, reps):
    level = make_level(tmp_path, TEMPO)
    assert judge_rep(level, reps["clean"], None, PRAISE).clean


def test_a_level_without_tempo_ignores_the_timing(tmp_path, reps):
    level = make_level(tmp_path)
    assert judge_rep(level, reps["clean"], RepTiming(0.5, 0.0, 0.5), PRAISE).clean


# -- ceiling ---------------------------------------------------------------------------


def test_a_rep_past_the_ceiling_does_not_count(tmp_path, reps):
    level = make_level(tmp_path, "max_depth_deg = 110")
    deep = replace(reps["clean"], depth_deg=118.0)
    verdict = judge_rep(level, deep, None, PRAISE)
    assert not verdict.counted and not verdict.clean
    assert verdict.reason == "too_deep" and verdict.cue == TOO_DEEP_CUE
    inside = judge_rep(level, replace(reps["clean"], depth_deg=104.0), None, PRAISE)
    assert inside.counted and inside.clean


def test_a_session_too_deep_for_the_band_runs_out_of_time(tmp_path):
    # The demo goes to ~130°: past a 110° ceiling on every rep.
    level = make_level(tmp_path, "max_depth_deg = 110", reps=3, limit=20, stars="150, 240, 280")
    session = play(level, "demo?reps=4&mask=false")
    result = session.result()
    assert session.status is SessionStatus.FAILED and session.fail_reason == "time_up"
    assert result.reps == () and result.missed_reps == 4 and result.stars == 0
    assert [reason for _, reason in session.missed] == ["too_deep"] * 4


# -- bottom pause ------------------------------------------------------------------------


def test_a_rep_without_the_bottom_pause_does_not_count(tmp_path, reps):
    level = make_level(tmp_path, "pause_s = 2")
    clean = reps["clean"]
    held = judge_rep(level, clean, RepTiming(1.5, 2.1, 1.2), PRAISE)
    assert held.counted and held.clean
    nearly = judge_rep(level, clean, RepTiming(1.5, 2.0 - PAUSE_SLACK_S + 0.01, 1.2), PRAISE)
    assert nearly.counted
    bounced = judge_rep(level, clean, RepTiming(1.5, 0.3, 1.2), PRAISE)
    assert not bounced.counted and bounced.reason == "no_pause"
    assert bounced.cue == "Pause 2 seconds at the bottom"


def test_an_untimed_rep_falls_back_to_the_coachs_pause(tmp_path, reps):
    level = make_level(tmp_path, "pause_s = 2")
    short = replace(reps["clean"], metrics=replace(reps["clean"].metrics, pause_s=0.4))
    assert judge_rep(level, short, None, PRAISE).reason == "no_pause"
    long = replace(reps["clean"], metrics=replace(reps["clean"].metrics, pause_s=2.2))
    assert judge_rep(level, long, None, PRAISE).counted


def test_the_demo_pausing_as_asked_completes_and_bouncing_does_not(tmp_path):
    level = make_level(tmp_path, "pause_s = 2", reps=3, limit=40, stars="150, 240, 280")
    paused = play(level, "demo?reps=3&pause=2.5&mask=false")
    assert paused.status is SessionStatus.COMPLETE and not paused.missed
    bounced = play(level, "demo?reps=3&pause=0.2&mask=false")
    assert bounced.status is SessionStatus.FAILED
    assert [reason for _, reason in bounced.missed] == ["no_pause"] * 3


# -- whole sessions: streak and combo ---------------------------------------------------------


def play(level: Level, spec: str, fps: float = 60.0) -> LevelSession:
    """Drive the session like the UI: fixed ticks, frames delivered up to the clock."""
    session = LevelSession(level)
    session.events = []  # type: ignore[attr-defined]
    with open_source(spec) as source:
        frames = iter(source.frames())
        pending: PoseFrame | None = next(frames, None)
        clock = 0.0
        while session.status is SessionStatus.RUNNING:
            clock += 1 / fps
            while pending is not None and pending.timestamp_s <= clock:
                session.events.extend(session.add_frame(pending))  # type: ignore[attr-defined]
                pending = next(frames, None)
            session.events.extend(session.tick(1 / fps))  # type: ignore[attr-defined]
    return session


def events_of(session: LevelSession, kind: str) -> list[SessionEvent]:
    return [e for e in session.events if e.kind == kind]  # type: ignore[attr-defined]


def test_the_streak_goal_needs_clean_reps_in_a_row(tmp_path):
    level = make_level(tmp_path, "streak = 3", reps=5, stars="250, 400, 460")
    broken = play(level, "demo:tail_tuck?reps=5&fault_reps=3")
    assert [r.score >= CLEAN_REP_MIN_SCORE for r in broken.reps] == [True, True, False, True, True]
    result = broken.result()
    assert broken.status is SessionStatus.FAILED and result.fail_reason == "no_streak"
    assert result.best_streak == 2 and result.stars == 0
    assert [e.streak for e in events_of(broken, "rep")] == [1, 2, 0, 1, 2]
    assert [e.streak for e in events_of(broken, "no_streak")] == [2]

    kept = play(level, "demo:tail_tuck?reps=5&fault_reps=1,2")
    assert kept.status is SessionStatus.COMPLETE and kept.result().best_streak == 3
    assert [e.streak for e in events_of(kept, "streak")] == [3]  # said once, when reached
    assert kept.result().stars == level.stars_for(kept.points, True) > 0


def test_the_combo_multiplies_clean_reps_after_clean_reps(tmp_path):
    level = make_level(tmp_path, reps=5, stars="250, 400, 700", extra="[modifiers]\ncombo = 1.5")
    session = play(level, "demo:tail_tuck?reps=5&fault_reps=3")
    scores = [r.score for r in session.reps]
    assert scores[0] == scores[1] == scores[3] == scores[4] == 100 and scores[2] < 85
    reps = events_of(session, "rep")
    assert [e.multiplier for e in reps] == [1.0, 1.5, 1.0, 1.0, 1.5]
    assert [e.points for e in reps] == [100, 150, scores[2], 100, 150]
    result = session.result()
    assert result.points == 500 + scores[2] == level.squat_points(result.rep_scores)
    assert session.multiplier == 1.5  # the next clean rep would be multiplied too


def test_without_a_combo_points_are_the_sum_of_level_scores(tmp_path):
    level = make_level(tmp_path, 'allowed_faults = ["tail_tuck"]', reps=3, stars="150")
    session = play(level, "demo:tail_tuck?reps=3")
    result = session.result()
    assert result.rep_scores == [100, 100, 100] and result.points == 300
    assert all("tail_tuck" in r.faults for r in result.reps)
    assert result.stars == 1
