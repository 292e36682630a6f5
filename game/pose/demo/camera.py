"""The demo camera: a level pinhole camera placed for a view, and MediaPipe-style outputs.

It turns body-frame points (x forward, y up, z to the athlete's left) into what the Pose
Landmarker reports: image ``x, y`` in 0..1 (y down), a relative depth ``z``, visibility,
and world landmarks (metres, origin between the hips, camera axes x right, y down, z away).

Which side faces the camera: with the athlete side-on and facing image-right, the camera
stands at their RIGHT side, so their right limbs are nearer and their left limbs are
farther (and less visible). A real side clip agrees: in ``side_yuyou_deep_tailtuck``
(facing right) MediaPipe puts LEFT_HIP 0.21 m farther than RIGHT_HIP. From the front,
the athlete's left appears on image right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from game.pose.landmarks import NUM_LANDMARKS, Landmark

__all__ = [
    "CAMERA_DISTANCE_M",
    "FACINGS",
    "HORIZONTAL_FOV_DEG",
    "LENS_HEIGHT_M",
    "VIEW_YAW_DEG",
    "Camera",
]

#: Camera yaw per view: 0 = in front of the athlete, 90 = at their side.
VIEW_YAW_DEG: dict[str, float] = {"side": 90.0, "three_quarter": 45.0, "front": 0.0}
#: Which way the athlete faces in the image (side and three-quarter views).
FACINGS: tuple[str, ...] = ("right", "left")
#: A phone on a shelf or tripod across a living room: ~3.2 m away, lens ~1 m up, a
#: typical ~60° horizontal field of view (phone main cameras are 60-75°).
CAMERA_DISTANCE_M = 3.2
LENS_HEIGHT_M = 1.0
HORIZONTAL_FOV_DEG = 60.0
#: Free border kept around the athlete's extent, as a fraction of the frame on each side.
FRAME_MARGIN = 0.06
#: MediaPipe's image z is not quite "the same scale as x": on two real side clips in
#: shared/data (tommy, yuyou) a fit of image z against world z (put in x's scale) gave a
#: slope of 3.5-3.7. We copy that so the demo's z looks like the real one.
MEDIAPIPE_Z_GAIN = 3.6

# Visibility, from the same two side clips: near-side landmarks 0.97-1.0; far-side
# shoulders, hips and face stay ~0.99; far elbows and hands 0.02-0.7, far knees 0.3-0.65,
# far ankles and feet 0.4-0.8. The far knee sits below the 0.5 "visible" line (not on it,
# where noise would flip it every frame).
NEAR_VISIBILITY = 0.985
_FAR_VISIBILITY_BY_PART = {
    "EYE_INNER": 0.97, "EYE": 0.97, "EYE_OUTER": 0.97, "EAR": 0.96, "MOUTH": 0.97,
    "SHOULDER": 0.97, "HIP": 0.97,
    "ELBOW": 0.40, "WRIST": 0.35, "PINKY": 0.32, "INDEX": 0.32, "THUMB": 0.32,
    "KNEE": 0.40, "ANKLE": 0.60, "HEEL": 0.62, "FOOT_INDEX": 0.65,
}  # fmt: skip
#: Half the depth gap between a landmark and its mirror twin at which it counts as fully
#: hidden behind the body: the hip joints' half-width (9 cm at 1.75 m).
FULLY_FAR_DEPTH_M = 0.09


def _twin_and_far_visibility() -> tuple[np.ndarray, np.ndarray]:
    """Each landmark's mirror twin (itself on the midline) and its far-side visibility."""
    twin = np.arange(NUM_LANDMARKS)
    far = np.full(NUM_LANDMARKS, 0.97)
    for landmark in Landmark:
        name = landmark.name
        for this, other in (("LEFT", "RIGHT"), ("RIGHT", "LEFT")):
            if this in name.split("_"):
                twin[landmark] = Landmark[name.replace(this, other)]
                part = "_".join(p for p in name.split("_") if p != this)
                far[landmark] = _FAR_VISIBILITY_BY_PART[part]
    return twin, far


_TWIN, _FAR_VISIBILITY = _twin_and_far_visibility()
_HIPS = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]


@dataclass(frozen=True, slots=True, eq=False)
class Camera:
    """A level pinhole camera. ``axes`` rows are image-right, image-down and the optical
    axis (away from the camera), in body-frame coordinates; ``position`` is the lens."""

    axes: np.ndarray
    position: np.ndarray
    focal_px: float
    width: int
    height: int

    @classmethod
    def for_view(
        cls,
        view: str,
        facing: str,
        width: int,
        height: int,
        extent: np.ndarray,
        lens_height: float = LENS_HEIGHT_M,
        min_distance: float = CAMERA_DISTANCE_M,
    ) -> Camera:
        """Place the camera for ``view`` so every point of ``extent`` (N, 3) is in frame.

        The camera stays level at ``lens_height`` and looks at the middle of the extent;
        it stands ``min_distance`` away, or farther if the frame's aspect ratio or a tall
        athlete needs it to fit everything with :data:`FRAME_MARGIN` to spare.
        """
        yaw = math.radians(VIEW_YAW_DEG[view])
        # Facing image-right puts the camera on the athlete's right (-z); mirrored for left.
        side = -1.0 if facing == "right" else 1.0
        toward_camera = np.array([math.cos(yaw), 0.0, side * math.sin(yaw)])
        right = np.array([-side * math.sin(yaw), 0.0, math.cos(yaw)])
        axes = np.stack([right, np.array([0.0, -1.0, 0.0]), -toward_camera])
        focal = (width / 2.0) / math.tan(math.radians(HORIZONTAL_FOV_DEG) / 2.0)

        across, depth = extent @ right, extent @ -toward_camera
        target = right * (across.min() + across.max()) / 2.0
        target -= toward_camera * (depth.min() + depth.max()) / 2.0
        rel = extent - target
        # Depth Z = distance + rel.k must satisfy f*|X|/Z <= half-width (and same for Y).
        half_w, half_h = (
            (width / 2.0) * (1 - 2 * FRAME_MARGIN),
            (height / 2.0) * (1 - 2 * FRAME_MARGIN),
        )
        need_x = focal * np.abs(rel @ right) / half_w - rel @ axes[2]
        need_y = focal * np.abs(extent[:, 1] - lens_height) / half_h - rel @ axes[2]
        distance = max(min_distance, float(need_x.max()), float(need_y.max()))
        position = target + toward_camera * distance
        position[1] = lens_height
        return cls(axes, position, focal, width, height)

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """Body-frame points (..., 3) in camera coordinates (x right, y down, z away)."""
        return (points - self.position) @ self.axes.T

    def to_pixels(self, camera_points: np.ndarray) -> np.ndarray:
        """Camera-frame points (..., 3) to pixel coordinates (..., 2)."""
        scale = self.focal_px / camera_points[..., 2:3]
        centre = np.array([self.width / 2.0, self.height / 2.0])
        return camera_points[..., :2] * scale + centre

    def landmarks(
        self, camera_points: np.ndarray, visibility: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """MediaPipe-style ``(33, 4)`` image landmarks and ``(33, 3)`` world landmarks.

        ``camera_points`` are the 33 landmarks in camera coordinates (noise already
        added). The world origin is the midpoint of these hips, as MediaPipe's is.
        """
        hip_centre = camera_points[_HIPS].mean(axis=0)
        image = np.empty((NUM_LANDMARKS, 4), dtype=np.float32)
        pixels = self.to_pixels(camera_points)
        image[:, 0] = pixels[:, 0] / self.width
        image[:, 1] = pixels[:, 1] / self.height
        depth_scale = MEDIAPIPE_Z_GAIN * self.focal_px / (hip_centre[2] * self.width)
        image[:, 2] = (camera_points[:, 2] - hip_centre[2]) * depth_scale
        image[:, 3] = visibility
        world = (camera_points - hip_centre).astype(np.float32)
        return image, world

    def far_side(self, camera_points: np.ndarray, body_scale: float) -> np.ndarray:
        """0 for a landmark level with its mirror twin, up to 1 when fully behind the body.

        ``body_scale`` is the athlete's stature over 1.75 m, so the threshold scales.
        """
        behind = (camera_points[:, 2] - camera_points[_TWIN, 2]) / 2.0
        x = np.clip(behind / (FULLY_FAR_DEPTH_M * body_scale), 0.0, 1.0)
        return x * x * (3.0 - 2.0 * x)

    @staticmethod
    def visibility(far_side: np.ndarray) -> np.ndarray:
        """Noise-free visibility from :meth:`far_side`: near ~0.985, far per body part."""
        return NEAR_VISIBILITY - (NEAR_VISIBILITY - _FAR_VISIBILITY) * far_side
