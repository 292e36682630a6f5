"""Measure what players feel, in one run: ``python -m bench``.

Prints one table (figure, input, value, goal, met) and writes ``bench/results.json``:

* **pose** (:mod:`bench.pose`): MediaPipe's single-stream inference ceiling on frames
  decoded beforehand; ``analyze`` end to end as a whole process with ``--jobs 1`` and with
  every core, each as a ratio to the ceiling; whether both found the same reps; the CPU
  each used per frame, and so the best parallel ratio the CPU allows. On a 15 s clip and
  on a 30 s set (``--long-clip``), since start-up weighs on a short clip twice as much.
* **coach** (:mod:`bench.coach`): ms per frame, mask analysis included.
* **render** (:mod:`bench.render`): play-scene frames/s at 1280x720, full HUD and effects.
* **live** (:mod:`bench.live`): frame-to-screen latency, camera capture to the frame that
  draws its pose, through the real game loop, against one inference.
* **startup** (:mod:`bench.startup`): launch to the title screen, to the first pose in a
  level, and the peak memory while the level plays.

Each figure names its input (clip, resolution, model). Figures, never asserts: a slow
machine gets a slow number, not a failed build. The soak (30 game minutes) is separate:
``python -m bench.soak``. Sections can be run alone (``--only pose,live``); ``--quick``
shortens every measurement (a smoke run, not figures to quote).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results.json")
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT.parent / "shared" / "data" / "videos" / "side_tommy_3reps_pickup.mp4"
#: A whole set (30 s, 13 reps): the pose section also runs on it, because every figure of
#: a whole ``analyze`` process carries its start-up, and a 15 s clip shows that twice as
#: much as a set a player actually records.
LONG_CLIP = ROOT.parent / "shared" / "data" / "videos" / "front_coach_counter_13reps.mp4"
SECTIONS = ("pose", "coach", "render", "live", "startup")


@dataclass(frozen=True)
class Row:
    figure: str
    input: str
    value: float
    unit: str
    goal: str = ""
    met: bool | None = None  # None: no goal

    def as_dict(self) -> dict[str, Any]:
        return {
            "figure": self.figure,
            "input": self.input,
            "value": round(self.value, 3),
            "unit": self.unit,
            "goal": self.goal or None,
            "met": self.met,
        }


def pose_rows(clip: Path, repeat: int) -> tuple[list[Row], dict]:
    from bench.pose import measure

    f = measure(clip, repeat)
    src = f"{f['clip']} {f['resolution']}, {f['frames']} frames, {f['model']}"
    one, many = f["analyze_jobs1_ratio"], f["analyze_parallel_ratio"]
    rows = [
        Row("pose inference ceiling (pre-decoded, 1 stream)", src, f["inference_ceiling_fps"],
            "frames/s"),
        Row("analyze --jobs 1, whole process", src, f["analyze_jobs1_fps"], "frames/s"),
        Row("  ratio to the ceiling (median of paired rounds)", src, one, "x", ">= 0.95",
            one >= 0.95),
        Row(f"analyze --jobs {f['analyze_parallel_jobs']}, whole process", src,
            f["analyze_parallel_fps"], "frames/s"),
        Row("  ratio to the ceiling (median of paired rounds)", src, many, "x", ">= 1.7",
            many >= 1.7),
        Row("  cores one stream keeps busy (ceiling run)", src,
            f["inference_ceiling_cores"], "cores"),
        Row("  CPU per frame, inference alone (ceiling run)", src,
            f["inference_cpu_ms_per_frame"], "ms"),
        Row("  CPU per frame, analyze --jobs 1, all threads", src,
            f["analyze_jobs1_cpu_ms_per_frame"], "ms"),
        Row(f"  CPU per frame, analyze --jobs {f['analyze_parallel_jobs']}, all processes", src,
            f["analyze_parallel_cpu_ms_per_frame"], "ms"),
        Row(f"  best ratio that CPU allows on {f['usable_cores']} cores", src,
            f["analyze_parallel_cpu_bound_ratio"], "x"),
        Row(f"  same rep count as --jobs 1 ({f['rep_count']})", src, float(f["same_reps"]),
            "yes=1", "= 1", bool(f["same_reps"])),
        Row("  largest move of a rep bottom against --jobs 1", src, f["bottom_shift_s"], "s"),
    ]  # fmt: skip
    return rows, f


def coach_rows() -> tuple[list[Row], dict]:
    from bench.coach import SPECS, coach_ms_per_frame, frames_of

    rows, saved = [], {}
    for spec in SPECS:
        ms = coach_ms_per_frame(frames_of(spec))
        saved[spec] = round(ms, 4)
        rows.append(Row("coach ms/frame, mask analysis included", spec, ms, "ms", "<= 1",
                        ms <= 1.0))  # fmt: skip
    return rows, saved


def render_rows(seconds: float) -> tuple[list[Row], dict]:
    from bench.render import measure_render_fps

    fps = measure_render_fps(seconds=seconds)
    row = Row("play scene render, headless", "demo athlete, 1280x720", fps, "fps", ">= 200",
              fps >= 200)  # fmt: skip
    return [row], {"fps": round(fps, 1)}


def live_rows(clip: Path, seconds: float, rounds: int) -> tuple[list[Row], dict]:
    from bench.live import LATENCY_GOAL_RATIO, measure

    f = measure(clip, seconds, rounds)
    src = (
        f"{f['clip']} {f['resolution']} @ {f['camera_fps']} fps as a camera, {f['model']}, "
        f"SDL video driver {f['video_driver']}"
    )
    ratio = f["frame_to_screen_ratio"]
    rows = [
        Row("one live inference (LIVE_STREAM, alone)", src, f["one_inference_ms_median"], "ms"),
        Row("frame-to-screen latency, median", src, f["frame_to_screen_ms_median"], "ms"),
        Row("frame-to-screen latency, p95", src, f["frame_to_screen_ms_p95"], "ms"),
        Row(f"  median over one inference (median of {f['rounds']} paired rounds)", src,
            ratio, "x", f"<= {LATENCY_GOAL_RATIO}", ratio <= LATENCY_GOAL_RATIO),
        Row("  lowest round", src, f["frame_to_screen_ratio_min"], "x"),
        Row("  highest round", src, f["frame_to_screen_ratio_max"], "x"),
        Row("  drawn poses without their own picture", src, f["drawn_without_own_picture"],
            "frames", "= 0", f["drawn_without_own_picture"] == 0),
        Row("  capture -> result reaches the game, median", src,
            f["capture_to_result_ms_median"], "ms"),
        Row("  result -> on screen (wake, update, draw), median", src,
            f["result_to_screen_ms_median"], "ms"),
    ]  # fmt: skip
    return rows, f


def startup_rows(clip: Path) -> tuple[list[Row], dict]:
    from bench.startup import run

    rows, saved = [], {}
    for source in ["demo"] + ([str(clip)] if clip.exists() else []):
        r = run(source)
        saved[source] = r
        name = Path(source).name
        rows += [
            Row("startup to the title screen", name, r["title_s"], "s", "<= 2",
                r["title_s"] <= 2.0),
            Row("startup to the first pose in a level", name, r["pose_s"], "s"),
            Row("peak RSS during a level", name, r["rss_mb"], "MB", "<= 500",
                r["rss_mb"] <= 500),
        ]  # fmt: skip
    return rows, saved


def main() -> int:
    from game.native_log import route_native_stderr

    route_native_stderr()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP, help="the real clip")
    parser.add_argument(
        "--long-clip", type=Path, default=LONG_CLIP, help="a whole set, for the pose section"
    )
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="paired rounds for the pose")
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test)")
    args = parser.parse_args()
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {SECTIONS}")
    has_clip = args.clip.exists()
    runs: dict[str, Callable[[], tuple[list[Row], dict]]] = {
        "pose": lambda: pose_rows(args.clip, 1 if args.quick else args.repeat),
        "pose_long": lambda: pose_rows(args.long_clip, 1 if args.quick else args.repeat),
        "coach": coach_rows,
        "render": lambda: render_rows(1.0 if args.quick else 5.0),
        "live": lambda: live_rows(args.clip, 4.0 if args.quick else 12.0, 1 if args.quick else 3),
        "startup": lambda: startup_rows(args.clip),
    }
    try:
        saved = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        saved = {}
    saved = saved if isinstance(saved, dict) else {}
    table: list[Row] = []
    if "pose" in wanted:  # the pose section runs on both clips
        wanted.insert(wanted.index("pose") + 1, "pose_long")
    for section in wanted:
        if section in ("pose", "live") and not has_clip:
            print(f"bench: {section} skipped: no clip at {args.clip}")
            continue
        if section == "pose_long" and not args.long_clip.exists():
            print(f"bench: pose on a whole set skipped: no clip at {args.long_clip}")
            continue
        rows, figures = runs[section]()
        table += rows
        saved[section] = figures
    print(f"\n{'figure':50} {'value':>10} {'unit':9} {'goal':>8}  met  input")
    for row in table:
        met = "" if row.met is None else ("yes" if row.met else "NO")
        print(f"{row.figure:50} {row.value:10.2f} {row.unit:9} {row.goal:>8}  {met:4} {row.input}")
    saved["machine"] = {
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    saved["table"] = [row.as_dict() for row in table]
    saved.pop("results", None)  # the table's old name
    RESULTS.write_text(json.dumps(saved, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
