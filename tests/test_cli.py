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


def test_python_dash_m_game_is_the_same_program():
    out = subprocess.run(
        [sys.executable, "-m", "game", "analyze", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "usage: glutes-high analyze" in out.stdout
