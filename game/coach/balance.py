"""Balance over the feet: where the hips and the body's centre of mass sit along the foot.

"Weight balanced over the heels" is a horizontal position, so it is measured along the
foot: from the heel (0) to the toe landmark (1), in MediaPipe's world landmarks (metres,
hip-centred, y down). The foot axis is the mean heel-to-toe direction of the visible feet,
flattened to the floor; positions are projected on it and divided by the foot's length.

* ``hips_over_foot`` — the hip-joint centre. Standing "balanced over the heels" puts it
  near 0 (above the heel/ankle); hips pushed forward with the tail tucked under read
  positive and larger.
* ``com_over_foot`` — the whole body's centre of mass, from segment masses and centres
  after Winter, *Biomechanics and Motor Control of Human Movement* (4th ed., Table 4.1):
  it must stay over the foot to stand, so it says where the weight is. The mid-foot is
  about 0.4-0.5 of heel-to-toe; weight on the balls of the feet reads well past it.

Valid in side and three-quarter views only: from the front the foot axis points at the
camera, the one direction MediaPipe's world landmarks estimate worst.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from game.pose.landmarks import Landmark, Side, side_landmarks

__all__ = ["FootBalance", "foot_balance"]

#: Segment mass fractions and centres (fraction of the way from the first landmark to the
#: second), Winter Table 4.1. Head+neck sits at the ears; the trunk (thorax, abdomen,
#: pelvis: 0.497) at 0.5 of hip to shoulder (Winter's trunk centre is 0.50 of its length).
_TRUNK = 0.497
_HEAD = 0.081
_UPPER_ARM, _UPPER_ARM_COM = 0.028, 0.436
_FOREARM_HAND, _FOREARM_HAND_COM = 0.022, 0.682  # forearm + hand, centre from the elbow
_THIGH, _THIGH_COM = 0.100, 0.433
_SHANK, _SHANK_COM = 0.0465, 0.433
_FOOT = 0.0145
#: A foot shorter than this (metres, heel to toe landmark) is a landmark error, not a foot.
MIN_FOOT_M = 0.08


@dataclass(frozen=True, slots=True)
class FootBalance:
    """Positions along the foot (0 heel, 1 toe) and the hips' place in metres; NaN when
    not measurable. ``hip_back_m``/``hip_up_m`` are the hip-joint centre's distance behind
    the heel along the foot and above it, so a rep can tell hips going back from down."""

    hips_over_foot: float
    com_over_foot: float
    hip_back_m: float = math.nan
    hip_up_m: float = math.nan


def foot_balance(world: np.ndarray, visible: np.ndarray) -> FootBalance:
    """Where the hips and the centre of mass sit along the feet in one frame."""
    heels, toes = [], []
    for side in Side:
        lm = side_landmarks(side)
        if visible[lm.heel] and visible[lm.foot_index]:
            heels.append(world[lm.heel])
            toes.append(world[lm.foot_index])
    if not heels:
        return FootBalance(math.nan, math.nan)
    heel = sum(heels) / len(heels)
    axis = sum(toes) / len(toes) - heel
    axis[1] = 0.0  # along the floor
    foot_len = float(np.linalg.norm(axis))
    if not math.isfinite(foot_len) or foot_len < MIN_FOOT_M:
        return FootBalance(math.nan, math.nan)
    axis /= foot_len

    hip = (world[Landmark.LEFT_HIP] + world[Landmark.RIGHT_HIP]) / 2
    hips = float((hip - heel) @ axis) / foot_len
    com = _centre_of_mass(world)
    com_pos = float((com - heel) @ axis) / foot_len if com is not None else math.nan
    return FootBalance(hips, com_pos, -float((hip - heel) @ axis), float(heel[1] - hip[1]))


def _centre_of_mass(world: np.ndarray) -> np.ndarray | None:
    """Whole-body centre of mass from the world landmarks (Winter's segment table).

    A limb segment hidden on one side (NaN: the model was unsure of it) takes the other
    side's. Arms hidden on both sides (folded at the chest, seen from the side) are put at
    the shoulders: light (5 % of the mass each) and close to the trunk either way. Legs
    hidden on both sides, or no trunk, and there is no centre of mass.
    """
    shoulder = _mid(world, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    hip = _mid(world, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    head = _mid(world, Landmark.LEFT_EAR, Landmark.RIGHT_EAR)
    if not np.isfinite(head).all():
        head = world[Landmark.NOSE]
    # All limb segments at once: (segment, side, xyz) centres, averaged over the sides seen.
    centres = world[_SEG_START] + _SEG_FRACTION * (world[_SEG_END] - world[_SEG_START])
    seen = np.isfinite(centres).all(axis=2)
    count = seen.sum(axis=1)
    summed = np.where(seen[..., None], centres, 0.0).sum(axis=1)
    limb = np.empty((len(_LIMB_SEGMENTS), 3))
    known = count > 0
    limb[known] = summed[known] / count[known, None]
    arms_unseen = ~known & _SEG_IS_ARM
    limb[arms_unseen] = shoulder
    if not (known | _SEG_IS_ARM).all():
        return None
    total = _TRUNK * (hip + 0.5 * (shoulder - hip)) + _HEAD * head + _SEG_MASS @ limb
    return total if np.isfinite(total).all() else None  # the fractions sum to 1.0


def _mid(world: np.ndarray, a: Landmark, b: Landmark) -> np.ndarray:
    return (world[a] + world[b]) / 2


def _segment(name: str) -> tuple[tuple[Landmark, Landmark], tuple[Landmark, Landmark]]:
    start, end = name.split("-")
    left, right = side_landmarks(Side.LEFT), side_landmarks(Side.RIGHT)
    return (
        (getattr(left, start), getattr(left, end)),
        (getattr(right, start), getattr(right, end)),
    )


_ARM_ROOTS = frozenset({Landmark.LEFT_SHOULDER, Landmark.LEFT_ELBOW})
#: (mass fraction per side, centre fraction from the first landmark, left pair, right pair)
_LIMB_SEGMENTS = tuple(
    (mass, fraction, *_segment(name))
    for mass, fraction, name in (
        (_UPPER_ARM, _UPPER_ARM_COM, "shoulder-elbow"),
        (_FOREARM_HAND, _FOREARM_HAND_COM, "elbow-wrist"),
        (_THIGH, _THIGH_COM, "hip-knee"),
        (_SHANK, _SHANK_COM, "knee-ankle"),
        (_FOOT, 0.5, "heel-foot_index"),
    )
)

_SEG_START = np.array([[first[0], second[0]] for _, _, first, second in _LIMB_SEGMENTS])
_SEG_END = np.array([[first[1], second[1]] for _, _, first, second in _LIMB_SEGMENTS])
_SEG_FRACTION = np.array([fraction for _, fraction, _, _ in _LIMB_SEGMENTS])[:, None, None]
#: Both sides' mass per segment (the fractions in the table are per side).
_SEG_MASS = np.array([2 * mass for mass, _, _, _ in _LIMB_SEGMENTS])
_SEG_IS_ARM = np.array([first[0] in _ARM_ROOTS for _, _, first, _ in _LIMB_SEGMENTS])
