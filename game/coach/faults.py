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

#: The fault vocabulary, in the order the game explains them (most important first).
FAULTS: tuple[str, ...] = (
    "tail_tuck",
    "glutes_low",
    "weight_forward",
    "heels_lift",
    "knees_cave",
    "forward_lean",
    "shallow",
)

#: A rep whose deepest knee bend stops this far short of the target is shallow.
SHALLOW_TOLERANCE_DEG = 10.0
#: Trunk lean at the bottom beyond which the chest has dropped: a balanced bodyweight squat
#: to parallel leans 35-50° (the demo athlete's balance solution and the 28-42° measured on
#: real side clips in shared/research); 55° leaves room for long femurs.
FORWARD_LEAN_MAX_DEG = 55.0
#: Heel rise at the bottom, over the same heel's height at the start of the rep. MediaPipe
#: world landmarks jitter ~1 cm at the feet; 2.5 cm is a visible lift.
HEEL_LIFT_MIN_M = 0.025
#: Knee separation over ankle separation at the bottom, relative to standing. Knees that
#: track over the toes keep or widen the ratio; a 20 % narrowing is visible valgus.
KNEE_CAVE_MAX_RATIO = 0.8
#: Half-width of the "at the bottom" window used to read bottom values robustly.
BOTTOM_WINDOW_S = 0.15
#: Depth within this many degrees of the deepest point counts as pausing at the bottom.
PAUSE_BAND_DEG = 5.0

_SIDE_VIEWS = frozenset({View.SIDE, View.THREE_QUARTER})
_FRONT_VIEWS = frozenset({View.FRONT, View.REAR})


@dataclass(frozen=True, slots=True)
class RepMetrics:
    """One rep's measurements (degrees, metres, seconds). NaN = not measurable."""

    depth_deg: float
    hip_flexion_deg: float
    trunk_lean_deg: float
    heel_lift_m: float
    knee_width_change: float
    down_s: float
    pause_s: float
    up_s: float
    view: View

    def as_dict(self) -> dict[str, float | str | None]:
        out: dict[str, float | str | None] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, float):
                out[name] = round(value, 3) if math.isfinite(value) else None
            else:
                out[name] = str(value)
        return out


def rep_metrics(
    features: Sequence[BodyFeatures], start_s: float, bottom_s: float, end_s: float
) -> RepMetrics:
    """Measure one rep from the features of its frames (start to end, in time order)."""
    t = np.array([f.timestamp_s for f in features])
    knee = np.array([f.knee_flexion_deg for f in features])
    depth = float(np.nanmax(knee)) if np.isfinite(knee).any() else math.nan
    bottom = np.abs(t - bottom_s) <= BOTTOM_WINDOW_S
    start = t <= start_s + BOTTOM_WINDOW_S

    def at(mask: np.ndarray, name: str) -> float:
        values = np.array([getattr(f, name) for f in features])[mask]
        values = values[np.isfinite(values)]
        return float(np.median(values)) if values.size else math.nan

    in_band = np.isfinite(knee) & (knee >= depth - PAUSE_BAND_DEG)
    pause = float(t[in_band].max() - t[in_band].min()) if in_band.any() else 0.0
    yaws = np.array([f.yaw_deg for f in features])
    facing = sum(f.facing_camera for f in features) * 2 >= len(features)
    view = view_from_yaw(float(np.nanmedian(yaws)), facing)
    return RepMetrics(
        depth_deg=depth,
        hip_flexion_deg=at(bottom, "hip_flexion_deg"),
        trunk_lean_deg=at(bottom, "trunk_lean_deg"),
        heel_lift_m=at(bottom, "heel_rise_m") - at(start, "heel_rise_m"),
        knee_width_change=at(bottom, "knee_width_ratio") / at(start, "knee_width_ratio"),
        down_s=max(0.0, bottom_s - start_s - pause / 2),
        pause_s=pause,
        up_s=max(0.0, end_s - bottom_s - pause / 2),
        view=view,
    )


@dataclass(frozen=True, slots=True)
class _Check:
    fault: str
    views: frozenset[View]
    present: Callable[[RepMetrics, float], bool]


_CHECKS: tuple[_Check, ...] = (
    _Check("heels_lift", _SIDE_VIEWS, lambda m, _: m.heel_lift_m > HEEL_LIFT_MIN_M),
    _Check("knees_cave", _FRONT_VIEWS, lambda m, _: m.knee_width_change < KNEE_CAVE_MAX_RATIO),
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
