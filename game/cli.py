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

COMMANDS = ("play", "analyze", "record", "levels", "scores")
#: What ``play`` uses when it cannot open the player's camera or source.
DEMO_SPEC = "demo"


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in (*COMMANDS, "-h", "--help", "--version"):
        args_list.insert(0, "play")
    args = _parser().parse_args(args_list)
    from game.native_log import route_native_stderr, set_verbose

    set_verbose(getattr(args, "verbose", False))
    route_native_stderr()  # MediaPipe's native log lines go to a file, not the terminal
    return int(args.run(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glutes-high",
        description="A camera squat game that rewards a neutral pelvis and glutes kept high. "
        "With no command, plays (same options as 'play').",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--model",
        metavar="PATH",
        help="pose model (.task); default: $GLUTES_HIGH_MODEL, else the one shipped with the game",
    )
    common.add_argument(
        "--verbose",
        action="store_true",
        help="show the pose runtime's own log lines (normally kept in a log file)",
    )

    play = sub.add_parser("play", parents=[common], help="play the game (the default command)")
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
    play.add_argument(
        "--screenshot-dir",
        type=Path,
        metavar="DIR",
        help="walk through every screen with the demo athlete, save a 1280x720 PNG of each"
        " in DIR (01-title.png ...), then stop; implies --headless, keeps its own scores",
    )
    play.add_argument(
        "--mute", action="store_true", help="start with the sound off (M turns it on and off)"
    )
    play.set_defaults(run=_run_play)

    analyze = sub.add_parser(
        "analyze", parents=[common], help="count and judge the squats in a source"
    )
    analyze.add_argument(
        "source", metavar="SRC", help="a video file, a recording (.npz) or 'demo...'"
    )
    analyze.add_argument("--json", action="store_true", help="print the JSON report")
    analyze.add_argument(
        "--overlay",
        type=Path,
        metavar="OUT.mp4",
        help="also write the video with the skeleton and rep marks drawn on it",
    )
    analyze.add_argument(
        "--depth-target",
        type=float,
        metavar="DEG",
        help="knee bend a rep should reach, degrees (default 90)",
    )
    _add_jobs(analyze)
    analyze.set_defaults(run=_run_analyze)

    record = sub.add_parser(
        "record", parents=[common], help="save the pose frames of a source to a recording"
    )
    record.add_argument("source", metavar="SRC", help="camera[:N], a video file or 'demo...'")
    record.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE", help="recording to write (.npz)"
    )
    record.add_argument(
        "--seconds", type=float, metavar="N", help="stop after N seconds (needed for a camera)"
    )
    # The same default as analyze: a recording of a video holds the very frames analyze
    # sees, so replaying it gives the same report.
    _add_jobs(record)
    record.set_defaults(run=_run_record)

    scores = sub.add_parser("scores", help="high scores; move them to another computer")
    scores.add_argument("--level", metavar="ID", help="only this level")
    scores.add_argument("--player", metavar="NAME", help="only this player")
    scores.add_argument("--json", action="store_true", help="print JSON")
    scores.add_argument("--limit", type=int, default=10, metavar="N", help="rows (default 10)")
    move = scores.add_mutually_exclusive_group()
    move.add_argument("--export", type=Path, metavar="FILE.json", help="write every score here")
    move.add_argument(
        "--import",
        dest="import_",
        type=Path,
        metavar="FILE.json",
        help="merge an export in (runs already here are skipped)",
    )
    scores.set_defaults(run=_run_scores)

    levels = sub.add_parser("levels", help="check and list level files")
    levels_sub = levels.add_subparsers(dest="levels_command", metavar="ACTION", required=True)
    validate = levels_sub.add_parser(
        "validate",
        help="check level files and report every error",
        description="Check level files (and worlds.toml files). Named files and folders are "
        "checked together with the shipped levels and your own, as the game would load "
        "them: their ids must be new, and their unlock rules may name those levels. "
        "Exit status 1 if anything is broken.",
    )
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: the shipped levels and your own)",
    )
    validate.set_defaults(run=_run_levels_validate)
    listing = levels_sub.add_parser(
        "list", help="show the worlds and levels in play order, with their unlock rules"
    )
    listing.add_argument(
        "--player", metavar="NAME", help="also show this player's stars and what is open"
    )
    listing.set_defaults(run=_run_levels_list)
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
    if args.screenshot_dir is not None:
        args.headless = True  # the tour presses its own keys: no window needed
    source, notice = _choose_play_source(args.source, headless=args.headless, model=args.model)
    from game.ui.app import GameOptions, run_game

    options = GameOptions(
        source=source,
        level_id=args.level,
        player=args.player,
        headless=args.headless,
        seconds=args.seconds,
        screenshot=args.screenshot,
        notice=notice,
        muted=args.mute,
        screenshot_dir=args.screenshot_dir,
    )
    return run_game(options)


def _choose_play_source(
    requested: str | None, *, headless: bool, model: str | None = None
) -> tuple[str, str | None]:
    """The source to play and, when it is not what the player asked for, why.

    Headless runs play the demo athlete unless told otherwise. A source that cannot be
    opened falls back to the demo athlete with the reason on screen, never a crash.
    """
    from game.pose.model import ModelError
    from game.pose.source import SourceError, SourceUnavailable
    from game.pose.sources import open_source

    if requested is None and headless:
        return DEMO_SPEC, "Headless run - the demo athlete is playing"
    wanted = requested or "camera"
    try:
        open_source(wanted, model=model).close()
    except (SourceError, SourceUnavailable, ModelError) as exc:
        reason = "No camera found" if requested is None else str(exc)
        print(f"glutes-high: {exc}; playing the demo athlete instead", file=sys.stderr)
        return DEMO_SPEC, f"{reason} - playing the demo athlete"
    return wanted, None


def _run_analyze(args: argparse.Namespace) -> int:
    from game.pose.model import ModelError
    from game.pose.parallel import default_jobs
    from game.pose.source import SourceError, SourceUnavailable
    from game.pose.sources import open_source

    jobs = args.jobs or default_jobs()
    try:
        source = open_source(
            args.source, model=args.model, keep_image=bool(args.overlay), jobs=jobs, preload=True
        )
    except (SourceError, SourceUnavailable, ModelError) as exc:
        print(f"glutes-high analyze: {exc}", file=sys.stderr)
        return 2
    progress = Progress(_expected_frames(source), "analyze")
    overlay = None
    try:
        # A video starts decoding, loading the model (and any worker processes) here, so
        # importing the coach below happens while they start up.
        frames = source.frames()
        from game.coach.analysis import analyze_frames
        from game.coach.coach import DEFAULT_DEPTH_TARGET_DEG

        if args.overlay:
            from game.overlay import OverlayWriter

            overlay = OverlayWriter(args.overlay, source.info.fps, source.info.frame_size)

        def on_step(frame, step) -> None:  # type: ignore[no-untyped-def]
            progress.advance()
            if overlay is not None:
                overlay.add(frame, step)

        report = analyze_frames(
            frames,
            source=args.source,
            fps=source.info.fps,
            depth_target_deg=args.depth_target or DEFAULT_DEPTH_TARGET_DEG,
            on_step=on_step,
        )
    except (SourceError, SourceUnavailable, ModelError, OSError) as exc:
        progress.done()
        print(f"glutes-high analyze: {exc}", file=sys.stderr)
        return 2
    finally:
        progress.done()
        if overlay is not None:
            overlay.close()
        source.close()
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        _print_report(report)
    return 0


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _add_jobs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="processes inferring a video file at once, each every N-th frame (default: the "
        "cores this process may use, at most 8, while each keeps 14 frames/s; 1: one "
        "stream). Recordings, the demo and clips under 2 s are always one stream",
    )


def _run_record(args: argparse.Namespace) -> int:
    from game.pose.model import ModelError
    from game.pose.parallel import default_jobs
    from game.pose.recording import RecordingError, record
    from game.pose.source import SourceError, SourceUnavailable
    from game.pose.sources import open_source

    try:
        source = open_source(args.source, model=args.model, jobs=args.jobs or default_jobs())
    except (SourceError, SourceUnavailable, ModelError) as exc:
        print(f"glutes-high record: {exc}", file=sys.stderr)
        return 2
    if source.info.live and args.seconds is None:
        print("glutes-high record: recording a camera: press Ctrl+C to stop", file=sys.stderr)
    progress = Progress(_expected_frames(source), "record")
    try:
        count = record(
            source, args.output, max_seconds=args.seconds, progress=lambda _n: progress.advance()
        )
    except (SourceError, RecordingError, OSError) as exc:
        progress.done()
        print(f"glutes-high record: {exc}", file=sys.stderr)
        return 2
    finally:
        progress.done()
        source.close()
    print(f"wrote {count} frames to {args.output}", file=sys.stderr)
    return 0


def _expected_frames(source: object) -> int | None:
    count = getattr(source, "frame_count", None)
    return int(count) if isinstance(count, int) and count > 0 else None


class Progress:
    """A one-line progress bar on stderr, shown only when stderr is a terminal."""

    WIDTH = 30

    def __init__(self, total: int | None, label: str) -> None:
        self.total = total
        self.label = label
        self.count = 0
        self.enabled = sys.stderr.isatty()
        self._shown = False

    def advance(self) -> None:
        self.count += 1
        if not self.enabled or self.count % 10:
            return
        self._shown = True
        if self.total:
            done = min(1.0, self.count / self.total)
            bar = "#" * round(done * self.WIDTH)
            line = f"{self.label} [{bar:<{self.WIDTH}}] {self.count}/{self.total} frames"
        else:
            line = f"{self.label}: {self.count} frames"
        print(f"\r{line}", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self._shown:
            print(file=sys.stderr)
            self._shown = False


def _print_report(report: dict) -> None:
    print(
        f"{report['source']}: {report['frames']} frames at {report['fps']} fps, "
        f"view {report['view']}"
    )
    print(f"{report['rep_count']} reps counted ({report['partial_reps']} partial)")
    for rejected in report.get("not_squats", []):
        print(
            f"  not a squat: {rejected['start_s']:6.2f}-{rejected['end_s']:.2f} s, "
            f"{rejected['why']}"
        )
    for rep in report["reps"]:
        faults = ", ".join(rep["faults"]) or "clean"
        cue = f"  - {rep['cues'][0]}" if rep["cues"] else ""
        print(
            f"  rep {rep['index']}: bottom {rep['bottom_s']:6.2f} s  depth "
            f"{rep['depth_deg']:5.1f}°  score {rep['score']:3d}  {faults}{cue}"
        )


def _run_scores(args: argparse.Namespace) -> int:
    from game.paths import data_dir
    from game.play.scores import InvalidName, ScoreStore, StoreError

    try:
        with ScoreStore(data_dir() / "scores.db") as store:
            if store.quarantined is not None:
                print(
                    f"glutes-high scores: the score file was damaged; kept as "
                    f"{store.quarantined} and a new one started",
                    file=sys.stderr,
                )
            if args.export:
                count = store.export_json(args.export)
                print(f"exported {count} runs to {args.export}", file=sys.stderr)
                return 0
            if args.import_:
                added, skipped = store.import_json(args.import_)
                print(f"imported {added} runs ({skipped} already here)", file=sys.stderr)
                return 0
            rows = store.runs(level_id=args.level, player=args.player)[: max(0, args.limit)]
    except (StoreError, InvalidName) as exc:
        print(f"glutes-high scores: {exc}", file=sys.stderr)
        return 2
    if args.json:
        keys = ("run_id", "player", "level_id", "points", "stars", "reps", "created_at")
        runs = [
            {"rank": i, **{k: getattr(row, k) for k in keys}, "score": row.points}
            for i, row in enumerate(rows, start=1)
        ]
        json.dump({"level": args.level, "player": args.player, "runs": runs}, sys.stdout, indent=2)
        print()
        return 0
    if not rows:
        print("no scores yet")
    for i, row in enumerate(rows, start=1):
        print(
            f"{i:3}. {row.player:16} {row.level_id:24} {row.points:5} pts  {row.stars}*  "
            f"{row.created_at}"
        )
    return 0


def _run_levels_validate(args: argparse.Namespace) -> int:
    from game.play.levels import default_level_paths, load_level_set

    missing = [path for path in args.paths if not path.exists()]
    for path in missing:
        print(f"ERROR  {path}: no such file or folder")
    checked = [path.resolve() for path in args.paths if path.exists()]
    found = load_level_set([*default_level_paths(), *checked])

    def wanted(path: Path) -> bool:
        """Named paths only; with none named, everything the game would load."""
        if not args.paths:
            return True
        where = path.resolve()
        return any(where == p or where.is_relative_to(p) for p in checked)

    levels = [lv for lv in found.levels if wanted(lv.path)]
    errors = [e for e in found.errors if wanted(e.path)]
    for level in levels:
        print(f"ok     {level.path}  ({level.id}: {level.title})")
    for error in errors:
        print(f"ERROR  {error}")
    broken = len(errors) + len(missing)
    print(f"{len(levels)} level(s) ok, {broken} broken")
    return 1 if broken or not levels else 0


def _run_levels_list(args: argparse.Namespace) -> int:
    from game.play.levels import load_level_set
    from game.play.progress import compute_progress, load_play_streak, load_progress
    from game.play.scores import InvalidName, ScoreStore, StoreError

    found = load_level_set()
    progress = compute_progress(found.levels, {}, found.worlds)
    streak = None
    if args.player is not None:
        from game.paths import data_dir

        try:
            with ScoreStore(data_dir() / "scores.db") as store:
                progress = load_progress(store, args.player, found.levels, found.worlds)
                streak = load_play_streak(store, args.player)
        except (StoreError, InvalidName) as exc:
            print(f"glutes-high: {exc}", file=sys.stderr)
            return 2
    for world in progress.world_progress():
        stars = f"  {world.stars}/{world.max_stars} stars" if args.player is not None else ""
        print(f"World {world.number}: {world.title}{stars}")
        if world.teaching:
            print(f"  {world.teaching}")
        for status in world.levels:
            level = status.level
            mark = "[boss] " if level.boss and "boss" not in level.title.lower() else ""
            if args.player is not None:
                state = f"{status.stars}/{level.max_stars}*" if status.unlocked else "locked"
                print(f"  {state:7} {level.id:20} {mark}{level.title}: {level.goal_text}")
            else:
                print(f"  {level.id:20} {mark}{level.title}: {level.goal_text}")
            if level.unlock is not None and (args.player is None or not status.unlocked):
                pad = " " * (30 if args.player is not None else 22)
                print(f"{pad}opens with {level.unlock.describe()}")
    if args.player is not None:
        nxt = progress.next_level()
        print(f"{progress.total_stars}/{progress.max_stars} stars", end="")
        if streak is not None and streak.current:
            print(f", {streak.current} day(s) in a row", end="")
        print(f"; next: {nxt.id}" if nxt else "; every star won")
    for error in found.errors:
        print(f"skipped: {error}", file=sys.stderr)
    return 0
