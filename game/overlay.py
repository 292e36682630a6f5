"""``analyze --overlay OUT.mp4``: the video with the skeleton and rep marks drawn on it.

For a person to check what the coach saw: each frame gets the skeleton (bones from
``POSE_CONNECTIONS``; landmarks the model was unsure of are left out), the live knee
bend, the rep count, and for a moment after each rep its number, score and faults.
OpenCV draws and encodes (mp4v), so this never loads pygame.

It draws the frames as the coach receives them, so with ``--jobs`` the pictures come
from the parallel lanes like the poses (each frame carries its own picture, inferred
and sent with it); drawing and encoding stay on the coach's thread, in frame order.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from game.coach.coach import CoachStep
from game.coach.features import VISIBLE_MIN
from game.pose.frame import PoseFrame
from game.pose.landmarks import POSE_CONNECTIONS

__all__ = ["OverlayWriter"]

#: How long a finished rep's banner stays on screen.
REP_BANNER_S = 1.5
_BONE = (255, 255, 255)
_JOINT = (40, 200, 255)
_GOOD = (80, 220, 120)
_WARN = (60, 170, 255)


class OverlayWriter:
    """Write annotated frames to ``path``; call :meth:`add` per frame, then :meth:`close`."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        import cv2

        self._cv2 = cv2
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fourcc = cv2.VideoWriter_fourcc(*"mp4v")
        self._writer = cv2.VideoWriter(str(self.path), fourcc, fps, size)
        if not self._writer.isOpened():
            raise OSError(f"cannot write a video to {self.path}")
        self._size = size
        self._count = 0
        self._banner: tuple[float, str, tuple[int, int, int]] | None = None

    def add(self, frame: PoseFrame, step: CoachStep) -> None:
        cv2 = self._cv2
        width, height = self._size
        if frame.image is not None:
            canvas = cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR)
        else:
            canvas = np.zeros((height, width, 3), np.uint8)
        if frame.landmarks is not None:
            points = frame.landmarks[:, :2] * (width, height)
            seen = frame.landmarks[:, 3] >= VISIBLE_MIN
            for a, b in POSE_CONNECTIONS:
                if seen[a] and seen[b] and np.isfinite(points[[a, b]]).all():
                    pa = tuple(int(v) for v in points[a])
                    pb = tuple(int(v) for v in points[b])
                    cv2.line(canvas, pa, pb, _BONE, 2, cv2.LINE_AA)
            for i in np.flatnonzero(seen):
                if np.isfinite(points[i]).all():
                    centre = (int(points[i][0]), int(points[i][1]))
                    cv2.circle(canvas, centre, 3, _JOINT, -1, cv2.LINE_AA)
        if step.rep is not None:
            rep = step.rep
            faults = ", ".join(rep.faults) or "clean"
            color = _GOOD if not rep.faults else _WARN
            self._banner = (frame.timestamp_s, f"REP {rep.index}  {rep.score}  {faults}", color)
        if step.rep is not None:
            self._count = step.rep.index
        depth = f"{step.depth_deg:5.0f} deg" if math.isfinite(step.depth_deg) else "  --"
        self._text(canvas, f"reps {self._count}   knee {depth}   {step.phase}", (10, 24))
        if self._banner and frame.timestamp_s - self._banner[0] <= REP_BANNER_S:
            self._text(canvas, self._banner[1], (10, height - 16), self._banner[2], 0.8)
        self._writer.write(canvas)

    def _text(
        self,
        canvas: np.ndarray,
        text: str,
        origin: tuple[int, int],
        color: tuple[int, int, int] = (255, 255, 255),
        scale: float = 0.6,
    ) -> None:
        cv2 = self._cv2
        cv2.putText(
            canvas, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 4, cv2.LINE_AA
        )
        cv2.putText(canvas, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, color, 1, cv2.LINE_AA)

    def close(self) -> None:
        self._writer.release()
