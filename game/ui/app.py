"""Start the game: options, the window, and the main loop.

The loop keeps three clocks apart:

* **game time** advances in fixed 1/60 s steps (:class:`~game.ui.timing.FixedStep`), so
  the rules and effects never depend on the frame rate;
* **rendering** happens once per loop iteration, capped at 60 fps in a window;
* **headless** runs simulate the clock: each iteration is exactly one update step and
  nothing sleeps, so ``seconds=20`` means 20 s of *game* time, done as fast as possible.

Everything is drawn on a 1280x720 logical surface and scaled, aspect kept and
letterboxed, to whatever size the window has; mouse positions are mapped back.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pygame

from game.memory import limit_malloc_arenas
from game.native_log import quiet_native_stderr
from game.paths import data_dir, shipped_levels_dir
from game.play.levels import load_level_set
from game.play.scores import StoreError
from game.play.settings import PlayerSettings
from game.pose.source import PoseSource
from game.ui import theme
from game.ui.assets import Assets
from game.ui.autopilot import Autopilot
from game.ui.context import GameContext
from game.ui.prefs import apply_settings, load_settings, open_with_settings
from game.ui.scene import SceneStack
from game.ui.scenes.title import TitleScene
from game.ui.sound import SoundBoard
from game.ui.timing import UPDATE_HZ, FixedStep

__all__ = [
    "DEFAULT_PLAYER",
    "MAX_FPS",
    "MUTE_KEY",
    "UPDATE_HZ",
    "GameApp",
    "GameOptions",
    "UnknownLevel",
    "post_key",
    "run_game",
]

MAX_FPS = 60
#: Python's thread switch interval while the game runs in a window. The default (5 ms)
#: lets the drawing loop keep the interpreter that long while the thread a new camera
#: pose just woke waits for it: up to 5 ms more between a pose and its frame on screen.
SWITCH_INTERVAL_S = 0.001
#: A single real frame longer than this (debugger, window drag) counts as this long.
MAX_FRAME_S = 0.25
WINDOW_TITLE = "Glutes High"
#: Turns the sound off and on from any screen (no scene uses M for anything else).
MUTE_KEY = pygame.K_m
DEFAULT_PLAYER = "Player"
_MOUSE_EVENTS = frozenset({pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP})
log = logging.getLogger(__name__)


@dataclass
class GameOptions:
    """How to run the game (the CLI fills this in).

    ``notice`` is one line shown on screen, e.g. "No camera found - playing the demo
    athlete". ``seconds`` stops the game after that much *game* time (and saves
    ``screenshot`` if given); headless runs without it play until the process is stopped.
    """

    source: str = "demo"
    level_id: str | None = None
    player: str = DEFAULT_PLAYER
    headless: bool = False
    seconds: float | None = None
    screenshot: Path | None = None
    notice: str | None = None
    size: tuple[int, int] = (1280, 720)
    muted: bool = False
    #: Headless only: walk through every screen, save a PNG of each here, and stop
    #: (:mod:`game.ui.tour`).
    screenshot_dir: Path | None = None


def run_game(options: GameOptions) -> int:
    """Run the game until the player quits or ``options.seconds`` pass; the exit code."""
    limit_malloc_arenas()  # before any thread starts: see game.memory
    try:
        app = GameApp(options)
    except UnknownLevel as exc:
        print(f"glutes-high: {exc}", file=sys.stderr)
        pygame.quit()
        return 2
    try:
        return app.run()
    finally:
        app.close()


class UnknownLevel(ValueError):
    """``--level`` names a level that is not among the loaded ones."""


class GameApp:
    """The window, the scene stack and the loop. Use :func:`run_game` unless testing."""

    def __init__(
        self,
        options: GameOptions,
        open_source: Callable[[str], PoseSource] | None = None,
    ) -> None:
        self.options = options
        if not options.headless:
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        if options.headless:
            os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
            os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        with quiet_native_stderr():  # SDL's audio/video probing talks on stderr
            pygame.init()
        # A machine without an audio device still plays: the board is then silent.
        self.sound = SoundBoard.start(muted=options.muted)
        log.info("%s", self.sound.describe())

        found = load_level_set([shipped_levels_dir(), data_dir() / "levels"])
        levels, errors = found.levels, found.errors
        if options.level_id is not None and all(lv.id != options.level_id for lv in levels):
            known = ", ".join(lv.id for lv in levels) or "none"
            raise UnknownLevel(f"no level '{options.level_id}' (levels: {known})")

        if options.headless:
            self.window = pygame.display.set_mode(theme.LOGICAL_SIZE)
            self.screen = self.window  # nobody watches: draw straight onto the display
        else:
            pygame.display.set_caption(WINDOW_TITLE)
            self.window = pygame.display.set_mode(options.size, pygame.RESIZABLE)
        self._offscreen: pygame.Surface | None = None
        self._scaled: pygame.Surface | None = None
        if not options.headless:
            self.screen = self._canvas()

        self.ctx = GameContext(
            assets=Assets(),
            levels=levels,
            level_errors=errors,
            store_path=data_dir() / "scores.db",
            source_spec=options.source,
            # The player's camera, model and mirror (settings), read when a level opens.
            open_source=open_source or (lambda spec: open_with_settings(spec, self.ctx.settings)),
            player=options.player or DEFAULT_PLAYER,  # the CLI passes None when not given
            notice=options.notice,
            selected_level_id=options.level_id,
            background_jobs=not options.headless,
            simulated_clock=options.headless,
            sound=self.sound,
            worlds=found.worlds,
            force_mute=options.muted,
        )
        apply_settings(self.ctx, self._stored_settings(), force_mute=options.muted)
        self.stack = SceneStack()
        self.stack.push(TitleScene(self.ctx))
        self.autopilot = Autopilot(self.ctx, options.level_id) if options.headless else None
        self.stepper = FixedStep(UPDATE_HZ)
        self._last_frame_s = time.perf_counter()
        self.steps = 0
        self.frames = 0
        self._closed = False

    def _stored_settings(self) -> PlayerSettings:
        """The starting player's saved settings; defaults if the store cannot say."""
        try:
            return load_settings(self.ctx.store_path, self.ctx.player)
        except (StoreError, ValueError) as exc:  # ValueError: a name the store refuses
            log.warning("player settings unavailable, using defaults: %s", exc)
            return PlayerSettings()

    @property
    def game_time_s(self) -> float:
        """Game time so far: whole update steps (no float drift over long runs)."""
        return self.steps / UPDATE_HZ

    def run(self) -> int:
        """The main loop; returns the exit code."""
        if self.options.screenshot_dir is not None:
            from game.ui.tour import run_tour

            return run_tour(self, self.options.screenshot_dir)
        limit = self.options.seconds
        while True:
            if self.options.headless:
                steps = 1
            else:
                woke = self._wait_for_frame()
                now = time.perf_counter()
                real_dt = min(MAX_FRAME_S, now - self._last_frame_s)
                self._last_frame_s = now
                steps = self.stepper.advance(real_dt, early=woke)
            if not self._handle_events():
                break
            for _ in range(steps):
                self._step(self.stepper.dt)
                if limit is not None and self.game_time_s >= limit - 1e-9:
                    break
            self._render()
            self.stack.presented()
            if self.ctx.quit_requested or not self.stack:
                break
            if limit is not None and self.game_time_s >= limit - 1e-9:
                break
        if self.options.screenshot is not None:
            try:
                self.save_screenshot(self.options.screenshot)
            except (OSError, pygame.error) as exc:
                print(f"glutes-high: cannot save {self.options.screenshot}: {exc}", file=sys.stderr)
                return 1
        return 0

    def _wait_for_frame(self) -> bool:
        """Sleep until the next 60 Hz frame is due, or until a live pose arrives (then it
        is drawn at once: the skeleton follows the camera with no tick's delay). Whether a
        pose woke us."""
        timeout = self._last_frame_s + 1.0 / MAX_FPS - time.perf_counter()
        arrived = self.ctx.live_frames
        woke = arrived.wait(timeout) if timeout > 0 else arrived.is_set()
        arrived.clear()
        return woke

    def _step(self, dt: float) -> None:
        if self.autopilot is not None:
            for key in self.autopilot.update(dt, self.stack.top):
                post_key(key)
        self.stack.update(dt)
        self.steps += 1

    def _handle_events(self) -> bool:
        """Route this frame's input; False when the window was closed."""
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                return False
            typing = getattr(self.stack.top, "wants_text", False)  # M is a letter there
            if event.type == pygame.KEYDOWN and event.key == MUTE_KEY and not typing:
                self.sound.toggle_mute()
                continue
            if event.type in _MOUSE_EVENTS:
                mapped = self._to_logical(event)
                if mapped is None:
                    continue
                event = mapped
            self.stack.handle(event)
        return True

    def _letterbox(self) -> pygame.Rect:
        """Where the logical screen sits in the window: as large as fits, centred."""
        ww, wh = self.window.get_size()
        lw, lh = theme.LOGICAL_SIZE
        scale = min(ww / lw, wh / lh)
        rect = pygame.Rect(0, 0, max(1, round(lw * scale)), max(1, round(lh * scale)))
        rect.center = (ww // 2, wh // 2)
        return rect

    def _to_logical(self, event: pygame.event.Event) -> pygame.event.Event | None:
        if self.screen is self.window:
            return event
        box = self._letterbox()
        x, y = event.pos
        if not box.collidepoint(x, y):
            return None
        lw, lh = theme.LOGICAL_SIZE
        pos = ((x - box.x) * lw // box.width, (y - box.y) * lh // box.height)
        return pygame.event.Event(event.type, {**event.dict, "pos": pos})

    def _canvas(self) -> pygame.Surface:
        """What the scenes draw on: the window itself when it has the logical size (no
        copy between a camera pose and the screen: 0.2-0.4 ms a frame), else a logical
        surface that is then scaled into the window."""
        if self.window.get_size() == theme.LOGICAL_SIZE:
            return self.window
        if self._offscreen is None:
            self._offscreen = pygame.Surface(theme.LOGICAL_SIZE).convert()
        return self._offscreen

    def _render(self) -> None:
        if not self.options.headless:
            self.window = pygame.display.get_surface() or self.window  # resized by the user
            self.screen = self._canvas()
        self.stack.draw(self.screen)
        if self.screen is not self.window:
            box = self._letterbox()
            self.window.fill((0, 0, 0))
            if box.size == self.screen.get_size():
                self.window.blit(self.screen, box)
            else:
                if self._scaled is None or self._scaled.get_size() != box.size:
                    self._scaled = pygame.Surface(box.size).convert()
                pygame.transform.smoothscale(self.screen, box.size, self._scaled)
                self.window.blit(self._scaled, box)
        pygame.display.flip()
        self.frames += 1

    def save_screenshot(self, path: Path) -> None:
        """Save the logical 1280x720 frame as drawn last."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.screen, str(path))

    def close(self) -> None:
        """Exit every scene (closing the pose source, finishing a save), then pygame."""
        if self._closed:
            return
        self._closed = True
        self.stack.clear()
        pygame.quit()


def post_key(key: int) -> None:
    """Queue a key press and release, exactly as the keyboard would deliver them."""
    attrs = {"key": key, "mod": 0, "unicode": "", "scancode": 0}
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, attrs))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, attrs))
