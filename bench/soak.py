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

``--camera CLIP`` soaks the live path instead, in real time: the clip played as a 30 fps
webcam (:class:`bench.live.PacedCapture`) through the real camera source (capture thread,
MediaPipe LIVE_STREAM, Auto pose quality) and the real-time game loop, with the
autopilot walking the menus and levels while the clip's person squats. Every real minute
it also records the poses drawn per second and the pose quality Auto chose, and the
results go to ``bench/soak_camera.json``.
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


def soak_camera(minutes: float, home: Path, clip: Path) -> list[dict]:
    """The live path for ``minutes`` real minutes (see the module docstring)."""
    from game.memory import limit_malloc_arenas

    limit_malloc_arenas()  # as run_game does at start
    os.environ["GLUTES_HIGH_HOME"] = str(home)
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from bench.live import PacedCapture
    from game.pose.camera import CameraSource
    from game.pose.model import resolve_model
    from game.ui.app import GameApp, GameOptions
    from game.ui.autopilot import Autopilot

    model = resolve_model()
    cameras: list[CameraSource] = []  # the newest only: the game lets closed ones go
    opened = 0

    def open_camera(spec: str) -> CameraSource:
        """A new camera for each level, as the game opens one (a level closes its own)."""
        nonlocal opened
        camera = CameraSource(0, model=model, capture=PacedCapture(clip), quality="auto")
        cameras[:] = [camera]
        opened += 1
        return camera

    frame_ms: list[float] = []
    drawn = 0
    last_pose = None

    class Timed(GameApp):
        def _render(self) -> None:
            nonlocal drawn, last_pose
            super()._render()
            now = time.perf_counter()
            frame_ms.append((now - self._loop_started) * 1000.0)
            stage = getattr(self.stack.top, "stage", None)
            shown = getattr(stage, "shown_frame", None)
            if shown is not None and shown is not last_pose:
                drawn, last_pose = drawn + 1, shown

        def _handle_events(self) -> bool:
            self._loop_started = time.perf_counter()  # after the wait: the frame's own work
            return super()._handle_events()

    app = Timed(GameOptions(source="camera:0", muted=True), open_source=open_camera)
    app.autopilot = Autopilot(app.ctx)
    samples: list[dict] = []
    try:
        for minute in range(1, int(minutes) + 1):
            frame_ms.clear()
            drawn = 0
            app.options.seconds = app.game_time_s + 60.0
            app.run()
            frame_ms.sort()
            state = cameras[-1].quality_state if cameras else None
            samples.append(
                {
                    "minute": minute,
                    "rss_mb": round(rss_mb(), 1),
                    "frame_ms_median": round(statistics.median(frame_ms), 3),
                    "frame_ms_p95": round(frame_ms[int(0.95 * len(frame_ms))], 3),
                    "poses_drawn_per_s": round(drawn / 60.0, 1),
                    "quality": state.description if state else "no camera yet",
                    "cameras_opened": opened,
                    "scene": type(app.stack.top).__name__,
                }
            )
            s = samples[-1]
            print(
                f"{minute:4d} min  RSS {s['rss_mb']:7.1f} MB  frame {s['frame_ms_median']:6.2f} ms"
                f" median, {s['frame_ms_p95']:6.2f} ms p95  poses {s['poses_drawn_per_s']:5.1f}/s"
                f"  quality {s['quality']}  ({s['scene']})",
                flush=True,
            )
    finally:
        app.close()
        for camera in cameras:
            camera.close()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="game minutes (default 30)")
    parser.add_argument(
        "--camera", type=Path, metavar="CLIP", help="soak the live camera path on this clip"
    )
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        t0 = time.perf_counter()
        if args.camera is not None:
            from game.native_log import route_native_stderr

            route_native_stderr()
            samples = soak_camera(args.minutes, Path(home), args.camera)
        else:
            samples = soak(args.minutes, Path(home))
        wall = time.perf_counter() - t0
    if len(samples) >= 2:
        first, last = samples[1], samples[-1]
        print(
            f"minute 2 -> {last.get('game_minute', last.get('minute'))}: "
            f"RSS {first['rss_mb']} -> {last['rss_mb']} MB, "
            f"median frame {first['frame_ms_median']} -> {last['frame_ms_median']} ms "
            f"({wall:.0f} s wall for {args.minutes:g} minutes)"
        )
    results = RESULTS if args.camera is None else RESULTS.with_name("soak_camera.json")
    results.write_text(json.dumps({"minutes": args.minutes, "wall_s": wall, "samples": samples}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
