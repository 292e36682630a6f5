"""Settings for the current player: camera, pose model and quality, sound, mirror, colours,
text size.

Every change takes effect at once (:func:`~game.ui.prefs.apply_settings`: the palette
and text size redraw this very screen, a running camera takes the new pose quality) and
is saved for this player in the score store in a :class:`Job`, so the next start finds
it. A preview shows the colours the game uses for good, fair and poor reps in the chosen
palette. Calibration is started from here too.

"Pose quality" is Auto, Full or Fast (:mod:`game.pose.quality`); with Auto and a camera
running, the row also says what Auto chose for this machine just now.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pygame

from game.coach.scoring import CLEAN_REP_MIN_SCORE
from game.play.scores import ScoreStore
from game.play.settings import PlayerSettings
from game.pose.quality import QualityMode, QualityState
from game.ui import theme
from game.ui.context import GameContext
from game.ui.jobs import Job
from game.ui.prefs import apply_settings, running_camera_quality, save_settings
from game.ui.scene import Scene
from game.ui.scenes.calibration import CALIBRATION_FIELD, CalibrationScene
from game.ui.scenes.text_entry import TextEntryScene
from game.ui.sound import Cue
from game.ui.widgets import BACK_KEYS, SELECT_KEYS, draw_panel, draw_star, draw_text

__all__ = ["ROWS", "SettingsScene", "check_model_path"]

ROWS = (
    "Camera",
    "Pose model",
    "Pose quality",
    "Volume",
    "Sound",
    "Mirror camera",
    "Colours",
    "Text size",
    "Calibration",
    "Back",
)
ROW_TOP = 118
#: Ten rows end at y = 648, clear of the key help along the bottom (its top is at about
#: y = 670 at the largest text size); a row is 46 px, room for the labels at that size
#: (41 px).
ROW_H = 52
LIST = pygame.Rect(60, ROW_TOP - 10, 760, len(ROWS) * ROW_H + 20)
PREVIEW = pygame.Rect(850, ROW_TOP - 10, 370, len(ROWS) * ROW_H + 20)
#: Where values start: just right of the longest label at the largest text size
#: ("Mirror camera", 216 px from x = 88), leaving values 460 px.
_VALUE_X = 330
_NAMES = {"standard": "Standard", "colour-blind": "Colour-blind"}
#: Design sizes for a value's small print, largest first; the last may still be cut.
_NOTE_SIZES = (24, 22, 20)
_QUALITY_NAMES: dict[str, str] = {
    QualityMode.AUTO: "Auto",
    QualityMode.FULL: "Full",
    QualityMode.FAST: "Fast",
}


def check_model_path(text: str) -> str:
    """A typed model path: empty means the shipped model; else an existing .task file."""
    text = text.strip()
    if not text:
        return ""
    path = Path(text).expanduser()
    if path.suffix != ".task":
        raise ValueError("a pose model is a .task file (MediaPipe Pose Landmarker)")
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    return str(path)


def _has_calibration(store_path: Path, player: str) -> bool:
    with ScoreStore(store_path) as store:
        return bool(store.player_data(player, CALIBRATION_FIELD))


class SettingsScene(Scene):
    """Up/down choose a row; left/right (or Enter) change it; Esc goes back."""

    def __init__(self, ctx: GameContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.selected = 0
        self.calibrated: bool | None = None
        self.problem: str | None = None
        self._save_job: Job[None] | None = None
        self._unsaved: PlayerSettings | None = None
        self._cal_job: Job[bool] | None = None
        #: A running camera's inference quality (None: no camera), read in update().
        self.live_quality: QualityState | None = None

    @property
    def settings(self) -> PlayerSettings:
        return self.ctx.settings

    def enter(self) -> None:
        self._check_calibration()

    def resume(self) -> None:
        self._check_calibration()  # back from calibrating

    def _check_calibration(self) -> None:
        ctx = self.ctx
        self._cal_job = ctx.start_job(lambda: _has_calibration(ctx.store_path, ctx.player), "cal")

    # -- changing ----------------------------------------------------------------------

    def change(self, new: PlayerSettings) -> None:
        """Apply ``new`` now and save it for this player."""
        apply_settings(self.ctx, new, force_mute=self.ctx.force_mute)
        self.ctx.sound.play(Cue.CLICK)  # heard at the new volume
        self._unsaved = new
        self._save_next()

    def _save_next(self) -> None:
        if self._save_job is not None or self._unsaved is None:
            return
        ctx, settings = self.ctx, self._unsaved
        self._unsaved = None
        self._save_job = ctx.start_job(
            lambda: save_settings(ctx.store_path, ctx.player, settings), "settings"
        )

    def _step(self, row: str, step: int) -> None:
        s = self.settings
        if row == "Camera":
            self.change(s.next_camera(step))
        elif row == "Volume":
            self.change(s.next_volume(step))
        elif row == "Sound":
            self.change(replace(s, muted=not s.muted))
        elif row == "Mirror camera":
            self.change(replace(s, mirror=not s.mirror))
        elif row == "Colours":
            self.change(s.next_palette(step))
        elif row == "Text size":
            self.change(s.next_text_size(step))
        elif row == "Pose quality":
            self.change(s.next_inference_quality(step))
            self.live_quality = running_camera_quality()

    def _activate(self, row: str) -> None:
        if self.stack is None:
            return
        if row == "Back":
            self.stack.pop()
        elif row == "Pose model":
            self.stack.push(
                TextEntryScene(
                    self.ctx,
                    "Pose model",
                    "Path to a .task file - empty for the one shipped with the game",
                    check_model_path,
                    self._model_done,
                    initial=self.settings.model_path or "",
                )
            )
        elif row == "Calibration":
            self.stack.push(CalibrationScene(self.ctx))
        else:
            self._step(row, 1)

    def _model_done(self, path: str) -> None:
        if self.stack is not None:
            self.stack.pop()
        self.change(replace(self.settings, model_path=path or None))

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key in BACK_KEYS:
                if self.stack is not None:
                    self.stack.pop()
                return True
            if event.key in (pygame.K_UP, pygame.K_w):
                self.selected = (self.selected - 1) % len(ROWS)
                self.ctx.sound.play(Cue.CLICK)
                return True
            if event.key in (pygame.K_DOWN, pygame.K_s):
                self.selected = (self.selected + 1) % len(ROWS)
                self.ctx.sound.play(Cue.CLICK)
                return True
            if event.key in (pygame.K_LEFT, pygame.K_a):
                self._step(ROWS[self.selected], -1)
                return True
            if event.key in (pygame.K_RIGHT, pygame.K_d):
                self._step(ROWS[self.selected], 1)
                return True
            if event.key in SELECT_KEYS:
                self._activate(ROWS[self.selected])
                return True
        elif event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN):
            for i in range(len(ROWS)):
                if self.row_rect(i).collidepoint(event.pos):
                    self.selected = i
                    if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                        self._activate(ROWS[i])
                    return True
        return False

    def update(self, dt: float) -> None:
        self.live_quality = running_camera_quality()
        job = self._save_job
        if job is not None and job.done:
            self._save_job = None
            self.problem = f"Settings not saved: {job.error}" if job.error else None
            self._save_next()
        cal = self._cal_job
        if cal is not None and cal.done:
            self._cal_job = None
            self.calibrated = bool(cal.result) if cal.error is None else None

    # -- draw ------------------------------------------------------------------------

    def row_rect(self, index: int) -> pygame.Rect:
        return pygame.Rect(LIST.x + 10, ROW_TOP + index * ROW_H, LIST.width - 20, ROW_H - 6)

    def value(self, row: str) -> str:
        s = self.settings
        if row == "Camera":
            return f"Camera {s.camera_index}"
        if row == "Pose model":
            return Path(s.model_path).name if s.model_path else "Shipped model"
        if row == "Pose quality":
            return _QUALITY_NAMES.get(s.inference_quality, s.inference_quality)
        if row == "Volume":
            return f"{round(s.volume * 100)}%"
        if row == "Sound":
            return "Off" if s.muted else "On"
        if row == "Mirror camera":
            return "On" if s.mirror else "Off"
        if row == "Colours":
            return _NAMES.get(s.palette, s.palette)
        if row == "Text size":
            return s.text_size.capitalize()
        if row == "Calibration":
            state = {True: "done", False: "not yet", None: "..."}[self.calibrated]
            return f"Calibrate now ({state})"
        return ""

    def note(self, row: str) -> str:
        """Small print after a value: what Auto chose, while a camera runs."""
        live = self.live_quality
        if row != "Pose quality" or live is None or live.mode is not QualityMode.AUTO:
            return ""
        if self.settings.inference_quality != QualityMode.AUTO:
            return ""  # just changed away from Auto: the camera catches up next frame
        return f"now {live.description}"

    def draw(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.blit(a.backdrop(surface.get_size()), (0, 0))
        title = a.fit(f"Settings - {self.ctx.player}", 64, theme.TEXT, 1160)
        surface.blit(title, title.get_rect(midleft=(LIST.x, 56)))
        draw_panel(surface, LIST)
        for i, row in enumerate(ROWS):
            self._draw_row(surface, i, row)
        self._draw_preview(surface)
        if self.problem:
            surf = a.fit(self.problem, 26, theme.WARN, 700)
            surface.blit(surf, surf.get_rect(bottomleft=(24, 704)))
        draw_text(
            surface,
            a,
            "Up/Down choose   Left/Right change   Enter select   Esc back",
            26,
            theme.TEXT_DIM,
            (1256, 704),
            "bottomright",
        )

    def _draw_row(self, surface: pygame.Surface, i: int, row: str) -> None:
        a = self.ctx.assets
        rect = self.row_rect(i)
        chosen = i == self.selected
        if chosen:
            pygame.draw.rect(surface, theme.BG_DEEP, rect, border_radius=10)
            pygame.draw.rect(surface, theme.SELECT, rect, width=2, border_radius=10)
        label = a.fit(row, 34, theme.SELECT if chosen else theme.TEXT, _VALUE_X - rect.x - 30)
        surface.blit(label, label.get_rect(midleft=(rect.x + 18, rect.centery)))
        value = self.value(row)
        if value:
            room = rect.right - _VALUE_X - 20
            steppable = row not in ("Pose model", "Calibration", "Back")
            text = f"<  {value}  >" if steppable and chosen else value
            surf = a.fit(text, 32, theme.ACCENT, room)
            placed = surface.blit(surf, surf.get_rect(midleft=(_VALUE_X, rect.centery)))
            note = self.note(row)
            if note:
                x = placed.right + 14
                room = rect.right - 16 - x
                # Smaller print before cutting it short (the largest text size needs it).
                size = next(
                    (n for n in _NOTE_SIZES if a.font(n).size(note)[0] <= room), _NOTE_SIZES[-1]
                )
                small = a.fit(note, size, theme.TEXT_DIM, room)
                surface.blit(small, small.get_rect(midleft=(x, rect.centery + 1)))

    def _draw_preview(self, surface: pygame.Surface) -> None:
        """What the palette and text size look like: rep scores as the game colours them."""
        a = self.ctx.assets
        draw_panel(surface, PREVIEW)
        x = PREVIEW.x + 24
        draw_text(surface, a, "Preview", 34, theme.TEXT, (x, PREVIEW.y + 16))
        samples = (
            (100, "Clean rep"),
            (70, "Fair rep"),
            (40, "Fix this"),
        )
        y = PREVIEW.y + 76
        for score, words in samples:
            color = theme.score_color(score, CLEAN_REP_MIN_SCORE)
            chip = pygame.Rect(x, y, 84, 48)
            pygame.draw.rect(surface, color, chip, border_radius=10)
            draw_text(surface, a, str(score), 32, theme.BG_DEEP, chip.center, "center")
            surf = a.fit(words, 30, color, PREVIEW.right - chip.right - 40)
            surface.blit(surf, surf.get_rect(midleft=(chip.right + 16, chip.centery)))
            y += 64
        pygame.draw.line(surface, theme.GLUTES, (x, y + 14), (PREVIEW.right - 24, y + 14), 8)
        surf = a.fit("Glutes high", 28, theme.GLUTES, PREVIEW.width - 48)
        surface.blit(surf, (x, y + 28))
        for i in range(3):
            draw_star(surface, (x + 22 + i * 50, y + 110), 20, filled=i < 2)
        sample = a.fit("Cues read like this", 30, theme.TEXT, PREVIEW.width - 48)
        surface.blit(sample, (x, PREVIEW.bottom - 20 - sample.get_height()))
