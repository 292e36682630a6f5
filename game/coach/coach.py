"""The coach: frames in, reps with scores, faults and cues out.

One :class:`Coach` per player per set. It measures each frame, runs the rep state
machine on the knee-flexion signal, and when a rep ends it measures the whole rep from
the frames it kept, finds faults, scores it and picks a cue. Pure numpy: the game's
HUD and ``glutes-high analyze`` both read the same :class:`CoachStep` stream.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from game.coach.faults import (
    STANDING_REFERENCE_S,
    RepMetrics,
    detect_faults,
    measurable_faults,
    rep_metrics,
)
from game.coach.features import BodyFeatures, measure
from game.coach.geometry import running_median3
from game.coach.live import LiveCues
from game.coach.pattern import not_a_squat
from game.coach.reps import RepDetector, RepEvent, RepPhase, RepThresholds, RepWindow
from game.coach.scoring import CUES, cues_for, rep_score
from game.pose.filter import LandmarkSmoother
from game.pose.frame import PoseFrame

if TYPE_CHECKING:
    from game.coach.calibration import Calibration

__all__ = ["DEFAULT_DEPTH_TARGET_DEG", "Coach", "CoachStep", "RepResult"]

#: Knee flexion a rep should reach when nothing else is asked: about thighs parallel to the
#: floor for most people (parallel is ~100-120° of knee flexion, so 90° is a fair bar).
DEFAULT_DEPTH_TARGET_DEG = 90.0
#: Frames older than this are forgotten: no squat rep lasts longer (slow 6-count squats in
#: the real clips take ~10 s), and a long idle stretch must not grow memory.
MAX_REP_S = 30.0
#: The bottom is looked for among frames whose knee bend is within this of the rep's deepest
#: (a rep's knee angle stays within ~10° of its peak for the whole bottom in the real clips;
#: 25° leaves room for front views, where the knees peak a little before the hips).
BOTTOM_KNEE_BAND_DEG = 25.0


@dataclass(frozen=True, slots=True)
class RepResult:
    """A counted rep, judged. ``index`` counts from 1."""

    index: int
    start_s: float
    bottom_s: float
    end_s: float
    depth_deg: float
    score: int
    faults: tuple[str, ...]
    cues: tuple[str, ...]
    metrics: RepMetrics

    def as_dict(self) -> dict[str, object]:
        """The rep as ``analyze --json`` prints it (keys are a stable interface)."""
        return {
            "index": self.index,
            "start_s": round(self.start_s, 3),
            "bottom_s": round(self.bottom_s, 3),
            "end_s": round(self.end_s, 3),
            "depth_deg": round(self.depth_deg, 1) if math.isfinite(self.depth_deg) else None,
            "score": self.score,
            "faults": list(self.faults),
            # The faults this rep's view could judge; the others were "not measurable".
            "judged": list(measurable_faults(self.metrics.view)),
            "cues": list(self.cues),
            "metrics": self.metrics.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class CoachStep:
    """What the coach made of one frame."""

    timestamp_s: float
    features: BodyFeatures | None
    depth_deg: float
    phase: RepPhase
    events: tuple[RepEvent, ...] = ()
    rep: RepResult | None = None
    partial: RepWindow | None = None
    cue: str | None = None
    #: The frame as the coach measured it (smoothed; unsure landmarks are NaN).
    frame: PoseFrame | None = None
    #: A fault seen mid-rep this frame (its cue is ``cue``): said once, when it shows.
    live_fault: str | None = None


@dataclass
class Coach:
    """Stateful per-set coach. Feed frames in time order with :meth:`update`."""

    depth_target_deg: float = DEFAULT_DEPTH_TARGET_DEG
    thresholds: RepThresholds = field(default_factory=RepThresholds)
    reps: list[RepResult] = field(default_factory=list, init=False)
    partial_reps: list[RepWindow] = field(default_factory=list, init=False)
    #: Knee bends deep enough to count that were not squats, with the reason.
    rejected: list[tuple[RepWindow, str]] = field(default_factory=list, init=False)

    #: The player's own standing numbers (see :mod:`game.coach.calibration`): the rep
    #: counter starts from their standing knee bend instead of learning it first.
    calibration: Calibration | None = None

    #: One Euro smoothing of the landmarks before anything is measured (one smoother per
    #: stream: a coach is one player's set). Off only to study the raw estimator.
    smooth: bool = True

    def __post_init__(self) -> None:
        self._detector = RepDetector(self.thresholds)
        if self.calibration is not None:
            self._detector.seed_baseline(self.calibration.standing_knee_deg)
        self._history: deque[BodyFeatures] = deque()
        self._smoother = LandmarkSmoother() if self.smooth else None
        self._live = LiveCues()
        self._live_said: str | None = None

    @property
    def phase(self) -> RepPhase:
        return self._detector.phase

    def update(self, frame: PoseFrame) -> CoachStep:
        """Coach one frame (in time order). The step carries the smoothed frame."""
        return self.update_smoothed(self.smooth_frame(frame))

    def smooth_frame(self, frame: PoseFrame) -> PoseFrame:
        """The first half of :meth:`update`: ``frame`` as the coach will measure it
        (smoothed, unsure landmarks NaN). A live game draws this before the coach judges
        it (:meth:`update_smoothed`), so coaching does not delay the picture. Each frame
        must go through here once, in time order: the smoother keeps state."""
        return self._smoother.smooth(frame) if self._smoother is not None else frame

    def update_smoothed(self, frame: PoseFrame) -> CoachStep:
        """The second half of :meth:`update`, for a frame :meth:`smooth_frame` returned."""
        # Someone else in view: the estimator may have swapped people, so nothing counts
        # until the player is alone again (a short flicker is bridged by the detector).
        features = measure(frame) if frame.extra_people == 0 else None
        t = frame.timestamp_s
        if features is not None:
            self._history.append(features)
        while self._history and self._history[0].timestamp_s < t - MAX_REP_S:
            self._history.popleft()

        depth = features.knee_flexion_deg if features is not None else None
        events = tuple(self._detector.update(t, depth))
        live_fault = None
        if any(e.kind == "start" for e in events):
            self._live.reset()
            self._live_said = None
        if features is not None and self.phase in (RepPhase.DOWN, RepPhase.UP):
            live_fault = self._live.update(
                features, self._detector.bend, self.phase is RepPhase.DOWN
            )
            if live_fault is not None:
                self._live_said = live_fault
        rep, partial = self._close(events)
        smoothed = self._detector.smoothed if features is not None else math.nan
        cue = CUES[live_fault] if live_fault is not None else None
        if rep is not None and rep.cues and rep.cues[0] != self._said_cue(rep):
            cue = rep.cues[0]
        return CoachStep(
            t, features, smoothed, self.phase, events, rep, partial, cue, frame, live_fault
        )

    def _said_cue(self, rep: RepResult) -> str | None:
        """The cue already said mid-rep, if the rep's verdict agrees with it (said once)."""
        if self._live_said is not None and self._live_said in rep.faults:
            return CUES[self._live_said]
        return None

    def finish(self) -> RepResult | None:
        """The source ended: count a last rep that was nearly back up (see RepDetector)."""
        rep, _ = self._close(tuple(self._detector.finish()))
        return rep

    def _close(self, events: tuple[RepEvent, ...]) -> tuple[RepResult | None, RepWindow | None]:
        rep: RepResult | None = None
        partial: RepWindow | None = None
        for event in events:
            if event.kind == "end" and event.rep is not None:
                if event.rep.counted:
                    rep = self._judge(event.rep)
                    if rep is not None:
                        self.reps.append(rep)
                else:
                    partial = event.rep
                    self.partial_reps.append(partial)
        return rep, partial

    def _judge(self, window: RepWindow) -> RepResult | None:
        first = window.start_s - STANDING_REFERENCE_S
        frames = [f for f in self._history if first <= f.timestamp_s <= window.end_s]
        bottom_s = _deepest_time(frames, window)
        metrics = rep_metrics(frames, window.start_s, bottom_s, window.end_s)
        reason = not_a_squat(metrics)
        if reason is not None:
            self.rejected.append((window, reason))
            return None
        faults = detect_faults(metrics, self.depth_target_deg)
        score = rep_score(faults, metrics.depth_deg, self.depth_target_deg)
        return RepResult(
            index=len(self.reps) + 1,
            start_s=window.start_s,
            bottom_s=bottom_s,
            end_s=window.end_s,
            depth_deg=metrics.depth_deg,
            score=score,
            faults=faults,
            cues=tuple(cues_for(faults, score)),
            metrics=metrics,
        )


def _deepest_time(frames: list[BodyFeatures], window: RepWindow) -> float:
    """When the rep bottomed out: the hips' lowest point while the knees are deeply bent,
    else the knees' deepest bend.

    Both from the raw measurements (a 3-frame median against single-frame glitches). The
    detector's own bottom comes from its smoothed knee signal, which lags the body by a
    few frames, and in rear and front views the knee angle peaks before the hips do. Only
    frames whose knee bend is within ``BOTTOM_KNEE_BAND_DEG`` of the rep's deepest are
    candidates: when the estimator jumps to someone else for a few frames (a crowded
    gym), their hips can read "lowest" while their knees are straight.
    """
    inside = [f for f in frames if window.start_s <= f.timestamp_s <= window.end_s]
    knee = _median3(np.array([f.knee_flexion_deg for f in inside]))
    hips = _median3(np.array([f.hip_height for f in inside]))
    if knee is not None and hips is not None and np.isfinite(knee).any():
        deep = knee >= np.nanmax(knee) - BOTTOM_KNEE_BAND_DEG
        candidates = np.where(deep & np.isfinite(hips), -hips, np.nan)
        if np.isfinite(candidates).any():
            return inside[int(np.nanargmax(candidates))].timestamp_s
    if hips is not None and np.isfinite(hips).any():
        return inside[int(np.nanargmax(-hips))].timestamp_s
    if knee is not None and np.isfinite(knee).any():
        return inside[int(np.nanargmax(knee))].timestamp_s
    return window.bottom_s


def _median3(values: np.ndarray) -> np.ndarray | None:
    """Running 3-sample median ignoring NaN; ``None`` when under half the samples exist."""
    if values.size < 3 or np.isfinite(values).sum() < values.size / 2:
        return None
    return running_median3(values)
