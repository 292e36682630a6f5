"""Level files: every shipped one loads; every broken one names its file, field and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.paths import data_dir, shipped_levels_dir
from game.play.levels import (
    FORMAT_VERSION,
    HoldGoals,
    LevelError,
    SquatGoals,
    Tempo,
    UnlockRule,
    load_level,
    load_level_set,
    load_levels,
)
from game.pose.frame import FAULTS

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

SQUATS = """\
format = 2
id = "squats-two"
world = 1
title = "Squats two"
teaching = "Tail stays long - stop just above where it tucks."
kind = "squats"
time_limit_s = 90
boss = true

[goals]
reps = 5
depth_deg = 80
max_depth_deg = 95
streak = 3
allowed_faults = ["knees_cave", "shallow"]

[goals.tempo]
down_s = 3
pause_s = 1
up_s = 1
tolerance_s = 0.5

[stars]
thresholds = [250, 400, 460]

[unlock]
after = ["first-squats"]
stars = 2
total_stars = 1

[modifiers]
mirror = false
slow_motion = 0.5
combo = 1.5
"""

HOLD = """\
format = 2
id = "hold-two"
world = 1
title = "Hold two"
teaching = "Stand tall with your weight over your heels."
kind = "hold"
time_limit_s = 60

[goals]
posture = "stand_heels"
hold_s = 20
allowed_faults = ["knees_cave"]

[stars]
thresholds = [30, 60, 100]
"""


def write(folder: Path, text: str, name: str = "level.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def level_text(level_id: str, *, unlock: str = "", thresholds: str = "[100, 200, 280]") -> str:
    """A small valid format-2 squat level, optionally with an ``[unlock]`` body."""
    text = (
        f'format = 2\nid = "{level_id}"\nworld = 1\ntitle = "{level_id}"\n'
        f'teaching = "A line."\nkind = "squats"\ntime_limit_s = 60\n\n'
        f"[goals]\nreps = 3\ndepth_deg = 90\n\n[stars]\nthresholds = {thresholds}\n"
    )
    return text + (f"\n[unlock]\n{unlock}\n" if unlock else "")


def assert_names(error: LevelError, path: Path, field: str | None, fragment: str) -> None:
    """The message a player sees names the file, the field and the problem."""
    text = str(error)
    assert error.path == path and error.field == field, text
    assert text.startswith(f"{path}: "), text
    if field:
        assert f"field '{field}': " in text, text
    assert fragment in text, text


# -- the shipped levels ----------------------------------------------------------------


def test_every_shipped_level_loads():
    levels, errors = load_levels([shipped_levels_dir()])
    assert not errors, [str(e) for e in errors]
    assert len(levels) >= 15
    assert len({lv.id for lv in levels}) == len(levels)


def test_the_shipped_set_teaches_world_by_world_and_ends_each_with_a_boss():
    found = load_level_set([shipped_levels_dir()])
    assert not found.errors, [str(e) for e in found.errors]
    levels = found.levels
    assert levels[0].id == "first-squats" and levels[0].kind == "squats"
    assert levels[0].unlock is None, "the first level is open from the start"
    worlds = sorted({lv.world for lv in levels})
    assert 3 <= len(worlds) <= 4 and set(worlds) <= set(found.worlds)
    for number in worlds:
        in_world = [lv for lv in levels if lv.world == number]
        assert in_world[-1].boss, f"world {number} ends with {in_world[-1].id}, not a boss"
        assert sum(lv.boss for lv in in_world) == 1
    assert {lv.kind for lv in levels} == {"squats", "hold"}
    assert {lv.goals.posture for lv in levels if isinstance(lv.goals, HoldGoals)} == {
        "stand_heels",
        "sit_tall",
    }
    assert len({lv.teaching for lv in levels}) == len(levels), "each level teaches its own thing"
    assert all(lv.format == FORMAT_VERSION for lv in levels)


def test_every_shipped_level_after_the_first_opens_from_something_before_it():
    levels, _ = load_levels([shipped_levels_dir()])
    seen: set[str] = set()
    for level in levels:
        if level is not levels[0]:
            assert level.unlock is not None, f"{level.id} is open from the start"
            assert set(level.unlock.after) <= seen, f"{level.id} waits for a later level"
        seen.add(level.id)


def test_shipped_stars_are_meaningful():
    """1 star for getting through, 3 for a clean set: never free, never out of reach."""
    levels, _ = load_levels([shipped_levels_dir()])
    for level in levels:
        first, *_, top = level.star_thresholds
        assert level.max_stars == 3, level.id
        assert top <= level.max_points, level.id
        assert first >= level.max_points * 0.25, f"{level.id}: 1 star is nearly free"
        assert top >= level.max_points * 0.9, f"{level.id}: 3 stars should ask for clean work"


def test_shipped_levels_keep_their_order_by_world_then_file_name():
    levels, _ = load_levels()
    keys = [(lv.world, lv.order, lv.path.name) for lv in levels]
    assert keys == sorted(keys)


# -- format 2 fields -------------------------------------------------------------------


def test_a_full_squat_level(tmp_path):
    level = load_level(write(tmp_path, SQUATS))
    assert isinstance(level.goals, SquatGoals)
    assert (level.reps, level.depth_deg, level.boss, level.format) == (5, 80.0, True, 2)
    assert level.goals.tempo == Tempo(3.0, 1.0, 1.0, 0.5)
    assert level.goals.allowed_faults == {"knees_cave", "shallow"}
    assert (level.goals.streak, level.goals.max_depth_deg) == (3, 95.0)
    assert level.unlock == UnlockRule(after=("first-squats",), stars=2, total_stars=1)
    assert (level.modifiers.mirror, level.modifiers.slow_motion, level.modifiers.combo) == (
        False,
        0.5,
        1.5,
    )
    # combo 1.5: reps 2-5 can each score 150 after a clean rep.
    assert level.max_points == 100 + 4 * 150
    assert level.goal_text == "5 reps to 80° (not past 95°), tempo 3-1-1, 3 clean in a row"


def test_a_hold_level_and_its_points(tmp_path):
    level = load_level(write(tmp_path, HOLD))
    assert isinstance(level.goals, HoldGoals)
    assert (level.goals.posture, level.goals.hold_s) == ("stand_heels", 20.0)
    assert (level.reps, level.depth_deg, level.max_points) == (0, 0.0, 100)
    assert [level.hold_points(s) for s in (0, 5, 10, 19.9, 20, 45, float("nan"))] == [
        0,
        25,
        50,
        99,
        100,
        100,
        0,
    ]
    assert level.stars_for(level.hold_points(12), completed=True) == 2
    assert level.stars_for(100, completed=False) == 0
    assert level.goal_text == "hold standing over your heels for 20 s"


def test_squat_points_count_only_the_goal_reps_and_the_combo(tmp_path):
    level = load_level(write(tmp_path, SQUATS))
    # clean, clean (x1.5), not clean, clean, clean (x1.5), extra rep ignored
    assert level.squat_points([90, 90, 50, 100, 100, 100]) == 90 + 135 + 50 + 100 + 150
    plain = load_level(write(tmp_path, GOOD, "plain.toml"))
    assert plain.squat_points([90, 90, 90, 90]) == 270


def test_one_to_three_stars(tmp_path):
    one = load_level(write(tmp_path, HOLD.replace("[30, 60, 100]", "[80]")))
    assert one.max_stars == 1 and one.stars_for(85, True) == 1


def test_format_1_files_still_load(tmp_path):
    level = load_level(write(tmp_path, GOOD))
    assert (level.id, level.reps, level.depth_deg, level.time_limit_s) == (
        "test-level",
        3,
        90.0,
        60.0,
    )
    assert level.star_thresholds == (100, 200, 280)
    assert (level.world, level.format, level.unlock, level.boss) == (1, 1, None, False)


# -- broken files: each names its file, field and problem ------------------------------

BROKEN_V1 = [
    ('id = "test-level"\n', "", "id", "is missing"),
    ('id = "test-level"', 'id = "Test Level!"', "id", "lowercase letters"),
    ("reps = 3", 'reps = "three"', "goals.reps", "must be a whole number, got str"),
    ("reps = 3", "reps = true", "goals.reps", "must be a whole number, got bool"),
    ("reps = 3", "reps = 0", "goals.reps", "between 1 and 200"),
    ("depth_deg = 90", "depth_deg = 170", "goals.depth_deg", "between 30 and 150"),
    ("time_limit_s = 60", 'time_limit_s = "soon"', "time_limit_s", "must be a number"),
    ('kind = "squats"', 'kind = "jumping"', "kind", "must be one of squats"),
    ('kind = "squats"', 'kind = "hold"', "kind", "must be one of squats"),  # holds are format 2
    ("format = 1", "format = 3", "format", "reads formats 1 or 2"),
    ('title = "Test level"', 'title = "  "', "title", "must not be empty"),
    ("[100, 200, 280]", "[100, 200]", "stars.thresholds", "three whole numbers"),
    ("[100, 200, 280]", "[200, 100, 280]", "stars.thresholds", "rise strictly"),
    ("[100, 200, 280]", "[100, 200, 301]", "stars.thresholds", "at most 300"),
    ("[goals]", "[goalz]", "goalz", "unknown key (did you mean 'goals'?)"),
    ("depth_deg = 90", "depth_deg = 90\ntempo = 3", "goals.tempo", "unknown key"),
    ("[stars]", "[stars]\nbonus = 1", "stars.bonus", "unknown key"),
    ("format = 1", "format = 1\nboss = true", "boss", "unknown key"),  # format 2 only
    ("reps = 3", "reps = 200", "time_limit_s", "200 reps need at least 300 s"),
]

BROKEN_SQUATS = [
    (
        'teaching = "Tail stays long - stop just above where it tucks."\n',
        "",
        "teaching",
        "is missing",
    ),
    ("world = 1\n", "", "world", "is missing"),
    ("world = 1", "world = 0", "world", "1 or more"),
    ("world = 1", 'world = "one"', "world", "must be a whole number, got str"),
    ('title = "Squats two"', "titel = 'x'", "titel", "did you mean 'title'?"),
    ("[modifiers]", "[modifier]", "modifier", "unknown key"),
    (
        'teaching = "Tail stays long - stop just above where it tucks."',
        'teaching = """Two\nlines"""',
        "teaching",
        "must be one line",
    ),
    ('title = "Squats two"', f'title = "{"x" * 41}"', "title", "at most 40 characters"),
    ("boss = true", 'boss = "yes"', "boss", "must be true or false, got str"),
    ("boss = true", "boss = true\norder = -1", "order", "between 0 and 9999"),
    ("max_depth_deg = 95", "max_depth_deg = 82", "goals.max_depth_deg", "at least 5 degrees above"),
    (
        "depth_deg = 80\nmax_depth_deg = 95",
        "depth_deg = 40\nmax_depth_deg = 60",
        "goals.max_depth_deg",
        "the coach counts a rep from 75 degrees",
    ),
    ("streak = 3", "streak = 6", "goals.streak", "between 2 and reps (5)"),
    ("streak = 3", "streak = 2.5", "goals.streak", "must be a whole number, got float"),
    (
        '["knees_cave", "shallow"]',
        '["knees_cave", "tail_tock"]',
        "goals.allowed_faults",
        "'tail_tock' is not a fault (did you mean 'tail_tuck'?)",
    ),
    ('["knees_cave", "shallow"]', '["shallow", "shallow"]', "goals.allowed_faults", "twice"),
    ('["knees_cave", "shallow"]', "[3]", "goals.allowed_faults", "3 is not a fault"),
    ('["knees_cave", "shallow"]', '"shallow"', "goals.allowed_faults", "must be a list"),
    ("down_s = 3", "down = 3", "goals.tempo.down", "unknown key (did you mean 'down_s'?)"),
    ("up_s = 1", "up_s = -1", "goals.tempo.up_s", "between 0.5 and 10"),
    ("tolerance_s = 0.5", "tolerance_s = 1", "goals.tempo.tolerance_s", "less than the shortest"),
    ("streak = 3", "pause_s = 2", "goals.pause_s", "give the bottom pause once"),
    ("time_limit_s = 90", "time_limit_s = 15", "time_limit_s", "5 reps need at least 17.5 s"),
    ("[250, 400, 460]", "[250, 400, 460, 480]", "stars.thresholds", "1 to 3 whole numbers"),
    ("[250, 400, 460]", "[]", "stars.thresholds", "1 to 3 whole numbers"),
    ("[250, 400, 460]", "[0, 400, 460]", "stars.thresholds", "rise strictly from above 0"),
    ("[250, 400, 460]", "[250, 400, 400]", "stars.thresholds", "rise strictly"),
    ("[250, 400, 460]", "[250, 400, 800]", "stars.thresholds", "at most 700"),
    ("[250, 400, 460]", "[250, 400, 460.5]", "stars.thresholds", "whole numbers"),
    ('after = ["first-squats"]', 'after = "first-squats"', "unlock.after", "must be a list"),
    ('after = ["first-squats"]', 'after = ["First Squats"]', "unlock.after", "not a level id"),
    ('after = ["first-squats"]', 'after = ["a", "a"]', "unlock.after", "names a level twice"),
    (
        'after = ["first-squats"]',
        'after = ["squats-two"]',
        "unlock.after",
        "go round in a circle (squats-two -> squats-two)",
    ),
    ("stars = 2", "stars = 4", "unlock.stars", "between 1 and 3"),
    ('after = ["first-squats"]', "", "unlock.stars", "needs unlock.after"),
    ("total_stars = 1", "total_stars = -1", "unlock.total_stars", "between 0 and 10000"),
    ("total_stars = 1", "everything = 1", "unlock.everything", "unknown key"),
    ("slow_motion = 0.5", "slow_motion = 2", "modifiers.slow_motion", "between 0.25 and 1"),
    ("combo = 1.5", "combo = nan", "modifiers.combo", "between 1 and 3"),
    ("combo = 1.5", "turbo = true", "modifiers.turbo", "unknown key"),
    ("mirror = false", "mirror = 1", "modifiers.mirror", "must be true or false"),
]

BROKEN_HOLD = [
    ('posture = "stand_heels"', 'posture = "squat"', "goals.posture", "stand_heels, sit_tall"),
    ('posture = "stand_heels"\n', "", "goals.posture", "is missing"),
    ("hold_s = 20", 'hold_s = "long"', "goals.hold_s", "must be a number, got str"),
    ("hold_s = 20", "hold_s = 90", "goals.hold_s", "cannot be held within time_limit_s"),
    ("hold_s = 20", "hold_s = 20\nreps = 5", "goals.reps", "unknown key"),
    ('["knees_cave"]', '["heel_lift"]', "goals.allowed_faults", "did you mean 'heels_lift'?"),
    ('["knees_cave"]', str(list(FAULTS)).replace("'", '"'), "goals.allowed_faults", "every fault"),
    ("[30, 60, 100]", "[30, 60, 120]", "stars.thresholds", "a hold scores at most 100"),
    ('kind = "hold"', 'kind = "plank"', "kind", "must be one of squats, hold"),
]


@pytest.mark.parametrize(
    ("template", "old", "new", "field", "fragment"),
    [("v1", *case) for case in BROKEN_V1]
    + [("squats", *case) for case in BROKEN_SQUATS]
    + [("hold", *case) for case in BROKEN_HOLD],
)
def test_broken_level_names_file_field_and_problem(tmp_path, template, old, new, field, fragment):
    text = {"v1": GOOD, "squats": SQUATS, "hold": HOLD}[template]
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(LevelError) as info:
        load_level(path)
    assert_names(info.value, path, field, fragment)


def test_an_empty_unlock_table_is_refused(tmp_path):
    path = write(tmp_path, level_text("lonely", unlock="# nothing"))
    with pytest.raises(LevelError) as info:
        load_level(path)
    assert_names(info.value, path, "unlock", "needs 'after' and/or 'total_stars'")


def test_not_toml_names_the_file(tmp_path):
    path = write(tmp_path, "id = [unclosed")
    with pytest.raises(LevelError, match="not valid TOML") as info:
        load_level(path)
    assert info.value.path == path and info.value.field is None


def test_not_utf8_names_the_file(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes('title = "Caf\xe9"'.encode("latin-1"))
    with pytest.raises(LevelError) as info:
        load_level(path)
    assert str(path) in str(info.value) and info.value.field is None


# -- a folder of levels: the rest still load ---------------------------------------------


def test_a_broken_file_is_skipped_and_the_rest_load(tmp_path):
    write(tmp_path, GOOD, "a.toml")
    write(tmp_path, GOOD.replace("reps = 3", "reps = -1"), "b.toml")
    write(tmp_path, GOOD.replace('id = "test-level"', 'id = "other"'), "c.toml")
    levels, errors = load_levels([tmp_path])
    assert [lv.id for lv in levels] == ["test-level", "other"]
    assert len(errors) == 1 and errors[0].path.name == "b.toml"


def test_a_duplicate_id_is_reported_on_the_later_file(tmp_path):
    first = write(tmp_path, level_text("twin"), "a.toml")
    second = write(tmp_path, level_text("twin"), "b.toml")
    levels, errors = load_levels([tmp_path])
    assert [lv.path for lv in levels] == [first]
    (error,) = errors
    assert_names(error, second, "id", f"'twin' is already used by {first}")


def test_a_players_level_cannot_replace_a_shipped_one(tmp_path):
    shipped, _ = load_levels([shipped_levels_dir()])
    clash = GOOD.replace('id = "test-level"', f'id = "{shipped[0].id}"')
    path = write(tmp_path, clash)
    levels, errors = load_levels([shipped_levels_dir(), tmp_path])
    assert len(levels) == len(shipped)
    assert_names(errors[0], path, "id", "already used")


def test_an_unknown_unlock_reference_drops_only_that_level(tmp_path):
    write(tmp_path, level_text("start"), "a.toml")
    typo = write(tmp_path, level_text("next", unlock='after = ["strat"]'), "b.toml")
    write(tmp_path, level_text("other", unlock='after = ["start"]'), "c.toml")
    levels, errors = load_levels([tmp_path])
    assert [lv.id for lv in levels] == ["start", "other"]
    (error,) = errors
    assert_names(error, typo, "unlock.after", "'strat' is not a level (did you mean 'start'?)")


def test_cyclic_unlocks_name_the_chain_and_drop_every_level_on_it(tmp_path):
    write(tmp_path, level_text("start"), "0.toml")
    a = write(tmp_path, level_text("a", unlock='after = ["b"]'), "1.toml")
    b = write(tmp_path, level_text("b", unlock='after = ["c", "start"]'), "2.toml")
    c = write(tmp_path, level_text("c", unlock='after = ["a"]'), "3.toml")
    d = write(tmp_path, level_text("d", unlock='after = ["a"]'), "4.toml")
    write(tmp_path, level_text("e", unlock='after = ["start"]'), "5.toml")
    levels, errors = load_levels([tmp_path])
    assert [lv.id for lv in levels] == ["start", "e"]
    by_file = {e.path: e for e in errors}
    assert set(by_file) == {a, b, c, d}
    assert_names(by_file[a], a, "unlock.after", "go round in a circle (a -> b -> c -> a)")
    assert_names(by_file[b], b, "unlock.after", "go round in a circle (b -> c -> a -> b)")
    assert_names(by_file[c], c, "unlock.after", "go round in a circle (c -> a -> b -> c)")
    assert_names(by_file[d], d, "unlock.after", "'a' is a broken level")


def test_a_level_no_one_could_unlock_is_refused(tmp_path):
    write(tmp_path, level_text("one"), "1.toml")
    greedy = write(tmp_path, level_text("greedy", unlock="total_stars = 4"), "2.toml")
    fair = write(tmp_path, level_text("fair", unlock="total_stars = 3"), "3.toml")
    levels, errors = load_levels([tmp_path])
    assert [lv.path for lv in levels] == [tmp_path / "1.toml", fair]
    (error,) = errors
    assert_names(error, greedy, "unlock.total_stars", "needs 4 stars in earlier levels")
    assert "at most 3 can be earned before it" in str(error)


def test_unlock_stars_cannot_exceed_what_the_level_offers(tmp_path):
    write(tmp_path, level_text("single", thresholds="[200]"), "1.toml")
    path = write(tmp_path, level_text("two", unlock='after = ["single"]\nstars = 2'), "2.toml")
    levels, errors = load_levels([tmp_path])
    assert [lv.id for lv in levels] == ["single"]
    assert_names(errors[0], path, "unlock.stars", "asks for 2 stars in 'single', which has only 1")


def test_a_level_in_an_unlisted_world_is_refused(tmp_path):
    path = write(tmp_path, level_text("far").replace("world = 1", "world = 42"))
    levels, errors = load_levels([tmp_path])
    assert levels == []
    assert_names(errors[0], path, "world", "world 42 is not listed in any worlds.toml")


# -- worlds -----------------------------------------------------------------------------

WORLDS = """\
format = 2

[[worlds]]
number = 7
title = "Bonus"
teaching = "Extra sets."
"""


def test_a_players_worlds_file_adds_worlds(tmp_path):
    write(tmp_path, WORLDS, "worlds.toml")
    write(tmp_path, level_text("bonus").replace("world = 1", "world = 7"))
    found = load_level_set([shipped_levels_dir(), tmp_path])
    assert not found.errors, [str(e) for e in found.errors]
    assert found.worlds[7].title == "Bonus" and found.worlds[1].title == "Find your heels"
    assert found.levels[-1].id == "bonus", "world 7 plays after the shipped worlds"


@pytest.mark.parametrize(
    ("old", "new", "field", "fragment"),
    [
        ("number = 7", "number = 1", "worlds[0].number", "world 1 is already listed in"),
        ('title = "Bonus"\n', "", "worlds[0].title", "is missing"),
        ('title = "Bonus"', 'titel = "Bonus"', "worlds[0].titel", "unknown key"),
        ("number = 7", "number = 0", "worlds[0].number", "between 1 and 999"),
        ("number = 7", 'number = "7"', "worlds[0].number", "must be a whole number"),
        ("format = 2", "format = 1", "format", "a worlds file is format 2"),
        ("[[worlds]]", "[[world]]", "world", "unknown key (did you mean 'worlds'?)"),
        (
            'teaching = "Extra sets."',
            'teaching = "Extra sets."\n\n[[worlds]]\nnumber = 7\ntitle = "x"\nteaching = "y"',
            "worlds[1].number",
            "world 7 is listed twice",
        ),
    ],
)
def test_a_broken_worlds_file_names_file_field_and_problem(tmp_path, old, new, field, fragment):
    assert old in WORLDS
    path = write(tmp_path, WORLDS.replace(old, new, 1), "worlds.toml")
    found = load_level_set([tmp_path])
    (error,) = found.errors
    assert_names(error, path, field, fragment)
    assert 7 not in found.worlds and 1 in found.worlds, "the shipped worlds stay"


# -- the player's own levels ------------------------------------------------------------


def test_the_players_levels_load_after_the_shipped_ones_and_a_broken_one_is_skipped():
    own = data_dir() / "levels"  # tests get their own GLUTES_HIGH_HOME (conftest)
    mine = write(own, level_text("my-squats", unlock='after = ["first-squats"]'), "mine.toml")
    broken = write(own, level_text("my-broken").replace("reps = 3", "reps = 0"), "broken.toml")
    shipped, _ = load_levels([shipped_levels_dir()])
    levels, errors = load_levels()
    assert [lv.id for lv in levels if lv.path == mine] == ["my-squats"]
    assert {lv.id for lv in shipped} < {lv.id for lv in levels}
    assert levels[0].id == "first-squats"
    (error,) = errors
    assert_names(error, broken, "goals.reps", "between 1 and 200")


def test_no_player_folder_is_fine():
    assert not (data_dir() / "levels").exists()
    levels, errors = load_levels()
    assert levels and not errors
