"""Is it a squat? The whole joint pattern at the bottom, not one angle.

Knee bend alone counts look-alikes. What a squat has that they lack (figures measured at
the labelled bottoms of the clips in shared/data with the shipped model):

* the hips really drop — the lowest hip-above-ankle height is 0.34-0.65 of standing in
  every squat clip (0.56-0.65 in jump squats, whose hands reach for the floor), but
  0.71-0.72 in kettlebell swings (a hip hinge, knees bent 65-85°) and 0.84 in the knee
  dip of a jump landing;
* the hips fold — trunk-to-thigh flexion 70-135° at squat bottoms, but 39-48° in lunges
  and ~51° in a jump landing (trunk upright, knees bent);
* the feet stay side by side — fore-aft ankle split 0.0-0.34 leg lengths in squats
  (a staggered thruster stance is the widest), 0.71-0.83 in lunges.

Each check passes when its measurement is missing ("not measurable" never vetoes).
"""

from __future__ import annotations

import math

from game.coach.faults import RepMetrics

__all__ = ["HIP_DROP_MAX_RATIO", "HIP_FLEXION_MIN_DEG", "SPLIT_STANCE_MAX", "not_a_squat"]

#: Lowest hip height over standing: squats ≤ 0.65, hinges ≥ 0.71 (see above).
HIP_DROP_MAX_RATIO = 0.68
#: Trunk-to-thigh flexion at the bottom: squats ≥ 70°, lunges and jump landings ≤ 51°.
HIP_FLEXION_MIN_DEG = 60.0
#: Fore-aft ankle split over leg length: squats ≤ 0.34, lunges ≥ 0.71.
SPLIT_STANCE_MAX = 0.5


def not_a_squat(metrics: RepMetrics) -> str | None:
    """Why this knee bend is not a squat rep, or ``None`` if it looks like one."""
    if _above(metrics.split_stance, SPLIT_STANCE_MAX):
        return "feet split front to back (a lunge)"
    if _above(metrics.hip_drop_ratio, HIP_DROP_MAX_RATIO):
        return "hips did not drop (a hinge, swing or calf raise)"
    if _below(metrics.hip_flexion_deg, HIP_FLEXION_MIN_DEG):
        return "hips did not fold (a lunge or a landing)"
    return None


def _above(value: float, limit: float) -> bool:
    return math.isfinite(value) and value > limit


def _below(value: float, limit: float) -> bool:
    return math.isfinite(value) and value < limit
