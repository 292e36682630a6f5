"""The demo athlete's body: anthropometry, squat and posture-hold kinematics and faults,
as 3D joint positions.

Body frame: metres, x forward (the way the athlete faces), y up, z to the athlete's LEFT,
ground at y = 0, ankle joints at x = 0. With z to the left this frame is left-handed, so
nothing here takes a cross product; rotations are written out in the sagittal (x, y) plane.

The model is kinematic, not dynamic: a depth fraction ``s`` (0 standing, 1 at the rep's
planned bottom) sets the thigh angle, the shank leans with it, and the thorax angle is then
*solved* so the whole-body centre of mass stays over the mid-foot, which is what "weight
balanced over the mid-foot" means. The spine is three pieces (pelvis, lumbar curve,
thorax) so that a tail tuck can rotate the pelvis under without the thorax having to
follow; the silhouette builds the back contour from the same curve.

Posture holds (:meth:`Body.hold_pose`) use the same pieces: standing, the hips are placed
and the thorax solved for the balance; sitting, the legs are set on a chair and the spine
is built up from the pelvis, which a hold sets itself instead of letting it follow the
thorax (see the "Posture holds" constants for the numbers and where they come from).

Sources of the numbers:
* Segment lengths as fractions of stature H: Winter, D. A. (2009), *Biomechanics and Motor
  Control of Human Movement*, 4th ed., Fig. 4.1 (after Drillis & Contini).
* Segment masses (fractions of body mass) and centre-of-mass positions along each segment:
  the same book, Table 4.1 (after Dempster). Thorax + abdomen + pelvis = Winter's trunk.
* The few numbers Winter has no entry for (the spine's shape, face points, joint widths)
  are stated where they are defined, with where they come from.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from game.pose.frame import FAULTS, AthleteTruth
from game.pose.landmarks import NUM_LANDMARKS, Landmark, Side

__all__ = [
    "ARM_STYLES",
    "FAULTS",
    "FAULT_ONSET",
    "HOLDS",
    "HOLD_FAULTS",
    "SIDES",
    "SIDE_SIGN",
    "Body",
    "BodyPose",
    "fault_weights",
    "joint_angles",
    "rotation_matrix",
    "sided",
]

#: ``forward``: straight ahead at shoulder height; ``chest``: crossed over the chest;
#: ``rest``: at rest, hanging by the sides standing and hands on the thighs seated.
ARM_STYLES: tuple[str, ...] = ("forward", "chest", "rest")

#: The two sides in array order, and which way each one's lateral direction points in z
#: (z is the athlete's left, so the left side is +z).
SIDES: tuple[Side, Side] = (Side.LEFT, Side.RIGHT)
SIDE_SIGN = np.array([1.0, -1.0])


def sided(part: str) -> np.ndarray:
    """The landmark indices of ``part`` for (LEFT, RIGHT), e.g. ``sided("KNEE")``.

    Handles MediaPipe's two spellings: ``LEFT_KNEE`` and ``MOUTH_LEFT``.
    """
    indices = []
    for side in SIDES:
        name = f"{part}_{side.name}" if part == "MOUTH" else f"{side.name}_{part}"
        indices.append(Landmark[name])
    return np.array(indices)


# --- Segment lengths, fractions of stature (Winter Fig. 4.1) -------------------------------
ANKLE_HEIGHT = 0.039  # floor to lateral malleolus
SHANK = 0.285 - 0.039  # knee height minus ankle height
THIGH = 0.530 - 0.285  # greater trochanter height minus knee height
FOOT_LENGTH = 0.152
UPPER_ARM = 0.186
FOREARM = 0.146
HAND = 0.108

# Foot landmarks along the foot's long axis, from the ankle joint. The ankle sits about a
# quarter of the foot length in front of the heel; the ball (metatarsal heads, where the
# heel rises about) at ~70 % of the length from the heel (foot anatomy texts).
HEEL_BACK = -0.25 * FOOT_LENGTH
TOE_FORWARD = 0.75 * FOOT_LENGTH
BALL_FORWARD = HEEL_BACK + 0.70 * FOOT_LENGTH
#: MediaPipe puts HEEL and FOOT_INDEX a couple of centimetres above the floor. Both at the
#: same height keeps the standing heel-to-toe line level, so dorsiflexion reads 0 standing.
FOOT_LANDMARK_HEIGHT = 0.012

# Widths (half the distance between the left and right joints), fractions of stature.
HIP_HALF_WIDTH = 0.09 / 1.75  # hip joint centres ±9 cm at 1.75 m (Winter's 0.191H is skin)
SHOULDER_HALF_WIDTH = 0.18 / 1.75  # glenohumeral centres ±18 cm (Winter's 0.259H is skin)
ANKLE_HALF_WIDTH = 0.15 / 1.75  # stance a little wider than the hips: ankles 30 cm apart
TOE_OUT = math.radians(15.0)  # feet turned out, the usual bodyweight-squat cue

# --- The spine, fractions of stature --------------------------------------------------------
# Winter gives the trunk as one length (greater trochanter 0.530H to shoulder 0.818H); the
# split below keeps that total standing (hip joint to shoulder 0.288H) and uses adult
# spine proportions: L5/S1 about 10 cm above and 4 cm behind the hip joints, lumbar spine
# (L1-L5 with discs) ~17 cm, thoracic chord T12 to C7 ~27 cm.
L5_FROM_HIP = (-0.025, 0.055)  # L5/S1 from the hip-joint centre, neutral standing pelvis
LUMBAR = 0.097  # chord L5/S1 to T12/L1
THORAX = 0.155  # chord T12/L1 to C7/T1
SHOULDER_FROM_C7 = (0.030, -0.017)  # shoulder joint centre from C7, in the thorax frame
HEAD_FROM_C7 = (0.020, 0.097)  # head centre from C7; puts the crown at 1.0H standing
#: Spine-tangent angles (forward inclination from vertical, radians). Standing, the
#: lumbar curve leaves the sacrum leaning forward ~25° and meets the thorax leaning back
#: ~12° (about 37° of lordosis, just under the 40-60° L1-S1 range of standing X-rays);
#: the thoracic curve is symmetric about its chord (kyphosis ±12°).
PELVIS_NEUTRAL = math.radians(25.0)
KYPHOSIS_HALF = math.radians(12.0)
#: In a clean squat the pelvis turns forward with the thorax, losing a little lordosis:
#: 0.92 leaves ~3° of relative posterior tilt at a 40° trunk lean.
PELVIS_FOLLOW = 0.92
#: Mass of the abdomen and thorax sits in front of the vertebral bodies, at the centroid of
#: the silhouette's cross-sections (front ~0.08H, back ~0.04H of the spine line).
TRUNK_CENTROID_FORWARD = 0.02
#: The head follows the trunk only partly (the eyes stay on the horizon-ish).
NECK_FOLLOW = 0.7
HEAD_FOLLOW = 0.4

# --- Masses (fraction of body mass) and centre-of-mass positions (Winter Table 4.1) -------
M_FOOT, FOOT_COM = 0.0145, 0.50  # ankle -> ball
M_SHANK, SHANK_COM = 0.0465, 0.433  # from the knee
M_THIGH, THIGH_COM = 0.100, 0.433  # from the hip
M_PELVIS, PELVIS_COM = 0.142, 0.105  # from L4-L5 toward the hip joints
M_ABDOMEN, ABDOMEN_COM = 0.139, 0.44  # from T12-L1 toward L4-L5
M_THORAX, THORAX_COM = 0.216, 0.82  # from C7-T1 toward T12-L1
M_HEAD = 0.081  # head and neck, at the ear canal ~ our head centre
M_UPPER_ARM, UPPER_ARM_COM = 0.028, 0.436
M_FOREARM, FOREARM_COM = 0.016, 0.430
M_HAND, HAND_COM = 0.006, 0.506

# --- Squat kinematics -----------------------------------------------------------------------
#: Thigh angle from vertical at the bottom of a depth-1 rep: thighs just past parallel.
THIGH_BOTTOM = math.radians(95.0)
#: Shank lean at parallel (thighs at THIGH_BOTTOM): 30-35° in bodyweight-squat studies;
#: 36° because with less the balance solution leans the trunk past the 28-42° measured on
#: real side clips (shared/research/tail-tuck-from-the-silhouette.md).
SHANK_PARALLEL = math.radians(36.0)
#: The shank leads the thigh (knees start forward early): lean grows as progress^0.75.
#: With a linear profile the hips travel back first and the trunk leans ~60° mid-descent.
SHANK_EXPONENT = 0.75
SHANK_MAX = math.radians(50.0)
#: Deepest knee bend: the back of the thigh meets the calf at ~150° in adults (a squat
#: "ass to grass"), so a deep planned depth stops there instead of folding further.
KNEE_FLEX_MAX = math.radians(150.0)
#: Standing knee flexion: a relaxed stance is not locked straight (and the IK stays stable).
STANDING_KNEE_FLEX = math.radians(3.0)
#: Where the thorax balance solution is clipped: upright-ish to a deep hip hinge.
THORAX_MIN = math.radians(-10.0)
THORAX_MAX = math.radians(65.0)
THORAX_MAX_FORWARD_LEAN = math.radians(85.0)

# --- Faults ---------------------------------------------------------------------------------
#: Depth fraction at which each fault starts to show; it grows (smoothstep) to full at the
#: bottom. The tail tuck starts at 0.92, 77 % of the way through a minimum-jerk descent's
#: time: on the research clip the contour had not changed yet 0.3-0.6 s before the
#: bottom, and had by the bottom (shared/research/tail-tuck-from-the-silhouette.md).
FAULT_ONSET: dict[str, float] = {
    "tail_tuck": 0.92,
    "glutes_low": 0.20,
    "weight_forward": 0.30,
    "heels_lift": 0.50,
    "knees_cave": 0.35,
    "forward_lean": 0.20,
}
TUCK_TILT = math.radians(22.0)  # posterior pelvic tilt at a tucked bottom (brief: 20-25°)
GLUTES_LOW_SHANK = math.radians(12.0)  # knees travel further forward
GLUTES_LOW_DROP = 0.02  # buttock mass slides down the pelvis (fraction of H, ~3.5 cm)
WEIGHT_FORWARD_SHIFT = 0.035  # balance point moves from mid-foot to the ball (fraction of H)
WEIGHT_FORWARD_SHANK = math.radians(6.0)
HEEL_LIFT = 0.034  # heel rise at the bottom, fraction of H (6 cm at 1.75 m): a clear lift
HEEL_LIFT_SHANK = math.radians(6.0)  # the shank tips further forward over a raised heel
#: Medial knee travel aimed for at the bottom, fraction of H (8 cm at 1.75 m); the pole
#: turn that produces it is a small-angle estimate, so the realised truth is ~9 cm.
KNEE_CAVE = 0.046
FORWARD_LEAN = math.radians(22.0)  # trunk beyond balance (brief: 20-25°)
SHALLOW_DEPTH = 0.4  # a shallow rep reaches this fraction of its planned depth

# --- Posture holds ------------------------------------------------------------------------
#: The two holds the game teaches, and the faults each one can show.
HOLDS: tuple[str, ...] = ("stand", "sit")
HOLD_FAULTS: dict[str, tuple[str, ...]] = {
    "stand": ("weight_forward", "tail_tuck"),
    "sit": ("tail_tuck",),
}
#: Standing balanced over the heels: the hip-joint centre 0.009H (1.6 cm at 1.75 m) in
#: front of the ankle joint, knees soft, thorax upright, pelvis neutral. Kendall's ideal
#: alignment hangs the plumb line "through the greater trochanter" and "slightly in front
#: of the lateral malleolus" (Kendall et al., *Muscles: Testing and Function*). The centre
#: of mass then falls ~2 cm in front of the ankle (see ``Body.stand_com_x``): over the
#: back of the foot, behind the ~5 cm of everyday quiet standing (Winter 1995).
STAND_HIP_FORWARD = 0.009
#: ``weight_forward`` standing is Kendall's sway-back: the pelvis pushed forward of the
#: ankles with the hip joints extended, the pelvis tipped back ("tail between the legs"),
#: knees locked, and the upper trunk leaning back to keep from falling forward. Kendall
#: and Smith et al. (Spine 2008) classify it by eye (trochanter clearly in front of the
#: malleolus, thorax behind the pelvis); these are our sizes for a clear case:
SWAY_BACK_HIP = 0.040  # hips 7 cm further forward at 1.75 m (the brief: "several cm")
SWAY_BACK_TILT = math.radians(10.0)  # posterior pelvic tilt, within the ~15° one can tuck
SWAY_BACK_KNEE_FLEX = math.radians(1.0)  # knees locked back (the IK's straightest)
#: ...and where the weight goes: the centre of mass 0.015H (2.6 cm) nearer the toes. The
#: trunk's back-lean is *solved* to put it there, so it comes out of the body model.
SWAY_BACK_WEIGHT = 0.015
#: ``tail_tuck`` standing: the pelvis rolled back under a thorax that stays balanced, so
#: the lumbar curve flattens by the same angle. 15° is about the most people tuck
#: standing (active posterior tilt from relaxed standing is ~10-20° in tilt-range studies).
STAND_TUCK_TILT = math.radians(15.0)

#: Sitting tall: shanks vertical over flat feet and thighs level (hips at knee height,
#: knees and hips at ~90°), the pelvis at its neutral standing tilt so the lumbar curve is
#: kept, thorax upright: "sitting on both sitting bones, tail long behind".
SIT_SHANK = 0.0
SIT_THIGH = math.radians(90.0)
#: The ischial tuberosity (sitting bone) from the hip-joint centre with a neutral pelvis,
#: fractions of H (1.7 cm behind, 8.7 cm below at 1.75 m: adult pelvis proportions; the
#: tuberosities lie nearly under the acetabula). The seat is under it, less the few
#: millimetres of compressed soft tissue that are left under the bone.
SITTING_BONE = (-0.010, -0.050)
SEAT_TISSUE = 0.006
#: ``tail_tuck`` sitting, the slump: the pelvis rolled back onto the tail by TUCK_TILT
#: (22°, the brief's 20-25°), the lumbar curve flattened from ~37° of lordosis to
#: SLUMP_LORDOSIS (upright sitting keeps ~2/3 of standing lordosis, slumped sitting loses
#: it: Lord et al., Spine 1997; Claus et al., Spine 2009), and the thoracic curve rounded by
#: 2 x SLUMP_KYPHOSIS, which brings the shoulders and head forward. The thorax chord's lean
#: follows from these three (the chain is solved from the pelvis up).
SLUMP_LORDOSIS = math.radians(0.0)
#: Lordosis of the neutral pelvis under an upright thorax: the angle between the spine's
#: tangents at L5 and at T12 (PELVIS_NEUTRAL and -KYPHOSIS_HALF), ~37°.
LORDOSIS_NEUTRAL = PELVIS_NEUTRAL + KYPHOSIS_HALF
SLUMP_KYPHOSIS = math.radians(6.0)
#: Sitting down: how far the knees travel forward and the trunk leans forward on the way
#: (peak trunk flexion in stand-to-sit is ~30-45° in motion-capture studies), as bumps over
#: the sit-down's progress that are zero at both ends.
SIT_DOWN_KNEES = math.radians(12.0)
SIT_DOWN_LEAN = math.radians(35.0)
#: Height of the trunk's centre of mass above the hip joints seated, fraction of H: seated
#: sway turns the trunk about the hips by sway / this.
SEATED_COM_HEIGHT = 0.17
#: Arms at rest. Standing they hang by the sides, elbows slightly bent, palms to the thighs:
#: the wrist from the shoulder (forward, down, out; fractions of H), 99 % of the arm's reach.
HANG_WRIST = (0.030, -0.325, 0.035)
#: Seated the hands rest palm-down on the thighs, 55 % of the way from hip to knee, the wrist
#: this far above the thigh's axis (thigh radius there ~0.042H plus the hand ~0.015H) and a
#: little outward.
THIGH_HAND_AT = 0.55
THIGH_HAND_UP = 0.057
THIGH_HAND_OUT = 0.010
#: Quiet breathing (~0.5 l tidal volume) lifts the shoulders a few millimetres: 0.002H
#: (3.5 mm at 1.75 m) from the middle of a breath to its top.
BREATH_SHOULDER_RISE = 0.002

# Face points in the head frame (x forward, y up, z lateral; fractions of H), placed on an
# average adult head: 19 cm long, 15.5 cm wide, 23 cm chin to crown.
_FACE_CENTRE = {"NOSE": (0.058, -0.008)}
_FACE_SIDED = {
    "EYE_INNER": (0.048, 0.012, 0.010),
    "EYE": (0.046, 0.012, 0.018),
    "EYE_OUTER": (0.042, 0.012, 0.026),
    "EAR": (-0.004, 0.004, 0.044),
    "MOUTH": (0.050, -0.030, 0.013),
}
#: Hand landmarks from the wrist with the arm straight forward, palm down (x along the
#: hand, y up, z lateral; fractions of H). MediaPipe's PINKY/INDEX sit near the knuckles,
#: THUMB near the thumb tip.
_HAND_POINTS = {
    "PINKY": (0.42 * HAND, -0.004, 0.020),
    "INDEX": (0.48 * HAND, 0.000, -0.012),
    "THUMB": (0.32 * HAND, -0.010, -0.026),
}
#: End of the closed hand, for the silhouette.
HAND_TIP = 0.75 * HAND


def smoothstep(x: float) -> float:
    """0 below 0, 1 above 1, C1-smooth in between."""
    x = min(max(x, 0.0), 1.0)
    return x * x * (3.0 - 2.0 * x)


def _solve_lean(error: Callable[[float], float], guess: float) -> float:
    """The thorax angle where ``error`` (centre of mass minus its target) is 0: secant.

    The centre of mass moves forward monotonically as the thorax leans, so a secant
    iteration from the previous frame's angle converges in a few steps. The answer is
    clipped to a plausible range, so the balance can fail, as a real one can.
    """
    lo, hi = THORAX_MIN - 0.3, THORAX_MAX + 0.3
    r0, r1 = guess, guess + 0.01
    f0, f1 = error(r0), error(r1)
    for _ in range(20):
        if abs(f1) < 1e-7 or f1 == f0:
            break
        r0, r1, f0 = r1, min(max(r1 - f1 * (r1 - r0) / (f1 - f0), lo), hi), f1
        f1 = error(r1)
    return min(max(r1, THORAX_MIN), THORAX_MAX)


def fault_weights(faults: Iterable[str], progress: float) -> dict[str, float]:
    """How strongly each fault shows at rep ``progress`` (0 standing, 1 at the bottom).

    ``shallow`` is not a ramp (it scales the whole rep's depth) and is left out.
    """
    return {
        name: smoothstep((progress - FAULT_ONSET[name]) / (1.0 - FAULT_ONSET[name]))
        for name in faults
        if name in FAULT_ONSET
    }


def _rot(x: float, y: float, angle: float) -> tuple[float, float]:
    """Rotate a sagittal vector so that its top tips forward by ``angle`` radians."""
    c, s = math.cos(angle), math.sin(angle)
    return x * c + y * s, -x * s + y * c


def _up(angle: float) -> tuple[float, float]:
    """Unit sagittal vector leaning ``angle`` radians forward from vertical."""
    return math.sin(angle), math.cos(angle)


def rotation_matrix(angle: float) -> np.ndarray:
    """3x3 matrix (for row vectors, ``v @ R``) tipping the top forward by ``angle``."""
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


Point = tuple[float, float, float]


class _Spine(NamedTuple):
    """Sagittal (x, y) points of the upper body for one thorax angle (z is 0 for all)."""

    pelvis: float  # spine tangent at L5, radians forward from vertical
    thorax: float  # T12 -> C7 chord, radians forward from vertical
    l5: tuple[float, float]
    t12: tuple[float, float]
    c7: tuple[float, float]
    shoulder: tuple[float, float]
    head: tuple[float, float]
    com_x_moment: float  # sum of mass fraction * x over pelvis, abdomen, thorax, head, arms


class _Legs(NamedTuple):
    """Both legs for one pose, per side in ``SIDES`` order."""

    ankle: tuple[Point, Point]
    heel: tuple[Point, Point]
    knee: tuple[Point, Point]
    knee_tracking: tuple[Point, Point]  # where each knee would be, tracking over the toes
    hip_x: float
    hip_y: float
    heel_angle: float  # radians the rear foot has rotated up about the ball
    com_x_moment: float  # sum of mass fraction * x over feet, shanks, thighs


@dataclass(slots=True)
class BodyPose:
    """The exact 3D body at one instant, with what the truth and the silhouette need.

    ``landmarks`` are the 33 BlazePose points in the body frame. The spine points and the
    angles (radians, forward inclination from vertical) are what the silhouette hangs the
    torso on. ``truth`` holds the measured angles and distances; the athlete adds the
    rep, phase and fault labels, which the body does not know.
    """

    landmarks: np.ndarray
    hip_centre: Point
    l5: Point
    t12: Point
    c7: Point
    head_centre: Point
    hand_tips: np.ndarray  # (2, 3)
    pelvis_angle: float
    thorax_angle: float
    head_angle: float
    heel_angle: float
    tuck_angle: float  # the tail-tuck fault's posterior pelvic rotation, radians
    glute_drop: float
    truth: AthleteTruth
    #: Half the thoracic curve's bend (radians): the spine tangent at T12 is
    #: ``thorax_angle - kyphosis`` and at C7 ``thorax_angle + kyphosis``.
    kyphosis: float = KYPHOSIS_HALF
    #: Breathing, -1 (breathed out) to 1 (in): the chest's front swells with it.
    breath: float = 0.0
    #: Height of the seat under a sitting athlete (metres), None standing. The seat is not
    #: part of the person; the flesh resting on it is flattened at this height.
    seat_height: float | None = None


_SIGNS = (1.0, -1.0)  # SIDE_SIGN as floats, for scalar loops over SIDES
#: Arms at rest (left arm; the right mirrors it): which way the elbow points and which way
#: the back of the hand faces, hanging (elbow back, palm to the thigh) and resting on the
#: thighs (elbow back and out, palm down).
_HANG_POLE, _HANG_BACK = np.array([-1.0, 0.0, 0.3]), np.array([0.0, 0.0, 1.0])
_SEAT_POLE, _SEAT_BACK = np.array([-1.0, 0.0, 0.4]), np.array([0.0, 1.0, 0.0])
_HIP, _KNEE, _ANKLE = sided("HIP"), sided("KNEE"), sided("ANKLE")
_HEEL, _TOE, _SHOULDER = sided("HEEL"), sided("FOOT_INDEX"), sided("SHOULDER")
#: Rows filled from the scalar leg and shoulder solution, in this order.
_SCALAR_ROWS = np.concatenate([_HIP, _KNEE, _ANKLE, _HEEL, _SHOULDER])
#: Arm points from the shoulder, in this order (then the closed hand's tip).
_ARM_PARTS = ("ELBOW", "WRIST", "PINKY", "INDEX", "THUMB")
_ARM_IDX = np.stack([sided(part) for part in _ARM_PARTS], axis=1)  # (2 sides, 5)
#: Height of the standing centre of mass, fraction of H (Winter: ~0.55-0.57H). Standing
#: sway tips the whole body about the ankles by sway / this height.
COM_HEIGHT = 0.55

# The four angles of joint_angles() as pairs of difference vectors over the landmark rows
# extended by: 33 shoulder centre, 34 hip centre, 35 origin, 36 up. (head, tail) rows.
_SC, _HC, _O, _UP = NUM_LANDMARKS, NUM_LANDMARKS + 1, NUM_LANDMARKS + 2, NUM_LANDMARKS + 3
_FIRST = np.array(
    [(k, h) for k, h in zip(_KNEE, _HIP, strict=True)]  # thigh, hip -> knee
    + [(_SC, h) for h in _HIP]  # hip -> shoulder centre
    + [(k, a) for k, a in zip(_KNEE, _ANKLE, strict=True)]  # shank, ankle -> knee
    + [(_SC, _HC)]  # trunk
)
_SECOND = np.array(
    [(a, k) for a, k in zip(_ANKLE, _KNEE, strict=True)]  # knee -> ankle
    + [(k, h) for k, h in zip(_KNEE, _HIP, strict=True)]  # hip -> knee
    + [(t, e) for t, e in zip(_TOE, _HEEL, strict=True)]  # heel -> toe
    + [(_UP, _O)]  # vertical
)


def joint_angles(points: np.ndarray, up: np.ndarray) -> tuple[float, float, float, float]:
    """Knee flexion, hip flexion, ankle dorsiflexion and trunk lean (degrees) of 33 points.

    Works in any frame given its ``up`` vector (body frame: +y; MediaPipe world: -y), so
    the truth and a check on world landmarks can be the same computation. Bilateral angles
    are the mean of both sides. Dorsiflexion is 90° minus the angle between the shank
    (ankle to knee) and the heel-to-toe line: 0 standing flat on a vertical shank.
    """
    extra = np.empty((4, 3))
    extra[0] = (points[_SHOULDER[0]] + points[_SHOULDER[1]]) * 0.5
    extra[1] = (points[_HIP[0]] + points[_HIP[1]]) * 0.5
    extra[2] = 0.0
    extra[3] = up
    rows = np.concatenate([points, extra])
    a = rows[_FIRST[:, 0]] - rows[_FIRST[:, 1]]
    b = rows[_SECOND[:, 0]] - rows[_SECOND[:, 1]]
    cos = (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
    deg = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))).tolist()
    knee = (deg[0] + deg[1]) / 2.0
    hip = 180.0 - (deg[2] + deg[3]) / 2.0
    dorsi = 90.0 - (deg[4] + deg[5]) / 2.0
    return knee, hip, dorsi, deg[6]


class Body:
    """One athlete's body: sizes fixed at construction, posed per frame by :meth:`pose`."""

    def __init__(self, stature: float = 1.75, arms: str = "forward") -> None:
        if arms not in ARM_STYLES:
            raise ValueError(f"arms must be one of {', '.join(ARM_STYLES)}, got {arms!r}")
        self.stature = stature
        self.arms = arms
        h = stature
        self.shank = SHANK * h
        self.thigh = THIGH * h
        self.hip_half_width = HIP_HALF_WIDTH * h
        self.shoulder_half_width = SHOULDER_HALF_WIDTH * h
        self.ankle_half_width = ANKLE_HALF_WIDTH * h

        # Feet, toes turned out: each foot's long axis is (cos 15°, 0, ±sin 15°).
        self._foot_dx = math.cos(TOE_OUT)
        self._foot_dz = tuple(sign * math.sin(TOE_OUT) for sign in _SIGNS)
        heel = self._foot_point(0, HEEL_BACK * h, FOOT_LANDMARK_HEIGHT * h, 0.0)
        # Raising the heel rotates the rear foot about the ball: polar coordinates of the
        # heel landmark about the ball, in the foot's vertical plane.
        behind, above = (HEEL_BACK - BALL_FORWARD) * h, FOOT_LANDMARK_HEIGHT * h
        self._heel_radius = math.hypot(behind, above)
        self._heel_start = math.atan2(above, -behind)
        self._heel0_y = heel[1]
        self.toe = np.array(
            [self._foot_point(k, TOE_FORWARD * h, FOOT_LANDMARK_HEIGHT * h, 0.0) for k in (0, 1)]
        )
        #: The balance point: mid-foot, halfway between heel and toe landmarks (Rippetoe's
        #: "middle of the foot"; ~6 cm in front of the ankle at 1.75 m).
        self.mid_foot_x = (heel[0] + float(self.toe[0, 0])) / 2.0
        self._outline0, self._outline_rear = self._make_foot_outline()

        self._face_idx, self._face_local = self._sided_points(_FACE_SIDED, _FACE_CENTRE)
        self._arm_local = self._make_arm()  # (2 sides, 6, 3)
        self._arm_mass, self._arm_moment = self._make_arm_moment()

        #: Standing shank lean (radians): the nearly straight body tips forward about the
        #: ankles until the centre of mass is over the mid-foot with a neutral thorax.
        self.standing_shank = self._solve_standing_lean()
        #: The standing hold's shank lean (radians) and where its centre of mass falls
        #: (metres in front of the ankle joints): see :data:`STAND_HIP_FORWARD`.
        self.stand_shank, self.stand_com_x = self._solve_stand_hold()
        #: Seat height of the sitting hold (metres): under the sitting bones, see
        #: :data:`SITTING_BONE`.
        seated = self._legs(SIT_SHANK, SIT_THIGH, 0.0, 0.0)
        self.seat_height = seated.hip_y + (SITTING_BONE[1] - SEAT_TISSUE) * h

    # --- construction --------------------------------------------------------------------
    def _foot_point(self, side: int, along: float, height: float, heel_angle: float) -> Point:
        """A point on the foot's long axis (metres from the ankle, height above the floor).

        Points behind the ball rotate up about it by ``heel_angle`` when the heel lifts.
        """
        ball = BALL_FORWARD * self.stature
        if heel_angle != 0.0 and along < ball:
            c, s = math.cos(heel_angle), math.sin(heel_angle)
            rel = along - ball
            along, height = ball + rel * c + height * s, -rel * s + height * c
        z0 = _SIGNS[side] * self.ankle_half_width
        return self._foot_dx * along, height, z0 + self._foot_dz[side] * along

    def _make_foot_outline(self) -> tuple[np.ndarray, np.ndarray]:
        """Eight points per foot whose hull is a bare foot; and which ones the heel lifts."""
        h = self.stature
        # (along the foot from the ankle, height, outward offset); fractions of H.
        shape = (
            (HEEL_BACK - 0.006, 0.0, 0.020),
            (HEEL_BACK - 0.006, 0.0, -0.020),
            (HEEL_BACK, ANKLE_HEIGHT + 0.010, 0.0),
            (0.020, ANKLE_HEIGHT + 0.012, 0.0),
            (BALL_FORWARD, 0.0, 0.030),
            (BALL_FORWARD, 0.0, -0.030),
            (BALL_FORWARD, 0.028, 0.0),
            (TOE_FORWARD + 0.004, 0.004, 0.0),
        )
        outline = np.empty((2, len(shape), 3))
        for side, sign in enumerate(_SIGNS):
            # Horizontal, perpendicular to this foot, pointing away from the midline.
            out_x, out_z = -math.sin(TOE_OUT), sign * math.cos(TOE_OUT)
            for k, (along, height, out) in enumerate(shape):
                x, y, z = self._foot_point(side, along * h, height * h, 0.0)
                outline[side, k] = (x + out_x * out * h, y, z + out_z * out * h)
        rear = np.array([along < BALL_FORWARD for along, _, _ in shape])
        return outline, rear

    def foot_outline(self, heel_angle: float) -> np.ndarray:
        """(2, 8, 3) foot outline points, the rear ones rotated up by ``heel_angle``."""
        if heel_angle == 0.0:
            return self._outline0
        outline = self._outline0.copy()
        ball = BALL_FORWARD * self.stature
        c, s = math.cos(heel_angle), math.sin(heel_angle)
        for side in (0, 1):
            direction = np.array([self._foot_dx, 0.0, self._foot_dz[side]])
            pivot = np.array(self._foot_point(side, ball, 0.0, 0.0))
            rel = outline[side, self._outline_rear] - pivot
            along = rel @ direction
            height = rel[:, 1].copy()
            rest = rel - np.outer(along, direction)
            rest[:, 1] = 0.0
            new_along, new_height = along * c + height * s, -along * s + height * c
            moved = pivot + np.outer(new_along, direction) + rest
            moved[:, 1] = new_height
            outline[side, self._outline_rear] = moved
        return outline

    def _sided_points(
        self,
        sided_parts: Mapping[str, tuple[float, float, float]],
        centre_parts: Mapping[str, tuple[float, float]],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Landmark indices and (n, 3) offsets in metres, lateral offsets signed per side."""
        idx: list[int] = []
        local: list[tuple[float, float, float]] = []
        for name, (x, y) in centre_parts.items():
            idx.append(Landmark[name])
            local.append((x, y, 0.0))
        for part, (x, y, z) in sided_parts.items():
            for landmark, sign in zip(sided(part), _SIGNS, strict=True):
                idx.append(int(landmark))
                local.append((x, y, sign * z))
        return np.array(idx), np.array(local) * self.stature

    def _make_arm(self) -> np.ndarray:
        """Arm points from each shoulder: (2 sides, 6, 3), ``_ARM_PARTS`` then the hand tip.

        ``forward``: straight ahead at shoulder height in the body frame, palms down (the
        arms stay level whatever the trunk does). ``chest``: crossed over the chest, fixed
        in the thorax frame, each wrist in front of the opposite shoulder. ``rest``: hanging
        by the sides (see :data:`HANG_WRIST`); seated, :meth:`_rest_arms` moves them.
        """
        h = self.stature
        if self.arms == "rest":
            left = self._arm_chain(np.zeros(3), np.array(HANG_WRIST) * h, _HANG_POLE, _HANG_BACK)
            arms = np.array([left, left])
            arms[1, :, 2] *= -1.0
            return arms
        if self.arms == "forward":
            along = np.array([1.0, 0.0, 0.0])
            elbow = along * UPPER_ARM * h
        else:
            upper = np.array([0.35, -0.90, -0.25])
            elbow = upper / np.linalg.norm(upper) * UPPER_ARM * h
            target = np.array([0.10 * h, -0.03 * h, -2.0 * self.shoulder_half_width + 0.02 * h])
            along = (target - elbow) / np.linalg.norm(target - elbow)
        wrist = elbow + along * FOREARM * h
        # The hand's frame: x along the forearm, y up (made orthogonal), z lateral.
        up = np.array([0.0, 1.0, 0.0]) - along[1] * along
        up /= np.linalg.norm(up)
        lateral = np.array([0.0, 0.0, 1.0]) - along[2] * along - up[2] * up
        lateral /= np.linalg.norm(lateral)
        left = [elbow, wrist]
        for part in _ARM_PARTS[2:]:
            x, y, z = _HAND_POINTS[part]
            left.append(wrist + (along * x + up * y + lateral * z) * h)
        left.append(wrist + along * HAND_TIP * h)
        arms = np.array([left, left])
        arms[1, :, 2] *= -1.0  # the right arm mirrors the left in z
        return arms

    def _make_arm_moment(self) -> tuple[float, tuple[float, float]]:
        """One arm's mass fraction and its mass moment (x, y) about the shoulder."""
        elbow, wrist, tip = self._arm_local[0, 0], self._arm_local[0, 1], self._arm_local[0, 5]
        along = (tip - wrist) / np.linalg.norm(tip - wrist)
        moment = (
            M_UPPER_ARM * UPPER_ARM_COM * elbow
            + M_FOREARM * (elbow + FOREARM_COM * (wrist - elbow))
            + M_HAND * (wrist + along * HAND_COM * HAND * self.stature)
        )
        return M_UPPER_ARM + M_FOREARM + M_HAND, (float(moment[0]), float(moment[1]))

    def _solve_standing_lean(self) -> float:
        lo, hi = math.radians(-5.0), math.radians(15.0)
        for _ in range(50):  # bisection, once per body
            mid = 0.5 * (lo + hi)
            legs = self._legs(mid, STANDING_KNEE_FLEX - mid, 0.0, 0.0)
            spine = self._spine(legs.hip_x, legs.hip_y, 0.0, 0.0)
            if legs.com_x_moment + spine.com_x_moment > self.mid_foot_x:
                hi = mid
            else:
                lo = mid
        return 0.5 * (lo + hi)

    # --- legs ----------------------------------------------------------------------------
    def _knee(self, sign: float, ankle: Point, hip: Point, cave: float) -> tuple[Point, Point]:
        """Two-link IK for one leg: the knee tracking over the toes, and turned in by ``cave``.

        The knee lies on a circle about the ankle-hip line; which point of the circle is
        set by a pole direction, the foot's (15° out), turned in for a caving knee.
        """
        sx, sy, sz = hip[0] - ankle[0], hip[1] - ankle[1], hip[2] - ankle[2]
        dist = math.sqrt(sx * sx + sy * sy + sz * sz)
        ex, ey, ez = sx / dist, sy / dist, sz / dist
        along = (self.shank**2 - self.thigh**2 + dist * dist) / (2.0 * dist)
        reach = math.sqrt(max(self.shank**2 - along * along, 0.0))
        bx, by, bz = ankle[0] + ex * along, ankle[1] + ey * along, ankle[2] + ez * along

        def place(pole_angle: float) -> Point:
            px, pz = math.cos(pole_angle), sign * math.sin(pole_angle)
            dot = px * ex + pz * ez
            qx, qy, qz = px - dot * ex, -dot * ey, pz - dot * ez
            scale = reach / math.sqrt(qx * qx + qy * qy + qz * qz)
            return bx + qx * scale, by + qy * scale, bz + qz * scale

        tracking = place(TOE_OUT)
        if cave <= 0.0:
            return tracking, tracking
        # Turning the pole in by g moves the knee ~ reach * (sin 15° - sin(15° - g)).
        turned = math.sin(TOE_OUT) - cave / max(reach, 1e-6)
        return tracking, place(math.asin(max(turned, -1.0)))

    def _legs(self, shank: float, thigh: float, heel_lift: float, cave: float) -> _Legs:
        """Feet, ankles, hips and knees for sagittal shank/thigh angles (radians).

        ``thigh`` is from vertical, positive with the hip behind the knee. The hip comes
        from the planar chain; each knee is then solved in 3D from ankle to hip joint.
        """
        h = self.stature
        heel_angle = 0.0
        if heel_lift > 0.0:
            rise = min((self._heel0_y + heel_lift) / self._heel_radius, 1.0)
            heel_angle = math.asin(rise) - self._heel_start
        ankles = tuple(self._foot_point(k, 0.0, ANKLE_HEIGHT * h, heel_angle) for k in (0, 1))
        heels = tuple(
            self._foot_point(k, HEEL_BACK * h, FOOT_LANDMARK_HEIGHT * h, heel_angle) for k in (0, 1)
        )
        ankle_x, ankle_y, ankle_z = ankles[0]
        # The legs lean in from the wider stance to the hips; shorten the planar chain so
        # that the 3D hip-to-ankle distance never exceeds the leg length.
        lean_in = (abs(ankle_z) - self.hip_half_width) / (self.shank + self.thigh)
        planar = math.sqrt(1.0 - lean_in * lean_in)
        hip_x = ankle_x + planar * (self.shank * math.sin(shank) - self.thigh * math.sin(thigh))
        hip_y = ankle_y + planar * (self.shank * math.cos(shank) + self.thigh * math.cos(thigh))

        knees, tracking = [], []
        moment = 0.0
        ball_x = self._foot_dx * BALL_FORWARD * h
        for side, sign in enumerate(_SIGNS):
            ankle = ankles[side]
            track, knee = self._knee(sign, ankle, (hip_x, hip_y, sign * self.hip_half_width), cave)
            knees.append(knee)
            tracking.append(track)
            moment += (
                M_FOOT * (ankle[0] + FOOT_COM * (ball_x - ankle[0]))
                + M_SHANK * (knee[0] + SHANK_COM * (ankle[0] - knee[0]))
                + M_THIGH * (hip_x + THIGH_COM * (knee[0] - hip_x))
            )
        return _Legs(
            ankles, heels, (knees[0], knees[1]), (tracking[0], tracking[1]),
            hip_x, hip_y, heel_angle, moment,
        )  # fmt: skip

    # --- spine ---------------------------------------------------------------------------
    def _spine(self, hip_x: float, hip_y: float, thorax: float, tuck: float) -> _Spine:
        """The sagittal spine chain for a thorax angle and a posterior pelvic tuck (radians).

        The thorax hangs on where T12 would be with a neutral pelvis: a tuck rolls the
        pelvis (and L5) back under a thorax that stays put, so the lumbar curve between
        them has to round, as a real "butt wink" does.
        """
        h = self.stature
        neutral_pelvis = PELVIS_NEUTRAL + PELVIS_FOLLOW * thorax
        dx, dy = _rot(L5_FROM_HIP[0] * h, L5_FROM_HIP[1] * h, neutral_pelvis - PELVIS_NEUTRAL)
        ux, uy = _up(0.5 * (neutral_pelvis + thorax - KYPHOSIS_HALF))  # circular-arc chord
        t12 = (hip_x + dx + LUMBAR * h * ux, hip_y + dy + LUMBAR * h * uy)
        pelvis = neutral_pelvis - tuck
        dx, dy = _rot(L5_FROM_HIP[0] * h, L5_FROM_HIP[1] * h, pelvis - PELVIS_NEUTRAL)
        l5 = (hip_x + dx, hip_y + dy)
        lumbar = math.atan2(t12[0] - l5[0], t12[1] - l5[1])
        ux, uy = _up(thorax)
        c7 = (t12[0] + THORAX * h * ux, t12[1] + THORAX * h * uy)
        dx, dy = _rot(SHOULDER_FROM_C7[0] * h, SHOULDER_FROM_C7[1] * h, thorax)
        shoulder = (c7[0] + dx, c7[1] + dy)
        dx, dy = _rot(HEAD_FROM_C7[0] * h, HEAD_FROM_C7[1] * h, NECK_FOLLOW * thorax)
        head = (c7[0] + dx, c7[1] + dy)
        moment = self._trunk_moment(hip_x, l5, t12, c7, head, lumbar, thorax)
        moment = moment + self._fixed_arms_moment(shoulder[0], thorax)
        return _Spine(pelvis, thorax, l5, t12, c7, shoulder, head, moment)

    def _trunk_moment(
        self,
        hip_x: float,
        l5: tuple[float, float],
        t12: tuple[float, float],
        c7: tuple[float, float],
        head: tuple[float, float],
        lumbar: float,
        thorax: float,
    ) -> float:
        """Sum of mass fraction * x over the pelvis, abdomen, thorax and head."""
        forward = TRUNK_CENTROID_FORWARD * self.stature
        return (
            M_PELVIS * (l5[0] + PELVIS_COM * (hip_x - l5[0]))
            + M_ABDOMEN * (t12[0] + ABDOMEN_COM * (l5[0] - t12[0]) + forward * math.cos(lumbar))
            + M_THORAX * (c7[0] + THORAX_COM * (t12[0] - c7[0]) + forward * math.cos(thorax))
            + M_HEAD * head[0]
        )

    def _fixed_arms_moment(self, shoulder_x: float, thorax: float) -> float:
        """Both arms' mass moment (x) when they keep their shape from :meth:`_make_arm`."""
        arm_x, arm_y = self._arm_moment
        if self.arms == "chest":  # the crossed arms turn with the thorax
            arm_x = arm_x * math.cos(thorax) + arm_y * math.sin(thorax)
        return 2.0 * (self._arm_mass * shoulder_x + arm_x)

    def _balance(self, legs: _Legs, target: float, tuck: float, guess: float) -> float:
        """The thorax angle that puts the centre of mass at ``target`` x (see _solve_lean)."""
        base = legs.com_x_moment - target

        def error(thorax: float) -> float:
            return base + self._spine(legs.hip_x, legs.hip_y, thorax, tuck).com_x_moment

        return _solve_lean(error, guess)

    # --- the pose ------------------------------------------------------------------------
    def pose(
        self,
        depth: float,
        planned_depth: float = 1.0,
        weights: Mapping[str, float] | None = None,
        sway: float = 0.0,
        thorax_guess: float = 0.0,
    ) -> BodyPose:
        """The body at squat ``depth`` (0 standing, 1 at the planned bottom) with faults.

        ``planned_depth`` scales the bottom thigh angle (1 = thighs about parallel);
        ``weights`` says how strongly each fault shows (0..1, see :func:`fault_weights`);
        ``sway`` (metres) tips the whole body about the ankles, as quiet standing does;
        ``thorax_guess`` (radians, e.g. the last frame's) only speeds up the balance solve.
        """
        w = (weights or {}).get
        h = self.stature
        shank0 = self.standing_shank
        thigh0 = STANDING_KNEE_FLEX - shank0
        thigh = thigh0 + depth * (THIGH_BOTTOM * planned_depth - thigh0)
        progress = max(thigh - thigh0, 0.0) / (THIGH_BOTTOM - thigh0)
        shank = shank0 + (SHANK_PARALLEL - shank0) * progress**SHANK_EXPONENT
        shank += (
            GLUTES_LOW_SHANK * w("glutes_low", 0.0)
            + WEIGHT_FORWARD_SHANK * w("weight_forward", 0.0)
            + HEEL_LIFT_SHANK * w("heels_lift", 0.0)
        )
        shank = min(shank, SHANK_MAX)
        thigh = min(thigh, KNEE_FLEX_MAX - shank)
        tip = sway / (COM_HEIGHT * h)
        heel_lift = HEEL_LIFT * h * w("heels_lift", 0.0)
        legs = self._legs(shank + tip, thigh - tip, heel_lift, KNEE_CAVE * h * w("knees_cave", 0.0))
        target = self.mid_foot_x + sway + WEIGHT_FORWARD_SHIFT * h * w("weight_forward", 0.0)
        tuck = TUCK_TILT * w("tail_tuck", 0.0)
        thorax = self._balance(legs, target, tuck, thorax_guess)
        thorax = min(thorax + FORWARD_LEAN * w("forward_lean", 0.0), THORAX_MAX_FORWARD_LEAN)
        spine = self._spine(legs.hip_x, legs.hip_y, thorax, tuck)
        return self._assemble(legs, spine, tuck, GLUTES_LOW_DROP * h * w("glutes_low", 0.0), depth)

    def _assemble(
        self,
        legs: _Legs,
        spine: _Spine,
        tuck: float,
        glute_drop: float,
        depth: float,
        *,
        arms: np.ndarray | None = None,
        kyphosis: float = KYPHOSIS_HALF,
        tilt: float | None = None,
        balance: float | None = None,
        breath: float = 0.0,
        seat_height: float | None = None,
    ) -> BodyPose:
        """33 landmarks and the silhouette's skeleton from the solved legs and spine.

        A squat leaves the keywords alone. A hold passes its arms (2, 6, 3) when they do not
        keep one shape, its thoracic bend, its pelvic ``tilt`` and ``balance`` when they are
        measured differently (see :meth:`hold_pose`), its breath and its seat.
        """
        hip_x, hip_y = legs.hip_x, legs.hip_y
        shoulders = [(*spine.shoulder, sign * self.shoulder_half_width) for sign in _SIGNS]
        hips = [(hip_x, hip_y, sign * self.hip_half_width) for sign in _SIGNS]
        points = np.empty((NUM_LANDMARKS, 3))
        points[_SCALAR_ROWS] = (
            hips + list(legs.knee) + list(legs.ankle) + list(legs.heel) + shoulders
        )
        points[_TOE] = self.toe

        if arms is None:
            arms = self._arm_local
            if self.arms == "chest":
                arms = arms @ rotation_matrix(spine.thorax)
            arms = arms + np.array(shoulders)[:, None, :]
        points[_ARM_IDX] = arms[:, :5]

        head_angle = HEAD_FOLLOW * spine.thorax
        head = (*spine.head, 0.0)
        points[self._face_idx] = self._face_local @ rotation_matrix(head_angle) + head

        knee_flex, hip_flex, dorsi, lean = joint_angles(points, _BODY_UP)
        if tilt is None:
            tilt = spine.thorax - (spine.pelvis - PELVIS_NEUTRAL)
        if balance is None:
            balance = legs.com_x_moment + spine.com_x_moment - self.mid_foot_x
        cave = sum(
            sign * (track[2] - knee[2])
            for sign, track, knee in zip(_SIGNS, legs.knee_tracking, legs.knee, strict=True)
        )
        return BodyPose(
            landmarks=points,
            hip_centre=(hip_x, hip_y, 0.0),
            l5=(*spine.l5, 0.0),
            t12=(*spine.t12, 0.0),
            c7=(*spine.c7, 0.0),
            head_centre=head,
            hand_tips=arms[:, 5],
            pelvis_angle=spine.pelvis,
            thorax_angle=spine.thorax,
            head_angle=head_angle,
            heel_angle=legs.heel_angle,
            tuck_angle=tuck,
            glute_drop=glute_drop,
            kyphosis=kyphosis,
            breath=breath,
            seat_height=seat_height,
            truth=AthleteTruth(
                rep_index=None,
                phase="stand",
                depth=depth,
                knee_flexion_deg=knee_flex,
                hip_flexion_deg=hip_flex,
                ankle_dorsiflexion_deg=dorsi,
                trunk_lean_deg=lean,
                pelvis_tilt_deg=math.degrees(tilt),
                heel_lift_m=(legs.heel[0][1] + legs.heel[1][1]) / 2.0 - self._heel0_y,
                knee_cave_m=cave / 2.0,
                balance_x_m=balance,
                hip_over_heel_m=hip_x - (legs.heel[0][0] + legs.heel[1][0]) / 2.0,
                lordosis_deg=math.degrees(spine.pelvis - (spine.thorax - kyphosis)),
            ),
        )

    # --- posture holds -------------------------------------------------------------------
    def hold_pose(
        self,
        posture: str,
        weights: Mapping[str, float] | None = None,
        *,
        settle: float = 1.0,
        sway: float = 0.0,
        breath: float = 0.0,
        thorax_guess: float = 0.0,
    ) -> BodyPose:
        """The body holding ``posture`` (one of :data:`HOLDS`) with faults weighted 0..1.

        ``settle`` is how far a sit has got from standing (0) to seated (1); standing holds
        ignore it. ``sway`` (metres) moves the centre of mass as quiet standing does (seated,
        the trunk sways about the hips instead); ``breath`` (-1..1) lifts the shoulders and
        swells the chest; ``thorax_guess`` only speeds up the standing balance solve.

        Unlike a squat, a hold sets the pelvis itself rather than letting it follow the
        thorax, so the truth's ``pelvis_tilt_deg`` is the pelvis's own posterior rotation
        from its neutral standing angle. Seated, ``balance_x_m`` is the upper body's centre
        of mass in front of the sitting bones (negative: rolled back behind them).
        """
        w = (weights or {}).get
        if posture == "stand":
            forward, tuck = w("weight_forward", 0.0), w("tail_tuck", 0.0)
            return self._stand_hold(forward, tuck, sway, breath, thorax_guess)
        if posture == "sit":
            return self._sit_hold(w("tail_tuck", 0.0), settle, sway, breath)
        raise ValueError(f"posture must be one of {', '.join(HOLDS)}, got {posture!r}")

    def _solve_stand_hold(self) -> tuple[float, float]:
        """The standing hold's shank lean and the x of its centre of mass, thorax upright."""
        shank = self._shank_for_hip(STAND_HIP_FORWARD * self.stature, STANDING_KNEE_FLEX)
        legs = self._legs(shank, STANDING_KNEE_FLEX - shank, 0.0, 0.0)
        spine = self._hold_spine(legs.hip_x, legs.hip_y, PELVIS_NEUTRAL, 0.0, KYPHOSIS_HALF)
        return shank, legs.com_x_moment + spine.com_x_moment

    def _shank_for_hip(self, hip_x: float, knee_flex: float) -> float:
        """The shank lean (radians) that puts the hip joints ``hip_x`` in front of the ankles.

        The planar chain of :meth:`_legs` gives hip_x = p (S sin a - T sin(k - a)), which is
        R sin(a - phi) with R, phi below, so the lean is solved in closed form.
        """
        ankle_z = self.ankle_half_width
        lean_in = (ankle_z - self.hip_half_width) / (self.shank + self.thigh)
        planar = math.sqrt(1.0 - lean_in * lean_in)
        along = self.shank + self.thigh * math.cos(knee_flex)
        across = self.thigh * math.sin(knee_flex)
        reach = math.hypot(along, across)
        return math.atan2(across, along) + math.asin(hip_x / (planar * reach))

    def _hold_spine(
        self, hip_x: float, hip_y: float, pelvis: float, thorax: float, kyphosis: float
    ) -> _Spine:
        """The spine chain for a pelvis angle, a thorax chord angle and half the thoracic bend.

        A squat's pelvis follows its thorax (see :meth:`_spine`); a hold sets both, and the
        lumbar curve between them is what is left: its chord keeps its length and leans
        halfway between its end tangents (``pelvis`` and ``thorax - kyphosis``), as a
        circular arc does. A rounder upper back (``kyphosis`` above KYPHOSIS_HALF) carries
        the shoulders forward with the top of the curve, and the neck twice as far.
        """
        h = self.stature
        dx, dy = _rot(L5_FROM_HIP[0] * h, L5_FROM_HIP[1] * h, pelvis - PELVIS_NEUTRAL)
        l5 = (hip_x + dx, hip_y + dy)
        ux, uy = _up(0.5 * (pelvis + thorax - kyphosis))
        t12 = (l5[0] + LUMBAR * h * ux, l5[1] + LUMBAR * h * uy)
        lumbar = math.atan2(t12[0] - l5[0], t12[1] - l5[1])
        ux, uy = _up(thorax)
        c7 = (t12[0] + THORAX * h * ux, t12[1] + THORAX * h * uy)
        rounding = kyphosis - KYPHOSIS_HALF
        dx, dy = _rot(SHOULDER_FROM_C7[0] * h, SHOULDER_FROM_C7[1] * h, thorax + rounding)
        shoulder = (c7[0] + dx, c7[1] + dy)
        neck = NECK_FOLLOW * thorax + 2.0 * rounding
        dx, dy = _rot(HEAD_FROM_C7[0] * h, HEAD_FROM_C7[1] * h, neck)
        head = (c7[0] + dx, c7[1] + dy)
        moment = self._trunk_moment(hip_x, l5, t12, c7, head, lumbar, thorax)
        moment = moment + self._fixed_arms_moment(shoulder[0], thorax)
        return _Spine(pelvis, thorax, l5, t12, c7, shoulder, head, moment)

    def _breathe(self, spine: _Spine, breath: float) -> _Spine:
        """The shoulders ride up and down a few millimetres with the breath."""
        x, y = spine.shoulder
        return spine._replace(shoulder=(x, y + BREATH_SHOULDER_RISE * self.stature * breath))

    def _stand_hold(
        self, forward: float, tuck: float, sway: float, breath: float, guess: float
    ) -> BodyPose:
        """Standing over the heels; ``forward``/``tuck`` weigh the sway-back and the tuck.

        The hips are placed (STAND_HIP_FORWARD, plus SWAY_BACK_HIP for weight_forward), the
        pelvis set, and the thorax solved so the centre of mass lands on its target: the
        clean stance's own point, nearer the toes by SWAY_BACK_WEIGHT for weight_forward.
        So a sway-back's trunk lean-back is whatever keeps that body from falling over.
        Sway tips the whole body about the ankles, as in quiet standing.
        """
        h = self.stature
        knee = STANDING_KNEE_FLEX + (SWAY_BACK_KNEE_FLEX - STANDING_KNEE_FLEX) * forward
        shank = self._shank_for_hip((STAND_HIP_FORWARD + SWAY_BACK_HIP * forward) * h, knee)
        tip = sway / (COM_HEIGHT * h)
        legs = self._legs(shank + tip, knee - shank - tip, 0.0, 0.0)
        tilt = SWAY_BACK_TILT * forward + STAND_TUCK_TILT * tuck
        pelvis = PELVIS_NEUTRAL - tilt
        base = legs.com_x_moment - (self.stand_com_x + sway + SWAY_BACK_WEIGHT * h * forward)

        def error(thorax: float) -> float:
            spine = self._hold_spine(legs.hip_x, legs.hip_y, pelvis, thorax, KYPHOSIS_HALF)
            return base + spine.com_x_moment

        thorax = _solve_lean(error, guess)
        spine = self._hold_spine(legs.hip_x, legs.hip_y, pelvis, thorax, KYPHOSIS_HALF)
        spine = self._breathe(spine, breath)
        return self._assemble(legs, spine, tilt, 0.0, 0.0, tilt=tilt, breath=breath)

    def _sit_hold(self, slump: float, settle: float, sway: float, breath: float) -> BodyPose:
        """Sitting down (``settle`` 0 -> 1) and sitting; ``slump`` weighs the tail tuck.

        The legs turn from the standing hold's to SIT_SHANK/SIT_THIGH, the knees going
        forward and the trunk leaning forward on the way (bumps that vanish at both ends);
        the seated spine is built from the pelvis up (see SLUMP_*), and the slump only
        shows as far as the athlete has sat. Arms at rest move from hanging to the thighs.
        """
        h = self.stature
        u = settle
        slump *= u
        tip = sway * (1.0 - u) / (COM_HEIGHT * h)
        thigh0 = STANDING_KNEE_FLEX - self.stand_shank
        shank = self.stand_shank + (SIT_SHANK - self.stand_shank) * u
        shank += SIT_DOWN_KNEES * math.sin(math.pi * u)
        thigh = thigh0 + (SIT_THIGH - thigh0) * u
        legs = self._legs(shank + tip, thigh - tip, 0.0, 0.0)

        tilt = TUCK_TILT * slump
        kyphosis = KYPHOSIS_HALF + SLUMP_KYPHOSIS * slump
        lordosis = LORDOSIS_NEUTRAL + (SLUMP_LORDOSIS - LORDOSIS_NEUTRAL) * slump
        lean = SIT_DOWN_LEAN * math.sin(math.pi * u**1.5)
        pelvis = PELVIS_NEUTRAL - tilt + PELVIS_FOLLOW * lean
        thorax = (PELVIS_NEUTRAL - tilt) - lordosis + kyphosis + lean + tip
        thorax += sway * u / (SEATED_COM_HEIGHT * h)
        spine = self._hold_spine(legs.hip_x, legs.hip_y, pelvis, thorax, kyphosis)
        spine = self._breathe(spine, breath)

        arms = None
        moment = spine.com_x_moment
        shoulder = np.array([*spine.shoulder, self.shoulder_half_width])
        if self.arms == "rest":
            arms = self._rest_arms(shoulder, legs, smoothstep((u - 0.5) / 0.5))
            moment += self._arms_moment(shoulder[0], arms) - self._fixed_arms_moment(
                shoulder[0], thorax
            )
        balance = None
        if u >= 1.0:
            upper = M_PELVIS + M_ABDOMEN + M_THORAX + M_HEAD + 2.0 * self._arm_mass
            bone_x, _ = _rot(SITTING_BONE[0] * h, SITTING_BONE[1] * h, pelvis - PELVIS_NEUTRAL)
            balance = moment / upper - (legs.hip_x + bone_x)
        return self._assemble(
            legs,
            spine,
            tilt,
            0.0,
            u,
            arms=arms,
            kyphosis=kyphosis,
            tilt=PELVIS_NEUTRAL - pelvis,
            balance=balance,
            breath=breath,
            seat_height=self.seat_height,
        )

    def _rest_arms(self, shoulder: np.ndarray, legs: _Legs, on_thighs: float) -> np.ndarray:
        """Arms at rest (2, 6, 3): hanging (``on_thighs`` 0) to hands on the thighs (1).

        The wrist's target slides from the hanging place to the thigh, and the elbow's
        pole and the back of the hand turn with it; the arm is solved to reach it.
        """
        h = self.stature
        hang = shoulder + np.array(HANG_WRIST) * h
        hip = np.array([legs.hip_x, legs.hip_y, self.hip_half_width])
        rest = hip + THIGH_HAND_AT * (np.array(legs.knee[0]) - hip)
        rest += np.array([0.0, THIGH_HAND_UP, THIGH_HAND_OUT]) * h
        target = hang + (rest - hang) * on_thighs
        pole = _HANG_POLE + (_SEAT_POLE - _HANG_POLE) * on_thighs
        back = _HANG_BACK + (_SEAT_BACK - _HANG_BACK) * on_thighs
        left = self._arm_chain(shoulder, target, pole, back / np.linalg.norm(back))
        arms = np.array([left, left])
        arms[1, :, 2] *= -1.0
        return arms

    def _arm_chain(
        self, shoulder: np.ndarray, target: np.ndarray, pole: np.ndarray, back: np.ndarray
    ) -> np.ndarray:
        """One (left) arm reaching for ``target``: elbow, wrist, pinky, index, thumb, hand tip.

        Two-link IK as for the knee: the elbow on the circle about the shoulder-wrist line,
        toward ``pole``. The hand carries on along the forearm with the back of the hand
        toward ``back``. Its third axis is the cross product along x back, which makes the
        hand frame a rotation of the ``forward`` arms' (along x, up y, lateral z), so the
        thumb lands on the same side of the hand as there.
        """
        h = self.stature
        first, second = UPPER_ARM * h, FOREARM * h
        reach = target - shoulder
        dist = float(np.linalg.norm(reach))
        axis = reach / dist
        dist = min(dist, 0.999 * (first + second))
        along = (first * first - second * second + dist * dist) / (2.0 * dist)
        radius = math.sqrt(max(first * first - along * along, 0.0))
        bend = pole - (pole @ axis) * axis
        elbow = shoulder + axis * along + bend / np.linalg.norm(bend) * radius
        wrist = shoulder + axis * dist
        forearm = (wrist - elbow) / np.linalg.norm(wrist - elbow)
        up = back - (back @ forearm) * forearm
        up /= np.linalg.norm(up)
        lateral = np.cross(forearm, up)
        points = [elbow, wrist]
        for part in _ARM_PARTS[2:]:
            x, y, z = _HAND_POINTS[part]
            points.append(wrist + (forearm * x + up * y + lateral * z) * h)
        points.append(wrist + forearm * HAND_TIP * h)
        return np.array(points)

    def _arms_moment(self, shoulder_x: float, arms: np.ndarray) -> float:
        """Both arms' mass moment (x) for arm points (2, 6, 3) from :meth:`_rest_arms`."""
        total = 0.0
        for elbow, wrist, tip in zip(arms[:, 0, 0], arms[:, 1, 0], arms[:, 5, 0], strict=True):
            hand = wrist + (tip - wrist) * HAND_COM * HAND / HAND_TIP
            total += (
                M_UPPER_ARM * (shoulder_x + UPPER_ARM_COM * (elbow - shoulder_x))
                + M_FOREARM * (elbow + FOREARM_COM * (wrist - elbow))
                + M_HAND * hand
            )
        return float(total)


_BODY_UP = np.array([0.0, 1.0, 0.0])
