"""The one pose-frame type that flows from every source through the coach to the screen.

Camera, video file, recording replay and the demo athlete all produce :class:`PoseFrame`.
Arrays are checked for shape and dtype once, on creation, so nothing downstream has to.
"No person in this frame" is normal input: ``landmarks`` is ``None`` and time still moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from game.pose.landmarks import NUM_LANDMARKS

__all__ = ["FAULTS", "AthleteTruth", "FrameShapeError", "PoseFrame"]

#: The form-fault vocabulary, most important first: the demo athlete's truth labels, the
#: coach's findings, level rules and the HUD all use these words.
FAULTS: tuple[str, ...] = (
    "tail_tuck",
    "glutes_low",
    "weight_forward",
    "heels_lift",
    "knees_cave",
    "forward_lean",
    "shallow",
)


class FrameShapeError(ValueError):
    """A source built a frame whose arrays do not match the pose-frame contract."""


@dataclass(frozen=True, slots=True)
class AthleteTruth:
    """What the demo athlete really did in one frame: the coach's ground truth.

    Angles are in degrees. ``knee_flexion_deg`` and ``hip_flexion_deg`` are 0 standing
    straight and grow as the joint bends (hip flexion is the trunk-to-thigh angle away from
    straight). ``pelvis_tilt_deg`` is positive for a posterior tilt (tail tucking under)
    relative to the athlete's own neutral standing pelvis. ``trunk_lean_deg`` is the trunk's
    angle from vertical. ``depth`` is 0 standing and 1 at the rep's planned bottom.
    ``balance_x_m`` is the whole-body centre of mass in front of the mid-foot (metres).

    Added for posture holds, with defaults so a truth built the old way still reads:
    ``posture`` names the session's hold (``"stand"`` or ``"sit"``; ``None`` in a squat
    set) and ``holding`` is True while the hold's clock runs (standing before it, sitting
    down and the tail after it are not). The demo fills these two for every frame:
    ``hip_over_heel_m``, how far the hip-joint centre sits in front of the heel landmarks
    (metres, horizontal, along the way the athlete faces), and ``lordosis_deg``, the lumbar
    curve: the angle between the spine's tangents at L5/S1 and at T12/L1 (~37° standing,
    0 flat, negative rounded). In a hold the pelvis does not
    follow the trunk, so ``pelvis_tilt_deg`` is its own posterior rotation from the neutral
    standing pelvis, and seated, ``balance_x_m`` is the upper body's centre of mass in front
    of the sitting bones (negative = rolled back behind them); ``depth`` is 0 standing and
    goes to 1 as a sit reaches the seat.
    """

    rep_index: int | None
    phase: str
    depth: float
    knee_flexion_deg: float
    hip_flexion_deg: float
    ankle_dorsiflexion_deg: float
    trunk_lean_deg: float
    pelvis_tilt_deg: float
    heel_lift_m: float
    knee_cave_m: float
    balance_x_m: float
    faults: frozenset[str] = frozenset()
    posture: str | None = None
    holding: bool = False
    hip_over_heel_m: float = 0.0
    lordosis_deg: float = 0.0


@dataclass(frozen=True, slots=True, eq=False)
class PoseFrame:
    """One moment of one person's pose.

    Attributes:
        timestamp_s: seconds since the source started (monotonic, from the source's clock).
        landmarks: ``(33, 4)`` float32 rows of image ``x, y`` (0..1 of the frame width and
            height, y down), ``z`` (depth relative to the hips, same scale as x; smaller is
            nearer the camera) and ``visibility`` (0..1). ``None`` when no person is seen.
        world_landmarks: ``(33, 3)`` float32 metres, origin midway between the hips, axes
            aligned with the camera (x right, y down, z away from the camera), as MediaPipe
            gives them. ``None`` when no person is seen.
        frame_size: ``(width, height)`` of the camera image in pixels.
        mask: optional ``(H, W)`` float32 person segmentation, 1 = person (at the size
            it was inferred at, which may be smaller than ``frame_size``).
        image: optional ``(H, W, 3)`` uint8 RGB camera image: ``frame_size``, or the
            size the game shows it at when it asked the camera for that
            (:attr:`~game.pose.camera.CameraSource.display_size`).

    A camera frame is shown as a mirror: its ``image``, ``mask`` and image-landmark x are
    mirrored after inference, while ``world_landmarks`` and the LEFT/RIGHT labels stay
    anatomical (the player's own left knee is still ``LEFT_KNEE``); see
    :mod:`game.pose.camera`.
        truth: ground truth, only from the demo athlete.
        extra_people: how many other people the estimator saw besides this one (the
            player is the largest); the coach does not count while someone else is in view.
    """

    timestamp_s: float
    landmarks: np.ndarray | None
    world_landmarks: np.ndarray | None
    frame_size: tuple[int, int]
    mask: np.ndarray | None = None
    image: np.ndarray | None = None
    truth: AthleteTruth | None = field(default=None)
    extra_people: int = 0

    def __post_init__(self) -> None:
        if not np.isfinite(self.timestamp_s):
            raise FrameShapeError(f"timestamp_s must be finite, got {self.timestamp_s!r}")
        width, height = self.frame_size
        if width <= 0 or height <= 0:
            raise FrameShapeError(f"frame_size must be positive, got {self.frame_size!r}")
        if (self.landmarks is None) != (self.world_landmarks is None):
            raise FrameShapeError("landmarks and world_landmarks must both be set or both None")
        _check(self.landmarks, "landmarks", (NUM_LANDMARKS, 4), np.float32)
        _check(self.world_landmarks, "world_landmarks", (NUM_LANDMARKS, 3), np.float32)
        if self.mask is not None:
            _check(self.mask, "mask", (self.mask.shape[0], self.mask.shape[1]), np.float32)
        if self.image is not None:
            _check(self.image, "image", (self.image.shape[0], self.image.shape[1], 3), np.uint8)

    @property
    def has_person(self) -> bool:
        """Whether a person was seen in this frame."""
        return self.landmarks is not None

    @classmethod
    def empty(cls, timestamp_s: float, frame_size: tuple[int, int], **extra: object) -> PoseFrame:
        """A frame in which nobody was seen."""
        return cls(timestamp_s, None, None, frame_size, **extra)  # type: ignore[arg-type]


def _check(array: np.ndarray | None, name: str, shape: tuple[int, ...], dtype: type) -> None:
    if array is None:
        return
    if not isinstance(array, np.ndarray):
        raise FrameShapeError(f"{name} must be a numpy array, got {type(array).__name__}")
    if array.shape != shape:
        raise FrameShapeError(f"{name} must have shape {shape}, got {array.shape}")
    if array.dtype != dtype:
        raise FrameShapeError(f"{name} must be {np.dtype(dtype).name}, got {array.dtype}")
