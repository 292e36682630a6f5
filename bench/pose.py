"""Pose pipeline speed on one real clip: is everything else hidden behind inference?

Prints, for one clip and the shipped model, in one run:

* **inference ceiling** — frames/s of MediaPipe alone on frames decoded beforehand
  (one stream, VIDEO mode: one inference uses about one core);
* **analyze --jobs 1** — frames/s of ``glutes-high analyze CLIP --json --jobs 1`` as a
  whole process (start-up, model load, decode, inference, coach, JSON), and its ratio
  to the ceiling (goal >= 0.95: decoding, smoothing, coaching and start-up hide behind
  inference);
* **analyze, default jobs** — the same command with ``--jobs`` left to its default (the
  usable cores): the clip in parallel chunks, and its ratio to the one-stream ceiling
  (goal >= 1.7 on 2 cores); and whether both found the same reps;
* **live read-to-result latency** — frames read at the clip's own pace (as a camera
  delivers them) into the LIVE_STREAM estimator: from a frame being read to its result
  being available to the game loop, median and p95, and how many frames got a result.

Each speed is the best of ``--repeat`` interleaved runs (least disturbed by anything else
on the machine; the load averages before and after are printed with the figures). The
figures also go to ``bench/results.json`` under ``"pose"``, next to whatever else is there.

Usage: ``python -m bench.pose [CLIP] [--repeat N]`` (default: a side-view clip from
../shared/data).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results.json")
DEFAULT_CLIP = ROOT.parent / "shared" / "data" / "videos" / "side_tommy_3reps_pickup.mp4"


def inference_ceiling(clip: Path, model: Path) -> tuple[float, int]:
    from game.pose.estimator import PoseEstimator
    from game.pose.video import decode_video, probe_video

    probe = probe_video(clip)
    decoded = list(decode_video(clip, probe.fps))
    with PoseEstimator(model) as estimator:
        estimator.estimate(decoded[0].rgb, 0.0)  # first call allocates; not a steady frame
        t0 = time.perf_counter()
        for frame in decoded[1:]:
            estimator.estimate(frame.rgb, frame.timestamp_s)
        seconds = time.perf_counter() - t0
    return (len(decoded) - 1) / seconds, len(decoded)


def analyze_process(clip: Path, jobs: int | None) -> tuple[float, dict]:
    """Frames/s of the whole ``analyze`` command (``jobs=None``: its default), and its report."""
    command = [sys.executable, "-m", "game", "analyze", str(clip), "--json"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    t0 = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - t0
    report = json.loads(out.stdout)
    return report["frames"] / seconds, report


def best_of_rounds(
    repeat: int, runs: dict[str, Callable[[], tuple[float, Any]]]
) -> dict[str, tuple[float, Any]]:
    """Each run ``repeat`` times, in interleaved rounds, keeping the fastest (frames/s first).

    Rounds rather than one figure after another, so that something else starting on the
    machine halfway through slows every figure alike instead of only the last ones.
    """
    best: dict[str, tuple[float, Any]] = {}
    for _ in range(max(1, repeat)):
        for name, run in runs.items():
            result = run()
            if name not in best or result[0] > best[name][0]:
                best[name] = result
    return best


def same_reps(a: dict, b: dict) -> bool:
    """Same rep count, and every bottom within one frame (bottoms are rounded to 1 ms)."""
    if a["rep_count"] != b["rep_count"]:
        return False
    frame_s = 1.0 / a["fps"] + 0.0011
    return all(
        abs(x["bottom_s"] - y["bottom_s"]) <= frame_s
        for x, y in zip(a["reps"], b["reps"], strict=True)
    )


def read_to_result_latency(clip: Path, model: Path, seconds: float = 10.0) -> np.ndarray:
    """Live semantics: frames are read at the clip's own pace (as a camera delivers
    them) and handed to the LIVE_STREAM estimator; per frame, the time from being read to
    its result being available to the game loop. Frames MediaPipe skipped have none."""
    from game.pose.estimator import LivePoseEstimator
    from game.pose.video import decode_video, probe_video

    arrived: dict[int, float] = {}

    class Timed(LivePoseEstimator):
        def _on_result(self, result, image, timestamp_ms):  # type: ignore[no-untyped-def]
            super()._on_result(result, image, timestamp_ms)
            arrived[timestamp_ms] = time.perf_counter()

    probe = probe_video(clip)
    frames = [f for f in decode_video(clip, probe.fps) if f.timestamp_s <= seconds]
    read_at: dict[int, float] = {}
    with Timed(model, keep_image=False) as estimator:
        start = time.perf_counter()
        for frame in frames:
            delay = start + frame.timestamp_s - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            read_at[int(frame.timestamp_s * 1000)] = time.perf_counter()
            estimator.submit(frame.rgb, frame.timestamp_s)
        time.sleep(0.5)
    latencies = [arrived[ms] - read_at[ms] for ms in read_at if ms in arrived]
    return np.array(latencies[1:]) * 1000.0, len(latencies) / max(1, len(read_at))


def save(figures: dict) -> None:
    """Merge ``figures`` into bench/results.json under "pose", keeping every other key."""
    try:
        results = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        results = {}
    if not isinstance(results, dict):
        results = {}
    results["pose"] = figures
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


def main() -> int:
    from game.native_log import route_native_stderr
    from game.pose.model import resolve_model
    from game.pose.parallel import default_jobs
    from game.pose.video import probe_video

    route_native_stderr()
    parser = argparse.ArgumentParser(prog="python -m bench.pose", description=__doc__)
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--repeat", type=int, default=3, metavar="N", help="runs per figure")
    args = parser.parse_args()
    model = resolve_model()
    load = os.getloadavg()[0]
    probe = probe_video(args.clip)
    jobs = default_jobs()
    best = best_of_rounds(
        args.repeat,
        {
            "ceiling": lambda: inference_ceiling(args.clip, model),
            "one": lambda: analyze_process(args.clip, 1),
            "many": lambda: analyze_process(args.clip, None),
        },
    )
    (ceiling, frames), (one, one_report), (many, many_report) = (
        best["ceiling"],
        best["one"],
        best["many"],
    )
    latency, kept = read_to_result_latency(args.clip, model)
    load_after = os.getloadavg()[0]
    equal = same_reps(one_report, many_report)
    width, height = probe.size
    label = (
        f"clip {args.clip.name} ({width}x{height}, {frames} frames, {probe.fps:.2f} fps), "
        f"model {model.name}"
    )
    rows = [
        ("inference ceiling (pre-decoded, 1 stream)", f"{ceiling:8.1f} frames/s", ""),
        ("analyze --jobs 1 (whole process)", f"{one:8.1f} frames/s", ""),
        ("  ratio to the ceiling", f"{one / ceiling:8.2f}", "goal >= 0.95"),
        (f"analyze, default --jobs = {jobs} (whole process)", f"{many:8.1f} frames/s", ""),
        ("  ratio to the ceiling", f"{many / ceiling:8.2f}", "goal >= 1.7 on 2 cores"),
        (
            f"  same reps as --jobs 1 ({one_report['rep_count']})",
            f"{'yes' if equal else 'NO':>8}",
            "",
        ),
        ("live read-to-result latency median", f"{np.median(latency):8.1f} ms", ""),
        ("live read-to-result latency p95", f"{np.percentile(latency, 95):8.1f} ms", ""),
        ("live frames with a result", f"{100 * kept:8.0f} %", ""),
    ]
    print(label)
    print(
        f"machine: {os.cpu_count()} cpus, load average {load:.2f} before the run and "
        f"{load_after:.2f} after; best of {args.repeat} interleaved runs per speed"
    )
    for name, value, goal in rows:
        print(f"  {name:48} {value:>18}  {goal}")
    save(
        {
            "clip": args.clip.name,
            "resolution": f"{width}x{height}",
            "frames": frames,
            "fps": round(probe.fps, 3),
            "model": model.name,
            "machine": {
                "cpus": os.cpu_count(),
                "load_average_before": round(load, 2),
                "load_average_after": round(load_after, 2),
                "python": platform.python_version(),
            },
            "repeat": args.repeat,
            "inference_ceiling_fps": round(ceiling, 1),
            "analyze_jobs1_fps": round(one, 1),
            "analyze_jobs1_ratio": round(one / ceiling, 3),
            "analyze_jobs1_goal": 0.95,
            "analyze_default_jobs": jobs,
            "analyze_default_jobs_fps": round(many, 1),
            "analyze_default_jobs_ratio": round(many / ceiling, 3),
            "analyze_default_jobs_goal": 1.7,
            "same_reps": equal,
            "rep_count": one_report["rep_count"],
            "live_latency_median_ms": round(float(np.median(latency)), 1),
            "live_latency_p95_ms": round(float(np.percentile(latency, 95)), 1),
            "live_frames_with_result": round(float(kept), 3),
        }
    )
    print(f"wrote {RESULTS} (key 'pose')")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
