"""Per-rep form faults, the words the game uses for them, and their thresholds.

Each check says which views it can be judged from; from any other view the fault is
"not measurable" and is never reported, rather than guessed. The faults that need the
silhouette or a per-player calibration (``tail_tuck``, ``glutes_low``, ``weight_forward``)
have no check yet: they arrive with the form coach, and until then they are never
reported — the vocabulary is fixed now so levels, scores and the HUD can name them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from game.coach.features import BodyFeatures, View, view_from_yaw
from game.pose.frame import FAULTS

__all__ = [
    "FAULTS",
    "FORWARD_LEAN_MAX_DEG",
    "HEEL_LIFT_MIN_M",
    "KNEE_CAVE_MAX_RATIO",
    "SHALLOW_TOLERANCE_DEG",
    "RepMetrics",
    "detect_faults",
    "rep_metrics",
]


#: A rep whose deepest knee bend stops this far short of the target is shallow.
SHALLOW_TOLERANCE_DEG = 10.0
#: Trunk lean at the bottom beyond which the chest has dropped. A balanced bodyweight squat
#: leans 28-42° at parallel on the real side clips (shared/research) and 44-64° at a deep
#: bottom on the demo athlete, depending on where the arms are (arms forward counterweight
#: the hips). 65° flags only a clear drop until the per-player calibration can judge lean
#: against the player's own pattern.
FORWARD_LEAN_MAX_DEG = 65.0
#: Heel rise at the bottom, over the same heel's height at the start of the rep. MediaPipe
#: world landmarks jitter ~1 cm at the feet; 2.5 cm is a visible lift.
HEEL_LIFT_MIN_M = 0.025
#: The ankles must also rise in the picture, by this share of the shank's length. Alone,
#: the world heel height misleads: MediaPipe pitches the foot 15-20° at a deep squat
#: bottom in side views, reading 5-7 cm of "lift" on every rep of clean real clips
#: (shared/data); the demo athlete's heel lift raises the ankles 3.5-6 % of the shank.
ANKLE_RISE_MIN = 0.03
#: Knee separation over ankle separation at the bottom. Knees that track over turned-out
#: toes spread wider than the ankles (~1.4 on the demo athlete, 1.0-1.6 on clean real
#: front clips); knees pulled clearly inside the line of the feet are caving (valgus).
#: 0.85, not 1.0: a clean real clip reads 0.94-0.99 at every bottom.
KNEE_CAVE_MAX_RATIO = 0.85
#: Half-width of the "at the bottom" window used to read bottom values robustly.
BOTTOM_WINDOW_S = 0.15
#: How much standing before a rep is the baseline its changes are measured against. The
#: rep's own start is already on the way down (heels may be rising by then).
BASELINE_S = 0.5
#: How far back before a rep to look for the standing hip height the drop is measured from,
#: and which percentile of it is "standing": high, since the window may hold the end of
#: the previous rep, but not the top, which a jump or tiptoe would set.
STANDING_REFERENCE_S = 2.0
STANDING_REFERENCE_PERCENTILE = 75.0
#: Depth within this many degrees of the deepest point counts as pausing at the bottom.
PAUSE_BAND_DEG = 5.0

_SIDE_VIEWS = frozenset({View.SIDE, View.THREE_QUARTER})
#: Knee and ankle separation across the image plane: from the side the two legs overlap
#: and the ratio means nothing; a three-quarter view foreshortens it unevenly (the demo
#: athlete's caving knees read 0.77-0.9 there, too close to clean), so front and rear only.
_KNEE_VIEWS = frozenset({View.FRONT, View.REAR})


@dataclass(frozen=True, slots=True)
class RepMetrics:
    """One rep's measurements (degrees, metres, seconds). NaN = not measurable."""

    depth_deg: float
    hip_flexion_deg: float
    trunk_lean_deg: float
    heel_lift_m: float
    knee_width_ratio: float
    down_s: float
    pause_s: float
    up_s: float
    view: View | None
    hip_drop_ratio: float = math.nan
    split_stance: float = math.nan
    ankle_rise: float = math.nan

    def as_dict(self) -> dict[str, float | str | None]:
        out: dict[str, float | str | None] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, float):
                out[name] = round(value, 3) if math.isfinite(value) else None
            else:
                out[name] = None if value is None else str(value)
        return out


def rep_metrics(
    features: Sequence[BodyFeatures], start_s: float, bottom_s: float, end_s: float
) -> RepMetrics:
    """Measure one rep from the features of its frames, in time order, from
    ``BASELINE_S`` before ``start_s`` (the standing baseline) to ``end_s``."""
    t = np.array([f.timestamp_s for f in features])
    knee = np.array([f.knee_flexion_deg for f in features])
    in_rep = t >= start_s
    depth = float(np.nanmax(knee[in_rep])) if np.isfinite(knee[in_rep]).any() else math.nan
    bottom = np.abs(t - bottom_s) <= BOTTOM_WINDOW_S
    start = (t <= start_s) & (t >= start_s - BASELINE_S)
    if not start.any():
        start = t <= start_s + BOTTOM_WINDOW_S  # no standing frames kept: the rep's first

    def at(mask: np.ndarray, name: str) -> float:
        values = np.array([getattr(f, name) for f in features])[mask]
        values = values[np.isfinite(values)]
        return float(np.median(values)) if values.size else math.nan

    in_band = in_rep & np.isfinite(knee) & (knee >= depth - PAUSE_BAND_DEG)
    pause = float(t[in_band].max() - t[in_band].min()) if in_band.any() else 0.0
    yaws = np.array([f.yaw_deg for f in features])[in_rep]
    facing = sum(f.facing_camera for f in features) * 2 >= len(features)
    finite_yaws = yaws[np.isfinite(yaws)]
    view = view_from_yaw(float(np.median(finite_yaws)), facing) if finite_yaws.size else None
    # The hips' lowest point (10th percentile: one bad frame is not the bottom) against the
    # standing height before the rep (see STANDING_REFERENCE_PERCENTILE).
    standing = (t <= start_s) & (t >= start_s - STANDING_REFERENCE_S)
    hip_heights = np.array([f.hip_height for f in features])
    known = np.isfinite(hip_heights)
    reference = hip_heights[standing & known]
    lowest = hip_heights[in_rep & known]
    standing_height = (
        float(np.percentile(reference, STANDING_REFERENCE_PERCENTILE)) if reference.size else 0.0
    )
    hip_drop = (
        float(np.percentile(lowest, 10)) / standing_height
        if lowest.size and standing_height > 0
        else math.nan
    )
    ankle_ref = np.array([f.ankle_y for f in features])[standing]
    shank_ref = np.array([f.shank_len for f in features])[standing]
    ankle_ref, shank_ref = ankle_ref[np.isfinite(ankle_ref)], shank_ref[np.isfinite(shank_ref)]
    ankle_rise = (
        (float(np.median(ankle_ref)) - at(bottom, "ankle_y")) / float(np.median(shank_ref))
        if ankle_ref.size and shank_ref.size and np.median(shank_ref) > 0
        else math.nan
    )
    return RepMetrics(
        depth_deg=depth,
        hip_flexion_deg=at(bottom, "hip_flexion_deg"),
        trunk_lean_deg=at(bottom, "trunk_lean_deg"),
        heel_lift_m=at(bottom, "heel_rise_m") - at(start, "heel_rise_m"),
        knee_width_ratio=at(bottom, "knee_width_ratio"),
        down_s=max(0.0, bottom_s - start_s - pause / 2),
        pause_s=pause,
        up_s=max(0.0, end_s - bottom_s - pause / 2),
        view=view,
        hip_drop_ratio=hip_drop,
        split_stance=at(bottom, "split_stance"),
        ankle_rise=ankle_rise,
    )


@dataclass(frozen=True, slots=True)
class _Check:
    fault: str
    views: frozenset[View]
    present: Callable[[RepMetrics, float], bool]


_CHECKS: tuple[_Check, ...] = (
    _Check(
        "heels_lift",
        _SIDE_VIEWS,
        lambda m, _: m.heel_lift_m > HEEL_LIFT_MIN_M and m.ankle_rise > ANKLE_RISE_MIN,
    ),
    _Check("knees_cave", _KNEE_VIEWS, lambda m, _: m.knee_width_ratio < KNEE_CAVE_MAX_RATIO),
    _Check("forward_lean", _SIDE_VIEWS, lambda m, _: m.trunk_lean_deg > FORWARD_LEAN_MAX_DEG),
    _Check(
        "shallow",
        frozenset(View),
        lambda m, target: m.depth_deg < target - SHALLOW_TOLERANCE_DEG,
    ),
)


def detect_faults(metrics: RepMetrics, depth_target_deg: float) -> tuple[str, ...]:
    """The faults this rep shows, in vocabulary order. NaN metrics never raise a fault."""
    found = {
        check.fault
        for check in _CHECKS
        if metrics.view in check.views and check.present(metrics, depth_target_deg)
    }
    return tuple(f for f in FAULTS if f in found)
