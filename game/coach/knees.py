"""Knees over toes from the front, read from the person mask between the lower legs.

Why not the knee landmarks alone: at a deep bottom seen from the front the thighs point
at the camera, the forearms or elbows rest on the knees, and MediaPipe puts its knee
landmarks where knees usually are. On the real clip of knees collapsing until they
nearly touch (front_tiktok_kneescave) the landmark knees sit on the elbows, 1.5-1.9x
the ankle separation: wider than the ankles, the same as the person's clean squats
(1.7-1.8). The mask does not guess: the background showing between the shins closes in
when the knees fall inward.

**Shin gap** (per frame, front or rear view): in the mask, the run of background that
contains the point midway between the ankles, from the higher ankle's row upward until
the legs meet (or the body closes the gap); its widest row is the widest the shins and
knees stand apart. Over the toe spread (image distance between the foot-index
landmarks), so it does not depend on how far away the player stands:

* knees tracking over turned-out toes leave a gap most of the toe spread wide (real clean
  front clips at their bottoms: 0.62-0.84; the same person squatting well 0.67-0.68);
* knees pulled inside the line of the feet close it (the collapsing clip: 0.46-0.58).

NaN when it cannot be read: no mask, feet or ankles not seen, the midpoint already inside
the person (legs crossed or touching at the ankles), or the gap running into the frame's
edge. The caller reads it only with the knees bent (``MIN_KNEE_FLEXION_DEG``).
"""

from __future__ import annotations

import math

import numpy as np

from game.pose.landmarks import Landmark

__all__ = ["MIN_KNEE_FLEXION_DEG", "MIN_TOE_SPREAD_PX", "shin_gap"]

#: The gap is read only with the knees bent at least this far. Standing, it lies between
#: straight shins and is narrow for everyone (0.45-0.64 on the clean real front clips);
#: knees tracking out over the toes open it only as they bend: from 70° on, clean clips
#: read at least 0.56.
MIN_KNEE_FLEXION_DEG = 70.0

#: Mask values above this are the person (MediaPipe's own category threshold).
MASK_THRESHOLD = 0.5
#: Toes closer than this in mask pixels (feet together, or a person a few pixels tall)
#: leave nothing to measure the gap against.
MIN_TOE_SPREAD_PX = 8.0
#: Rows to look up from the ankles, in ankle-to-toe spreads: the knees of a deep squat
#: seen from the front stand about one toe spread above the ankles; past that the gap is
#: between the thighs, or is air under the hips.
MAX_RISE_SPREADS = 1.5

_FEET = (
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
    Landmark.LEFT_FOOT_INDEX,
    Landmark.RIGHT_FOOT_INDEX,
)


def shin_gap(mask: np.ndarray | None, landmarks: np.ndarray, visible: np.ndarray) -> float:
    """Widest gap between the lower legs over the toe spread (see the module doc); NaN
    when it cannot be read. ``landmarks`` are image landmarks (0..1), ``visible`` which
    of them the model trusts; the mask may be any size (it is scaled to)."""
    if mask is None or mask.ndim != 2 or not visible[list(_FEET)].all():
        return math.nan
    height, width = mask.shape
    points = landmarks[list(_FEET), :2].astype(np.float64) * np.array([width, height])
    if not np.isfinite(points).all():
        return math.nan
    left_ankle, right_ankle, left_toe, right_toe = points
    spread = abs(float(left_toe[0] - right_toe[0]))
    if spread < MIN_TOE_SPREAD_PX:
        return math.nan
    column = round(float(left_ankle[0] + right_ankle[0]) / 2)
    bottom = round(float(min(left_ankle[1], right_ankle[1])))
    top = max(round(bottom - MAX_RISE_SPREADS * spread), 0)
    if not (0 <= column < width and 0 < bottom < height) or bottom <= top:
        return math.nan
    rows = mask[top : bottom + 1] > MASK_THRESHOLD  # top to bottom
    if rows[-1, column]:
        return math.nan
    # The gap's rows: from the ankles up to (not including) the first row where the
    # midpoint is inside the person.
    closed = np.flatnonzero(rows[::-1, column])
    open_rows = rows[len(rows) - closed[0] :] if closed.size else rows
    left = open_rows[:, :column][:, ::-1]
    right = open_rows[:, column + 1 :]
    has_left = left.any(axis=1)
    has_right = right.any(axis=1)
    if not (has_left & has_right).any():
        return math.nan  # the gap runs out of the frame: not between two legs
    both = has_left & has_right
    gap = left.argmax(axis=1) + right.argmax(axis=1) + 1
    return float(gap[both].max()) / spread
