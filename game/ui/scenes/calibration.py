"""Calibration: a few seconds standing still, then one slow squat, saved for the player.

Runs the coach's :class:`~game.coach.calibration.Calibrator` on the pose feed (the same
feed a level uses: camera, video or the demo athlete) and shows its instruction in
letters readable across the room, with a bar for the still-standing part. Once the
standing part is done the squat is optional: Enter saves what there is. The result is
stored per player (``player_data(name, "calibration")``) in a :class:`Job`. Esc skips:
nothing is saved, nothing is lost.

A recorded source is paced by this scene's own clock, as in a level; the demo athlete is
asked to stand long enough for the standing part and then do one squat
(:func:`spec_for_calibration`), as it stands in for the player.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pygame

from game.coach.calibration import (
    STAND_S,
    Calibration,
    CalibrationError,
    CalibrationStage,
    Calibrator,
)
from game.play.scores import ScoreStore, StoreError
from game.pose.model import ModelError
from game.pose.source import SourceError, SourceUnavailable, parse_spec
from game.ui import theme
from game.ui.context import GameContext
from game.ui.feed import PoseFeed
from game.ui.jobs import Job
from game.ui.scene import Scene
from game.ui.scenes.framing import STAGE_RECT, fitting_size
from game.ui.skeleton import LegState, Stage
from game.ui.widgets import BACK_KEYS, SELECT_KEYS, draw_panel, draw_text

__all__ = [
    "CALIBRATION_FIELD",
    "DONE_SHOW_S",
    "CalibrationScene",
    "load_calibration",
    "save_calibration",
    "spec_for_calibration",
]

CALIBRATION_FIELD = "calibration"
log = logging.getLogger(__name__)
#: After saving, the result stays up this long before the scene leaves by itself.
DONE_SHOW_S = 2.5
#: The demo athlete stands this long first: the standing part plus a second to settle.
DEMO_LEAD_S = STAND_S + 1.5
MESSAGE_SIZE = 80
_BAND = pygame.Rect(16, 526, 1248, 178)
_BAR = pygame.Rect(0, 0, 640, 26)
_BAR.midbottom = (_BAND.centerx, _BAND.bottom - 22)


def spec_for_calibration(spec: str) -> str:
    """The source to calibrate with: a plain demo stands ``DEMO_LEAD_S``, squats once."""
    try:
        parsed = parse_spec(spec)
    except SourceError:
        return spec
    if parsed.kind != "demo":
        return spec
    extra = [f"{k}={v}" for k, v in (("lead", DEMO_LEAD_S), ("reps", 1)) if k not in parsed.params]
    if not extra:
        return spec
    return f"{spec}{'&' if '?' in spec else '?'}{'&'.join(extra)}"


def save_calibration(store_path: Path, player: str, calibration: Calibration) -> None:
    with ScoreStore(store_path) as store:
        store.set_player_data(player, CALIBRATION_FIELD, calibration.as_dict())


def load_calibration(store_path: Path, player: str) -> Calibration | None:
    """The player's stored calibration; ``None`` when there is none, the store cannot be
    read, or the record is damaged (the game then coaches without it, and says why in
    the log rather than refusing to play)."""
    try:
        with ScoreStore(store_path) as store:
            data = store.player_data(player, CALIBRATION_FIELD)
    except (StoreError, ValueError) as exc:
        log.warning("calibration unavailable for %s: %s", player, exc)
        return None
    if not data:
        return None
    try:
        return Calibration.from_dict(data)
    except CalibrationError as exc:
        log.warning("calibration of %s ignored: %s", player, exc)
        return None


class CalibrationScene(Scene):
    """Calibrate ``ctx.player``; pops itself when saved (or skipped with Esc)."""

    def __init__(self, ctx: GameContext, first_time: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.first_time = first_time
        self.calibrator = Calibrator()
        self.feed: PoseFeed | None = None
        self.error: str | None = None
        self.clock_s = 0.0
        self.stage = Stage(STAGE_RECT)
        self.saved: Calibration | None = None
        self.save_error: str | None = None
        self.done_s = 0.0
        self._job: Job[None] | None = None
        self._pending: Calibration | None = None
        self._still_since: float | None = None
        self._still_s = 0.0

    @property
    def stage_name(self) -> CalibrationStage:
        return self.calibrator.stage

    def enter(self) -> None:
        try:
            source = self.ctx.open_source(spec_for_calibration(self.ctx.source_spec))
        except (SourceError, SourceUnavailable, ModelError) as exc:
            self.error = str(exc)
            return
        self.feed = PoseFeed(
            source, wait_for_slow=self.ctx.simulated_clock, on_arrival=self.ctx.live_frames
        )

    def exit(self) -> None:
        if self.feed is not None:
            self.feed.close()
            self.feed = None

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type != pygame.KEYDOWN:
            return False
        if event.key in BACK_KEYS:
            self._leave()
            return True
        if event.key in SELECT_KEYS:
            if self.saved is not None or self.save_error is not None:
                self._leave()
            elif self.calibrator.result() is not None:
                self._save(self.calibrator.result())  # standing done: the squat is optional
        return True

    def _leave(self) -> None:
        if self.stack is not None:
            self.stack.pop()

    def _save(self, calibration: Calibration | None) -> None:
        if calibration is None or self._job is not None or self.saved is not None:
            return
        ctx = self.ctx
        self._pending = calibration
        self._job = ctx.start_job(
            lambda: save_calibration(ctx.store_path, ctx.player, calibration), "calibration"
        )

    def update(self, dt: float) -> None:
        job = self._job
        if job is not None and job.done:
            self._job = None
            if job.error is not None:
                self.save_error = f"Calibration not saved: {job.error}"
            else:
                self.saved = self._pending
        if self.saved is not None or self.save_error is not None:
            self.done_s += dt
            if self.done_s >= DONE_SHOW_S:
                self._leave()
                return
        feed = self.feed
        if feed is None:
            return
        self.clock_s += dt
        frames = feed.poll(self.clock_s)
        for frame in frames:
            stage = self.calibrator.update(frame)
            self._track_still(frame.timestamp_s)
            if stage is CalibrationStage.DONE:
                break
        if self.calibrator.stage is CalibrationStage.DONE and self._job is None:
            self._save(self.calibrator.result())
        if feed.ended and not feed.live and self.calibrator.result() is not None:
            self._save(self.calibrator.result())  # a recording ran out after standing
        self.stage.prepare(feed.latest, dt)

    def _track_still(self, now_s: float) -> None:
        """Time the still stretch the calibrator is counting (it says "Hold still...")."""
        counting = self.calibrator.stage is CalibrationStage.STANDING and (
            self.calibrator.message.startswith("Hold still")
        )
        if not counting:
            self._still_since = None
            self._still_s = 0.0
            return
        if self._still_since is None:
            self._still_since = now_s
        self._still_s = now_s - self._still_since

    @property
    def stand_progress(self) -> float:
        """0..1 through the still-standing part, for the bar."""
        if self.calibrator.stage is not CalibrationStage.STANDING:
            return 1.0
        return max(0.0, min(1.0, self._still_s / STAND_S))

    def _message(self) -> tuple[str, theme.Color]:
        if self.error:
            return "Can't open the camera", theme.BAD
        if self.save_error:
            return "Not saved", theme.BAD
        if self.saved is not None:
            return f"Calibrated! Saved for {self.ctx.player}", theme.GOOD
        if self.feed is not None and self.feed.latest is None:
            return "Starting the camera...", theme.TEXT
        stage = self.calibrator.stage
        color = theme.GOOD if stage is not CalibrationStage.STANDING else theme.TEXT
        return self.calibrator.message, color

    def _details(self) -> str:
        if self.error:
            return self.error
        if self.save_error:
            return self.save_error
        if self.saved is not None:
            return _summary(self.saved)
        if self.calibrator.stage is CalibrationStage.SQUAT:
            return "Enter: save without the squat"
        return "So the coach knows your own standing posture and where your tail starts to tuck"

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.fill(theme.BG)
        self.stage.draw(surface, LegState.NEUTRAL)
        pygame.draw.rect(surface, theme.PANEL_EDGE, STAGE_RECT, width=2, border_radius=4)
        label_text = f"Calibration - {self.ctx.player}"
        label = pygame.Rect(STAGE_RECT.x + 12, STAGE_RECT.y + 12, 0, 48)
        label.width = min(STAGE_RECT.width - 24, a.font(36).size(label_text)[0] + 32)
        draw_panel(surface, label, color=theme.BG_DEEP, radius=10)
        surf = a.fit(label_text, 36, theme.TEXT, label.width - 32)
        surface.blit(surf, surf.get_rect(center=label.center))

        draw_panel(surface, _BAND, color=theme.BG_DEEP)
        message, color = self._message()
        size = fitting_size(a, message, MESSAGE_SIZE, _BAND.width - 60, 48)
        draw_text(surface, a, message, size, color, (_BAND.centerx, _BAND.y + 46), "center")
        details = a.fit(self._details(), 30, theme.TEXT_DIM, _BAND.width - 60)
        surface.blit(details, details.get_rect(center=(_BAND.centerx, _BAND.y + 104)))
        if self.saved is None and self.error is None:
            pygame.draw.rect(surface, theme.PANEL, _BAR, border_radius=10)
            fill = _BAR.copy()
            fill.width = round(_BAR.width * self.stand_progress)
            if fill.width > 0:
                pygame.draw.rect(surface, theme.GOOD, fill, border_radius=10)
            pygame.draw.rect(surface, theme.PANEL_EDGE, _BAR, width=2, border_radius=10)
        skip = "Esc: skip for now" if self.first_time else "Esc: back"
        draw_text(
            surface,
            a,
            skip,
            28,
            theme.TEXT_DIM,
            (_BAND.right - 20, _BAR.centery),
            "midright",
        )


def _summary(cal: Calibration) -> str:
    """The saved numbers in words, e.g. "Standing knee 4°, tail tucks from 96°"."""
    parts = [f"Standing knee bend {cal.standing_knee_deg:.0f}°"]
    if cal.has_squat:
        parts.append(f"squat depth {cal.squat_depth_deg:.0f}°")
        if cal.tuck_onset_deg == cal.tuck_onset_deg:  # not NaN
            parts.append(f"tail tucks from {cal.tuck_onset_deg:.0f}°")
        else:
            parts.append("no tail tuck seen")
    return ", ".join(parts)
