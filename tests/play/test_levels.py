"""Level files: every shipped one loads; every broken one names its file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.paths import shipped_levels_dir
from game.play.levels import LevelError, load_level, load_levels

GOOD = """\
format = 1
id = "test-level"
title = "Test level"
teaching = "A line."
kind = "squats"
time_limit_s = 60

[goals]
reps = 3
depth_deg = 90

[stars]
thresholds = [100, 200, 280]
"""


def write(tmp_path: Path, text: str, name: str = "level.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_level_loads():
    levels, errors = load_levels([shipped_levels_dir()])
    assert not errors, [str(e) for e in errors]
    assert levels, "the game ships at least one level"
    assert len({lv.id for lv in levels}) == len(levels)


def test_good_level_fields(tmp_path):
    level = load_level(write(tmp_path, GOOD))
    assert (level.id, level.reps, level.depth_deg, level.time_limit_s) == (
        "test-level",
        3,
        90.0,
        60.0,
    )
    assert level.star_thresholds == (100, 200, 280)
    assert level.world == 1


@pytest.mark.parametrize(
    ("old", "new", "field", "fragment"),
    [
        ('id = "test-level"\n', "", "id", "is missing"),
        ('id = "test-level"', 'id = "Test Level!"', "id", "lowercase letters"),
        ("reps = 3", 'reps = "three"', "goals.reps", "must be a whole number, got str"),
        ("reps = 3", "reps = true", "goals.reps", "must be a whole number, got bool"),
        ("reps = 3", "reps = 0", "goals.reps", "between 1 and 200"),
        ("depth_deg = 90", "depth_deg = 170", "goals.depth_deg", "between 30 and 150"),
        ("time_limit_s = 60", 'time_limit_s = "soon"', "time_limit_s", "must be a number"),
        ('kind = "squats"', 'kind = "jumping"', "kind", "must be one of squats"),
        ("format = 1", "format = 2", "format", "reads format 1"),
        ('title = "Test level"', 'title = "  "', "title", "must not be empty"),
        ("[100, 200, 280]", "[100, 200]", "stars.thresholds", "three whole numbers"),
        ("[100, 200, 280]", "[200, 100, 280]", "stars.thresholds", "rise strictly"),
        ("[100, 200, 280]", "[100, 200, 301]", "stars.thresholds", "at most 300"),
        ("[goals]", "[goalz]", "goalz", "unknown key"),
        ("depth_deg = 90", "depth_deg = 90\ntempo = 3", "goals.tempo", "unknown key"),
        ("[stars]", "[stars]\nbonus = 1", "stars.bonus", "unknown key"),
    ],
)
def test_broken_level_names_file_and_field(tmp_path, old, new, field, fragment):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(LevelError) as info:
        load_level(path)
    assert info.value.field == field
    assert str(path) in str(info.value)
    assert f"field '{field}'" in str(info.value)
    assert fragment in str(info.value)


def test_not_toml_names_the_file(tmp_path):
    path = write(tmp_path, "id = [unclosed")
    with pytest.raises(LevelError, match="not valid TOML") as info:
        load_level(path)
    assert info.value.path == path


def test_a_broken_file_is_skipped_and_the_rest_load(tmp_path):
    write(tmp_path, GOOD, "a.toml")
    write(tmp_path, GOOD.replace("reps = 3", "reps = -1"), "b.toml")
    write(tmp_path, GOOD.replace('id = "test-level"', 'id = "other"'), "c.toml")
    levels, errors = load_levels([tmp_path])
    assert [lv.id for lv in levels] == ["test-level", "other"]
    assert len(errors) == 1 and errors[0].path.name == "b.toml"


def test_a_players_level_cannot_replace_a_shipped_one(tmp_path):
    shipped, _ = load_levels([shipped_levels_dir()])
    clash = GOOD.replace('id = "test-level"', f'id = "{shipped[0].id}"')
    write(tmp_path, clash)
    levels, errors = load_levels([shipped_levels_dir(), tmp_path])
    assert len(levels) == len(shipped)
    assert errors[0].field == "id" and "already used" in str(errors[0])


@pytest.mark.parametrize(
    ("points", "completed", "stars"),
    [(0, True, 0), (100, True, 1), (199, True, 1), (200, True, 2), (300, True, 3), (300, False, 0)],
)
def test_stars_need_the_goal_then_count_thresholds(tmp_path, points, completed, stars):
    level = load_level(write(tmp_path, GOOD))
    assert level.stars_for(points, completed) == stars
