"""Command line: ``glutes-high [play] ...``, ``glutes-high analyze SRC``, ``glutes-high levels``.

``glutes-high`` with no subcommand means ``play`` and takes all its options. Heavy
imports (pygame, the coach) happen inside the command that needs them, so ``--help``
and ``analyze`` start fast and ``analyze`` never loads pygame.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from game import __version__

__all__ = ["main"]

COMMANDS = ("play", "analyze", "levels")
#: What ``play`` uses when it cannot open the player's camera or source.
DEMO_SPEC = "demo"


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in (*COMMANDS, "-h", "--help", "--version"):
        args_list.insert(0, "play")
    args = _parser().parse_args(args_list)
    return int(args.run(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glutes-high",
        description="A camera squat game that rewards a neutral pelvis and glutes kept high. "
        "With no command, plays (same options as 'play').",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play the game (the default command)")
    play.add_argument(
        "--source",
        metavar="SRC",
        help="where poses come from: 'camera[:N]', a video file, or 'demo[:FAULT+...][?k=v&...]'"
        " (default: the camera; the demo athlete when there is none)",
    )
    play.add_argument("--level", metavar="ID", help="start this level directly")
    play.add_argument("--player", metavar="NAME", default="Player", help="player name")
    play.add_argument(
        "--headless",
        action="store_true",
        help="no window: the game drives its own menus with the demo athlete playing",
    )
    play.add_argument(
        "--seconds", type=float, metavar="N", help="stop after N seconds of game time"
    )
    play.add_argument("--screenshot", type=Path, metavar="PNG", help="save the last frame here")
    play.set_defaults(run=_run_play)

    analyze = sub.add_parser("analyze", help="count and judge the squats in a source")
    analyze.add_argument("source", metavar="SRC", help="'demo...' (video files come later)")
    analyze.add_argument("--json", action="store_true", help="print the JSON report")
    analyze.add_argument(
        "--depth-target",
        type=float,
        metavar="DEG",
        help="knee bend a rep should reach, degrees (default 90)",
    )
    analyze.set_defaults(run=_run_analyze)

    levels = sub.add_parser("levels", help="check level files")
    levels_sub = levels.add_subparsers(dest="levels_command", metavar="ACTION", required=True)
    validate = levels_sub.add_parser("validate", help="check level files and report every error")
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: the shipped levels and your own)",
    )
    validate.set_defaults(run=_run_levels_validate)
    return parser


def _run_play(args: argparse.Namespace) -> int:
    if args.seconds is not None and args.seconds <= 0:
        print("glutes-high: --seconds must be positive", file=sys.stderr)
        return 2
    if args.player is not None:
        from game.play.scores import InvalidName, clean_name

        try:
            args.player = clean_name(args.player)
        except InvalidName as exc:
            print(f"glutes-high: --player: {exc}", file=sys.stderr)
            return 2
    source, notice = _choose_play_source(args.source, headless=args.headless)
    from game.ui.app import GameOptions, run_game

    options = GameOptions(
        source=source,
        level_id=args.level,
        player=args.player,
        headless=args.headless,
        seconds=args.seconds,
        screenshot=args.screenshot,
        notice=notice,
    )
    return run_game(options)


def _choose_play_source(requested: str | None, *, headless: bool) -> tuple[str, str | None]:
    """The source to play and, when it is not what the player asked for, why.

    Headless runs play the demo athlete unless told otherwise. A source that cannot be
    opened falls back to the demo athlete with the reason on screen, never a crash.
    """
    from game.pose.source import SourceError, SourceUnavailable
    from game.pose.sources import open_source

    if requested is None and headless:
        return DEMO_SPEC, "Headless run - the demo athlete is playing"
    wanted = requested or "camera"
    try:
        open_source(wanted).close()
    except (SourceError, SourceUnavailable) as exc:
        reason = "No camera found" if requested is None else str(exc)
        print(f"glutes-high: {exc}; playing the demo athlete instead", file=sys.stderr)
        return DEMO_SPEC, f"{reason} - playing the demo athlete"
    return wanted, None


def _run_analyze(args: argparse.Namespace) -> int:
    from game.coach.analysis import analyze_frames
    from game.coach.coach import DEFAULT_DEPTH_TARGET_DEG
    from game.pose.source import SourceError, SourceUnavailable
    from game.pose.sources import open_source

    try:
        source = open_source(args.source)
    except (SourceError, SourceUnavailable) as exc:
        print(f"glutes-high analyze: {exc}", file=sys.stderr)
        return 2
    try:
        report = analyze_frames(
            source.frames(),
            source=args.source,
            fps=source.info.fps,
            depth_target_deg=args.depth_target or DEFAULT_DEPTH_TARGET_DEG,
        )
    finally:
        source.close()
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        _print_report(report)
    return 0


def _print_report(report: dict) -> None:
    print(
        f"{report['source']}: {report['frames']} frames at {report['fps']} fps, "
        f"view {report['view']}"
    )
    print(f"{report['rep_count']} reps counted ({report['partial_reps']} partial)")
    for rep in report["reps"]:
        faults = ", ".join(rep["faults"]) or "clean"
        cue = f"  - {rep['cues'][0]}" if rep["cues"] else ""
        print(
            f"  rep {rep['index']}: bottom {rep['bottom_s']:6.2f} s  depth "
            f"{rep['depth_deg']:5.1f}°  score {rep['score']:3d}  {faults}{cue}"
        )


def _run_levels_validate(args: argparse.Namespace) -> int:
    from game.paths import data_dir, shipped_levels_dir
    from game.play.levels import LevelError, load_level, load_levels

    files: list[Path] = []
    folders: list[Path] = []
    if args.paths:
        for path in args.paths:
            (folders if path.is_dir() else files).append(path)
    else:
        folders = [shipped_levels_dir(), data_dir() / "levels"]
    levels, errors = load_levels(folders)
    for path in files:
        try:
            levels.append(load_level(path))
        except LevelError as exc:
            errors.append(exc)
    for level in levels:
        print(f"ok     {level.path}  ({level.id}: {level.title})")
    for error in errors:
        print(f"ERROR  {error}")
    print(f"{len(levels)} level(s) ok, {len(errors)} broken")
    return 1 if errors or not levels else 0
