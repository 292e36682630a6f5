"""Rep detection: a small state machine over a smoothed knee-bend signal.

The input is knee flexion in degrees (see :mod:`game.coach.features`). Thresholds are
measured from the player's own **standing baseline** — a low percentile of the knee bend seen
while standing in the last ``baseline_window_s`` — because standing straight reads anywhere
from 0° to 35° depending on the view and the person (MediaPipe's world landmarks read a
straight knee as bent 30-35° in some front views). Separate enter and exit thresholds
(hysteresis) mean jitter around one threshold cannot start or end a rep, and minimum
dwell times mean a glitch spike cannot count as one:

    STANDING --(bend > start_deg)--> DOWN --(rises rise_deg off the deepest point)--> UP
    UP --(deeper than before)--> DOWN          UP --(bend < stand_deg)--> STANDING

The raw signal first goes through a running median of ``median_frames`` samples (a
landmark glitch lasting a frame or two vanishes) and then a one-pole low-pass with time
constant ``smoothing_tau_s`` (timestamps from the frames, never an assumed fps).

A rep is *counted* when it ends if its deepest knee flexion passed ``full_deg`` (and
``full_bend_deg`` above the baseline) for at least ``min_depth_dwell_s`` and it lasted at
least ``min_rep_s``; a dip that lasted that long but stayed shallower is reported as
partial, and anything shorter is ignored as noise. Losing the person for longer than
``max_gap_s`` mid-rep drops the rep: the detector then waits to see the player standing
before it counts again. :meth:`RepDetector.finish` closes a rep that was nearly back up
when the source ended.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["RepDetector", "RepEvent", "RepPhase", "RepThresholds", "RepWindow"]


class RepPhase(StrEnum):
    STANDING = "standing"
    DOWN = "down"
    UP = "up"
    LOST = "lost"  # person gone mid-rep; waiting to see them standing again


@dataclass(frozen=True, slots=True)
class RepThresholds:
    """Where a rep starts, counts and ends: degrees and seconds.

    ``stand_deg`` and ``start_deg`` are knee bend *above the standing baseline*.
    ``full_deg`` is absolute knee flexion: thighs parallel is about 100-120°, a quarter
    squat 45-60° and a kettlebell swing's hinge 50-70° (shared/data notes), so 75° counts
    real squats and never knee bobs or hinges; depth targets for scoring are the level's
    business, not the counter's. ``full_bend_deg`` asks the same of the bend above the
    baseline, for views where standing already reads 30°+.
    """

    stand_deg: float = 15.0
    start_deg: float = 25.0
    full_deg: float = 75.0
    full_bend_deg: float = 45.0
    rise_deg: float = 10.0
    min_rep_s: float = 0.6
    min_depth_dwell_s: float = 0.1
    #: Back in the standing band for this long ends a rep (at the moment it got there):
    #: a noisy dip into the band mid-descent is not the end of a rep.
    min_stand_dwell_s: float = 0.1
    max_gap_s: float = 1.0
    smoothing_tau_s: float = 0.08
    median_frames: int = 5
    baseline_window_s: float = 8.0
    #: Percentile of the standing samples taken as the baseline: low, since standing is
    #: the straightest the knees get, but not the minimum, which noise drags down.
    baseline_percentile: float = 10.0
    #: Standing never reads more bent than this; a larger "baseline" means the source
    #: started mid-squat, and the first rep is judged against this instead.
    max_baseline_deg: float = 40.0

    def __post_init__(self) -> None:
        if not 0 < self.stand_deg < self.start_deg < self.full_bend_deg:
            raise ValueError("thresholds must satisfy 0 < stand_deg < start_deg < full_bend_deg")
        if self.full_deg <= self.start_deg:
            raise ValueError("full_deg must be above start_deg")
        if self.rise_deg <= 0 or self.smoothing_tau_s < 0 or self.median_frames < 1:
            raise ValueError(
                "rise_deg and median_frames must be positive and smoothing_tau_s not negative"
            )


@dataclass(frozen=True, slots=True)
class RepWindow:
    """One rep as the detector saw it (times in the source's seconds)."""

    start_s: float
    bottom_s: float
    end_s: float
    depth_deg: float
    counted: bool


@dataclass(frozen=True, slots=True)
class RepEvent:
    """Something that happened this frame: ``kind`` is ``start``, ``up``, ``end`` or
    ``dropped`` (person lost mid-rep, or a dip too short to be a rep); ``end`` carries the
    finished rep (counted or partial)."""

    kind: str
    timestamp_s: float
    rep: RepWindow | None = None


class RepDetector:
    """Feed it ``(timestamp, knee flexion or None)`` per frame; it reports rep events."""

    def __init__(self, thresholds: RepThresholds | None = None) -> None:
        self.thresholds = thresholds or RepThresholds()
        self.reset()

    def reset(self) -> None:
        self.phase = RepPhase.STANDING
        self.smoothed: float = math.nan
        self.baseline: float = math.nan
        self._standing: deque[tuple[float, float]] = deque()
        self._last_t: float = -math.inf
        self._last_seen_t: float = -math.inf
        self._last_standing_t: float = 0.0
        self._start_t = 0.0
        self._peak = -math.inf
        self._peak_t = 0.0
        self._deep_since: float | None = None
        self._deep_dwell = 0.0
        self._back_since: float | None = None
        self._recent: deque[float] = deque(maxlen=self.thresholds.median_frames)

    def seed_baseline(self, standing_deg: float) -> None:
        """Start from a known standing knee bend (a calibration) instead of learning it:
        the first rep is then judged right even if the source starts mid-movement."""
        if math.isfinite(standing_deg):
            self.baseline = min(max(standing_deg, 0.0), self.thresholds.max_baseline_deg)

    @property
    def bend(self) -> float:
        """Smoothed knee bend above the standing baseline (NaN before the first frame)."""
        return self.smoothed - self.baseline

    def update(self, timestamp_s: float, depth_deg: float | None) -> list[RepEvent]:
        """Advance to ``timestamp_s``. ``None`` or NaN depth means nobody measurable."""
        th = self.thresholds
        if timestamp_s <= self._last_t:
            return []  # out-of-order or repeated frame: ignore, never go back in time
        dt = timestamp_s - self._last_t
        self._last_t = timestamp_s
        events: list[RepEvent] = []

        if depth_deg is None or not math.isfinite(depth_deg):
            if (
                self.phase in (RepPhase.DOWN, RepPhase.UP)
                and timestamp_s - self._last_seen_t > th.max_gap_s
            ):
                self.phase = RepPhase.LOST
                events.append(RepEvent("dropped", timestamp_s))
            return events

        returning = timestamp_s - self._last_seen_t > th.max_gap_s
        s = self._smooth(timestamp_s, depth_deg, dt)
        if returning and self.phase is RepPhase.STANDING and s - self.baseline > th.stand_deg:
            # Back in view already bent: we did not see this rep start, so it cannot count.
            self.phase = RepPhase.LOST
        if self.phase is RepPhase.STANDING:
            self._track_baseline(timestamp_s, s)
        bend = s - self.baseline

        if self.phase is RepPhase.LOST:
            if bend <= th.stand_deg:
                self.phase = RepPhase.STANDING
                self._last_standing_t = timestamp_s
            return events

        if self.phase is RepPhase.STANDING:
            if bend <= th.stand_deg:
                self._last_standing_t = timestamp_s
            elif bend > th.start_deg:
                self.phase = RepPhase.DOWN
                self._start_t = self._last_standing_t
                self._peak, self._peak_t = s, timestamp_s
                self._deep_since, self._deep_dwell = None, 0.0
                self._back_since = None
                events.append(RepEvent("start", timestamp_s))
            return events

        self._track_depth_dwell(timestamp_s, s)
        if s > self._peak:
            self._peak, self._peak_t = s, timestamp_s
            if self.phase is RepPhase.UP:
                self.phase = RepPhase.DOWN
        elif self.phase is RepPhase.DOWN and s < self._peak - th.rise_deg:
            self.phase = RepPhase.UP
            events.append(RepEvent("up", timestamp_s))

        if bend > th.stand_deg:
            self._back_since = None
        elif self._back_since is None:
            self._back_since = timestamp_s
        if self._back_since is not None and timestamp_s - self._back_since >= th.min_stand_dwell_s:
            rep = self._finish(self._back_since)
            events.append(RepEvent("end" if rep else "dropped", timestamp_s, rep))
        return events

    def finish(self) -> list[RepEvent]:
        """The source ended: close a rep that was on its way up and past the start band.

        A rep cut off deeper than that (or still going down) is not a rep.
        """
        if self.phase is RepPhase.UP and self.bend <= self.thresholds.start_deg:
            rep = self._finish(self._back_since or self._last_t)
            return [RepEvent("end" if rep else "dropped", self._last_t, rep)]
        return []

    def _smooth(self, t: float, value: float, dt: float) -> float:
        th = self.thresholds
        gap = t - self._last_seen_t
        self._last_seen_t = t
        if gap > th.max_gap_s:
            self._recent.clear()  # (re)start the filters rather than drag old values
        self._recent.append(value)
        median = statistics.median(self._recent)
        if not math.isfinite(self.smoothed) or gap > th.max_gap_s:
            self.smoothed = median
        else:
            alpha = 1.0 - math.exp(-dt / th.smoothing_tau_s) if th.smoothing_tau_s else 1.0
            self.smoothed += alpha * (median - self.smoothed)
        return self.smoothed

    def _track_baseline(self, t: float, s: float) -> None:
        th = self.thresholds
        self._standing.append((t, s))
        while self._standing and self._standing[0][0] < t - th.baseline_window_s:
            self._standing.popleft()
        values = sorted(v for _, v in self._standing)
        low = values[int(len(values) * th.baseline_percentile / 100.0)]
        self.baseline = min(max(low, 0.0), th.max_baseline_deg)

    def _track_depth_dwell(self, t: float, s: float) -> None:
        th = self.thresholds
        if s >= th.full_deg and s - self.baseline >= th.full_bend_deg:
            if self._deep_since is None:
                self._deep_since = t
            self._deep_dwell = max(self._deep_dwell, t - self._deep_since)
        else:
            self._deep_since = None

    def _finish(self, t: float) -> RepWindow | None:
        """Close the rep; ``None`` when it was too short to be anything but noise."""
        th = self.thresholds
        self.phase = RepPhase.STANDING
        self._last_standing_t = t
        if t - self._start_t < th.min_rep_s:
            return None
        counted = self._deep_dwell >= th.min_depth_dwell_s
        return RepWindow(self._start_t, self._peak_t, t, self._peak, counted)
