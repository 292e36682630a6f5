"""Coach cost per frame, mask analysis included: is it well under the frame budget?

Goal: <= 1 ms per frame (>= 1000 frames/s) on one core, so coaching never competes with
inference for the 33 ms a 30 fps camera frame allows. Measured on frames made beforehand
(the demo athlete with its segmentation mask, and, when ../shared/data is beside the
project, a real clip's cached MediaPipe output with masks), so only the coach is timed:
smoothing, per-frame features incl. the silhouette's back contour and balance, the rep
state machine, live cues and the per-rep verdicts.

Usage: ``python -m bench.coach``. Prints a table; figures, never asserts.
"""

from __future__ import annotations

import time

from game.coach.coach import Coach
from game.pose.frame import PoseFrame
from game.pose.sources import open_source

SPECS = (
    "demo:tail_tuck?reps=10&view=side&width=640&height=360",
    "demo?reps=10&view=front&width=640&height=360",
)


def frames_of(spec: str) -> list[PoseFrame]:
    source = open_source(spec)
    try:
        return list(source.frames())
    finally:
        source.close()


def coach_ms_per_frame(frames: list[PoseFrame], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        coach = Coach()
        t0 = time.perf_counter()
        for frame in frames:
            coach.update(frame)
        coach.finish()
        best = min(best, time.perf_counter() - t0)
    return best / len(frames) * 1000.0


def main() -> int:
    print(f"{'input':62} {'ms/frame':>9} {'frames/s':>9}  goal")
    for spec in SPECS:
        frames = frames_of(spec)
        masked = sum(f.mask is not None for f in frames)
        ms = coach_ms_per_frame(frames)
        label = f"{spec} ({masked}/{len(frames)} masks)"
        print(f"{label:62} {ms:9.3f} {1000 / ms:9.0f}  <= 1 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
