"""Per-rep form faults, the words the game uses for them, and their thresholds.

Each check says which views it can be judged from; from any other view the fault is
"not measurable" and is never reported, rather than guessed. Every threshold is compared
with a change *within the player's own rep* where the absolute value differs from person
to person (the lower back's contour, the centre of mass over the foot), and says where its
number comes from: the demo athlete's faults (game/pose/demo/body.py, the ground truth)
and the real clips in shared/data (the exam), measured with ``/bench``-style scripts whose
figures are quoted next to each constant.

Metric definitions (per rep; NaN = not measurable):

* ``depth_deg`` — deepest knee flexion (world landmarks), degrees;
* ``hip_flexion_deg``, ``trunk_lean_deg`` — at the bottom, degrees (trunk from vertical);
* ``lumbar_bulge`` — the silhouette's lower-back bulge at the bottom, in trunk lengths, and
  ``tuck_rise`` its rise over the same rep's mid-descent (40-70 % of the depth), see
  :mod:`game.coach.silhouette`; ``tuck_onset_deg`` the knee flexion at which the rise first
  passed ``TUCK_RISE_MIN`` on the way down (the player's tuck point);
* ``glute_drop`` — the buttock's rearmost point below the hip joint at the bottom (trunk
  lengths); ``hips_back_ratio`` — how far the hips travelled back (along the foot) over
  how far they dropped, start to bottom;
* ``com_shift`` — the centre of mass's move toward the toes from standing to the bottom,
  in foot lengths (:mod:`game.coach.balance`); ``hips_over_foot`` where the hips stood
  over the foot before the rep (0 heel, 1 toe);
* ``heel_lift_m``/``ankle_rise``/``heel_rise`` (heels); ``knee_width_ratio`` (landmark
  knee over ankle separation) and ``shin_gap`` (the mask's widest gap between the lower
  legs over the toe spread, :mod:`game.coach.knees`) for the knees;
  ``knee_asymmetry_deg`` (left against right knee bend at the bottom, both legs seen:
  reported, not judged), tempo seconds (``down_s``, ``pause_s``, ``up_s``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from game.coach.features import BodyFeatures, View, view_from_yaw
from game.coach.geometry import running_median3
from game.pose.frame import FAULTS

__all__ = [
    "FAULTS",
    "FAULT_VIEWS",
    "FORWARD_LEAN_MAX_DEG",
    "HEEL_LIFT_MIN_M",
    "KNEE_CAVE_MAX_RATIO",
    "KNEE_VIEWS",
    "PROFILE_VIEWS",
    "SHALLOW_TOLERANCE_DEG",
    "SIDE_VIEWS",
    "RepMetrics",
    "detect_faults",
    "measurable_faults",
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
#: (shared/data); the demo athlete's 6 cm heel lift raises the ankles 5-9 % of the shank.
ANKLE_RISE_MIN = 0.03
#: And the heel itself must rise in the picture by this share of the shank (~4 cm on a
#: 40 cm shank): only a clear lift is reported. At a deep bottom the heel hides behind the
#: calf and MediaPipe's heel wanders: clean real side clips read up to 0.085 of the shank
#: (0.17 in three-quarter views, which is why heels are judged from the side only); the
#: demo athlete's 6 cm lift reads 0.10-0.17.
HEEL_RISE_MIN = 0.095
#: Knee separation over ankle separation at the bottom. Knees that track over turned-out
#: toes spread wider than the ankles (~1.4 on the demo athlete, 1.0-1.6 on clean real
#: front clips); knees pulled clearly inside the line of the feet are caving (valgus).
#: 0.85, not 1.0: a clean real clip reads 0.94-0.99 at every bottom.
KNEE_CAVE_MAX_RATIO = 0.85
#: ...or, read from the mask (:mod:`game.coach.knees`), the widest gap between the lower
#: legs at the bottom is under this share of the toe spread. Needed because at a deep
#: front-view bottom MediaPipe's knee landmarks sit on the elbows: the real clip of knees
#: collapsing until they nearly touch reads a landmark ratio of 1.5-1.9, like clean squats.
#: Its gap reads 0.57, 0.52 and 0.45 (the first rep collapses least); clean real front
#: clips read 0.61-0.83 at every bottom, the demo athlete 0.57-0.64 clean (noise up to
#: 1.5x MediaPipe's jitter) and 0.49-0.52 with caving knees. 0.55 sits between the demo's
#: two groups; the real clean clips are further off.
SHIN_GAP_MIN = 0.55
#: Tail tuck: the lower back's bulge at the bottom must rise this much over the same rep's
#: mid-descent AND reach TUCK_BULGE_MIN. Real side clips (smoothed landmarks, masks):
#: tucked bottoms 0.53-0.54 with a rise of 0.34-0.40; clean bottoms at most 0.27, rises at
#: most 0.34 (a barbell front squat starts negative: -0.13 to +0.21), so the pair, not either
#: alone, separates them. Demo athlete: tucked 0.66 / +0.46, clean 0.20-0.23 / +0.02.
TUCK_RISE_MIN = 0.15
TUCK_BULGE_MIN = 0.38
#: Glutes low: hips going down more than back (ratio of backward to downward hip travel)
#: with the buttocks' rearmost point no higher than the hip joint. Demo athlete: glutes-low
#: reps 0.23-0.28 (0.28 with the arms at the chest, whose counterweight is missing) with the
#: glutes +0.06 to +0.11 below the hip, clean 0.36-0.43 with them -0.03 to -0.06 (above);
#: real clean side clips 0.30-0.70 with -0.11 to +0.05 (the one at 0.30 has its glutes
#: well up, -0.11).
HIPS_BACK_MIN_RATIO = 0.32
GLUTE_DROP_MAX = -0.02
#: Weight forward: the centre of mass moves this far toward the toes (foot lengths) from
#: standing to the bottom. Demo athlete: weight-forward reps +0.24 to +0.31, clean +0.01 to
#: +0.09 (+0.18 once at 1.5x MediaPipe's jitter); real clips never above +0.01 (MediaPipe's
#: feet are too unsure in depth for an absolute position to mean anything, so only the
#: change within a rep is used).
COM_SHIFT_MAX = 0.2
#: Below this hip drop (metres) a "hips back over down" ratio is noise.
MIN_HIP_DROP_M = 0.1
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

SIDE_VIEWS = frozenset({View.SIDE, View.THREE_QUARTER})
#: The lower back's contour only shows a tuck from the side: at three-quarter the demo
#: athlete's 22° pelvic tuck changes the bulge by under 0.01.
PROFILE_VIEWS = frozenset({View.SIDE})
#: Knee and ankle separation across the image plane: from the side the two legs overlap
#: and the ratio means nothing; a three-quarter view foreshortens it unevenly (the demo
#: athlete's caving knees read 0.77-0.9 there, too close to clean), so front and rear only.
KNEE_VIEWS = frozenset({View.FRONT, View.REAR})


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
    heel_rise: float = math.nan
    knee_asymmetry_deg: float = math.nan
    lumbar_bulge: float = math.nan
    tuck_rise: float = math.nan
    tuck_onset_deg: float = math.nan
    glute_drop: float = math.nan
    hips_back_ratio: float = math.nan
    com_shift: float = math.nan
    hips_over_foot: float = math.nan
    shin_gap: float = math.nan

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
    shank = at(standing, "shank_len")

    def rise(name: str) -> float:
        """How far ``name`` rose in the picture from standing to the bottom, in shanks."""
        if not shank > 0:
            return math.nan
        return (at(standing, name) - at(bottom, name)) / shank

    ankle_rise = rise("ankle_y")
    heel_rise = rise("heel_y")
    # Mid-descent: 40-70 % of the way from the standing bend to the deepest.
    standing_knee = at(start, "knee_flexion_deg")
    mid = np.zeros_like(in_rep)
    if math.isfinite(standing_knee) and math.isfinite(depth):
        lo = standing_knee + 0.4 * (depth - standing_knee)
        hi = standing_knee + 0.7 * (depth - standing_knee)
        mid = in_rep & (t <= bottom_s) & (knee >= lo) & (knee <= hi)
    bulge_bottom = at(bottom, "lumbar_bulge")
    bulge_mid = at(mid, "lumbar_bulge")
    tuck_rise = bulge_bottom - bulge_mid
    tuck_onset = _tuck_onset(features, t, knee, start_s, bottom_s, bulge_mid)
    back = at(bottom, "hip_back_m") - at(start, "hip_back_m")
    drop = at(start, "hip_up_m") - at(bottom, "hip_up_m")
    hips_back = back / drop if drop > MIN_HIP_DROP_M else math.nan
    return RepMetrics(
        depth_deg=depth,
        hip_flexion_deg=at(bottom, "hip_flexion_deg"),
        trunk_lean_deg=at(bottom, "trunk_lean_deg"),
        heel_lift_m=at(bottom, "heel_rise_m") - at(start, "heel_rise_m"),
        knee_width_ratio=at(bottom, "knee_width_ratio"),
        shin_gap=at(bottom, "shin_gap"),
        down_s=max(0.0, bottom_s - start_s - pause / 2),
        pause_s=pause,
        up_s=max(0.0, end_s - bottom_s - pause / 2),
        view=view,
        hip_drop_ratio=hip_drop,
        split_stance=at(bottom, "split_stance"),
        ankle_rise=ankle_rise,
        heel_rise=heel_rise,
        knee_asymmetry_deg=at(bottom, "knee_asymmetry_deg"),
        lumbar_bulge=bulge_bottom,
        tuck_rise=tuck_rise,
        tuck_onset_deg=tuck_onset,
        glute_drop=at(bottom, "glute_drop"),
        hips_back_ratio=hips_back,
        com_shift=at(bottom, "com_over_foot") - at(start, "com_over_foot"),
        hips_over_foot=at(start, "hips_over_foot"),
    )


def _tuck_onset(
    features: Sequence[BodyFeatures],
    t: np.ndarray,
    knee: np.ndarray,
    start_s: float,
    bottom_s: float,
    reference: float,
) -> float:
    """Knee flexion at the first moment of the descent whose bulge (3-frame median) rose
    ``TUCK_RISE_MIN`` over the mid-descent reference; NaN if it never did."""
    if not math.isfinite(reference):
        return math.nan
    descent = (t >= start_s) & (t <= bottom_s)
    bulge = np.array([f.lumbar_bulge for f in features])[descent]
    bend = knee[descent]
    if bulge.size < 3:
        return math.nan
    smooth = running_median3(bulge)
    over = np.flatnonzero(np.nan_to_num(smooth - reference, nan=-1.0) >= TUCK_RISE_MIN)
    return float(bend[over[0]]) if over.size else math.nan


@dataclass(frozen=True, slots=True)
class _Check:
    fault: str
    views: frozenset[View]
    present: Callable[[RepMetrics, float], bool]


_CHECKS: tuple[_Check, ...] = (
    _Check(
        "tail_tuck",
        PROFILE_VIEWS,
        lambda m, _: m.tuck_rise >= TUCK_RISE_MIN and m.lumbar_bulge >= TUCK_BULGE_MIN,
    ),
    _Check(
        "glutes_low",
        PROFILE_VIEWS,
        lambda m, _: m.hips_back_ratio < HIPS_BACK_MIN_RATIO and m.glute_drop > GLUTE_DROP_MAX,
    ),
    _Check("weight_forward", SIDE_VIEWS, lambda m, _: m.com_shift > COM_SHIFT_MAX),
    _Check(
        "heels_lift",
        PROFILE_VIEWS,
        lambda m, _: (
            m.heel_lift_m > HEEL_LIFT_MIN_M
            and m.ankle_rise > ANKLE_RISE_MIN
            and m.heel_rise > HEEL_RISE_MIN
        ),
    ),
    _Check(
        "knees_cave",
        KNEE_VIEWS,
        lambda m, _: m.knee_width_ratio < KNEE_CAVE_MAX_RATIO or m.shin_gap < SHIN_GAP_MIN,
    ),
    _Check("forward_lean", SIDE_VIEWS, lambda m, _: m.trunk_lean_deg > FORWARD_LEAN_MAX_DEG),
    _Check(
        "shallow",
        frozenset(View),
        lambda m, target: m.depth_deg < target - SHALLOW_TOLERANCE_DEG,
    ),
)


#: Which views each fault can be judged from (elsewhere it is "not measurable").
FAULT_VIEWS: dict[str, frozenset[View]] = {check.fault: check.views for check in _CHECKS}


def measurable_faults(view: View | None) -> tuple[str, ...]:
    """The faults that can be judged from ``view``, in vocabulary order."""
    return tuple(f for f in FAULTS if f in FAULT_VIEWS and view in FAULT_VIEWS[f])


def detect_faults(metrics: RepMetrics, depth_target_deg: float) -> tuple[str, ...]:
    """The faults this rep shows, in vocabulary order. NaN metrics never raise a fault."""
    found = {
        check.fault
        for check in _CHECKS
        if metrics.view in check.views and check.present(metrics, depth_target_deg)
    }
    return tuple(f for f in FAULTS if f in found)
