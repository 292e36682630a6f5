"""Fuzzing the level loader: whatever a player's file holds, the loader returns a checked
level or raises LevelError. Never another exception: one bad file must not stop the game."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.play.levels import (
    KINDS,
    POSTURES,
    HoldGoals,
    LevelError,
    SquatGoals,
    load_level,
    load_level_set,
    reachable_level_ids,
)
from game.pose.frame import FAULTS

IDS = ["a", "b", "c", "d", "first-squats"]
KEYS = [
    "format", "id", "world", "order", "title", "teaching", "kind", "time_limit_s", "boss",
    "goals", "stars", "unlock", "modifiers", "reps", "depth_deg", "tempo", "allowed_faults",
    "streak", "max_depth_deg", "pause_s", "posture", "hold_s", "thresholds", "after",
    "total_stars", "mirror", "slow_motion", "combo", "down_s", "up_s", "tolerance_s", "titel",
]  # fmt: skip

scalars = st.one_of(
    st.integers(-5, 2000),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from([*IDS, *KINDS, *POSTURES, *FAULTS]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=12,
)


def toml_value(value: Any) -> str:
    """``value`` as a TOML literal (inline tables and arrays for nesting)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string, mostly
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_value(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def mostly(good: Any, *bad: Any) -> st.SearchStrategy[Any]:
    """Usually ``good``, sometimes one of ``bad``: most documents get past the first
    check, so the deeper ones (goals, stars, unlocks, cross-file rules) are reached."""
    return st.sampled_from([good] * 8 + list(bad))


def near_valid() -> st.SearchStrategy[dict[str, Any]]:
    """Documents shaped like a level, with any field possibly wrong, missing or extra."""
    squat_goals = st.fixed_dictionaries(
        {"reps": mostly(5, 0, 300, "5"), "depth_deg": mostly(90, 25, 151, float("nan"))},
        optional={
            "tempo": st.fixed_dictionaries(
                {
                    "down_s": mostly(3, 0, 11),
                    "pause_s": mostly(1, -1),
                    "up_s": mostly(1, 0.4),
                    "tolerance_s": mostly(0.5, 1.5, 0),
                }
            ),
            "allowed_faults": st.lists(st.sampled_from([*FAULTS, "tail_tock"]), max_size=8),
            "streak": st.integers(0, 7),
            "max_depth_deg": mostly(110, 50, 92, 200),
            "pause_s": mostly(2, 0.2),
            "hold_s": values,
        },
    )
    hold_goals = st.fixed_dictionaries(
        {"posture": mostly("sit_tall", "stand_heels", "squat"), "hold_s": mostly(20, 2, 90)},
        optional={"allowed_faults": st.lists(st.sampled_from(FAULTS), max_size=3)},
    )
    return st.fixed_dictionaries(
        {
            "format": mostly(2, 1, 3, "2"),
            "id": st.sampled_from(IDS),
            "world": mostly(1, 0, 9),
            "title": mostly("T", "", "x" * 50),
            "teaching": mostly("Sit back.", "two\nlines"),
            "kind": st.sampled_from(KINDS),
            "time_limit_s": mostly(60, 4, 8, 600),
            "goals": st.one_of(squat_goals, hold_goals),
            "stars": st.fixed_dictionaries(
                {
                    "thresholds": st.one_of(
                        st.just([10, 20, 50]),
                        st.lists(st.integers(-1, 700), min_size=0, max_size=4),
                    )
                }
            ),
        },
        optional={
            "boss": st.one_of(st.booleans(), values),
            "order": st.integers(-1, 3),
            "unlock": st.fixed_dictionaries(
                {},
                optional={
                    "after": st.lists(st.sampled_from([*IDS, "zzz"]), max_size=3),
                    "stars": st.integers(0, 4),
                    "total_stars": st.integers(-1, 12),
                },
            ),
            "modifiers": st.dictionaries(
                st.sampled_from(["mirror", "slow_motion", "combo", "turbo"]),
                st.one_of(st.booleans(), st.floats(0, 4)),
                max_size=3,
            ),
        },
    )


def check_level(level: Any) -> None:
    """What the loader promises about any level it returns."""
    assert level.star_thresholds and list(level.star_thresholds) == sorted(
        set(level.star_thresholds)
    )
    assert level.star_thresholds[0] > 0 and level.star_thresholds[-1] <= level.max_points
    assert isinstance(level.goals, SquatGoals | HoldGoals)
    if isinstance(level.goals, SquatGoals):
        assert level.goals.reps * level.goals.min_rep_s <= level.time_limit_s
    else:
        assert level.goals.hold_s <= level.time_limit_s


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(near_valid(), st.dictionaries(st.sampled_from(KEYS), values, max_size=8)))
def test_any_document_loads_or_names_its_problem(doc):
    text = "\n".join(f"{toml_value(k)} = {toml_value(v)}" for k, v in doc.items())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "level.toml"
        path.write_text(text, encoding="utf-8")
        try:
            level = load_level(path)
        except LevelError as exc:
            assert str(exc).startswith(f"{path}: ")
            assert exc.problem
        else:
            check_level(level)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_load_or_name_their_problem(raw):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "level.toml"
        path.write_bytes(raw)
        try:
            check_level(load_level(path))
        except LevelError as exc:
            assert exc.path == path


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(near_valid(), min_size=1, max_size=5))
def test_any_folder_loads_what_it_can_and_every_level_left_can_be_unlocked(docs):
    with tempfile.TemporaryDirectory() as folder:
        for i, doc in enumerate(docs):
            text = "\n".join(f"{toml_value(k)} = {toml_value(v)}" for k, v in doc.items())
            (Path(folder) / f"{i}.toml").write_text(text, encoding="utf-8")
        found = load_level_set([Path(folder)])
    ids = [lv.id for lv in found.levels]
    assert len(ids) == len(set(ids))
    assert len(found.levels) + len(found.errors) == len(docs), "one outcome per file"
    for level in found.levels:
        check_level(level)
        if level.unlock:
            assert set(level.unlock.after) <= set(ids)
    assert reachable_level_ids(found.levels) == set(ids)
