"""Cues timed to the moment they matter, while the rep is still going.

A rep's faults are decided when it ends (from the whole rep: :mod:`game.coach.faults`),
but a cue that arrives after the rep tells the player about the past. This watches the
frames of the rep in progress and speaks as soon as one fault shows, so the tail tuck is
flagged at the bottom, where the player can still stop just above it:

* ``tail_tuck`` (side view) — the lower back's bulge rises ``TUCK_RISE_MIN`` over its
  value at mid-descent (knees bent ``MID_DESCENT_DEG`` above standing) and reaches
  ``TUCK_BULGE_MIN``: the same rule the rep is judged by, on a 3-frame median;
* ``knees_cave`` (front/rear) — knees inside ``KNEE_CAVE_MAX_RATIO`` of the ankles once
  the squat is past ``DEEP_BEND_DEG``;
* ``forward_lean`` (side/three-quarter) — trunk past ``FORWARD_LEAN_MAX_DEG`` near the
  bottom (mid-descent, the trunk leans further for a moment in a sound squat too).

The tuck and the lean are looked for only while going down or at the bottom: the knees
within ``BOTTOM_BAND_DEG`` of their deepest so far.

At most one cue per rep, the first fault seen (one short instruction at a time is all a
player moving can take in).
"""

from __future__ import annotations

import math
import statistics
from collections import deque

from game.coach.faults import (
    FORWARD_LEAN_MAX_DEG,
    KNEE_CAVE_MAX_RATIO,
    KNEE_VIEWS,
    PROFILE_VIEWS,
    SHIN_GAP_MIN,
    SIDE_VIEWS,
    TUCK_BULGE_MIN,
    TUCK_RISE_MIN,
)
from game.coach.features import BodyFeatures
from game.coach.scoring import CUES

__all__ = ["LiveCues"]

#: Knee bend above standing taken as mid-descent (the tuck's reference): 30-60° is past
#: the first sway and short of any squat's bottom (a counted rep bends 45°+ above standing).
MID_DESCENT_DEG = (30.0, 60.0)
#: Knee bend above standing from which knees caving is worth a word.
DEEP_BEND_DEG = 45.0
#: The knees within this many degrees of their deepest so far are still "at the bottom".
BOTTOM_BAND_DEG = 6.0
#: Frames a fault must show in a row before it is said (one glitch is not a fault).
CONFIRM_FRAMES = 3


class LiveCues:
    """Feed it each frame of a rep in progress; it returns a fault name once per rep."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """A new rep starts: forget the last one's reference and let a cue be said again."""
        self._said = False
        self._mid_bulges: list[float] = []
        self._recent_bulge: deque[float] = deque(maxlen=3)
        self._streak: dict[str, int] = {}
        self._deepest = -math.inf

    def update(self, features: BodyFeatures, bend_deg: float, descending: bool) -> str | None:
        """``bend_deg``: smoothed knee bend above the player's standing baseline;
        ``descending``: still on the way down (a tuck is looked for only there: it is the
        pelvis giving way at the bottom, and on the drive up the arms and hips swing
        through the contour)."""
        if self._said or not math.isfinite(bend_deg):
            return None
        view = features.view
        seen: set[str] = set()
        knee = features.knee_flexion_deg
        if math.isfinite(knee):
            self._deepest = max(self._deepest, knee)
        # Going down or at the bottom: the knees no more than BOTTOM_BAND_DEG off their
        # deepest (the detector's own "up" comes a few frames late, after its smoothing).
        at_bottom = descending and math.isfinite(knee) and knee >= self._deepest - BOTTOM_BAND_DEG
        if view in PROFILE_VIEWS and math.isfinite(features.lumbar_bulge):
            self._recent_bulge.append(features.lumbar_bulge)
            if MID_DESCENT_DEG[0] <= bend_deg <= MID_DESCENT_DEG[1]:
                self._mid_bulges.append(features.lumbar_bulge)
            if at_bottom and self._mid_bulges and bend_deg > MID_DESCENT_DEG[1]:
                now = statistics.median(self._recent_bulge)
                rise = now - statistics.median(self._mid_bulges)
                if rise >= TUCK_RISE_MIN and now >= TUCK_BULGE_MIN:
                    seen.add("tail_tuck")
        if (
            view in KNEE_VIEWS
            and bend_deg >= DEEP_BEND_DEG
            and features.knee_width_ratio < KNEE_CAVE_MAX_RATIO
        ) or (view in KNEE_VIEWS and at_bottom and features.shin_gap < SHIN_GAP_MIN):
            seen.add("knees_cave")
        if (
            at_bottom
            and bend_deg > MID_DESCENT_DEG[1]
            and view in SIDE_VIEWS
            and features.trunk_lean_deg > FORWARD_LEAN_MAX_DEG
        ):
            seen.add("forward_lean")
        for fault in list(self._streak):
            if fault not in seen:
                del self._streak[fault]
        for fault in ("tail_tuck", "knees_cave", "forward_lean"):
            if fault in seen:
                self._streak[fault] = self._streak.get(fault, 0) + 1
                if self._streak[fault] >= CONFIRM_FRAMES:
                    self._said = True
                    return fault
        return None

    @staticmethod
    def cue(fault: str) -> str:
        return CUES[fault]
