"""The back of the body from the segmentation mask: lower-back shape and where the glutes sit.

There is no lumbar landmark and no buttock landmark, so the landmarks alone cannot see a
tail tuck ("butt wink") or glutes sliding down under the pelvis. The person mask can
(shared/research/tail-tuck-from-the-silhouette.md): at a tucked squat bottom the lower
back's contour bulges backward clearly more than at a neutral one, and the same contour
holds the buttock's rearmost point.

How it is measured, per frame, in a side or three-quarter view (the research note's
definition, which separated the tucked bottoms from the clean ones on the real clips):

* shoulder centre S and hip-joint centre H from the image landmarks, in mask pixels;
* for every mask row from S's height down to ``BELOW_HIP_THIGHS`` thigh lengths below H,
  the outermost person pixel on the **back** side (away from where the toes point): the
  back-and-buttock contour;
* **lumbar bulge**: the chord from the contour's top point to its bottom point, each
  point's signed distance from it (positive = bulging backward), mean over the 45-75 %
  stretch (the lower back), over the trunk length |S-H|. A rounded, tucked lower back
  reads high; a neutral arch low or negative. (Marching out perpendicular to the trunk
  axis instead was tried: it keeps the lean out of the number, and with it most of the
  tuck signal: 0.08-0.10 rise on the tucked clip against 0.01-0.09 on clean ones.)
* **glutes**: the contour's rearmost point from ``GLUTE_FROM`` of the way from S down to
  H and below. ``glute_drop`` is its height below the hip joint and ``glute_behind`` how
  far it sits behind the hip joint, both over trunk length. Glutes "up and high" stay
  level with the hip joint and well behind it; dragged down under the pelvis they sit
  lower and closer in.

All values are relative measures; the coach judges them against the same player's own
values earlier in the rep or at calibration, never against one absolute number alone,
because clothes, hair and a barbell change the contour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from game.pose.landmarks import Landmark

__all__ = [
    "BackContour",
    "facing_sign",
    "measure_back",
]

#: Mask values above this are the person (MediaPipe's own category threshold).
MASK_THRESHOLD = 0.5
#: Fewest mask rows between shoulders and buttocks worth measuring (a person ~40 px tall).
MIN_ROWS = 8
#: The axis continues past the hip joint by this many thigh lengths (image hip-to-knee):
#: the research note took the contour "a little below the hip (0.35 x hip-knee length)".
BELOW_HIP_THIGHS = 0.35
#: Lower-back stretch of the contour whose bulge is averaged (research definition).
LUMBAR_FROM, LUMBAR_TO = 0.45, 0.75
#: The glutes are looked for from this far down the trunk (0 = shoulders, 1 = hips).
GLUTE_FROM = 0.75
#: Below this share of rows holding some of the person the contour is not trusted.
MIN_CONTOUR_POINTS = 0.7
#: Smallest trunk, in mask pixels, whose contour means anything.
MIN_TRUNK_PX = 12.0


@dataclass(frozen=True, slots=True)
class BackContour:
    """The back of one frame's silhouette. Lengths are in trunk lengths (shoulder to hip)."""

    lumbar_bulge: float
    glute_drop: float
    glute_behind: float


def facing_sign(landmarks: np.ndarray, visible: np.ndarray) -> float:
    """+1 when the person faces image-right, -1 image-left, NaN when it cannot be told.

    From the feet (heel to toe) when they are seen — the surest sign in a side view —
    else from the nose against the hips.
    """
    votes = []
    for heel, toe in (
        (Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX),
        (Landmark.RIGHT_HEEL, Landmark.RIGHT_FOOT_INDEX),
    ):
        if visible[heel] and visible[toe]:
            votes.append(float(landmarks[toe, 0] - landmarks[heel, 0]))
    total = sum(votes)
    if votes and abs(total) > 1e-3:
        return math.copysign(1.0, total)
    if visible[Landmark.NOSE] and visible[Landmark.LEFT_HIP] and visible[Landmark.RIGHT_HIP]:
        dx = float(
            landmarks[Landmark.NOSE, 0]
            - (landmarks[Landmark.LEFT_HIP, 0] + landmarks[Landmark.RIGHT_HIP, 0]) / 2
        )
        if abs(dx) > 1e-3:
            return math.copysign(1.0, dx)
    return math.nan


def measure_back(
    mask: np.ndarray | None,
    landmarks: np.ndarray,
    visible: np.ndarray,
    facing: float,
    below_hip_thighs: float = BELOW_HIP_THIGHS,
) -> BackContour | None:
    """The back contour of one frame, or ``None`` when it cannot be measured.

    ``landmarks`` are image landmarks (0..1 of the frame), ``visible`` which of them the
    model trusts, ``facing`` from :func:`facing_sign`. The mask may be smaller than the
    camera frame (recordings keep a downscaled one): coordinates are scaled to it.
    ``below_hip_thighs``: how far below the hips the contour runs (0 for a seated player,
    whose thighs and the seat lie below the hips).
    """
    if mask is None or mask.ndim != 2 or not math.isfinite(facing):
        return None
    needed = [
        Landmark.LEFT_SHOULDER,
        Landmark.RIGHT_SHOULDER,
        Landmark.LEFT_HIP,
        Landmark.RIGHT_HIP,
    ]
    if not visible[needed].all():
        return None
    height, width = mask.shape
    points = landmarks[:, :2].astype(np.float64) * np.array([width, height], dtype=np.float64)
    if not np.isfinite(points[needed]).all():
        return None
    shoulder = (points[Landmark.LEFT_SHOULDER] + points[Landmark.RIGHT_SHOULDER]) / 2
    hip = (points[Landmark.LEFT_HIP] + points[Landmark.RIGHT_HIP]) / 2
    trunk_len = float(np.hypot(*(hip - shoulder)))
    if trunk_len < MIN_TRUNK_PX or hip[1] <= shoulder[1]:
        return None
    top = max(round(float(shoulder[1])), 0)
    bottom = min(
        round(float(hip[1] + below_hip_thighs * _thigh_length(points, visible, trunk_len))),
        height - 1,
    )
    if bottom - top < MIN_ROWS:
        return None
    rows = mask[top : bottom + 1] > MASK_THRESHOLD
    has = rows.any(axis=1)
    if has.sum() < MIN_CONTOUR_POINTS * len(rows):
        return None
    # The back is on the side away from where the person faces: the outermost person pixel
    # on that side of each row (image x grows to the right).
    if facing > 0:
        edge = rows.argmax(axis=1).astype(np.float64)
    else:
        edge = (width - 1 - rows[:, ::-1].argmax(axis=1)).astype(np.float64)
    ys = np.arange(top, bottom + 1, dtype=np.float64)[has]
    xs = edge[has]
    backward = -facing  # +x is backward when the person faces left

    # Lumbar bulge: signed distance from the chord between the contour's ends, + = backward.
    a = np.array([xs[0], ys[0]])
    chord = np.array([xs[-1], ys[-1]]) - a
    chord_len = float(np.hypot(*chord))
    if chord_len < 1e-6:
        return None
    normal = np.array([-chord[1], chord[0]]) / chord_len
    if normal[0] * backward < 0:
        normal = -normal
    distance = (np.column_stack((xs, ys)) - a) @ normal
    n = len(distance)
    lumbar = distance[int(LUMBAR_FROM * n) : int(LUMBAR_TO * n) + 1]
    bulge = float(lumbar.mean()) / trunk_len

    # Glutes: the rearmost contour point from GLUTE_FROM of the way down to the hips on.
    low = ys >= shoulder[1] + GLUTE_FROM * (hip[1] - shoulder[1])
    if not low.any():
        return BackContour(bulge, math.nan, math.nan)
    rear = np.where(low, xs * backward, -np.inf)
    i = int(np.argmax(rear))
    return BackContour(
        lumbar_bulge=bulge,
        glute_drop=float(ys[i] - hip[1]) / trunk_len,
        glute_behind=float((xs[i] - hip[0]) * backward) / trunk_len,
    )


def _thigh_length(points: np.ndarray, visible: np.ndarray, trunk_len: float) -> float:
    """Longest visible image hip-to-knee length; a typical 0.8 trunk when neither shows
    (thigh ~0.245 of stature against a 0.288 trunk, Winter Table 4.1)."""
    lengths = [
        float(np.hypot(*(points[hip] - points[knee])))
        for hip, knee in (
            (Landmark.LEFT_HIP, Landmark.LEFT_KNEE),
            (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE),
        )
        if visible[hip] and visible[knee]
    ]
    finite = [v for v in lengths if math.isfinite(v)]
    return max(finite) if finite else 0.85 * trunk_len
