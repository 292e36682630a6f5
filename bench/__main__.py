"""Measure what players feel: how fast frames are made, coached and drawn.

Prints a table (figure, value, goal) and writes ``bench/results.json``. Figures, never
asserts: a slow machine gets a slow number, not a failed build. Each figure names its
input. Later issues add pose inference, live latency, startup and memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

from bench.render import bench_render

RESULTS = Path(__file__).with_name("results.json")


def _timed(fn: Callable[[], int], repeat: int = 3) -> tuple[float, int]:
    """Best wall time of ``repeat`` runs of ``fn`` (which returns how many items it did)."""
    best, items = float("inf"), 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        items = fn()
        best = min(best, time.perf_counter() - t0)
    return best, items


def bench_demo(spec: str) -> dict:
    from game.pose.sources import open_source

    def run() -> int:
        source = open_source(spec)
        n = sum(1 for _ in source.frames())
        source.close()
        return n

    seconds, frames = _timed(run)
    return {
        "figure": "demo athlete frames/s",
        "input": spec,
        "value": frames / seconds,
        "unit": "frames/s",
        "goal": None,
    }


def bench_coach(spec: str) -> dict:
    from game.coach.coach import Coach
    from game.pose.sources import open_source

    source = open_source(spec)
    frames = list(source.frames())
    source.close()

    def run() -> int:
        coach = Coach()
        for frame in frames:
            coach.update(frame)
        return len(frames)

    seconds, n = _timed(run)
    return {
        "figure": "coach ms/frame",
        "input": spec,
        "value": 1000 * seconds / n,
        "unit": "ms",
        "goal": "< 1 ms (a 30 fps frame is 33 ms)",
    }


def bench_analyze(spec: str) -> dict:
    from game.coach.analysis import analyze_frames
    from game.pose.sources import open_source

    def run() -> int:
        source = open_source(spec)
        report = analyze_frames(source.frames(), source=spec, fps=source.info.fps)
        source.close()
        return int(report["frames"])

    seconds, n = _timed(run)
    return {
        "figure": "analyze end to end",
        "input": spec,
        "value": n / seconds,
        "unit": "frames/s",
        "goal": None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter inputs (for CI smoke)")
    args = parser.parse_args()
    reps = 2 if args.quick else 10
    rows = [
        bench_demo(f"demo?reps={reps}&mask=false"),
        bench_demo(f"demo?reps={reps}"),
        bench_coach(f"demo?reps={reps}&mask=false"),
        bench_analyze(f"demo?reps={reps}&mask=false"),
        bench_render(2.0 if args.quick else 5.0),
    ]
    print(f"{'figure':48} {'input':28} {'value':>10}  goal")
    for row in rows:
        print(
            f"{row['figure']:48} {row['input']:28} {row['value']:10.2f} {row['unit']:9}"
            f" {row['goal'] or ''}"
        )
    # Other benches (bench.pose, bench.startup) keep their figures under their own keys
    # in the same file: merge, never overwrite them.
    try:
        saved = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        saved = {}
    saved = saved if isinstance(saved, dict) else {}
    saved["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    saved["results"] = rows
    RESULTS.write_text(json.dumps(saved, indent=2))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
