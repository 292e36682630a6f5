"""The command line as a player and external checks use it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from game.cli import main


def analyze(capsys, spec: str) -> dict:
    assert main(["analyze", spec, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_analyze_demo_counts_five_reps_with_the_stable_keys(capsys):
    report = analyze(capsys, "demo?reps=5")
    assert {"source", "frames", "fps", "view", "rep_count", "reps", "timing"} <= set(report)
    assert report["rep_count"] == 5
    assert report["view"] == "side"
    assert report["source"] == "demo?reps=5"
    rep_keys = {"index", "start_s", "bottom_s", "end_s", "depth_deg", "score", "faults", "cues"}
    for i, rep in enumerate(report["reps"], start=1):
        assert rep_keys <= set(rep)
        assert rep["index"] == i
        assert rep["start_s"] < rep["bottom_s"] < rep["end_s"]
        assert 0 <= rep["score"] <= 100


def test_shallow_demo_counts_no_full_reps(capsys):
    report = analyze(capsys, "demo:shallow?reps=5")
    assert report["rep_count"] == 0
    assert report["partial_reps"] == 5


def test_analyze_human_readable(capsys):
    assert main(["analyze", "demo?reps=2"]) == 0
    out = capsys.readouterr().out
    assert "2 reps counted" in out and "rep 2:" in out


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("demo:wobbly", "wobbly"),
        ("demo?reps=many", "reps"),
        ("camera:x", "camera index"),
        ("/no/such/video.mp4", "no such file"),
    ],
)
def test_analyze_bad_source_says_what_is_wrong(capsys, spec, fragment):
    assert main(["analyze", spec, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert fragment in captured.err


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["play", "--help"], ["analyze", "--help"], ["levels", "validate", "--help"]],
)
def test_every_command_has_help(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    assert "usage: glutes-high" in capsys.readouterr().out


def test_no_subcommand_means_play(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--seconds", "-1", "--help"])
    assert info.value.code == 0
    assert "--headless" in capsys.readouterr().out


def test_levels_validate_reports_broken_files(tmp_path, capsys):
    (tmp_path / "bad.toml").write_text('format = 1\nid = "x"\n')
    assert main(["levels", "validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "bad.toml" in out and "field 'title': is missing" in out


def test_levels_validate_passes_on_shipped_levels(capsys):
    assert main(["levels", "validate"]) == 0
    assert "0 broken" in capsys.readouterr().out


def _level(level_id: str, unlock: str = "") -> str:
    text = (
        f'format = 2\nid = "{level_id}"\nworld = 1\ntitle = "{level_id}"\n'
        f'teaching = "A line."\nkind = "squats"\ntime_limit_s = 60\n'
        f"[goals]\nreps = 3\ndepth_deg = 90\n[stars]\nthresholds = [100, 200, 280]\n"
    )
    return text + (f"[unlock]\n{unlock}\n" if unlock else "")


def test_levels_validate_checks_named_files_against_the_shipped_levels(tmp_path, capsys):
    # A rule may name a shipped level; a circle, a duplicate id and a bad fault are errors.
    (tmp_path / "mine.toml").write_text(_level("mine", 'after = ["first-squats"]'))
    (tmp_path / "ping.toml").write_text(_level("ping", 'after = ["pong"]'))
    (tmp_path / "pong.toml").write_text(_level("pong", 'after = ["ping"]'))
    (tmp_path / "copy.toml").write_text(_level("first-squats"))
    faults = _level("faulty").replace("depth_deg = 90", 'depth_deg = 90\nallowed_faults = ["x"]')
    (tmp_path / "faulty.toml").write_text(faults)
    assert main(["levels", "validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    oks = [line for line in out.splitlines() if line.startswith("ok")]
    assert oks == [f"ok     {tmp_path / 'mine.toml'}  (mine: mine)"], "named files only"
    assert f"{tmp_path / 'ping.toml'}: field 'unlock.after': unlock rules go round" in out
    assert "(ping -> pong -> ping)" in out and "(pong -> ping -> pong)" in out
    assert f"{tmp_path / 'copy.toml'}: field 'id': 'first-squats' is already used by" in out
    assert f"{tmp_path / 'faulty.toml'}: field 'goals.allowed_faults': 'x' is not a fault" in out
    assert out.rstrip().endswith("1 level(s) ok, 4 broken")


def test_levels_validate_a_single_file_and_a_missing_one(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text(_level("good"))
    assert main(["levels", "validate", str(good)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("1 level(s) ok, 0 broken")
    assert main(["levels", "validate", str(good), str(tmp_path / "gone.toml")]) == 1
    assert f"ERROR  {tmp_path / 'gone.toml'}: no such file or folder" in capsys.readouterr().out


def test_levels_validate_with_no_paths_checks_the_players_own_levels(capsys):
    from game.paths import data_dir

    own = data_dir() / "levels"
    own.mkdir(parents=True)
    (own / "typo.toml").write_text(_level("typo", 'after = ["first-squat"]'))
    assert main(["levels", "validate"]) == 1
    out = capsys.readouterr().out
    assert "'first-squat' is not a level (did you mean 'first-squats'?)" in out
    assert "0 broken" not in out and "1 broken" in out


def test_levels_list_shows_worlds_levels_and_rules(capsys):
    assert main(["levels", "list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("World 1: Find your heels\n")
    assert "World 3: Strong and steady" in out
    assert "first-squats" in out and "5 reps to 90°" in out
    assert "opens with 1 star in first-squats" in out


def test_levels_list_for_a_player_shows_what_is_open(capsys):
    from game.paths import data_dir
    from game.play.scores import ScoreStore
    from game.play.session import SessionResult

    with ScoreStore(data_dir() / "scores.db") as store:
        store.add_run("Ann", SessionResult("first-squats", True, 420, 2, (), 0, 40.0))
    assert main(["levels", "list", "--player", "ann"]) == 0
    out = capsys.readouterr().out
    assert "2/3*    first-squats" in out and "0/3*    heels-stand" in out
    assert "locked  sit-tall" in out
    assert out.rstrip().endswith("2/54 stars, 1 day(s) in a row; next: heels-stand")


def test_python_dash_m_game_is_the_same_program():
    out = subprocess.run(
        [sys.executable, "-m", "game", "analyze", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "usage: glutes-high analyze" in out.stdout


def test_a_headless_demo_run_is_saved_and_listed_by_scores(capsys, tmp_path):
    assert main(["--headless", "--seconds", "45", "--player", "Zoë"]) == 0
    capsys.readouterr()
    assert main(["scores", "--level", "first-squats", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["level"] == "first-squats"
    (run,) = listed["runs"]
    assert run["player"] == "Zoë" and run["rank"] == 1
    assert run["score"] == run["points"] and run["points"] > 0 and run["stars"] >= 1
    export = tmp_path / "scores.json"
    assert main(["scores", "--export", str(export)]) == 0
    assert json.loads(export.read_text())["runs"][0]["player"] == "Zoë"


def test_scores_with_no_runs_and_a_bad_player(capsys):
    assert main(["scores"]) == 0
    assert "no scores yet" in capsys.readouterr().out
    assert main(["scores", "--player", "\x00"]) == 2
    assert "control" in capsys.readouterr().err


def test_the_human_report_says_which_bends_were_not_squats(capsys):
    from game.cli import _print_report

    report = {
        "source": "clip.mp4", "frames": 10, "fps": 30.0, "view": "three_quarter",
        "rep_count": 0, "partial_reps": 0, "reps": [],
        "not_squats": [{"start_s": 0.5, "end_s": 2.7, "why": "feet split front to back (a lunge)"}],
    }  # fmt: skip
    _print_report(report)
    out = capsys.readouterr().out
    assert "not a squat:   0.50-2.70 s, feet split front to back (a lunge)" in out
