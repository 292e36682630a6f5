"""The shipped levels played by the demo athlete with no pygame: the stars each run earns
follow the level's own thresholds, and saving a result unlocks what progress says."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.paths import shipped_levels_dir
from game.play.levels import HoldGoals, Level, LevelSet, load_level_set
from game.play.progress import record_result
from game.play.scores import ScoreStore
from game.play.session import (
    HoldSession,
    LevelSession,
    Session,
    SessionEvent,
    SessionStatus,
    start_session,
)
from game.play.stand_in import demo_depth_for, demo_spec_for_level
from game.pose.frame import PoseFrame
from game.pose.sources import open_source


@pytest.fixture(scope="module")
def shipped() -> LevelSet:
    level_set = load_level_set([shipped_levels_dir()])
    assert not level_set.errors
    return level_set


def level(shipped: LevelSet, level_id: str) -> Level:
    found = shipped.by_id(level_id)
    assert found is not None, level_id
    return found


def play(lv: Level, spec: str, fps: float = 60.0) -> tuple[Session, list[SessionEvent]]:
    """Play ``lv`` with ``spec`` as the stand-in makes it, ticking like the UI."""
    session = start_session(lv)
    events: list[SessionEvent] = []
    with open_source(demo_spec_for_level(spec, lv)) as source:
        frames = iter(source.frames())
        pending: PoseFrame | None = next(frames, None)
        clock = 0.0
        while session.status is SessionStatus.RUNNING:
            clock += 1 / fps
            while pending is not None and pending.timestamp_s <= clock:
                events.extend(session.add_frame(pending))
                pending = next(frames, None)
            events.extend(session.tick(1 / fps))
    return session, events


def kinds(events: list[SessionEvent]) -> list[str]:
    return [e.kind for e in events]


# -- squat sets -------------------------------------------------------------------------


def test_level_one_with_a_clean_demo_earns_three_stars(shipped):
    lv = level(shipped, "first-squats")
    session, events = play(lv, "demo")
    result = session.result()
    assert result.completed and result.fail_reason is None
    assert len(result.reps) == lv.reps and result.points == 500
    assert result.stars == 3 == lv.max_stars
    assert kinds(events).count("rep") == 5 and kinds(events)[-1] == "complete"
    assert result.duration_s < lv.time_limit_s


def test_a_tucking_demo_fails_the_no_tuck_level(shipped):
    lv = level(shipped, "long-tail")
    assert "tail_tuck" not in lv.goals.allowed_faults
    session, events = play(lv, "demo:tail_tuck")
    result = session.result()
    assert result.completed  # the reps count ...
    assert all("tail_tuck" in rep.faults for rep in result.reps)
    # ... but each loses the tuck's 30 points: 5 x 70 = 350, short of the first star.
    assert result.rep_scores == [70] * 5 and result.points == 350
    assert result.points < lv.star_thresholds[0]
    assert result.stars == 0
    # The tuck is cued the moment it shows at the bottom of each rep, not only after.
    cues = [e for e in events if e.kind == "cue"]
    assert len(cues) == 5 and {e.fault for e in cues} == {"tail_tuck"}
    first_cue = kinds(events).index("cue")
    assert first_cue < kinds(events).index("rep")


def test_the_same_tuck_costs_nothing_where_the_level_forgives_it(shipped):
    lv = level(shipped, "heels-heavy")
    assert "tail_tuck" in lv.goals.allowed_faults
    session, _ = play(lv, "demo:tail_tuck")
    result = session.result()
    assert result.completed and result.points == 500 and result.stars == 3


def test_the_tempo_level_marks_down_rushed_reps(shipped):
    lv = level(shipped, "tempo-3-1-1")
    on_tempo, _ = play(lv, "demo")  # the stand-in squats at 3-1-1
    assert on_tempo.result().stars == 3
    rushed, events = play(lv, "demo?tempo=1-0-1")
    result = rushed.result()
    assert result.completed and result.rep_scores == [84] * 5 and result.points == 420
    assert result.stars == 2  # 400 <= 420 < 460: no clean reps, no third star
    assert {e.cue for e in events if e.kind == "rep"} == {"Slower down - count 3 seconds"}
    assert all(e.timing is not None and e.timing.down_s < 1.5 for e in events if e.kind == "rep")


def test_the_bottom_pause_level_counts_only_paused_reps(shipped):
    lv = level(shipped, "bottom-pause")
    paused, _ = play(lv, "demo")
    assert paused.result().completed and paused.result().stars == 3
    bounced, events = play(lv, "demo?pause=0.3")
    result = bounced.result()
    assert not result.completed and result.stars == 0 and result.missed_reps == 5
    assert {e.reason for e in events if e.kind == "miss"} == {"no_pause"}


def test_the_depth_ladder_counts_reps_inside_the_band_only(shipped):
    lv = level(shipped, "ladder-middle")
    assert 0.7 < demo_depth_for(102.5) < 0.8
    inside, _ = play(lv, "demo")  # the stand-in aims at the band's middle
    assert inside.result().completed and inside.result().stars == 3
    deep, events = play(lv, "demo?depth=1")
    result = deep.result()
    assert not result.completed and result.fail_reason == "time_up" and result.stars == 0
    assert {e.reason for e in events if e.kind == "miss"} == {"too_deep"}


def test_the_clean_streak_level_fails_when_no_five_clean_reps_follow_each_other(shipped):
    lv = level(shipped, "clean-streak")
    slipped, _ = play(lv, "demo:tail_tuck?fault_reps=3,6")
    result = slipped.result()
    assert not result.completed and result.fail_reason == "no_streak"
    assert result.best_streak == 2 and result.stars == 0
    late, _ = play(lv, "demo:tail_tuck?fault_reps=1,2,3")
    result = late.result()
    assert result.completed and result.best_streak == 5
    assert result.points == 5 * 100 + 3 * 70 and result.stars == 2  # 640 <= 710 < 740


# -- holds ------------------------------------------------------------------------------------


def test_the_heels_stand_completes_with_a_balanced_demo(shipped):
    lv = level(shipped, "heels-stand")
    assert isinstance(lv.goals, HoldGoals)
    session, events = play(lv, "demo")
    assert isinstance(session, HoldSession)
    result = session.result()
    assert result.completed and result.kind == "hold"
    assert result.hold_s >= 20 and result.longest_hold_s >= 20
    assert result.points == 100 and result.stars == 3
    assert kinds(events)[0] == "hold_start" and kinds(events)[-1] == "complete"
    assert "hold_break" not in kinds(events)


def test_the_heels_stand_fails_with_the_weight_forward(shipped):
    lv = level(shipped, "heels-stand")
    session, events = play(lv, "demo:weight_forward?hold=stand")
    result = session.result()
    assert not result.completed and result.fail_reason == "time_up"
    assert result.stars == 0 and result.points < lv.star_thresholds[0]
    breaks = [e for e in events if e.kind == "hold_break"]
    assert breaks and breaks[0].fault == "weight_forward"
    assert any(e.kind == "cue" and e.fault == "weight_forward" for e in events)


def test_a_wobble_mid_hold_costs_stars_not_the_hold(shipped):
    lv = level(shipped, "heels-stand")
    # Weight forward from 5 s to 12 s into a 30 s stand: the hold clock pauses for the
    # wobble and runs on to 20 s in all; the longest stretch is what came after it
    # (about 20 s less the 1.5 s standing before the hold and its first 5 s).
    session, events = play(lv, "demo:weight_forward?hold=stand&hold_s=30&fault_from=5&fault_to=12")
    result = session.result()
    assert result.completed
    assert 12 < result.longest_hold_s < 15
    assert result.points == lv.hold_points(result.longest_hold_s)
    assert result.stars == 2  # 60 <= points < 100
    assert kinds(events).count("hold_start") == 2 and kinds(events).count("hold_break") == 1


def test_the_sit_tall_hold_and_the_slump(shipped):
    lv = level(shipped, "sit-tall")
    tall, _ = play(lv, "demo")
    assert tall.result().completed and tall.result().stars == 3
    slumped, _ = play(lv, "demo:tail_tuck")
    result = slumped.result()
    assert not result.completed and result.stars == 0


def test_a_session_refuses_the_other_kind_of_level(shipped):
    with pytest.raises(TypeError, match="not a squat set"):
        LevelSession(level(shipped, "heels-stand"))
    with pytest.raises(TypeError, match="not a hold"):
        HoldSession(level(shipped, "first-squats"))


# -- saving and unlocking --------------------------------------------------------------------


def test_results_unlock_the_next_levels_as_progress_says(shipped, tmp_path: Path):
    levels = shipped.levels
    with ScoreStore(tmp_path / "scores.db") as store:
        tucked, _ = play(level(shipped, "first-squats"), "demo:tail_tuck")
        saved = record_result(store, "Ann", tucked.result(), levels, shipped.worlds)
        assert tucked.result().stars == 1
        # One star in First squats opens the heels stand (its unlock rule), nothing more.
        assert [lv.id for lv in saved.newly_unlocked] == ["heels-stand"]
        assert saved.stars_gained == 1

        failed, _ = play(level(shipped, "heels-stand"), "demo:weight_forward?hold=stand")
        saved = record_result(store, "Ann", failed.result(), levels, shipped.worlds)
        assert saved.newly_unlocked == [] and saved.stars_gained == 0
        assert not saved.after.is_unlocked("sit-tall")

        held, _ = play(level(shipped, "heels-stand"), "demo")
        saved = record_result(store, "Ann", held.result(), levels, shipped.worlds)
        assert [lv.id for lv in saved.newly_unlocked] == ["sit-tall"]
        assert saved.stars_gained == 3

        clean, _ = play(level(shipped, "first-squats"), "demo")
        saved = record_result(store, "Ann", clean.result(), levels, shipped.worlds)
        assert saved.best_stars_before == 1 and saved.stars_gained == 2
        assert saved.newly_unlocked == []
        assert store.best_stars("Ann") == {"first-squats": 3, "heels-stand": 3}
        runs = store.runs(player="Ann")
        assert sorted(r.reps for r in runs) == [0, 0, 5, 5]
