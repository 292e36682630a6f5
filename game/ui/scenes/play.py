"""Playing a level: pose frames in, coaching and rewards out.

Timeline: the source is opened on ``enter`` (a bad spec or missing camera becomes a
message screen, not a crash); a live source (a camera) first gets the "get in frame" step
(:class:`~game.ui.scenes.framing.FramingScene`, pushed over this one); a 3-second
"Get ready" countdown runs, then the level plays. Each update pulls the source's frames
up to the *play clock* into the session, ticks the session, and turns its events into
effects. The play clock only moves in ``update``, which the stack only calls on the top
scene: so while the pause overlay is up, the level clock, the demo athlete and the
effects all stand still.

A live level also holds its clock by itself while the camera is lost or the player is
out of view or not alone (:class:`~game.ui.live_watch.LiveWatch`): the session gets no
frames meanwhile, a big message says why, and play resumes when good frames return.

The level's kind decides what is coached: a squat set shows reps, the depth gauge (with
the level's ceiling), its tempo, streak and combo, and cues the moment a fault shows,
colouring that region of the skeleton; a posture hold shows the seconds held toward the
goal and the posture's state, with the skeleton green while it is good and the faulty
region red while it is not.
"""

from __future__ import annotations

import math
from enum import StrEnum

import pygame

from game.coach.holds import HOLD_CUES
from game.coach.scoring import CLEAN_REP_MIN_SCORE, PRAISE
from game.play.levels import Level, SquatGoals
from game.play.session import HoldSession, LevelSession, SessionEvent, SessionStatus, start_session
from game.play.stand_in import demo_spec_for_level
from game.pose.frame import FAULTS, PoseFrame
from game.pose.model import ModelError
from game.pose.source import PoseSource, SourceError, SourceUnavailable
from game.ui import theme
from game.ui.assets import Assets
from game.ui.context import GameContext
from game.ui.effects import Effects
from game.ui.feed import PoseFeed
from game.ui.hud import (
    CUE_RECT,
    CUE_SIZE,
    HINT_SIZE,
    STAGE_RECT,
    HoldHudState,
    Hud,
    HudState,
    hold_state_color,
)
from game.ui.jobs import Job
from game.ui.live_watch import CAMERA_LOST, LiveWatch
from game.ui.scene import Scene
from game.ui.scenes.calibration import load_calibration
from game.ui.scenes.framing import FramingScene, fitting_size
from game.ui.scenes.pause import PauseScene
from game.ui.scenes.results import ResultsScene
from game.ui.skeleton import LegState, Stage
from game.ui.sound import Cue, rep_cue
from game.ui.theme import Color
from game.ui.widgets import BACK_KEYS, draw_banner, draw_panel, draw_text

__all__ = ["COUNTDOWN_S", "CUE_SHOW_S", "PlayPhase", "PlayScene", "spec_for_level"]

#: "Get ready" before the level clock starts: time to step back from the keyboard.
COUNTDOWN_S = 3.0
OPENING_MESSAGE = "Getting ready..."  # a camera waking up, the pose model loading
#: Leaving while a camera is still opening waits this long for it, to release it.
OPEN_WAIT_S = 10.0
#: A cue stays up this long, fading over the last ``CUE_FADE_S``.
CUE_SHOW_S = 2.5
CUE_FADE_S = 0.6
#: After the last rep or the buzzer, the play screen stays this long (rewards finish).
FINISH_HOLD_S = 1.5
PARTIAL_TEXT = "Deeper!"
#: Step (px) by which a wrapped cue's width is narrowed to even out its lines.
BALANCE_STEP_PX = 20
#: The streak cheer sits near the top of the stage: the rep's points rise from the hips
#: at the same moment and must not run into it.
STREAK_TEXT_Y = 64
#: What flashes on the stage when a rep does not count, by the session's reason.
MISS_TEXT = {"too_deep": "Too deep!", "no_pause": "Pause!"}
#: Short names of a hold's faults, for the panel beside the bar.
HOLD_FAULT_WORDS = {"weight_forward": "Weight forward", "tail_tuck": "Tail tucked under"}
HOLD_STATE_WORDS = {"good": "In position", "out": "Get in position", "unseen": "Side-on, please"}
UNSEEN_HOLD_TEXT = "Turn side-on to the camera"
#: The hold message's size: the HUD's cue size (readable from ~3 m) and a bit more.
HOLD_SIZE = 80


def burst_colors() -> list[theme.Color]:
    """A rep's reward particles: the palette in use now (read per burst, so a player who
    picks the colour-blind palette gets its "good" colour in the rewards too)."""
    return [theme.GOOD, theme.SELECT, theme.GLUTES, theme.TEXT]


def spec_for_level(spec: str, level: Level) -> str:
    """The source spec to open for ``level``: the demo athlete plays the level as asked.

    The demo stands in for a player, so ``demo`` plays the whole level rather than its
    own default set (and a level could never be finished by it): the level's reps,
    tempo, pause and depth band, or its posture held past the goal
    (:func:`~game.play.stand_in.demo_spec_for_level`). What the spec says is kept
    (``reps=3`` is exactly three reps). Other sources come back unchanged.
    """
    return demo_spec_for_level(spec, level)


class PlayPhase(StrEnum):
    ERROR = "error"
    COUNTDOWN = "countdown"
    RUNNING = "running"
    FINISHING = "finishing"


class PlayScene(Scene):
    """One attempt at ``level`` with the context's pose source."""

    def __init__(self, ctx: GameContext, level: Level, countdown_s: float = COUNTDOWN_S) -> None:
        super().__init__()
        self.ctx = ctx
        self.level = level
        self.session = start_session(level, load_calibration(ctx.store_path, ctx.player))
        self.phase = PlayPhase.COUNTDOWN
        self.error_lines: list[str] = []
        self.feed: PoseFeed | None = None
        self._opening: Job[PoseSource] | None = None
        self.countdown_s = countdown_s
        self._ticked = 0  # the countdown number last sounded (0: none yet)
        self.play_clock_s = 0.0
        self.finish_left_s = FINISH_HOLD_S
        self.finish_text = ""
        self.stage = Stage(STAGE_RECT)
        self.hud = Hud(ctx.assets)
        self.effects = Effects()
        self.cue_lines: tuple[str, ...] = ()
        self.cue_age_s = math.inf
        self.cue_color: Color | None = None
        #: The fault whose region the skeleton shows red, while the cue about it is up.
        self.cue_fault: str | None = None
        self._wrapped: dict[str, tuple[str, ...]] = {}
        self.reached_target = False
        self.legs = LegState.NEUTRAL
        self.source_note: str | None = None
        #: Live sources only: whether the get-in-frame step has been shown, and why the
        #: level is holding its clock right now (None while it runs).
        self.framed = False
        self.watch = LiveWatch()
        self.hold_message: str | None = None
        #: Live poses smoothed and drawn but not judged yet, and the newest smoothed pose
        #: (what the stage draws while coaching). The coach judges a live pose right after
        #: the frame showing it is on screen (:meth:`presented`): its ~1 ms is then not
        #: between the camera and the screen.
        self._unjudged: list[PoseFrame] = []
        self._smoothed: PoseFrame | None = None
        hint = ctx.assets.wrap(level.teaching, HINT_SIZE, CUE_RECT.width - 60)[:2]
        self.hint_lines = tuple(hint)
        self.hud_state = self._hud_state()
        self.hud.prepare(self.hud_state)
        self._flash_layer: pygame.Surface | None = None
        self._dim_layer: pygame.Surface | None = None

    # -- lifecycle -------------------------------------------------------------------

    def enter(self) -> None:
        # Full-stage layers for the reward flash and the countdown dimming, made once.
        self._flash_layer = pygame.Surface(STAGE_RECT.size)
        self._dim_layer = pygame.Surface(STAGE_RECT.size)
        self._dim_layer.fill(theme.BG_DEEP)
        self._dim_layer.set_alpha(150)
        # Opening a camera starts its capture and loads the pose model: 0.1-0.7 s the
        # screen must not freeze for. The countdown waits until the source is there.
        spec = spec_for_level(self.ctx.source_spec, self.level)
        self._opening = self.ctx.start_job(lambda: self.ctx.open_source(spec), "open-source")
        self._take_opened_source()
        if self._opening is not None:
            self.hold_message = OPENING_MESSAGE

    def _take_opened_source(self) -> None:
        job = self._opening
        if job is None or not job.done:
            return
        self._opening = None
        if self.hold_message == OPENING_MESSAGE:
            self.hold_message = None
        if job.error is not None:
            if isinstance(job.error, SourceError | SourceUnavailable | ModelError):
                self._fail(str(job.error))
                return
            raise job.error
        assert job.result is not None
        mirror = self.level.modifiers.mirror
        if mirror is not None and hasattr(job.result, "mirror"):
            job.result.mirror = mirror  # the level's own choice over the player's setting
        self.feed = PoseFeed(
            job.result, wait_for_slow=self.ctx.simulated_clock, on_arrival=self.ctx.live_frames
        )

    def exit(self) -> None:
        if self._opening is not None:
            # Left while the source was still opening: release it once it is open (a
            # camera kept open would stay busy for every other program).
            opening, self._opening = self._opening, None
            opening.wait(OPEN_WAIT_S)
            if opening.result is not None:
                opening.result.close()
        if self.feed is not None:
            self.feed.close()
            self.feed = None

    def resume(self) -> None:
        # A camera kept filming during the pause: those frames are not part of the level.
        if self.feed is not None and self.feed.live:
            self.feed.poll(self.play_clock_s)

    def _fail(self, message: str) -> None:
        self.phase = PlayPhase.ERROR
        self.error_lines = self.ctx.assets.wrap(message, 34, 900)[:8]

    # -- input -----------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        is_back = event.type == pygame.KEYDOWN and (
            event.key in BACK_KEYS or event.key == pygame.K_p
        )
        if self.phase is PlayPhase.ERROR:
            if is_back and self.stack is not None:
                self.stack.pop()
            return is_back
        if is_back or event.type == pygame.WINDOWFOCUSLOST:
            if self.phase is not PlayPhase.FINISHING and self.stack is not None:
                self.stack.push(PauseScene(self.ctx, on_quit=self._quit_level))
            return True
        return False

    def _quit_level(self) -> None:
        if self.stack is not None:
            stack = self.stack
            top = stack.top
            stack.pop_to(lambda s: s is not self and s is not top)

    # -- update ----------------------------------------------------------------------

    def update(self, dt: float) -> None:
        if self.feed is None:
            self._take_opened_source()
        if self.phase is PlayPhase.ERROR or self.feed is None:
            return
        feed = self.feed
        if self.phase is PlayPhase.COUNTDOWN:
            if feed.live and not self.framed and self.stack is not None:
                self.framed = True  # a camera: the player gets in frame before the countdown
                self.stack.push(FramingScene(self.ctx, feed, self.level.title, self._quit_level))
                return
            feed.poll(0.0)  # show the athlete (or camera) standing, coach nothing yet
            self.countdown_s -= dt
            if self.countdown_s <= 0:
                self.phase = PlayPhase.RUNNING
                self.ctx.sound.play(Cue.GO)
            elif math.ceil(self.countdown_s) != self._ticked:  # each number sounds as it shows
                self._ticked = math.ceil(self.countdown_s)
                self.ctx.sound.play(Cue.TICK)
        elif self.phase is PlayPhase.RUNNING:
            self._judge()  # live poses a frame showed, if presented() has not judged them
            frames = self._running_frames(feed, dt)
            if frames is not None:
                for frame in frames:
                    self._smoothed = self.session.smooth_frame(frame)
                    self._unjudged.append(self._smoothed)
                if not feed.live:
                    self._judge()  # recorded: no one waits for the picture, judge now
                for event in self.session.tick(dt):
                    self._react(event, None)
                if feed.ended and not feed.live:
                    for event in self.session.end():  # a video or recording ran out of frames
                        self._react(event, None)
            if self.session.status is not SessionStatus.RUNNING:
                self.phase = PlayPhase.FINISHING
                self.hold_message = None
        else:
            self.play_clock_s += dt
            feed.poll(self.play_clock_s)  # the athlete keeps moving behind the banner
            self.finish_left_s -= dt
            if self.finish_left_s <= 0 and self.stack is not None:
                self.stack.replace(ResultsScene(self.ctx, self.level, self.session.result()))
                return

        # While coaching, draw the frame as the coach measures it: the smoothed skeleton is
        # steady at rest and still follows the squat (about one frame of lag).
        shown = self._smoothed if self.phase is PlayPhase.RUNNING else None
        self.stage.prepare(shown or feed.latest, dt)
        feed.show_pictures_at(self.stage.fit.size)
        self.source_note = self._source_note(feed)
        self.effects.update(dt)
        self.cue_age_s += dt
        self._update_legs()
        self.hud_state = self._hud_state()

    def presented(self) -> None:
        """The frame is on screen: now the coach judges the live poses it showed."""
        if self.phase is PlayPhase.RUNNING:
            self._judge()

    def _judge(self) -> None:
        """Coach the smoothed poses waiting, in order, and react to what they did."""
        frames, self._unjudged = self._unjudged, []
        for frame in frames:
            for event in self.session.add_smoothed(frame):
                self._react(event, self.stage.hips_of(frame))

    def _running_frames(self, feed: PoseFeed, dt: float) -> list[PoseFrame] | None:
        """This update's frames for the session, with the play clock moved on; or None
        while a live level holds its clock (camera lost, player away or not alone)."""
        if not feed.live:
            self.play_clock_s += dt
            return feed.poll(self.play_clock_s)
        frames = feed.poll(self.play_clock_s)
        self.hold_message = self.watch.update(frames, feed.source_status, dt)
        if self.hold_message is not None:
            return None
        self.play_clock_s += dt
        return frames

    def _react(self, event: SessionEvent, hips: tuple[float, float] | None) -> None:
        """Rewards and messages for one session event (``hips`` in screen pixels)."""
        if hips is None:
            hips = (float(STAGE_RECT.centerx), float(STAGE_RECT.centery))
        if event.kind == "rep" and event.rep is not None:
            self.ctx.sound.play(rep_cue(event.clean, bool(event.rep.faults)))
            score = event.rep.score
            gained = (
                f"+{event.points}"
                if event.multiplier == 1
                else f"+{event.points} x{event.multiplier:g}"
            )
            if event.clean:
                self.effects.burst(hips, burst_colors())
                self.effects.flash()
                self.effects.float_text(gained, (hips[0], hips[1] - 70), theme.GOOD, 88)
            else:
                color = theme.score_color(score, CLEAN_REP_MIN_SCORE)
                self.effects.float_text(gained, (hips[0], hips[1] - 70), color, 64)
            if event.cue:  # a rep without a cue keeps quiet
                self._show_cue(event.cue, self._unforgiven(event.rep.faults))
        elif event.kind == "miss":
            self.ctx.sound.play(Cue.FAULT)
            self._float_warning(MISS_TEXT.get(event.reason or "", "Doesn't count"))
            if event.cue:
                self._show_cue(event.cue, None)
        elif event.kind == "cue" and event.cue:
            # Said the moment it shows (a tuck at the bottom, a wobble in a hold).
            if event.fault is not None:
                self.ctx.sound.play(Cue.FAULT)
            if not isinstance(self.session, HoldSession):  # a hold's strip shows its state
                self._show_cue(event.cue, event.fault)
        elif event.kind == "streak":
            self.ctx.sound.play(Cue.STAR)
            self.effects.burst(hips, burst_colors())
            self.effects.float_text(
                f"{event.streak} in a row!",
                (STAGE_RECT.centerx, STAGE_RECT.y + STREAK_TEXT_Y),
                theme.GOOD,
                96,
                life_s=1.4,
                rise=False,
            )
        elif event.kind == "hold_start":
            self.ctx.sound.play(Cue.REP)
        elif event.kind == "hold_break" and event.fault is not None:
            self.effects.float_text(
                HOLD_FAULT_WORDS.get(event.fault, "Hold it!"),
                (hips[0], hips[1] - 70),
                theme.WARN,
                64,
                life_s=1.2,
            )
        elif event.kind == "no_streak":
            self.finish_text = f"Best streak {event.streak} - not enough"
        elif event.kind == "partial":
            self.ctx.sound.play(Cue.FAULT)
            self.effects.float_text(
                PARTIAL_TEXT,
                (STAGE_RECT.centerx, STAGE_RECT.y + 110),
                theme.WARN,
                110,
                life_s=1.2,
                rise=False,
            )
        elif event.kind == "complete":
            hold = isinstance(self.session, HoldSession)
            self.finish_text = "Hold complete!" if hold else "Level complete!"
        elif event.kind == "time_up":
            self.finish_text = "Time's up!"
        elif event.kind == "ended":
            self.finish_text = "The recording has ended"

    def _show_cue(self, cue: str, fault: str | None) -> None:
        """Put ``cue`` up in the strip now, and light ``fault``'s region while it shows."""
        self.cue_lines = balanced_wrap(self.ctx.assets, cue, CUE_SIZE, CUE_RECT.width - 40)
        self.cue_age_s = 0.0
        self.cue_fault = fault
        self.cue_color = theme.GOOD if cue == PRAISE else None

    def _float_warning(self, text: str) -> None:
        self.effects.float_text(
            text,
            (STAGE_RECT.centerx, STAGE_RECT.y + 110),
            theme.WARN,
            110,
            life_s=1.2,
            rise=False,
        )

    def _unforgiven(self, faults: tuple[str, ...]) -> str | None:
        """The most important of ``faults`` this level does not forgive."""
        goals = self.level.goals
        allowed = goals.allowed_faults if isinstance(goals, SquatGoals) else frozenset()
        return next((f for f in FAULTS if f in faults and f not in allowed), None)

    def _update_legs(self) -> None:
        """Legs: neutral standing, amber on the way down, green once past the target."""
        if not isinstance(self.session, LevelSession):
            self.legs = LegState.NEUTRAL  # a hold colours the whole body instead
            return
        depth = self.session.depth_deg
        th = self.session.coach.thresholds
        if not math.isfinite(depth) or self.phase is not PlayPhase.RUNNING:
            self.reached_target = False
            self.legs = LegState.NEUTRAL
            return
        if depth >= self.level.depth_deg:
            self.reached_target = True
        if depth <= th.stand_deg:
            self.reached_target = False
            self.legs = LegState.NEUTRAL
        else:
            self.legs = LegState.DEEP if self.reached_target else LegState.DOWN

    def _source_note(self, feed: PoseFeed) -> str | None:
        if feed.error is not None:
            return f"The pose source stopped: {feed.error}"
        if feed.latest is None and feed.live:
            return "Waiting for the camera..."
        return None

    @property
    def cue_alpha(self) -> float:
        if self.cue_age_s >= CUE_SHOW_S:
            return 0.0
        return min(1.0, (CUE_SHOW_S - self.cue_age_s) / CUE_FADE_S)

    @property
    def person_visible(self) -> bool:
        if self.phase is PlayPhase.RUNNING:
            return self.session.person_seen
        latest = self.feed.latest if self.feed is not None else None
        return latest is not None and latest.has_person

    def _hud_state(self) -> HudState | HoldHudState:
        s = self.session
        alpha = self.cue_alpha
        if isinstance(s, HoldSession):
            return self._hold_hud_state(s)
        goals = s.goals
        return HudState(
            level_title=self.level.title,
            reps_done=len(s.reps),
            reps_goal=self.level.reps,
            points=s.points,
            time_left_s=s.time_left_s,
            depth_deg=s.depth_deg,
            target_deg=self.level.depth_deg,
            count_deg=s.coach.thresholds.full_deg,
            rep_scores=tuple(r.score for r in s.reps),
            clean_min=CLEAN_REP_MIN_SCORE,
            legs=self.legs,
            cue_lines=self.cue_lines if alpha > 0 else (),
            cue_alpha=alpha,
            hint_lines=self.hint_lines,
            ceiling_deg=goals.max_depth_deg,
            extras=squat_extras(s),
            cue_color=self.cue_color,
        )

    @property
    def hold_state(self) -> str:
        """The hold's live state: good, fault, out (of the posture) or unseen."""
        s = self.session
        if not isinstance(s, HoldSession) or self.phase is not PlayPhase.RUNNING:
            return "unseen"
        if not s.measurable:
            return "unseen"
        if s.good:
            return "good"
        return "fault" if s.in_position and s.fault is not None else "out"

    def _hold_hud_state(self, s: HoldSession) -> HoldHudState:
        posture = s.goals.posture
        state = self.hold_state
        if state == "fault" and s.fault is not None:
            label = HOLD_FAULT_WORDS.get(s.fault, s.fault.replace("_", " ").capitalize())
            sentence = HOLD_CUES.get(s.fault, label)
        elif state == "good":
            label, sentence = HOLD_STATE_WORDS["good"], HOLD_CUES[posture]
        elif state == "out":
            label, sentence = HOLD_STATE_WORDS["out"], HOLD_CUES[f"get_in_position_{posture}"]
        else:
            label, sentence = HOLD_STATE_WORDS["unseen"], UNSEEN_HOLD_TEXT
        running = self.phase is PlayPhase.RUNNING
        if not running:  # before the clock starts and after it stops, no live state
            label = "Get ready" if self.phase is PlayPhase.COUNTDOWN else ""
        lines = self._wrapped.get(sentence)
        if lines is None:  # a handful of sentences, wrapped once each
            lines = self._wrapped[sentence] = balanced_wrap(
                self.ctx.assets, sentence, CUE_SIZE, CUE_RECT.width - 40
            )
        return HoldHudState(
            level_title=self.level.title,
            hold_goal_s=s.hold_s,
            good_s=s.good_s,
            streak_s=s.streak_s,
            longest_s=s.longest_s,
            points=s.points,
            time_left_s=s.time_left_s,
            state=state,
            state_text=label,
            cue_lines=lines if running else (),
            cue_alpha=1.0 if running else 0.0,
            cue_color=hold_state_color(state) if state != "unseen" else theme.TEXT_DIM,
            hint_lines=self.hint_lines,
        )

    def _skeleton_look(self) -> tuple[Color | None, str | None]:
        """(tint, fault region) for the stage: a hold by its live state, a squat set by
        the fault its cue is about while that cue shows."""
        if isinstance(self.session, HoldSession):
            state = self.hold_state
            if state == "good":
                return theme.GOOD, None
            return None, self.session.fault if state == "fault" else None
        return None, self.cue_fault if self.cue_alpha > 0 else None

    # -- draw ------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BG)
        if self.phase is PlayPhase.ERROR:
            self._draw_error(surface)
            return
        a = self.ctx.assets
        tint, fault = self._skeleton_look()
        self.stage.draw(surface, self.legs, tint=tint, fault=fault)
        surface.set_clip(STAGE_RECT)
        self.effects.draw(surface, a, STAGE_RECT, self._flash_layer)
        surface.set_clip(None)
        pygame.draw.rect(surface, theme.PANEL_EDGE, STAGE_RECT, width=2, border_radius=4)

        cx = STAGE_RECT.centerx
        if self.phase is PlayPhase.COUNTDOWN:
            if self._dim_layer is not None:
                surface.blit(self._dim_layer, STAGE_RECT)
            number = str(max(1, math.ceil(self.countdown_s)))
            draw_text(surface, a, "Get ready", 72, theme.TEXT, (cx, STAGE_RECT.y + 90), "center")
            draw_text(surface, a, number, 220, theme.SELECT, (cx, STAGE_RECT.centery), "center")
        if self.phase is PlayPhase.FINISHING and self.finish_text:
            color = theme.GOOD if self.session.status is SessionStatus.COMPLETE else theme.WARN
            box = pygame.Rect(0, 0, 640, 120)
            box.center = STAGE_RECT.center
            draw_panel(surface, box, color=theme.BG_DEEP, edge=color)
            draw_text(surface, a, self.finish_text, 88, color, box.center, "center")
        elif self.hold_message:
            self._draw_hold(surface, self.hold_message)
        elif not self.person_visible and self.phase is not PlayPhase.COUNTDOWN:
            box = pygame.Rect(0, 0, 520, 100)
            box.center = (cx, STAGE_RECT.centery)
            draw_panel(surface, box, color=theme.BG_DEEP, edge=theme.ACCENT)
            draw_text(surface, a, "Step into view", 72, theme.ACCENT, box.center, "center")

        if self.ctx.notice:
            draw_banner(
                surface,
                a,
                self.ctx.notice,
                pygame.Rect(STAGE_RECT.x + 20, STAGE_RECT.y + 12, STAGE_RECT.width - 40, 44),
            )
        if self.source_note:
            draw_banner(
                surface,
                a,
                self.source_note,
                pygame.Rect(STAGE_RECT.x + 20, STAGE_RECT.bottom - 56, STAGE_RECT.width - 40, 44),
            )
        self.hud.draw(surface, self.hud_state)

    def _draw_hold(self, surface: pygame.Surface, message: str) -> None:
        """A live level holding its clock: why, in letters readable across the room."""
        a = self.ctx.assets
        if self._dim_layer is not None:
            surface.blit(self._dim_layer, STAGE_RECT)
        box = pygame.Rect(0, 0, STAGE_RECT.width - 40, 190)
        box.center = STAGE_RECT.center
        color = theme.BAD if message == CAMERA_LOST else theme.WARN
        draw_panel(surface, box, color=theme.BG_DEEP, edge=color)
        size = fitting_size(a, message, HOLD_SIZE, box.width - 40)
        draw_text(surface, a, message, size, color, (box.centerx, box.y + 72), "center")
        note = "The clock waits - play goes on by itself"
        draw_text(surface, a, note, 34, theme.TEXT_DIM, (box.centerx, box.bottom - 36), "center")

    def _draw_error(self, surface: pygame.Surface) -> None:
        a = self.ctx.assets
        surface.blit(a.backdrop(surface.get_size()), (0, 0))
        box = pygame.Rect(140, 120, 1000, 440)
        draw_panel(surface, box, edge=theme.BAD)
        draw_text(surface, a, "Can't start the level", 72, theme.BAD, (640, box.y + 36), "midtop")
        line_h = a.font(34).get_linesize()
        for i, line in enumerate(self.error_lines):
            draw_text(surface, a, line, 34, theme.TEXT, (640, box.y + 140 + i * line_h), "midtop")
        draw_text(
            surface,
            a,
            "Esc: back to the levels",
            32,
            theme.TEXT_DIM,
            (640, box.bottom - 30),
            "midbottom",
        )


def balanced_wrap(assets: Assets, text: str, size: int, max_width: int) -> tuple[str, ...]:
    """``text`` wrapped to ``max_width`` in as few lines as it needs, with the lines as
    even as possible: a cue never ends on one lonely word ("hold" / "it!")."""
    lines = assets.wrap(text, size, max_width)
    width = max_width
    while len(lines) > 1 and width > max_width // 2:
        narrower = assets.wrap(text, size, width - BALANCE_STEP_PX)
        if len(narrower) > len(lines):
            break
        lines, width = narrower, width - BALANCE_STEP_PX
    return tuple(lines)


def squat_extras(session: LevelSession) -> tuple[tuple[str, Color], ...]:
    """The HUD lines for a squat set's extra goals: its tempo (and the last rep's), the
    bottom pause, the clean streak and the combo; none for a plain set."""
    goals = session.goals
    verdict = session.last_verdict
    timing = verdict.timing if verdict is not None else None
    lines: list[tuple[str, Color]] = []
    if goals.tempo is not None:
        t = goals.tempo
        lines.append((f"TEMPO {t.down_s:g}-{t.pause_s:g}-{t.up_s:g}", theme.TEXT))
        if timing is not None and verdict is not None:
            color = theme.WARN if verdict.tempo_misses else theme.GOOD
            lines.append((f"last {timing.text()}", color))
    elif goals.pause_s is not None:
        lines.append((f"PAUSE {goals.pause_s:g} s", theme.TEXT))
        if timing is not None and verdict is not None:
            color = theme.WARN if verdict.reason == "no_pause" else theme.GOOD
            lines.append((f"last {timing.pause_s:.1f} s", color))
    if goals.streak is not None:
        done = session.best_streak >= goals.streak
        shown = goals.streak if done else session.streak
        color = theme.GOOD if done else theme.TEXT
        lines.append((f"STREAK {shown}/{goals.streak}{' done' if done else ''}", color))
    combo = session.level.modifiers.combo
    if combo > 1:
        live = session.multiplier > 1
        lines.append(
            (f"COMBO x{combo:g}{' on' if live else ''}", theme.SELECT if live else theme.MUTED)
        )
    return tuple(lines)
