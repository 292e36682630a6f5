"""Per-frame body measurements the rest of the coach works from.

Angles come from MediaPipe's world landmarks (metres, camera-aligned), which keep their
proportions whatever the view; the image landmarks foreshorten in a side or front view.
A landmark the model is unsure of (visibility below ``VISIBLE_MIN``) does not vote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from game.coach.balance import FootBalance, foot_balance
from game.coach.geometry import flexion_deg, inclination_from_vertical_deg
from game.coach.knees import MIN_KNEE_FLEXION_DEG, shin_gap
from game.coach.silhouette import facing_sign, measure_back
from game.pose.frame import PoseFrame
from game.pose.landmarks import Landmark, Side, side_landmarks

__all__ = [
    "FRONT_MAX_YAW_DEG",
    "SIDE_MIN_YAW_DEG",
    "VISIBLE_MIN",
    "BodyFeatures",
    "View",
    "measure",
    "view_from_yaw",
]

#: MediaPipe's own default threshold for treating a landmark as visible (drawing utils).
VISIBLE_MIN = 0.5
#: Body yaw (hip line against the image plane) above which the camera sees a side view,
#: and below which it sees the front or back. 45° is the ideal three-quarter view; the
#: bands either side are wide enough that a player standing "roughly" side-on counts.
SIDE_MIN_YAW_DEG = 60.0
FRONT_MAX_YAW_DEG = 25.0
_SIDE_ON_NAN = FootBalance(math.nan, math.nan)


class View(StrEnum):
    """Where the camera stands relative to the player."""

    SIDE = "side"
    THREE_QUARTER = "three_quarter"
    FRONT = "front"
    REAR = "rear"


@dataclass(frozen=True, slots=True)
class BodyFeatures:
    """What one frame says about the body. NaN means "not measurable in this frame".

    Units: degrees and metres. ``heel_rise_m`` is how far the heel sits above the toes
    (world y); ``knee_width_ratio`` is knee separation over ankle separation across the
    image plane (meaningful in front/rear views only). ``hip_height`` is how far the hips
    sit above the ankles in the image, in frame heights: a squat roughly halves it, a hip
    hinge or a calf raise barely moves it. ``split_stance`` is the fore-aft distance
    between the ankles over the leg length: feet side by side ~0, a lunge ~0.6.
    ``ankle_y``/``heel_y`` (image, frame heights, y down) and ``shank_len`` (image
    knee-to-ankle length) let a rep measure how far ankles and heels rose off their
    standing height.
    The balance and silhouette fields are measured in side and three-quarter views only
    (NaN from the front or back, where they mean nothing).
    """

    timestamp_s: float
    knee_flexion_deg: float
    hip_flexion_deg: float
    trunk_lean_deg: float
    heel_rise_m: float
    knee_width_ratio: float
    yaw_deg: float
    facing_camera: bool
    hip_height: float = math.nan
    split_stance: float = math.nan
    ankle_y: float = math.nan
    shank_len: float = math.nan
    heel_y: float = math.nan
    #: Left against right knee flexion when both legs are seen (front and rear views
    #: mostly: from the side the far leg is hidden), degrees.
    knee_asymmetry_deg: float = math.nan
    #: Along the foot, 0 heel to 1 toe (see :mod:`game.coach.balance`).
    hips_over_foot: float = math.nan
    com_over_foot: float = math.nan
    #: The hip-joint centre behind and above the heel, metres (world landmarks).
    hip_back_m: float = math.nan
    hip_up_m: float = math.nan
    #: In the picture, side-on: the hip joints ahead of the ankles (over the hip-to-ankle
    #: length) and the shoulders ahead of the hips (over the trunk length), + = the way the
    #: player faces. Standing balanced over the heels both sit near 0; hips pushed forward
    #: with the tail tucked read hips ahead and shoulders behind.
    hips_ahead: float = math.nan
    shoulders_ahead: float = math.nan
    #: The silhouette's back (see :mod:`game.coach.silhouette`), in trunk lengths.
    lumbar_bulge: float = math.nan
    glute_drop: float = math.nan
    glute_behind: float = math.nan
    #: Front and rear views: the widest gap between the lower legs in the mask over the
    #: toe spread (see :mod:`game.coach.knees`); low when the knees fall inward.
    shin_gap: float = math.nan

    @property
    def view(self) -> View | None:
        return view_from_yaw(self.yaw_deg, self.facing_camera)


def view_from_yaw(yaw_deg: float, facing_camera: bool) -> View | None:
    """Name the view from the body yaw (0 = hips square to the camera, 90 = side-on);
    ``None`` when the hips were not seen."""
    if not math.isfinite(yaw_deg):
        return None
    if yaw_deg >= SIDE_MIN_YAW_DEG:
        return View.SIDE
    if yaw_deg > FRONT_MAX_YAW_DEG:
        return View.THREE_QUARTER
    return View.FRONT if facing_camera else View.REAR


def measure(frame: PoseFrame) -> BodyFeatures | None:
    """Measure one frame; ``None`` when nobody is in it."""
    if frame.landmarks is None or frame.world_landmarks is None:
        return None
    world = frame.world_landmarks.astype(np.float64)
    world[~np.isfinite(world)] = np.nan  # inf would poison the arithmetic below
    # A landmark the model is unsure of, or one that is not a finite number, does not vote.
    visible = (
        (frame.landmarks[:, 3] >= VISIBLE_MIN)
        & np.isfinite(frame.landmarks[:, :2]).all(axis=1)
        & np.isfinite(world).all(axis=1)
    )

    knees, hips, heels = [], [], []
    for side in Side:
        lm = side_landmarks(side)
        if visible[[lm.hip, lm.knee, lm.ankle]].all():
            knees.append(flexion_deg(world[lm.hip], world[lm.knee], world[lm.ankle]))
        if visible[[lm.shoulder, lm.hip, lm.knee]].all():
            hips.append(flexion_deg(world[lm.shoulder], world[lm.hip], world[lm.knee]))
        if visible[[lm.heel, lm.foot_index]].all():
            # y points down: the heel is higher than the toes when its y is smaller.
            heels.append(float(world[lm.foot_index, 1] - world[lm.heel, 1]))

    shoulder_mid = (world[Landmark.LEFT_SHOULDER] + world[Landmark.RIGHT_SHOULDER]) / 2
    hip_mid = (world[Landmark.LEFT_HIP] + world[Landmark.RIGHT_HIP]) / 2
    hip_line = world[Landmark.RIGHT_HIP] - world[Landmark.LEFT_HIP]
    yaw = math.degrees(math.atan2(abs(hip_line[2]), abs(hip_line[0]) + 1e-9))
    # Facing the camera, the person's left hip is on the image's right (larger x).
    facing = bool(hip_line[0] < 0)

    hip_y = _mean_visible(frame.landmarks, visible, (Landmark.LEFT_HIP, Landmark.RIGHT_HIP))
    ankle_y = _mean_visible(frame.landmarks, visible, (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE))
    forward = np.array([-hip_line[2], 0.0, hip_line[0]])  # horizontal, across the hip line
    forward_norm = float(np.linalg.norm(forward))
    legs = [
        float(
            np.linalg.norm(world[lm.hip] - world[lm.knee])
            + np.linalg.norm(world[lm.knee] - world[lm.ankle])
        )
        for lm in map(side_landmarks, Side)
    ]
    split = math.nan
    if forward_norm > 1e-6 and visible[[Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]].all():
        ankles = world[Landmark.RIGHT_ANKLE] - world[Landmark.LEFT_ANKLE]
        split = abs(float(ankles @ forward)) / forward_norm / max(sum(legs) / 2, 1e-6)

    balance = _SIDE_ON_NAN
    back = None
    profile = (math.nan, math.nan)
    if yaw > FRONT_MAX_YAW_DEG:
        balance = foot_balance(world, visible)
        image_visible = visible & np.isfinite(frame.landmarks[:, 0])
        toward = facing_sign(frame.landmarks, image_visible)
        back = measure_back(frame.mask, frame.landmarks, image_visible, toward)
        profile = _profile_offsets(frame.landmarks, image_visible, toward, frame.frame_size)
    gap = math.nan
    knee_flexion = _mean(knees)
    if yaw <= FRONT_MAX_YAW_DEG and knee_flexion >= MIN_KNEE_FLEXION_DEG:
        gap = shin_gap(frame.mask, frame.landmarks, visible)

    knee_gap = abs(world[Landmark.LEFT_KNEE, 0] - world[Landmark.RIGHT_KNEE, 0])
    ankle_gap = abs(world[Landmark.LEFT_ANKLE, 0] - world[Landmark.RIGHT_ANKLE, 0])
    width_ratio = knee_gap / ankle_gap if ankle_gap > 0.02 else math.nan

    return BodyFeatures(
        timestamp_s=frame.timestamp_s,
        knee_flexion_deg=knee_flexion,
        knee_asymmetry_deg=abs(knees[0] - knees[1]) if len(knees) == 2 else math.nan,
        hip_flexion_deg=_mean(hips),
        trunk_lean_deg=inclination_from_vertical_deg(hip_mid, shoulder_mid),
        heel_rise_m=_mean(heels),
        knee_width_ratio=width_ratio,
        yaw_deg=yaw,
        facing_camera=facing,
        hip_height=ankle_y - hip_y,
        split_stance=split,
        ankle_y=ankle_y,
        shank_len=_shank_length(frame.landmarks, visible),
        heel_y=_mean_visible(frame.landmarks, visible, (Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL)),
        hips_over_foot=balance.hips_over_foot,
        com_over_foot=balance.com_over_foot,
        hip_back_m=balance.hip_back_m,
        hip_up_m=balance.hip_up_m,
        hips_ahead=profile[0],
        shoulders_ahead=profile[1],
        lumbar_bulge=back.lumbar_bulge if back is not None else math.nan,
        glute_drop=back.glute_drop if back is not None else math.nan,
        glute_behind=back.glute_behind if back is not None else math.nan,
        shin_gap=gap,
    )


def _profile_offsets(
    landmarks: np.ndarray, visible: np.ndarray, facing: float, frame_size: tuple[int, int]
) -> tuple[float, float]:
    """(hips ahead of ankles, shoulders ahead of hips), see :class:`BodyFeatures`.

    From the image landmarks in pixels (the normalised coordinates stretch differently
    across and down the frame), so only meaningful from the side or three-quarter.
    """
    if not math.isfinite(facing):
        return math.nan, math.nan
    scale = np.array(frame_size, dtype=np.float64)

    def centre(a: Landmark, b: Landmark) -> np.ndarray | None:
        if visible[a] and visible[b]:
            return (landmarks[a, :2] + landmarks[b, :2]) * scale / 2
        if visible[a] or visible[b]:
            return landmarks[a if visible[a] else b, :2] * scale
        return None

    hip = centre(Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    ankle = centre(Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE)
    shoulder = centre(Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    hips_ahead = shoulders_ahead = math.nan
    if hip is not None and ankle is not None:
        leg = float(np.hypot(*(hip - ankle)))
        if leg > 1.0:
            hips_ahead = float(hip[0] - ankle[0]) * facing / leg
    if hip is not None and shoulder is not None:
        trunk = float(np.hypot(*(shoulder - hip)))
        if trunk > 1.0:
            shoulders_ahead = float(shoulder[0] - hip[0]) * facing / trunk
    return hips_ahead, shoulders_ahead


def _shank_length(landmarks: np.ndarray, visible: np.ndarray) -> float:
    """Longest visible knee-to-ankle distance in the image, in frame heights."""
    lengths = [
        float(np.hypot(*(landmarks[lm.knee, :2] - landmarks[lm.ankle, :2])))
        for lm in map(side_landmarks, Side)
        if visible[lm.knee] and visible[lm.ankle]
    ]
    return max(lengths) if lengths else math.nan


def _mean_visible(landmarks: np.ndarray, visible: np.ndarray, names: tuple[Landmark, ...]) -> float:
    """Mean image y of the visible ones of ``names``; NaN if none is visible."""
    ys = [float(landmarks[n, 1]) for n in names if visible[n]]
    return sum(ys) / len(ys) if ys else math.nan


def _mean(values: list[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan
