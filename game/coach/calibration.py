"""Per-player calibration: a few seconds standing still, then (optionally) one slow squat.

Where the pelvis starts to tuck differs from person to person, and so does how MediaPipe
reads a straight knee (0-35° depending on view and body) or a lower back's contour
(clothes, hair). A calibration records the player's own numbers so the coach can judge
changes against them:

* **standing** (``STAND_S`` seconds, still: knee bend within ``STILL_KNEE_DEG``): segment
  lengths (world landmarks, metres), knee bend, trunk lean, lumbar bulge, where the hips
  and centre of mass sit over the foot, and the view;
* **one slow squat** (optional): the deepest knee and hip flexion the player reached and
  ``tuck_onset_deg``, the knee flexion at which the tail started to tuck (NaN if it never
  did) — the "stop just above where it tucks" depth that levels can ask for.

Stored per player profile as a plain dict (:meth:`Calibration.as_dict`), read back with
:meth:`Calibration.from_dict`, which rejects a damaged record with a clear error instead
of coaching against nonsense.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from typing import Any

import numpy as np

from game.coach.coach import Coach, RepResult
from game.coach.features import BodyFeatures
from game.pose.frame import PoseFrame
from game.pose.landmarks import Side, side_landmarks

__all__ = [
    "CALIBRATION_VERSION",
    "Calibration",
    "CalibrationError",
    "CalibrationStage",
    "Calibrator",
]

CALIBRATION_VERSION = 1
#: Seconds of still standing needed: enough for ~90 frames at 30 fps, so medians are
#: steady against MediaPipe's jitter (knee angle sd ~4° at rest).
STAND_S = 3.0
#: Still = the knee bend stays within this of the standing run's median (jitter is ~4° sd).
STILL_KNEE_DEG = 12.0
#: A standing run this bent above the straightest seen is not standing (the player is
#: already on the way down).
MAX_STANDING_BEND_DEG = 25.0
#: Depth kept clear of the tuck point when a level asks to stop just above it.
TUCK_MARGIN_DEG = 5.0


class CalibrationError(ValueError):
    """A stored calibration is damaged or from an unknown version."""


class CalibrationStage(StrEnum):
    STANDING = "standing"  # waiting for STAND_S of still standing
    SQUAT = "squat"  # standing done; one slow squat is optional
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Calibration:
    """One player's own numbers. NaN = not measured (e.g. from a front view)."""

    standing_knee_deg: float
    standing_lean_deg: float
    standing_bulge: float
    standing_hips_over_foot: float
    standing_com_over_foot: float
    trunk_m: float
    thigh_m: float
    shank_m: float
    view: str | None
    squat_depth_deg: float = math.nan
    squat_hip_flexion_deg: float = math.nan
    tuck_onset_deg: float = math.nan
    version: int = CALIBRATION_VERSION

    @property
    def has_squat(self) -> bool:
        return math.isfinite(self.squat_depth_deg)

    @property
    def safe_depth_deg(self) -> float:
        """The deepest knee bend to aim for: just above the tuck point, else the player's
        own calibration depth; NaN when there was no squat."""
        if math.isfinite(self.tuck_onset_deg):
            return self.tuck_onset_deg - TUCK_MARGIN_DEG
        return self.squat_depth_deg

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: NaN becomes None."""
        out = asdict(self)
        return {
            k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in out.items()
        }

    @classmethod
    def from_dict(cls, data: Any) -> Calibration:
        if not isinstance(data, dict):
            raise CalibrationError(f"calibration must be a table, got {type(data).__name__}")
        if data.get("version") != CALIBRATION_VERSION:
            raise CalibrationError(
                f"calibration version {data.get('version')!r} is not {CALIBRATION_VERSION}"
            )
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "version":
                continue
            value = data.get(f.name)
            if f.name == "view":
                if value is not None and not isinstance(value, str):
                    raise CalibrationError(f"calibration field 'view' must be text, got {value!r}")
                values["view"] = value
                continue
            if value is None:
                values[f.name] = math.nan
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise CalibrationError(
                    f"calibration field {f.name!r} must be a number, got {value!r}"
                )
            else:
                values[f.name] = float(value)
        required = ("standing_knee_deg",)
        for name in required:
            if not math.isfinite(values[name]):
                raise CalibrationError(f"calibration field {name!r} is missing")
        return cls(**values)


class Calibrator:
    """Feed frames in time order; read :attr:`stage`, :attr:`message` and :meth:`result`."""

    def __init__(self) -> None:
        self._coach = Coach()
        self._run: list[BodyFeatures] = []
        self._segments: list[tuple[float, float, float]] = []
        self._standing: Calibration | None = None
        self._squat: RepResult | None = None
        self.stage = CalibrationStage.STANDING

    @property
    def message(self) -> str:
        """What the player should do now, in plain words."""
        if self.stage is CalibrationStage.STANDING:
            held = self._held_s()
            if held <= 0:
                return "Stand tall and still, side-on to the camera"
            return f"Hold still... {max(0.0, STAND_S - held):.0f}"
        if self.stage is CalibrationStage.SQUAT:
            return "Now one slow squat, as deep as feels good"
        return "Calibrated!"

    def update(self, frame: PoseFrame) -> CalibrationStage:
        step = self._coach.update(frame)
        features = step.features
        if self.stage is CalibrationStage.STANDING:
            self._stand(features, step.frame)
        elif self.stage is CalibrationStage.SQUAT and step.rep is not None:
            self._squat = step.rep
            self.stage = CalibrationStage.DONE
        return self.stage

    def result(self) -> Calibration | None:
        """The calibration so far: ``None`` until the standing part is done."""
        if self._standing is None:
            return None
        if self._squat is None:
            return self._standing
        m = self._squat.metrics
        return replace(
            self._standing,
            squat_depth_deg=m.depth_deg,
            squat_hip_flexion_deg=m.hip_flexion_deg,
            tuck_onset_deg=m.tuck_onset_deg,
        )

    def _held_s(self) -> float:
        return self._run[-1].timestamp_s - self._run[0].timestamp_s if len(self._run) > 1 else 0.0

    def _stand(self, features: BodyFeatures | None, frame: PoseFrame | None) -> None:
        if features is None or not math.isfinite(features.knee_flexion_deg):
            self._run.clear()
            self._segments.clear()
            return
        self._run.append(features)
        if frame is not None and frame.world_landmarks is not None:
            self._segments.append(_segment_lengths(frame.world_landmarks))
        knees = [f.knee_flexion_deg for f in self._run]
        centre = statistics.median(knees)
        if abs(features.knee_flexion_deg - centre) > STILL_KNEE_DEG or centre - min(knees) > (
            MAX_STANDING_BEND_DEG
        ):
            # Moved: the still stretch starts again from this frame.
            self._run = [features]
            self._segments = self._segments[-1:]
            return
        if self._held_s() >= STAND_S:
            self._standing = _standing_calibration(self._run, self._segments)
            self.stage = CalibrationStage.SQUAT


def _standing_calibration(
    run: list[BodyFeatures], segments: list[tuple[float, float, float]]
) -> Calibration:
    def med(name: str) -> float:
        values = [getattr(f, name) for f in run]
        finite = [v for v in values if math.isfinite(v)]
        return statistics.median(finite) if finite else math.nan

    lengths = np.array(segments) if segments else np.full((1, 3), np.nan)
    with np.errstate(all="ignore"):
        trunk, thigh, shank = (float(v) for v in np.nanmedian(lengths, axis=0))
    views = [f.view for f in run if f.view is not None]
    view = statistics.mode(views).value if views else None
    return Calibration(
        standing_knee_deg=med("knee_flexion_deg"),
        standing_lean_deg=med("trunk_lean_deg"),
        standing_bulge=med("lumbar_bulge"),
        standing_hips_over_foot=med("hips_over_foot"),
        standing_com_over_foot=med("com_over_foot"),
        trunk_m=trunk,
        thigh_m=thigh,
        shank_m=shank,
        view=view,
    )


def _segment_lengths(world: np.ndarray) -> tuple[float, float, float]:
    """Trunk (shoulder to hip), thigh and shank lengths, metres, mean of the two sides."""
    trunk, thigh, shank = [], [], []
    for side in Side:
        lm = side_landmarks(side)
        trunk.append(float(np.linalg.norm(world[lm.shoulder] - world[lm.hip])))
        thigh.append(float(np.linalg.norm(world[lm.hip] - world[lm.knee])))
        shank.append(float(np.linalg.norm(world[lm.knee] - world[lm.ankle])))
    with np.errstate(all="ignore"):
        return (
            float(np.nanmean(trunk)),
            float(np.nanmean(thigh)),
            float(np.nanmean(shank)),
        )
