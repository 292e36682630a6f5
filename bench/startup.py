"""Start-up: how long from launching the game to the title screen, and to the first pose
drawn in a level; and the peak memory while a level plays.

Each figure is a fresh Python process (``python -c``), timed by this one from the moment
it launches the child to the moment the child reports a milestone on stdout, so imports,
pygame, fonts, sound synthesis, the level files, the score store and (for a video) the
MediaPipe model all count. The child runs the real game loop headless; it reports:

* ``title`` — the first frame of the title screen has been drawn;
* ``pose`` — the play scene has drawn a frame with a pose from the source (the headless
  autopilot walks from the title to the level on the simulated clock, so menu time
  costs no wall time here: this is the machine's cost, not a player's reading time);
* ``rss`` — the peak resident memory (VmHWM) after ``PLAY_S`` seconds of the level.

Goals (issue 8, this 2-core machine): title <= 2 s, peak RSS <= 500 MB.
Usage: ``python -m bench.startup [VIDEO]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT.parent / "shared" / "data" / "videos" / "side_tommy_3reps_pickup.mp4"
#: Game seconds of play after the first pose before the peak memory is read.
PLAY_S = 10.0

CHILD = r"""
import os, sys
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
from game.ui.app import GameApp, GameOptions
from game.ui.scenes.title import TitleScene
source, play_s = sys.argv[1], float(sys.argv[2])
app = GameApp(GameOptions(source=source, level_id="first-squats", headless=True, muted=True))
said, posed_at = set(), None
def say(what):
    if what not in said:
        said.add(what)
        print(what, flush=True)
try:
    while True:
        app._handle_events()
        app._step(app.stepper.dt)
        app._render()
        top = app.stack.top
        if isinstance(top, TitleScene):
            say("title")
        session = getattr(top, "session", None)
        if session is not None and getattr(session, "last_frame", None) is not None:
            if session.last_frame.landmarks is not None:
                say("pose")
                posed_at = posed_at if posed_at is not None else app.game_time_s
        if posed_at is not None and app.game_time_s - posed_at >= play_s:
            break
        if app.game_time_s > 600:
            raise SystemExit("no pose within 600 game seconds")
finally:
    app.close()
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print("rss", int(peak.split()[1]) / 1024.0, flush=True)
"""


def run(source: str) -> dict[str, float]:
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, source, str(PLAY_S)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None
    out: dict[str, float] = {}
    for line in child.stdout:
        word, *rest = line.split()
        out[f"{word}_s"] = time.perf_counter() - t0
        if rest:
            out[word + "_mb"] = float(rest[0])
    if child.wait() != 0:
        raise SystemExit(f"the game failed with source {source!r}")
    return out


def main() -> int:
    clip = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CLIP
    sources = ["demo"] + ([str(clip)] if clip.exists() else [])
    results = {}
    print(f"{'source':42} {'to title':>9} {'to pose':>9} {'peak RSS':>9}")
    for source in sources:
        r = run(source)
        results[source] = r
        print(
            f"{Path(source).name:42} {r['title_s']:8.2f}s {r['pose_s']:8.2f}s {r['rss_mb']:7.0f}MB"
        )
    print("goals: to title <= 2 s, peak RSS <= 500 MB")
    path = ROOT / "bench" / "results.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data["startup"] = results
    path.write_text(json.dumps(data, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
