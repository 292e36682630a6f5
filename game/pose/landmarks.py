"""The 33 BlazePose landmarks by name, the skeleton's bones, and left/right lookups.

MediaPipe's Pose Landmarker returns landmarks in this fixed order (the BlazePose GHUM
topology). Code everywhere else says ``Landmark.LEFT_HIP``, never ``23``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = [
    "NUM_LANDMARKS",
    "POSE_CONNECTIONS",
    "Landmark",
    "Side",
    "SideLandmarks",
    "side_landmarks",
]

NUM_LANDMARKS = 33


class Landmark(IntEnum):
    """Index of each landmark in a pose frame's arrays (BlazePose topology)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


L = Landmark

#: Bones drawn for the skeleton: the body part of MediaPipe's POSE_CONNECTIONS (face
#: lines left out; the nose-to-shoulder line is drawn by the UI as the neck).
POSE_CONNECTIONS: tuple[tuple[Landmark, Landmark], ...] = (
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW),
    (L.LEFT_ELBOW, L.LEFT_WRIST),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW),
    (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.LEFT_SHOULDER, L.LEFT_HIP),
    (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_HIP, L.LEFT_KNEE),
    (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.LEFT_ANKLE, L.LEFT_HEEL),
    (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
    (L.RIGHT_HIP, L.RIGHT_KNEE),
    (L.RIGHT_KNEE, L.RIGHT_ANKLE),
    (L.RIGHT_ANKLE, L.RIGHT_HEEL),
    (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
    (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
)


class Side(IntEnum):
    """A body side. Values follow MediaPipe's convention: the person's own left/right."""

    LEFT = 0
    RIGHT = 1


@dataclass(frozen=True, slots=True)
class SideLandmarks:
    """The landmarks of one body side, so left/right code is one function called twice."""

    shoulder: Landmark
    elbow: Landmark
    wrist: Landmark
    hip: Landmark
    knee: Landmark
    ankle: Landmark
    heel: Landmark
    foot_index: Landmark
    ear: Landmark


_SIDES = {
    Side.LEFT: SideLandmarks(
        L.LEFT_SHOULDER,
        L.LEFT_ELBOW,
        L.LEFT_WRIST,
        L.LEFT_HIP,
        L.LEFT_KNEE,
        L.LEFT_ANKLE,
        L.LEFT_HEEL,
        L.LEFT_FOOT_INDEX,
        L.LEFT_EAR,
    ),
    Side.RIGHT: SideLandmarks(
        L.RIGHT_SHOULDER,
        L.RIGHT_ELBOW,
        L.RIGHT_WRIST,
        L.RIGHT_HIP,
        L.RIGHT_KNEE,
        L.RIGHT_ANKLE,
        L.RIGHT_HEEL,
        L.RIGHT_FOOT_INDEX,
        L.RIGHT_EAR,
    ),
}


def side_landmarks(side: Side) -> SideLandmarks:
    """The named landmarks of ``side``."""
    return _SIDES[side]
