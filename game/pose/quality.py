"""How much pose inference each camera frame gets, and stepping it down on a slow machine.

A camera sends a frame every 33 ms (30 fps). When MediaPipe needs longer than that per
frame it drops the frames it has no time for (LIVE_STREAM mode), so the skeleton moves in
jerks and trails the player: on a slow laptop, or one busy with something else, the game
feels broken. Two things cut the work per second without changing the model:

* **a smaller image**: MediaPipe scales every picture down to its own 256 px input
  anyway, but copies and scales the whole picture on the way there; a copy whose long
  side is :data:`FAST_LONG_SIDE` px has a quarter of a 1280x720 picture's pixels. The
  model's own work dominates, though, so this saves a little (see :data:`LEVELS`);
* **fewer frames**: handing over only every 2nd frame halves the work outright, at
  15 results a second from a 30 fps camera, which still follows a squat (a rep takes
  two seconds or more).

:class:`InferenceQuality` is the policy that picks one of :data:`LEVELS`. Mode ``full``
pins level 0 (full size, every frame: for a fast machine, or to compare), ``fast`` pins
the lightest level (640 px, every 2nd frame: for a machine known to be slow), and
``auto`` (the default) starts at full and watches the live pipeline: it steps down when
the pipeline falls behind and back up once it has had a comfortable margin for a while
(the thresholds below say how much and how long).

It is pure bookkeeping: it imports neither MediaPipe nor OpenCV, never reads a clock
(every observation carries its time) and is not thread-safe (the camera source calls it
under its own lock), so it is tested with made-up traces of latencies.
"""

from __future__ import annotations

import itertools
import statistics
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "BEHIND_DROP_SHARE",
    "BEHIND_LATENCY_RATIO",
    "COMFORT_DROP_SHARE",
    "COMFORT_LATENCY_RATIO",
    "FAST_LONG_SIDE",
    "LEVELS",
    "MAX_STEP_UP_AFTER_S",
    "MIN_RESULTS",
    "PROBATION_S",
    "QUALITY_MODES",
    "SAME_SIZE_COMFORT_RATIO",
    "STEP_UP_AFTER_S",
    "WINDOW_S",
    "InferenceQuality",
    "QualityLevel",
    "QualityMode",
    "QualityState",
]


class QualityMode(StrEnum):
    """What the player chose (the ``inference_quality`` setting)."""

    AUTO = "auto"  # follow the machine
    FULL = "full"  # always level 0
    FAST = "fast"  # always the lightest level


#: The setting's values, in the order the settings screen cycles through them.
QUALITY_MODES: tuple[str, ...] = tuple(mode.value for mode in QualityMode)

#: Long side of the downscaled inference copy. MediaPipe's pose detector looks at
#: 224x224 and its landmark model at 256x256, so 640 px still gives it 2.5 times the
#: pixels it uses; the person, a good part of the frame at squat distance, loses nothing.
FAST_LONG_SIDE = 640


@dataclass(frozen=True, slots=True)
class QualityLevel:
    """One step: the long side inference works at (None: the camera's own) and which frames."""

    long_side: int | None
    every: int  # hand over every n-th camera frame

    def inference_size(self, width: int, height: int) -> tuple[int, int]:
        """The size MediaPipe gets for a ``width`` x ``height`` camera frame (never larger)."""
        longest = max(width, height)
        if self.long_side is None or longest <= self.long_side:
            return width, height
        scale = self.long_side / longest
        return max(1, round(width * scale)), max(1, round(height * scale))

    def describe(self, frame_size: tuple[int, int] | None = None) -> str:
        """Words for the settings screen, e.g. ``"640 px, every 2nd frame"``."""
        if frame_size is not None:
            size = f"{max(self.inference_size(*frame_size))} px"
        elif self.long_side is None:
            size = "full size"
        else:
            size = f"{self.long_side} px"
        frames = "every frame" if self.every == 1 else f"every {_ordinal(self.every)} frame"
        return f"{size}, {frames}"


#: Lightest last. Measured with the LIVE_STREAM estimator on a 2-core machine at 30 fps
#: (CPU seconds per second of play): 0.88 for a 1280x720 picture, 0.84 for its 640 px
#: copy, 0.45 for the copy every 2nd frame; 0.96 against 0.87 from a 1920x1080 camera.
#: So level 1 is the gentle step (the bigger the camera's picture, the more it saves) and
#: level 2 the one that halves the work for any camera, a 640x480 one included.
LEVELS: tuple[QualityLevel, ...] = (
    QualityLevel(None, 1),
    QualityLevel(FAST_LONG_SIDE, 1),
    QualityLevel(FAST_LONG_SIDE, 2),
)

#: The pipeline is judged over the observations of about the last second: long enough
#: for ~30 results at 30 fps (a median that one slow frame cannot move), short enough
#: that a machine that cannot keep up is helped within a second or two.
WINDOW_S = 1.0
#: No verdict on fewer results than this in the window (at start-up, just after a step).
#: A machine giving fewer than 3 results a second is far behind anyway, and the drop
#: share says so once results come.
MIN_RESULTS = 3
#: Behind: the median submit-to-result time is over 1.25 camera frame intervals (42 ms at
#: 30 fps). MediaPipe keeps one frame waiting while it works on another, so latency well
#: above the interval means frames queue (the skeleton trails the player) and drop. Not
#: 1.0, because a machine can keep up with little to spare: on the 2-core machine above,
#: inference took 27-31 ms a frame at any of the sizes (medians of 1 s windows), with no
#: frame dropped; at 1.0 a window now and then would cross the line and halve the results
#: for nothing. With another job running, the 1280x720 picture came back in 56 ms with
#: 18 % dropped: behind. Its 640 px copy: 32 ms, 4 % dropped: keeping up.
BEHIND_LATENCY_RATIO = 1.25
#: Behind, too: more than a third of the frames handed over were dropped (results then
#: come at under two thirds of the rate asked for, e.g. under 20 a second at 30 fps).
BEHIND_DROP_SHARE = 1 / 3
#: Comfortable (allowed to step back up): median latency under 80 % of the frame
#: interval and under 10 % dropped. At the lighter level the latency is the time one
#: frame takes (nothing queues); the level above hands over twice the frames, or the
#: bigger picture (up to ~10 % more work, above), so 20 % spare leaves room for that and
#: for the game itself wanting more of the CPU. The gap up to "behind" (1.25) is the
#: hysteresis in latency: a median wandering a few ms cannot cross both lines.
COMFORT_LATENCY_RATIO = 0.8
#: ...but when the level above only hands over more frames of the same size, each frame
#: there takes what it takes now: under one interval, it keeps up. With 0.8 here this
#: machine (27-31 ms a frame at 30 fps, 26.7 ms being 0.8 of the interval) never came back
#: from every 2nd frame after one busy moment; "behind" (1.25) still leaves a band.
SAME_SIZE_COMFORT_RATIO = 1.0
COMFORT_DROP_SHARE = 0.1
#: Comfortable without a break for this long before stepping up: a few seconds, so a
#: short quiet moment (the player standing still, another program pausing) does not
#: bring back a level the machine cannot hold.
STEP_UP_AFTER_S = 5.0
#: A step up that has to be undone within this long was a mistake: the wait before the
#: next try at that level doubles (up to :data:`MAX_STEP_UP_AFTER_S`), so a machine on
#: the border settles instead of flapping between two levels every few seconds.
PROBATION_S = 10.0
MAX_STEP_UP_AFTER_S = 60.0


@dataclass(frozen=True, slots=True)
class QualityState:
    """What the policy is doing now, for the UI (a snapshot)."""

    mode: QualityMode
    level: int
    description: str  # e.g. "640 px, every 2nd frame"


class InferenceQuality:
    """The policy: feed it the camera path's observations; it says what to hand MediaPipe.

    Per camera frame, :meth:`frame_grabbed` (which also says whether to submit it); per
    result, :meth:`result_arrived` with its submit-to-result latency and how many frames
    submitted before it MediaPipe dropped. :attr:`level` indexes :data:`LEVELS`.

    In ``auto`` it starts at level 0 and checks after each observation, over the last
    :data:`WINDOW_S`: *behind* (median latency over 1.25 of the camera's frame interval,
    or over a third dropped) steps down one level; *comfortable* (latency under 80 % of
    the interval, or under 100 % when the level above only takes more frames, and few
    drops) for :data:`STEP_UP_AFTER_S` without a break steps up one;
    a step up undone within :data:`PROBATION_S` doubles that wait for the next try. After
    every step a full window of fresh observations is waited for: results of frames
    submitted before the step describe the old level and are ignored. Levels that would
    do exactly the same as their neighbour for this camera (640 px on a 640x480 camera)
    are skipped over.
    """

    def __init__(self, mode: QualityMode | str = QualityMode.AUTO) -> None:
        self._grabs: deque[float] = deque()
        self._results: deque[tuple[float, float, int]] = deque()  # (arrived, latency, dropped)
        self._frame_size: tuple[int, int] | None = None
        self._mode = QualityMode.AUTO
        self.level = 0
        #: Level changes made by ``auto`` so far (diagnostics, tests).
        self.steps = 0
        self._reset(_mode(mode))

    # -- the choice ------------------------------------------------------------------

    @property
    def mode(self) -> QualityMode:
        """The player's choice. Setting it applies at once; ``auto`` starts again from
        level 0, as at start-up. ``ValueError`` for a mode that does not exist."""
        return self._mode

    @mode.setter
    def mode(self, value: QualityMode | str) -> None:
        self._reset(_mode(value))

    @property
    def current(self) -> QualityLevel:
        return LEVELS[self.level]

    def describe(self) -> str:
        """The current level in words, at the camera's real size once a frame was seen."""
        return self.current.describe(self._frame_size)

    def state(self) -> QualityState:
        return QualityState(self._mode, self.level, self.describe())

    # -- observations ----------------------------------------------------------------

    def frame_grabbed(self, now_s: float, frame_size: tuple[int, int]) -> bool:
        """A camera frame arrived at ``now_s``; whether to hand it to MediaPipe."""
        self._frame_size = frame_size
        self._started(now_s)
        self._grabs.append(now_s)
        self._grabbed_at_level += 1
        submit = (self._grabbed_at_level - 1) % self.current.every == 0
        self._decide(now_s)
        return submit

    def result_arrived(self, now_s: float, latency_s: float, dropped: int = 0) -> None:
        """A result came back at ``now_s``, ``latency_s`` after its frame was submitted;
        ``dropped`` frames submitted before it got no result."""
        latency_s = max(0.0, latency_s)
        if now_s - latency_s < self._started(now_s):
            return  # submitted at the previous level (or mode): says nothing about this one
        self._results.append((now_s, latency_s, max(0, dropped)))
        self._decide(now_s)

    # -- deciding --------------------------------------------------------------------

    def _reset(self, mode: QualityMode) -> None:
        self._mode = mode
        self.level = {QualityMode.FULL: 0, QualityMode.FAST: len(LEVELS) - 1}.get(mode, 0)
        self._up_after = [STEP_UP_AFTER_S] * len(LEVELS)
        self._raised_to: int | None = None
        self._raised_at = 0.0
        self._enter_level(None)  # the clock starts with the next observation

    def _started(self, now_s: float) -> float:
        """When the current level began (the first observation's time after a reset)."""
        if self._level_since is None:
            self._level_since = now_s
        return self._level_since

    def _enter_level(self, now_s: float | None) -> None:
        self._level_since = now_s
        self._grabbed_at_level = 0
        self._comfortable_since: float | None = None
        self._results.clear()

    def _decide(self, now_s: float) -> None:
        if self._mode is not QualityMode.AUTO:
            return
        self._forget_before(now_s - WINDOW_S)
        window = self._window(now_s)
        if window is None:
            self._comfortable_since = None
            return
        latency, drop_share, frame_interval = window
        if latency > BEHIND_LATENCY_RATIO * frame_interval or drop_share > BEHIND_DROP_SHARE:
            self._comfortable_since = None
            lower = self._neighbour(+1)
            if lower is not None:
                self._move(lower, now_s)
            return
        higher = self._neighbour(-1)
        if higher is None:
            return
        # Room for the level above: each frame there costs what it costs now if only the
        # frame rate changes, more if the picture grows (see the two ratios).
        bigger = self._effect(higher)[0] != self._effect(self.level)[0]
        ratio = COMFORT_LATENCY_RATIO if bigger else SAME_SIZE_COMFORT_RATIO
        if latency < ratio * frame_interval and drop_share < COMFORT_DROP_SHARE:
            if self._comfortable_since is None:
                self._comfortable_since = now_s
            if now_s - self._comfortable_since >= self._up_after[higher]:
                self._move(higher, now_s)
        else:
            self._comfortable_since = None

    def _window(self, now_s: float) -> tuple[float, float, float] | None:
        """(median latency, share dropped, camera frame interval) over the window; None
        with too little to go on."""
        if now_s - self._started(now_s) < WINDOW_S or len(self._results) < MIN_RESULTS:
            return None
        grabs = list(self._grabs)
        intervals = [b - a for a, b in itertools.pairwise(grabs) if b > a]
        if not intervals:
            return None
        latency = statistics.median(r[1] for r in self._results)
        dropped = sum(r[2] for r in self._results)
        return latency, dropped / (dropped + len(self._results)), statistics.median(intervals)

    def _neighbour(self, direction: int) -> int | None:
        """The next level down (+1) or up (-1) that changes anything for this camera."""
        here = self._effect(self.level)
        level = self.level + direction
        while 0 <= level < len(LEVELS):
            if self._effect(level) != here:
                return level
            level += direction
        return None

    def _effect(self, level: int) -> tuple[tuple[int, int] | int | None, int]:
        step = LEVELS[level]
        if self._frame_size is None:
            return step.long_side, step.every
        return step.inference_size(*self._frame_size), step.every

    def _move(self, level: int, now_s: float) -> None:
        if level > self.level:  # down: was the last step up into this level a mistake?
            if self._raised_to == self.level and now_s - self._raised_at < PROBATION_S:
                self._up_after[self.level] = min(
                    2 * self._up_after[self.level], MAX_STEP_UP_AFTER_S
                )
            self._raised_to = None
        else:
            self._raised_to, self._raised_at = level, now_s
        self.level = level
        self.steps += 1
        self._enter_level(now_s)

    def _forget_before(self, cutoff_s: float) -> None:
        while self._grabs and self._grabs[0] < cutoff_s:
            self._grabs.popleft()
        while self._results and self._results[0][0] < cutoff_s:
            self._results.popleft()


def _mode(value: QualityMode | str) -> QualityMode:
    try:
        return QualityMode(value)
    except ValueError:
        raise ValueError(
            f"inference quality must be one of {', '.join(QUALITY_MODES)}, got {value!r}"
        ) from None


def _ordinal(n: int) -> str:
    """2 -> "2nd", 3 -> "3rd", 4 -> "4th" (for the small numbers used here)."""
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10 if n % 100 not in (11, 12, 13) else 0, "th")
    return f"{n}{suffix}"
