"""Posture holds: "stand balanced over the heels" and "sit tall on both sitting bones".

A hold level scores how long the player keeps a good position, so the judge answers per
frame: is the player *in* the posture at all (standing / seated), and if so, is it *good*?
The stand is judged from the side or three-quarter, the sit from the side only (the
fore-aft positions and the back's contour that matter cannot be seen from the front);
from any other view the frame is "not measurable" and neither counts for nor against the
player.

**stand_heels** — standing (knees within ``STAND_KNEE_MAX_DEG`` of straight, hips open):

* the hip joints sit over the heels, not pushed forward of the ankles
  (``hips_ahead`` ≤ ``STAND_HIPS_AHEAD_MAX`` hip-to-ankle lengths), and
* the trunk is not leaning back behind the hips to balance hips pushed forward
  (``shoulders_ahead`` ≥ ``STAND_SHOULDERS_BEHIND_MIN`` trunk lengths).
  Otherwise the fault is ``weight_forward``: the "tail between the legs" stance.

**sit_tall** — seated (knees and hips both bent ``SIT_FLEXION_DEG``, which a chair or box
gives), and:

* the trunk is upright over the sitting bones, not slumped back
  (``shoulders_ahead`` ≥ ``SIT_SHOULDERS_BEHIND_MIN``), and
* the lower back keeps its curve: the silhouette's lumbar bulge at most
  ``SIT_BULGE_MAX`` trunk lengths. Rolled back onto the tail, the pelvis tips back
  and the lower back rounds out behind: the fault is ``tail_tuck``.

Where each number comes from is stated beside it; the demo athlete's holds are the
ground truth (game/pose/demo) and the real side clips' standing frames the check that
ordinary standing is not flagged as something worse than it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from game.coach.features import VISIBLE_MIN, BodyFeatures, View, measure
from game.coach.silhouette import facing_sign, measure_back
from game.pose.filter import LandmarkSmoother
from game.pose.frame import PoseFrame

__all__ = ["HOLD_CUES", "POSTURES", "HoldCoach", "HoldStep"]

POSTURES = ("stand_heels", "sit_tall")
_VIEWS = frozenset({View.SIDE, View.THREE_QUARTER})
#: The seated lower back's contour shows a slump only from the side: at three-quarter the
#: demo athlete sitting tall already reads as rounded (like the squat's tail tuck).
_SIT_VIEWS = frozenset({View.SIDE})

#: Standing: knees no more bent than this (MediaPipe reads a straight knee as 5-15° bent
#: from the side; 25° is a soft knee, not a squat), and hips no more flexed.
STAND_KNEE_MAX_DEG = 25.0
STAND_HIP_MAX_DEG = 30.0
#: Hips ahead of the ankles, over the hip-to-ankle length, in the picture. Real side clips
#: standing between reps: medians +0.01 to +0.15 (10th-90th percentile -0.05 to +0.18) —
#: ordinary standing, which for most people is already a little "tail between the legs"
#: (the game's premise). Demo athlete (divided by the sine of the body's yaw, as judged):
#: balanced +0.015 to +0.03, the 7 cm sway-back +0.095 to +0.11. Midway:
STAND_HIPS_AHEAD_MAX = 0.06
#: Shoulders behind the hips by more than this (trunk lengths) is leaning well back to
#: balance hips pushed forward. Real clips standing: medians -0.06 to +0.06; the demo's
#: sway-back -0.09 to -0.10 (caught by the hips rule anyway).
STAND_SHOULDERS_BEHIND_MIN = -0.12
#: Seated: knees and hips each bent within this range (a chair seat at knee height puts
#: both near 90°; 60-130 allows a low stool or a high bench).
SIT_FLEXION_DEG = (60.0, 130.0)
#: Slumped back: shoulders behind the hips by more than this (trunk lengths).
SIT_SHOULDERS_BEHIND_MIN = -0.12
#: Rounded lower back: the silhouette's lumbar bulge from shoulders to hips (the squat's
#: tail-tuck measure, stopped at the hips). The demo athlete sitting tall reads about
#: -0.06 (the lumbar curve hollows the back), slumped onto the tail about +0.05.
SIT_BULGE_MAX = 0.0
#: A fault must show this long before it is called, and a good position this long before
#: the praise: a wobble is not a fault.
CONFIRM_S = 0.4
PRAISE_AFTER_S = 3.0

HOLD_CUES: dict[str, str] = {
    "weight_forward": "Hips back over your heels - stand tall",
    "tail_tuck": "Roll forward onto both sitting bones - sit tall",
    "stand_heels": "Balanced over your heels - hold it!",
    "sit_tall": "Sitting tall - hold it!",
    "get_in_position_stand_heels": "Stand up tall, side-on to the camera",
    "get_in_position_sit_tall": "Sit on a chair, side-on to the camera",
}


@dataclass(frozen=True, slots=True)
class HoldStep:
    """What the judge made of one frame (seconds are of good position)."""

    timestamp_s: float
    measurable: bool
    in_position: bool
    good: bool
    fault: str | None
    cue: str | None
    good_s: float
    streak_s: float
    longest_s: float
    features: BodyFeatures | None = None
    frame: PoseFrame | None = None


class HoldCoach:
    """Judges one posture hold, frame by frame (in time order)."""

    def __init__(self, posture: str, *, smooth: bool = True) -> None:
        if posture not in POSTURES:
            raise ValueError(f"unknown posture {posture!r}; postures: {', '.join(POSTURES)}")
        self.posture = posture
        self._smoother = LandmarkSmoother() if smooth else None
        self.good_s = 0.0
        self.streak_s = 0.0
        self.longest_s = 0.0
        self._last_t: float | None = None
        self._last_good = False
        self._state: str | None = None
        self._since = 0.0
        self._said: str | None = None

    def update(self, frame: PoseFrame) -> HoldStep:
        """Judge one frame (in time order). The step carries the smoothed frame."""
        return self.update_smoothed(self.smooth_frame(frame))

    def smooth_frame(self, frame: PoseFrame) -> PoseFrame:
        """The first half of :meth:`update`, as in :class:`~game.coach.coach.Coach`: the
        frame to draw before it is judged; once per frame, in time order."""
        return self._smoother.smooth(frame) if self._smoother is not None else frame

    def update_smoothed(self, frame: PoseFrame) -> HoldStep:
        """The second half of :meth:`update`, for a frame :meth:`smooth_frame` returned."""
        t = frame.timestamp_s
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        self._last_t = t
        features = measure(frame) if frame.extra_people == 0 else None
        seated_bulge = (
            _seated_bulge(frame)
            if self.posture == "sit_tall" and features is not None
            else math.nan
        )
        measurable, in_position, fault = self._judge(features, seated_bulge)
        good = measurable and in_position and fault is None
        # Time counts for the frame interval that ended good (a frame is a sample of the
        # interval before it), so a dropped frame neither gains nor loses time.
        if good and self._last_good:
            self.good_s += dt
            self.streak_s += dt
            self.longest_s = max(self.longest_s, self.streak_s)
        elif not good and measurable:
            self.streak_s = 0.0
        self._last_good = good
        cue = self._cue(t, measurable, in_position, fault, good)
        return HoldStep(
            t,
            measurable,
            in_position,
            good,
            fault,
            cue,
            self.good_s,
            self.streak_s,
            self.longest_s,
            features,
            frame,
        )

    def _judge(self, f: BodyFeatures | None, seated_bulge: float) -> tuple[bool, bool, str | None]:
        """(measurable, in the posture, fault or None)."""
        views = _VIEWS if self.posture == "stand_heels" else _SIT_VIEWS
        if f is None or f.view not in views:
            return False, False, None
        # Fore-aft offsets in the picture shrink as the player turns toward the camera.
        side_on = math.sin(math.radians(f.yaw_deg))
        if self.posture == "stand_heels":
            if not (math.isfinite(f.knee_flexion_deg) and math.isfinite(f.hips_ahead)):
                return False, False, None
            standing = f.knee_flexion_deg <= STAND_KNEE_MAX_DEG and not (
                f.hip_flexion_deg > STAND_HIP_MAX_DEG
            )
            if not standing:
                return True, False, None
            forward = f.hips_ahead / side_on > STAND_HIPS_AHEAD_MAX or (
                f.shoulders_ahead / side_on < STAND_SHOULDERS_BEHIND_MIN
            )
            return True, True, "weight_forward" if forward else None
        lo, hi = SIT_FLEXION_DEG
        if not (math.isfinite(f.knee_flexion_deg) and math.isfinite(f.hip_flexion_deg)):
            return False, False, None
        seated = lo <= f.knee_flexion_deg <= hi and lo <= f.hip_flexion_deg <= hi
        if not seated:
            return True, False, None
        if not math.isfinite(seated_bulge):
            return False, True, None
        slumped = (
            f.shoulders_ahead / side_on < SIT_SHOULDERS_BEHIND_MIN or seated_bulge > SIT_BULGE_MAX
        )
        return True, True, "tail_tuck" if slumped else None

    def _cue(
        self, t: float, measurable: bool, in_position: bool, fault: str | None, good: bool
    ) -> str | None:
        """At most one cue per change of state, once it has lasted CONFIRM_S (praise after
        PRAISE_AFTER_S of good position)."""
        if not measurable:
            return None
        state = "good" if good else fault or ("out" if not in_position else None)
        if state != self._state:
            self._state, self._since = state, t
        held = t - self._since
        if state == self._said:
            return None
        if state == "good" and held >= PRAISE_AFTER_S:
            self._said = state
            return HOLD_CUES[self.posture]
        if state == "out" and held >= CONFIRM_S:
            self._said = state
            return HOLD_CUES[f"get_in_position_{self.posture}"]
        if state not in ("good", "out", None) and held >= CONFIRM_S:
            self._said = state
            return HOLD_CUES[state]
        return None


def _seated_bulge(frame: PoseFrame) -> float:
    """The lower back's bulge from shoulders to hips only: seated, the thighs and the seat
    lie below the hips and would read as a "bulge" (0.47 on the demo's tall sit)."""
    if frame.landmarks is None:
        return math.nan
    visible = (frame.landmarks[:, 3] >= VISIBLE_MIN) & np.isfinite(frame.landmarks[:, :2]).all(
        axis=1
    )
    back = measure_back(
        frame.mask,
        frame.landmarks,
        visible,
        facing_sign(frame.landmarks, visible),
        below_hip_thighs=0.0,
    )
    return back.lumbar_bulge if back is not None else math.nan
