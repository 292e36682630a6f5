"""``play --screenshot-dir DIR``: walk through every screen and save a 1280x720 PNG of each.

For the README, for reviewing a layout change, and for checking that every screen still
draws: the tour drives the real scenes headless, with the demo athlete standing in for
the player, by posting the keys (and typed text) a person would and advancing game time.
Nothing is faked on screen: the world map shows progress the demo athlete earned by
playing levels through the real play and results scenes first, and the results screen
is a level it has just played.

The tour keeps its own score file in a temporary folder, so it never adds runs or
players to the real high scores. Files (``01-title.png`` ...) are listed in
:data:`SHOTS`; the run prints each path as it is saved.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pygame

from game.play.levels import Level
from game.play.scores import ScoreStore
from game.pose.frame import PoseFrame
from game.pose.source import PoseSource
from game.ui.app import GameApp, post_key
from game.ui.feed import PoseFeed
from game.ui.scene import Scene
from game.ui.scenes.calibration import CalibrationScene, spec_for_calibration
from game.ui.scenes.countdown import CountdownScene, start_level
from game.ui.scenes.framing import FramingScene
from game.ui.scenes.high_scores import HighScoresScene
from game.ui.scenes.level_select import LevelSelectScene
from game.ui.scenes.pause import PauseScene
from game.ui.scenes.play import PlayPhase, PlayScene
from game.ui.scenes.players import PlayerSelectScene
from game.ui.scenes.results import ResultsScene
from game.ui.scenes.settings import ROWS, SettingsScene
from game.ui.scenes.text_entry import TextEntryScene

__all__ = ["SHOTS", "TourError", "run_tour"]

#: Every screenshot the tour saves, in the order a player meets the screens.
SHOTS: tuple[str, ...] = (
    "01-title.png",
    "02-players.png",
    "03-new-player.png",
    "04-world-map.png",
    "05-calibration.png",
    "06-framing.png",
    "07-countdown.png",
    "08-play-squats.png",
    "09-play-hold.png",
    "10-pause.png",
    "11-results.png",
    "12-high-scores.png",
    "13-settings.png",
)
#: The demo player whose progress the world map shows, and the new player typed in.
VETERAN = "Alex"
NEWCOMER = "Robin"
OTHERS = ("Jo", "Sam")
#: Levels the veteran plays before the map is shown (as far as the demo can go).
SEED_LEVELS = 3
#: A level is given at most this much game time to reach its results screen.
LEVEL_LIMIT_S = 240.0


class TourError(RuntimeError):
    """A screen did not come up as the tour expected (the message says which)."""


class _Tour:
    def __init__(self, app: GameApp, out_dir: Path) -> None:
        self.app = app
        self.out = out_dir
        self.saved: list[Path] = []

    @property
    def top(self) -> Scene | None:
        return self.app.stack.top

    def step(self, seconds: float) -> None:
        """Advance game time, delivering queued input first, as the app's loop does."""
        for _ in range(max(1, round(seconds * 60))):
            self.app._handle_events()
            self.app._step(self.app.stepper.dt)

    def until(self, done: Callable[[], bool], limit_s: float, what: str) -> None:
        t = 0.0
        while not done():
            if t >= limit_s:
                raise TourError(f"{what}: not reached after {limit_s:.0f} s of game time")
            self.step(1 / 60)
            t += 1 / 60

    def key(self, key: int, then_s: float = 0.1) -> None:
        post_key(key)
        self.step(then_s)

    def type(self, text: str) -> None:
        for ch in text:
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        self.step(0.1)

    def expect(self, kind: type[Scene], what: str) -> Scene:
        top = self.top
        if not isinstance(top, kind):
            raise TourError(f"{what}: expected {kind.__name__}, found {type(top).__name__}")
        return top

    def shot(self, name: str) -> None:
        assert name in SHOTS, name
        self.app.stack.draw(self.app.screen)
        path = self.out / name
        self.app.save_screenshot(path)
        self.saved.append(path)
        print(path)

    # -- the walk ----------------------------------------------------------------------

    def play_through(self, level: Level) -> ResultsScene | None:
        """Play ``level`` with the demo athlete to its results screen (no countdown);
        None, with the play scene popped, when the level cannot start with the demo."""
        stack = self.app.stack
        stack.push(PlayScene(self.app.ctx, level, countdown_s=0.0))
        self.until(
            lambda: isinstance(self.top, ResultsScene) or _failed(self.top),
            LEVEL_LIMIT_S,
            f"playing {level.id}",
        )
        if _failed(self.top):
            stack.pop()
            return None
        return self.expect(ResultsScene, level.id)  # type: ignore[return-value]

    def seed(self) -> None:
        """The veteran plays the levels open to them, in order, through the real scenes."""
        ctx = self.app.ctx
        ctx.player = VETERAN
        with ScoreStore(ctx.store_path) as store:
            for name in OTHERS:
                store.player_id(name)
        for _ in range(SEED_LEVELS):
            select = LevelSelectScene(ctx)
            self.app.stack.push(select)
            self.step(0.05)
            nxt = select.progress.next_level() if select.progress is not None else None
            self.app.stack.pop()
            if nxt is None:
                break
            results = self.play_through(nxt)
            if results is None:
                break  # the demo cannot play this one: the map shows it open
            self.step(0.1)  # saved (inline, headless)
            if results.outcome is None or not results.result.completed:
                self.app.stack.pop()
                break  # the demo cannot finish this one: the map shows it open
            self.app.stack.pop()

    def walk(self) -> None:
        app, ctx = self.app, self.app.ctx
        self.seed()
        root = next(iter(app.stack))  # the title screen
        app.stack.pop_to(lambda s: s is root)
        self.step(0.6)
        self.shot("01-title.png")

        app.stack.push(PlayerSelectScene(ctx))
        self.step(0.2)
        self.shot("02-players.png")
        players = self.expect(PlayerSelectScene, "player select")
        assert isinstance(players, PlayerSelectScene)
        players.selected = len(players.items) - 1
        self.key(pygame.K_RETURN)
        self.expect(TextEntryScene, "new player")
        self.type(NEWCOMER)
        self.step(0.2)
        self.shot("03-new-player.png")
        self.key(pygame.K_ESCAPE)  # back out: the map first shows the veteran's progress
        self.key(pygame.K_ESCAPE)

        select = LevelSelectScene(ctx)
        app.stack.push(select)
        self.step(0.2)
        locked = next(
            (i for i, lv in enumerate(ctx.levels) if not _open(select, lv) and lv.world == 1),
            None,
        )
        if locked is not None:  # show what a closed level needs
            select.selected = locked
            post_key(pygame.K_RETURN)  # trying it says "Locked"
            self.step(0.3)
        self.shot("04-world-map.png")

        app.stack.push(CalibrationScene(ctx))
        cal = self.expect(CalibrationScene, "calibration")
        assert isinstance(cal, CalibrationScene)
        self.until(lambda: cal.stand_progress >= 0.55, 30.0, "calibration standing")
        self.shot("05-calibration.png")
        self.key(pygame.K_ESCAPE)

        # The new player: typed in, then straight into level one.
        app.stack.pop_to(lambda s: s is root)
        app.stack.push(PlayerSelectScene(ctx))
        self.step(0.1)
        players = self.expect(PlayerSelectScene, "player select")
        assert isinstance(players, PlayerSelectScene)
        players.selected = len(players.items) - 1
        self.key(pygame.K_RETURN)
        self.type(NEWCOMER)
        self.key(pygame.K_RETURN, then_s=0.2)
        self.expect(CalibrationScene, "a new player's calibration")
        self.key(pygame.K_ESCAPE)  # skipped for now
        self.expect(LevelSelectScene, "the new player's map")

        first = ctx.levels[0]
        feed = _CameraLikeFeed(ctx.open_source(spec_for_calibration(ctx.source_spec)))
        framing = FramingScene(ctx, feed, first.title, lambda: None, hold_s=3.0)
        app.stack.push(framing)
        self.step(1.2)
        self.shot("06-framing.png")
        app.stack.pop()
        feed.close()

        self.key(pygame.K_RETURN, then_s=0.05)  # the first level: its countdown
        countdown = self.expect(CountdownScene, "countdown")
        assert isinstance(countdown, CountdownScene)
        self.step(1.3)
        self.shot("07-countdown.png")
        play = countdown.play
        self.until(lambda: self.top is play, 5.0, "the countdown ending")
        self.until(
            lambda: len(play.session.reps) >= 2 and bool(play.effects.texts),
            60.0,
            "two reps in the squat level",
        )
        self.step(0.25)
        self.shot("08-play-squats.png")
        self.key(pygame.K_ESCAPE)
        self.expect(PauseScene, "pause")
        self.shot("10-pause.png")
        self.key(pygame.K_ESCAPE)
        self.until(lambda: isinstance(self.top, ResultsScene), LEVEL_LIMIT_S, "the results")
        self.step(3.2)  # every star has landed
        self.shot("11-results.png")
        self.key(pygame.K_RETURN, then_s=0.3)
        self.expect(HighScoresScene, "high scores")
        self.shot("12-high-scores.png")
        self.key(pygame.K_ESCAPE)

        hold = next((lv for lv in ctx.levels if lv.kind == "hold"), None)
        if hold is None:
            raise TourError("no hold level to show")
        play = start_level(ctx, app.stack, hold)
        self.until(lambda: self.top is play, 10.0, "the hold level's countdown")
        self.step(6.0)
        self.shot("09-play-hold.png")
        app.stack.pop_to(lambda s: s is root)

        settings = SettingsScene(ctx)
        app.stack.push(settings)
        self.step(0.1)
        settings.selected = ROWS.index("Colours")
        self.key(pygame.K_RIGHT)  # the colour-blind palette, live
        self.shot("13-settings.png")
        self.key(pygame.K_LEFT)


class _CameraLikeFeed(PoseFeed):
    """The demo athlete delivered the way a camera is: each poll hands over the next
    1/60 s of frames, whatever time is asked for (screens poll a camera with 0)."""

    def __init__(self, source: PoseSource) -> None:
        super().__init__(source)
        self._clock_s = 0.0

    def poll(self, now_s: float) -> list[PoseFrame]:
        self._clock_s += 1 / 60
        return super().poll(self._clock_s)


def _failed(scene: Scene | None) -> bool:
    return isinstance(scene, PlayScene) and scene.phase is PlayPhase.ERROR


def _open(select: LevelSelectScene, level: Level) -> bool:
    return select.progress is not None and select.progress.is_unlocked(level.id)


def run_tour(app: GameApp, out_dir: Path) -> int:
    """Save every screen of :data:`SHOTS` into ``out_dir``; 0, or 1 with the reason."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    app.autopilot = None
    real_store = app.ctx.store_path
    with tempfile.TemporaryDirectory(prefix="glutes-high-tour-") as tmp:
        app.ctx.store_path = Path(tmp) / "scores.db"  # never the player's own scores
        tour = _Tour(app, out_dir)
        try:
            tour.walk()
        except (TourError, OSError, pygame.error) as exc:
            print(f"glutes-high: screenshot tour stopped: {exc}")
            return 1
        finally:
            app.stack.clear()
            app.ctx.store_path = real_store
    missing = [name for name in SHOTS if not (out_dir / name).is_file()]
    if missing:
        print(f"glutes-high: screenshot tour missed {', '.join(missing)}")
        return 1
    return 0
