"""Soak: a long headless session with the demo athlete, memory and frame time sampled.

A game that leaks a little per rep, or whose frame time creeps up as histories grow, is
fine for five minutes and broken after an hour. This plays the game headless on its
simulated clock (the autopilot picks levels and plays them with the demo athlete, over and
over) for ``--minutes`` of *game* time, as fast as the machine allows, and every game
minute records:

* resident memory (``VmRSS`` from /proc, MB),
* the median and 95th-percentile wall time of one frame (a 60 Hz update step plus a
  1280x720 render), ms, and which screen it was on.

It prints the curve, the change from the second minute to the last (the first minute holds
one-off start-up allocations), and writes ``bench/soak.json``. Not run in CI (30 game
minutes take several real ones); run ``python -m bench.soak --minutes 30``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

RESULTS = Path(__file__).with_name("soak.json")


def rss_mb() -> float:
    """Resident set size of this process, MB (Linux /proc; NaN elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def soak(minutes: float, home: Path) -> list[dict]:
    os.environ["GLUTES_HIGH_HOME"] = str(home)
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from game.ui.app import UPDATE_HZ, GameApp, GameOptions

    app = GameApp(GameOptions(source="demo", headless=True, muted=True))
    samples: list[dict] = []
    frame_ms: list[float] = []
    steps_per_minute = int(60 * UPDATE_HZ)
    try:
        for minute in range(1, int(minutes) + 1):
            frame_ms.clear()
            for _ in range(steps_per_minute):
                t0 = time.perf_counter()
                if not app._handle_events():
                    raise RuntimeError("the game quit during the soak")
                app._step(app.stepper.dt)
                app._render()
                frame_ms.append((time.perf_counter() - t0) * 1000.0)
            frame_ms.sort()
            samples.append(
                {
                    "game_minute": minute,
                    "rss_mb": round(rss_mb(), 1),
                    "frame_ms_median": round(statistics.median(frame_ms), 3),
                    "frame_ms_p95": round(frame_ms[int(0.95 * len(frame_ms))], 3),
                    "scene": type(app.stack.top).__name__,
                }
            )
            s = samples[-1]
            print(
                f"{minute:4d} min  RSS {s['rss_mb']:7.1f} MB  frame {s['frame_ms_median']:6.2f} ms"
                f" median, {s['frame_ms_p95']:6.2f} ms p95  ({s['scene']})",
                flush=True,
            )
    finally:
        app.close()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="game minutes (default 30)")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        t0 = time.perf_counter()
        samples = soak(args.minutes, Path(home))
        wall = time.perf_counter() - t0
    if len(samples) >= 2:
        first, last = samples[1], samples[-1]
        print(
            f"minute 2 -> {last['game_minute']}: RSS {first['rss_mb']} -> {last['rss_mb']} MB, "
            f"median frame {first['frame_ms_median']} -> {last['frame_ms_median']} ms "
            f"({wall:.0f} s wall for {args.minutes:g} game minutes)"
        )
    RESULTS.write_text(json.dumps({"minutes": args.minutes, "wall_s": wall, "samples": samples}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
