"""When a live level must hold its clock: the camera is gone, or the player is not in view.

With the demo athlete or a video, frames never stop and nobody walks in. With a camera,
cables come out, drivers hang, the player steps out to fetch water and a child walks in.
None of that should cost the player time or count as reps, and none of it should need a
key press to recover from: the level holds, says why in big letters, and carries on by
itself as soon as good frames return. This module only decides; the play scene holds.

No pygame here, so the rules are tested on their own.
"""

from __future__ import annotations

from collections.abc import Sequence

from game.coach.framing import ONE_PERSON
from game.pose.camera import STALL_AFTER_S, CameraStatus
from game.pose.frame import PoseFrame

__all__ = [
    "CAMERA_LOST",
    "HOLD_AFTER_S",
    "NO_FRAMES_S",
    "ONE_PERSON",
    "STEP_BACK_IN",
    "LiveWatch",
]

CAMERA_LOST = "Camera lost - reconnect it"
STEP_BACK_IN = "Step back into view"
#: A player out of view, or someone else in it, for this long holds the level. Shorter
#: spells are normal life (a frame where the model loses the player at the bottom of a
#: squat, someone crossing behind) and the coach rides them out.
HOLD_AFTER_S = 1.0
#: No new frame from a live source for this long means the camera, or the model behind
#: it, has stopped, even when the source does not say so itself: the same second the
#: camera source waits before it reports "stalled".
NO_FRAMES_S = STALL_AFTER_S
#: What a source's ``status`` says when its camera is not delivering.
_CAMERA_DOWN = frozenset({CameraStatus.STALLED, CameraStatus.LOST})


class LiveWatch:
    """Feed it each update's new frames; it says whether, and why, to hold the level.

    Attributes:
        camera_down: the camera is not delivering (its own status, or no frames).
        message: why the level is held now, or None to play on.
    """

    def __init__(self) -> None:
        self.camera_down = False
        self.message: str | None = None
        self._no_frames_s = 0.0
        self._away_s = 0.0
        self._latest: PoseFrame | None = None

    def update(self, frames: Sequence[PoseFrame], status: str | None, dt: float) -> str | None:
        """Advance by ``dt`` with the frames that arrived and the source's ``status``.

        Returns the hold message (see the module's constants), or None when the level may
        run. A camera problem holds at once (the source and :data:`NO_FRAMES_S` have
        already waited); a person problem only after :data:`HOLD_AFTER_S`.
        """
        if frames:
            self._no_frames_s = 0.0
            self._latest = frames[-1]
        else:
            self._no_frames_s += dt
        # A camera still starting up (exposure, first inference) says so, and says
        # "stalled" itself if that takes too long; only then does silence mean trouble.
        silent = self._no_frames_s > NO_FRAMES_S and status != CameraStatus.STARTING
        self.camera_down = status in _CAMERA_DOWN or silent
        person = self._person_problem(self._latest)
        if person is None:
            self._away_s = 0.0
        else:
            self._away_s += dt
        if self.camera_down:
            self.message = CAMERA_LOST
        elif person is not None and self._away_s > HOLD_AFTER_S:
            self.message = person
        else:
            self.message = None
        return self.message

    @staticmethod
    def _person_problem(frame: PoseFrame | None) -> str | None:
        if frame is None or not frame.has_person:
            return STEP_BACK_IN
        if frame.extra_people > 0:
            return ONE_PERSON
        return None
