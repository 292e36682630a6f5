"""Pose pipeline speed on one real clip: is everything else hidden behind inference?

Prints, for one clip and the shipped model, in one run:

* **inference ceiling** — frames/s of MediaPipe alone on frames decoded beforehand
  (one stream, VIDEO mode: one inference uses about one core);
* **analyze end to end** — frames/s of ``glutes-high analyze CLIP --json`` as a whole
  process (start-up, model load, decode, inference, coach, JSON), and its ratio to the
  ceiling (goal >= 0.95: decoding, smoothing, coaching and start-up hide behind inference);
* **live read-to-result latency** — frames read at the clip's own pace (as a camera
  delivers them) into the LIVE_STREAM estimator: from a frame being read to its result
  being available to the game loop, median and p95, and how many frames got a result.

Usage: ``python -m bench.pose [CLIP]`` (default: a side-view clip from ../shared/data).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
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


def analyze_process(clip: Path) -> tuple[float, dict]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "game", "analyze", str(clip), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - t0
    report = json.loads(out.stdout)
    return report["frames"] / seconds, report


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


def main() -> int:
    from game.native_log import route_native_stderr
    from game.pose.model import resolve_model

    route_native_stderr()
    parser = argparse.ArgumentParser(prog="python -m bench.pose", description=__doc__)
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    args = parser.parse_args()
    model = resolve_model()
    ceiling, frames = inference_ceiling(args.clip, model)
    e2e, report = analyze_process(args.clip)
    latency, kept = read_to_result_latency(args.clip, model)
    size = report.get("frames"), report.get("fps")
    rows = [
        ("inference ceiling (pre-decoded, 1 stream)", f"{ceiling:8.1f} frames/s", ""),
        ("analyze end to end (whole process)", f"{e2e:8.1f} frames/s", ""),
        ("ratio analyze / ceiling", f"{e2e / ceiling:8.2f}", "goal >= 0.95"),
        ("live read-to-result latency median", f"{np.median(latency):8.1f} ms", ""),
        ("live read-to-result latency p95", f"{np.percentile(latency, 95):8.1f} ms", ""),
        ("live frames with a result", f"{100 * kept:8.0f} %", ""),
    ]
    print(f"clip {args.clip.name} ({frames} frames, {size[1]} fps), model {model.name}")
    for name, value, goal in rows:
        print(f"  {name:44} {value:>18}  {goal}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
