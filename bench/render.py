"""Render speed of the play scene: frames/s at 1280x720, headless, full HUD and effects.

Goal: >= 200 frames/s on one core, so a 60 Hz window spends under a third of each frame
drawing and the rest is left for the camera, inference and the coach. Each measured
frame is what the game loop does: one fixed update step (the demo athlete's frame, the
coach, the session, effects) and one full render of the play scene — stage with the
silhouette and skeleton, HUD panel, cue band, reward particles, flashes and floating
scores as reps land. The level is replayed with no countdown; an attempt about to reach
the results screen is swapped for a fresh one, so measuring never writes a score.

Usage: ``python -m bench.render [--seconds N] [--source SPEC]``. Prints the figure;
``python -m bench`` includes it in its table. Figures, never asserts.
"""

from __future__ import annotations

import argparse
import os
import time


def measure_render_fps(seconds: float = 5.0, source: str = "demo") -> float:
    """Frames per second of the play scene at 1280x720, headless (see the module)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from game.ui.app import GameApp, GameOptions
    from game.ui.scenes.play import PlayPhase, PlayScene

    app = GameApp(GameOptions(source=source, headless=True, muted=True))
    try:
        if not app.ctx.levels:
            raise RuntimeError("no level to measure the play scene with")
        level = app.ctx.levels[0]
        app.autopilot = None
        app.stack.push(PlayScene(app.ctx, level, countdown_s=0.0))
        frames, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            top = app.stack.top
            if not isinstance(top, PlayScene) or top.phase is PlayPhase.ERROR:
                raise RuntimeError("the play scene did not start (is the source available?)")
            if top.phase is PlayPhase.FINISHING:
                app.stack.replace(PlayScene(app.ctx, level, countdown_s=0.0))
            app._step(app.stepper.dt)
            app._render()
            frames += 1
        return frames / (time.perf_counter() - start)
    finally:
        app.close()


def bench_render(seconds: float, source: str = "demo") -> dict:
    """The figure as a row of ``python -m bench``'s table."""
    fps = measure_render_fps(seconds=seconds, source=source)
    return {
        "figure": "play scene render fps (headless, 1280x720)",
        "input": source,
        "value": fps,
        "unit": "fps",
        "goal": ">= 200",
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="wall time to measure")
    parser.add_argument("--source", default="demo", help="pose source (default: demo)")
    args = parser.parse_args()
    row = bench_render(args.seconds, args.source)
    fps = row["value"]
    print(f"{row['figure']}: {fps:.1f} frames/s ({1000 / fps:.2f} ms/frame), goal {row['goal']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
