"""The demo athlete's person mask: 3D body shapes projected and filled with OpenCV.

The torso is lofted from elliptical cross-sections hung on the model's spine (two pelvis
sections, five along the lumbar curve, four along the thoracic curve), so the back
contour follows the pelvis tilt and the lumbar curve. That is what matters most: the coach
reads a tail tuck from how the lower-back contour bulges backward (see
shared/research/tail-tuck-from-the-silhouette.md). Buttocks, head and calves are
ellipsoids, limbs are tapered capsules, feet are hulls of a few points. Each shape is drawn
as the convex hull of its projected points, so the same code serves every view.

Sizes are fractions of stature H, from average adult body measurements (hip breadth
~0.19H, waist ~0.17H, chest depth ~0.14H, thigh girth ~0.31H, head 19 x 15.5 x 23 cm).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from game.pose.demo.body import (
    PELVIS_NEUTRAL,
    SIDE_SIGN,
    TUCK_TILT,
    Body,
    BodyPose,
    rotation_matrix,
    sided,
)
from game.pose.demo.camera import Camera
from game.pose.landmarks import Landmark

__all__ = ["Silhouette"]

#: Sub-pixel precision of the OpenCV drawing calls (coordinates in 1/16 pixel).
_SHIFT = 4
_ONE = 1 << _SHIFT
#: Points per torso cross-section and per capsule end circle.
_RING_POINTS = 16
_CIRCLE_POINTS = 16

# Torso cross-sections, bottom to top: (front, back, half-width) from the section centre,
# fractions of H. The two pelvis sections hang on the pelvis; the others on the spine
# curve (vertebral-body line), whose back surface sits ~8 cm behind it.
_PELVIS_SECTIONS = (
    # centre from the hip-joint centre at neutral tilt, then (front, back, half-width)
    ((-0.015, -0.045), (0.045, 0.055, 0.092)),  # below the hip joints (groin)
    ((-0.020, 0.000), (0.060, 0.060, 0.100)),  # hip-joint level (greater trochanters)
)
_LUMBAR_SECTIONS = (  # at fractions 0, 1/4 ... 1 of the way from L5/S1 to T12/L1
    (0.075, 0.050, 0.095),
    (0.075, 0.046, 0.090),
    (0.074, 0.044, 0.085),  # waist
    (0.076, 0.044, 0.087),
    (0.080, 0.045, 0.090),
)
_THORACIC_SECTIONS = (  # at 1/4 ... 1 of the way from T12/L1 to C7/T1
    (0.088, 0.048, 0.095),
    (0.090, 0.050, 0.098),
    (0.080, 0.048, 0.100),  # armpits
    (0.045, 0.030, 0.080),  # base of the neck
)
_SPINE_FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0)
#: The cross-sections a breath swells (the three thoracic ones below the neck), and by how
#: much at the top of a quiet breath: 0.003H, ~5 mm of the chest's front at 1.75 m (tidal
#: breathing moves the chest wall ~0.5-1 cm front to back).
_CHEST_ROWS = slice(len(_PELVIS_SECTIONS) + len(_LUMBAR_SECTIONS), -1)
BREATH_CHEST = 0.003

# Ellipsoids: centre offsets and semi-axes (forward, up, lateral), fractions of H.
#: The gluteal mass is two shapes per side. The upper buttock hangs on the pelvis, behind
#: and a little below its hip joint (rearmost ~15 cm behind the joint standing, as on a
#: side photo); it turns with the pelvis, so a tail tuck swings it under, and it slides
#: down for ``glutes_low``. The lower buttock and hamstring origin hang on the thigh: at a
#: squat's bottom that is what fills the contour 10-15 cm below and behind the hip joint,
#: as in the real clean side clips (shared/research).
_BUTTOCK_CENTRE = (-0.040, -0.015, -0.008)  # also 0.008H toward the midline
_BUTTOCK_AXES = (0.048, 0.055, 0.050)
#: Lower buttock in the thigh's frame: (along hip->knee, toward the back of the thigh).
_SEAT_CENTRE = (-0.020, 0.050)
_SEAT_AXES = (0.070, 0.042, 0.050)  # along the thigh, toward its back, lateral
#: A tucked pelvis opens the hip by the tuck angle, so the gluteal mass that hung
#: stretched below and behind the hip bunches up under the pelvis: at a full tuck the seat
#: moves this far (fraction of H) toward the thigh bone. Calibrated, not derived: on the
#: real tucked clip the contour 0.35 thigh-lengths below the hip misses the seat and meets
#: the shank, which is most of what raises the research's lumbar-bulge number (0.16 ->
#: 0.35-0.54). Turning the seat with the pelvis alone moved our bulge only 0.20 -> 0.25;
#: 0.04 is the threshold, 0.05 keeps a margin against landmark noise.
SEAT_TUCK_LIFT = 0.05
_HEAD_CENTRE = (0.002, 0.004)  # from the model's head centre; the face reaches the nose
_HEAD_AXES = (0.058, 0.066, 0.047)
_NOSE_MARGIN = 0.004  # the mask reaches this far past the nose landmark
#: Calf: centred a third of the way down the shank, bulging backward.
_CALF_AT, _CALF_BACK = 0.33, 0.012
_CALF_AXES = (0.075, 0.030, 0.030)  # along the shank, backward, lateral

# Capsules: (from, to) radii in fractions of H.
_THIGH_R = (0.052, 0.034)
_SHANK_R = (0.032, 0.020)
_UPPER_ARM_R = (0.026, 0.021)
_FOREARM_R = (0.020, 0.016)
_HAND_R = (0.016, 0.013)
_NECK_R = (0.032, 0.030)
_DELTOID_R = 0.032


def _unit_sphere() -> np.ndarray:
    """Points on the unit sphere (30° apart) whose hull is within ~4 % of the sphere."""
    points = [(0.0, 1.0, 0.0), (0.0, -1.0, 0.0)]
    for lat in np.radians([-60.0, -30.0, 0.0, 30.0, 60.0]):
        for lon in np.linspace(0.0, 2 * math.pi, 12, endpoint=False):
            points.append(
                (math.cos(lat) * math.cos(lon), math.sin(lat), math.cos(lat) * math.sin(lon))
            )
    return np.array(points)


_SPHERE = _unit_sphere()
_RING_ANGLES = np.linspace(0.0, 2 * math.pi, _RING_POINTS, endpoint=False)
_CIRCLE = np.stack(
    [np.cos(np.linspace(0, 2 * math.pi, _CIRCLE_POINTS, endpoint=False)),
     np.sin(np.linspace(0, 2 * math.pi, _CIRCLE_POINTS, endpoint=False))], axis=1,
)  # fmt: skip

#: What rests on a chair: the torso pieces between the pelvis sections and up to the first
#: lumbar one, and the four buttock ellipsoids (upper and lower, both sides) that
#: :meth:`Silhouette._ellipsoids` lists first.
_SEATED_RING_PIECES = len(_PELVIS_SECTIONS)
_SEATED_ELLIPSOIDS = 4

_HIP, _KNEE, _ANKLE = sided("HIP"), sided("KNEE"), sided("ANKLE")
_SHOULDER, _ELBOW, _WRIST = sided("SHOULDER"), sided("ELBOW"), sided("WRIST")


def _hermite(
    p0: np.ndarray, t0: float, p1: np.ndarray, t1: float, at: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Points (n, 2) and tangent angles (n,) of a sagittal cubic Hermite curve.

    The end tangents are the given angles (forward from vertical) with the chord's length,
    which makes the curve close to a circular arc when the chord is their mean.
    """
    length = float(np.hypot(*(p1 - p0)))
    m0 = np.array([math.sin(t0), math.cos(t0)]) * length
    m1 = np.array([math.sin(t1), math.cos(t1)]) * length
    s, s2, s3 = at[:, None], at[:, None] ** 2, at[:, None] ** 3
    points = (
        (2 * s3 - 3 * s2 + 1) * p0
        + (s3 - 2 * s2 + s) * m0
        + (-2 * s3 + 3 * s2) * p1
        + (s3 - s2) * m1
    )
    slope = (
        (6 * s2 - 6 * s) * p0
        + (3 * s2 - 4 * s + 1) * m0
        + (-6 * s2 + 6 * s) * p1
        + (3 * s2 - 2 * s) * m1
    )
    return points, np.arctan2(slope[:, 0], slope[:, 1])


def _ellipsoid(centre: np.ndarray, axes: np.ndarray) -> np.ndarray:
    """Sample points of an ellipsoid with semi-axis vectors as the rows of ``axes``."""
    return centre + _SPHERE @ axes


def _sagittal_axes(angle: float, semi: tuple[float, float, float], scale: float) -> np.ndarray:
    """Semi-axis vectors (forward, up, lateral) tipped forward by ``angle`` radians."""
    c, s = math.cos(angle), math.sin(angle)
    return (
        np.array(
            [[c * semi[0], -s * semi[0], 0.0], [s * semi[1], c * semi[1], 0.0], [0.0, 0.0, semi[2]]]
        )
        * scale
    )


def _limb_frame(
    direction: np.ndarray, back_hint: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Orthonormal (along, back, lateral) axes for a limb segment.

    ``back`` is the segment's back: the sagittal normal of ``direction`` that points
    backward when the segment hangs down and downward when it points forward (the back of
    a horizontal thigh faces the floor). ``back_hint`` settles the sign if ambiguous.
    """
    along = direction / np.linalg.norm(direction)
    back = np.array([along[1], -along[0], 0.0])
    if np.linalg.norm(back) < 1e-9:
        back = back_hint
    back -= (back @ along) * along
    back /= np.linalg.norm(back)
    lateral = np.array([0.0, 0.0, 1.0]) - along[2] * along - back[2] * back
    lateral /= np.linalg.norm(lateral)
    return along, back, lateral


class Silhouette:
    """Builds the athlete's 3D shapes for a pose and renders them as a person mask."""

    def __init__(self, body: Body) -> None:
        self.body = body
        h = body.stature
        self._h = h
        cos_a, sin_a = np.cos(_RING_ANGLES), np.sin(_RING_ANGLES)
        self._ring_cos = cos_a
        self._ring_sin = sin_a
        self._front = cos_a >= 0.0
        self._sections = (
            np.array(
                [s for _, s in _PELVIS_SECTIONS] + list(_LUMBAR_SECTIONS) + list(_THORACIC_SECTIONS)
            )
            * h
        )
        self._pelvis_centres = np.array([c for c, _ in _PELVIS_SECTIONS]) * h
        self._fractions = np.array(_SPINE_FRACTIONS)

    # --- 3D shapes -----------------------------------------------------------------------
    def _torso_rings(self, pose: BodyPose) -> np.ndarray:
        """(11, 16, 3) cross-section rings from the pelvis to the base of the neck."""
        tilt = pose.pelvis_angle - PELVIS_NEUTRAL
        c, s = math.cos(tilt), math.sin(tilt)
        hip = np.array(pose.hip_centre[:2])
        pelvis = self._pelvis_centres
        pelvis_centres = hip + np.stack(
            [pelvis[:, 0] * c + pelvis[:, 1] * s, -pelvis[:, 0] * s + pelvis[:, 1] * c], 1
        )
        thorax = pose.thorax_angle
        l5, t12, c7 = np.array(pose.l5[:2]), np.array(pose.t12[:2]), np.array(pose.c7[:2])
        bend = pose.kyphosis
        lumbar, lumbar_angle = _hermite(l5, pose.pelvis_angle, t12, thorax - bend, self._fractions)
        chest, chest_angle = _hermite(t12, thorax - bend, c7, thorax + bend, self._fractions[1:])
        centres = np.concatenate([pelvis_centres, lumbar, chest])
        angles = np.concatenate([[tilt, tilt], lumbar_angle, chest_angle])

        sections = self._sections
        if pose.breath != 0.0:  # breathing in swells the chest's front
            sections = sections.copy()
            sections[_CHEST_ROWS, 0] += BREATH_CHEST * self._h * pose.breath
        depth = np.where(self._front, sections[:, 0:1], -sections[:, 1:2]) * np.abs(self._ring_cos)
        rings = np.empty((len(centres), _RING_POINTS, 3))
        rings[..., 0] = centres[:, 0:1] + np.cos(angles)[:, None] * depth
        rings[..., 1] = centres[:, 1:2] - np.sin(angles)[:, None] * depth
        rings[..., 2] = sections[:, 2:3] * self._ring_sin
        return rings

    def _ellipsoids(self, pose: BodyPose) -> list[np.ndarray]:
        """Buttocks (pelvis- and thigh-hung, both sides), head and calves as point sets."""
        h = self._h
        points = pose.landmarks
        tilt = pose.pelvis_angle - PELVIS_NEUTRAL
        c, s = math.cos(tilt), math.sin(tilt)
        bx, by, bz = _BUTTOCK_CENTRE
        offset = np.array([bx * c + by * s, -bx * s + by * c, 0.0]) * h
        offset[1] -= pose.glute_drop
        buttock_axes = _sagittal_axes(tilt, _BUTTOCK_AXES, h)
        shapes = []
        for hip, knee, sign in zip(points[_HIP], points[_KNEE], SIDE_SIGN, strict=True):
            centre = hip + offset
            centre[2] -= sign * bz * h  # toward the midline
            shapes.append(_ellipsoid(centre, buttock_axes))
            along, back, lateral = _limb_frame(knee - hip, np.array([-1.0, 0.0, 0.0]))
            axes = np.stack([along * _SEAT_AXES[0], back * _SEAT_AXES[1], lateral * _SEAT_AXES[2]])
            tucked = pose.tuck_angle / TUCK_TILT
            offset_seat = (
                along * _SEAT_CENTRE[0] + back * (_SEAT_CENTRE[1] - SEAT_TUCK_LIFT * tucked)
            ) * h
            # A tucking pelvis rolls the seat under: turn it back about the hip joint.
            tuck = rotation_matrix(-pose.tuck_angle)
            centre = hip + offset_seat @ tuck
            centre[1] -= pose.glute_drop
            shapes.append(_ellipsoid(centre, axes * h @ tuck))

        head = pose.head_centre
        hx, hy = _HEAD_CENTRE
        c, s = math.cos(pose.head_angle), math.sin(pose.head_angle)
        centre = np.array([head[0] + (hx * c + hy * s) * h, head[1] + (-hx * s + hy * c) * h, 0.0])
        head_shape = _ellipsoid(centre, _sagittal_axes(pose.head_angle, _HEAD_AXES, h))
        # The nose tip sticks out of the skull's ellipsoid: a profile shows it.
        nose = points[Landmark.NOSE] + np.array([c, -s, 0.0]) * _NOSE_MARGIN * h
        shapes.append(np.concatenate([head_shape, nose[None]]))

        for knee, ankle in zip(points[_KNEE], points[_ANKLE], strict=True):
            along, back, lateral = _limb_frame(ankle - knee, np.array([-1.0, 0.0, 0.0]))
            centre = knee + (ankle - knee) * _CALF_AT + back * _CALF_BACK * h
            axes = np.stack([along * _CALF_AXES[0], back * _CALF_AXES[1], lateral * _CALF_AXES[2]])
            shapes.append(_ellipsoid(centre, axes * h))
        return shapes

    def _capsules(self, pose: BodyPose) -> tuple[np.ndarray, np.ndarray]:
        """Capsule end points (n, 2, 3) and radii (n, 2) in metres: limbs, neck, deltoids."""
        points = pose.landmarks
        ends: list[tuple[np.ndarray, np.ndarray]] = []
        radii: list[tuple[float, float]] = []

        def add(start: np.ndarray, end: np.ndarray, r: tuple[float, float]) -> None:
            ends.append((start, end))
            radii.append(r)

        for side in range(2):
            shoulder, elbow, wrist = (
                points[_SHOULDER[side]],
                points[_ELBOW[side]],
                points[_WRIST[side]],
            )
            add(points[_HIP[side]], points[_KNEE[side]], _THIGH_R)
            add(points[_KNEE[side]], points[_ANKLE[side]], _SHANK_R)
            add(shoulder, elbow, _UPPER_ARM_R)
            add(elbow, wrist, _FOREARM_R)
            add(wrist, pose.hand_tips[side], _HAND_R)
            add(shoulder, shoulder, (_DELTOID_R, _DELTOID_R))
        c7, head = np.array(pose.c7), np.array(pose.head_centre)
        add(c7, c7 + (head - c7) * 0.6, _NECK_R)
        return np.array(ends), np.array(radii) * self._h

    def hull_shapes(self, pose: BodyPose) -> list[np.ndarray]:
        """Every convex piece of the body as a 3D point set (capsules excluded).

        Seated, the pelvis, buttocks and seat of the thighs rest on the chair: whatever of
        them would sink below the seat is pressed flat onto it, and the chair itself is no
        part of the person (MediaPipe's person mask leaves furniture out).
        """
        rings = self._torso_rings(pose)
        pieces = [rings[i : i + 2].reshape(-1, 3) for i in range(len(rings) - 1)]
        ellipsoids = self._ellipsoids(pose)
        if pose.seat_height is not None:
            seat = pose.seat_height
            for piece in [*pieces[:_SEATED_RING_PIECES], *ellipsoids[:_SEATED_ELLIPSOIDS]]:
                np.maximum(piece[:, 1], seat, out=piece[:, 1])
        pieces.extend(ellipsoids)
        pieces.extend(self.body.foot_outline(pose.heel_angle))
        return pieces

    def extent(self, pose: BodyPose) -> np.ndarray:
        """All 3D points the mask can reach, capsules padded by their radius on each axis."""
        ends, radii = self._capsules(pose)
        ends, radii = ends.reshape(-1, 3), radii.reshape(-1)
        pads = np.concatenate([np.eye(3), -np.eye(3)])
        padded = (ends[:, None, :] + radii[:, None, None] * pads[None]).reshape(-1, 3)
        return np.concatenate([*self.hull_shapes(pose), padded, pose.landmarks])

    # --- drawing -------------------------------------------------------------------------
    def render(self, pose: BodyPose, camera: Camera) -> np.ndarray:
        """The person mask for ``pose`` seen by ``camera``: float32 (H, W), 1 = person.

        Drawn with anti-aliased edges (a ~1 px soft rim, like a real segmentation mask)
        into a uint8 canvas that only covers the athlete's bounding box.
        """
        pieces = self.hull_shapes(pose)
        sizes = [len(piece) for piece in pieces]
        ends, radii = self._capsules(pose)
        cam = camera.to_camera(np.concatenate([*pieces, ends.reshape(-1, 3)]))
        pixels = camera.to_pixels(cam)
        n_hull = sum(sizes)
        centres = pixels[n_hull:].reshape(-1, 2, 2)
        radius_px = radii * camera.focal_px / cam[n_hull:, 2].reshape(-1, 2)
        circles = centres[:, :, None, :] + radius_px[:, :, None, None] * _CIRCLE  # (n, 2, 16, 2)

        width, height = camera.width, camera.height
        all_pixels = np.concatenate([pixels[:n_hull], circles.reshape(-1, 2)])
        x0, y0 = np.floor(all_pixels.min(axis=0)).astype(int) - 2
        x1, y1 = np.ceil(all_pixels.max(axis=0)).astype(int) + 2
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
        mask = np.zeros((height, width), dtype=np.float32)
        if x1 <= x0 or y1 <= y0:
            return mask
        canvas = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        origin = np.array([x0, y0], dtype=float)

        fixed = np.round((pixels[:n_hull] - origin) * _ONE).astype(np.int32)
        start = 0
        for size in sizes:
            hull = cv2.convexHull(fixed[start : start + size])
            cv2.fillConvexPoly(canvas, hull, 255, cv2.LINE_AA, _SHIFT)
            start += size
        capsules = np.round((circles - origin) * _ONE).astype(np.int32).reshape(len(circles), -1, 2)
        for outline in capsules:
            cv2.fillConvexPoly(canvas, cv2.convexHull(outline), 255, cv2.LINE_AA, _SHIFT)
        np.multiply(canvas, np.float32(1.0 / 255.0), out=mask[y0:y1, x0:x1], casting="unsafe")
        return mask
