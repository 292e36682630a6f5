"""A tiny stand-in athlete for UI tests: squats in a side view, with a silhouette mask.

The real demo athlete (``game.pose.demo``) is richer; this one only has to be good enough
for the coach to count its reps and for the screen to have something to draw, and it
must not depend on anything but numpy (and pygame for the mask, already a UI test dep).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import numpy as np
import pygame

from game.pose.frame import PoseFrame
from game.pose.landmarks import NUM_LANDMARKS, Landmark
from game.pose.source import SourceInfo

L = Landmark
# Camera sees the athlete's right side: forward is image-right, the left side is far away.
_F = np.array([0.94, 0.0, -0.342])
_U = np.array([0.0, -1.0, 0.0])
_LAT = np.array([0.342, 0.0, 0.94])  # towards the athlete's left


def depth_curve(t: float, lead_s: float, rep_s: float, reps: int) -> float:
    """0 standing .. 1 at the bottom; smooth down, short hold, smooth up, short rest."""
    if t < lead_s:
        return 0.0
    k, u = divmod(t - lead_s, rep_s)
    if k >= reps:
        return 0.0
    down, hold, up = 0.375 * rep_s, 0.1 * rep_s, 0.375 * rep_s
    if u < down:
        return 0.5 - 0.5 * math.cos(math.pi * u / down)
    if u < down + hold:
        return 1.0
    if u < down + hold + up:
        return 0.5 + 0.5 * math.cos(math.pi * (u - down - hold) / up)
    return 0.0


def pose_at(depth: float, bottom_knee_deg: float = 105.0) -> dict[Landmark, np.ndarray]:
    """World positions (metres, ankle height origin, y down) of the landmarks we use."""
    k = math.radians(bottom_knee_deg * depth)
    shin_a = 0.2 * k  # hips back over the heels: the centre of mass stays over the foot
    thigh_a = shin_a - k
    trunk_a = 0.45 * k

    def sag(f: float, u: float) -> np.ndarray:
        return f * _F + u * _U

    def unit(angle: float) -> tuple[float, float]:
        return math.sin(angle), math.cos(angle)

    ankle = sag(0.0, 0.08)
    s = unit(shin_a)
    knee = ankle + sag(0.44 * s[0], 0.44 * s[1])
    t = unit(thigh_a)
    hip = knee + sag(0.44 * t[0], 0.44 * t[1])
    r = unit(trunk_a)
    shoulder = hip + sag(0.52 * r[0], 0.52 * r[1])
    nose = shoulder + sag(0.25 * r[0] + 0.09, 0.25 * r[1])
    arm = math.radians(20 + 65 * depth)
    elbow = shoulder + sag(0.3 * math.sin(arm), -0.3 * math.cos(arm))
    wrist = elbow + sag(0.27 * math.sin(arm), -0.27 * math.cos(arm))
    heel = ankle + sag(-0.06, -0.07)
    toe = ankle + sag(0.17, -0.08)

    pts: dict[Landmark, np.ndarray] = {}
    for side, sign in (("LEFT", 1.0), ("RIGHT", -1.0)):
        for name, base, width in (
            ("SHOULDER", shoulder, 0.19),
            ("ELBOW", elbow, 0.22),
            ("WRIST", wrist, 0.2),
            ("PINKY", wrist, 0.2),
            ("INDEX", wrist, 0.2),
            ("THUMB", wrist, 0.19),
            ("HIP", hip, 0.11),
            ("KNEE", knee, 0.13),
            ("ANKLE", ankle, 0.13),
            ("HEEL", heel, 0.13),
            ("FOOT_INDEX", toe, 0.14),
            ("EAR", nose + sag(-0.1, 0.02), 0.07),
            ("EYE", nose + sag(-0.01, 0.04), 0.03),
            ("EYE_INNER", nose + sag(0.0, 0.04), 0.015),
            ("EYE_OUTER", nose + sag(-0.02, 0.04), 0.045),
        ):
            pts[Landmark[f"{side}_{name}"]] = base + sign * width * _LAT
    pts[L.MOUTH_LEFT] = nose + sag(0.0, -0.04) + 0.02 * _LAT
    pts[L.MOUTH_RIGHT] = nose + sag(0.0, -0.04) - 0.02 * _LAT
    pts[L.NOSE] = nose
    return pts


def make_frame(
    t: float,
    depth: float,
    frame_size: tuple[int, int] = (640, 480),
    mask: bool = True,
    person: bool = True,
    bottom_knee_deg: float = 105.0,
) -> PoseFrame:
    if not person:
        return PoseFrame.empty(t, frame_size)
    w, h = frame_size
    pts = pose_at(depth, bottom_knee_deg)
    world = np.zeros((NUM_LANDMARKS, 3), dtype=np.float32)
    for lm, p in pts.items():
        world[lm] = p
    scale = 0.78 * h / 1.75  # pixels per metre: a 1.75 m athlete fills most of the height
    image = np.zeros((NUM_LANDMARKS, 4), dtype=np.float32)
    image[:, 0] = (0.45 * w + world[:, 0] * scale) / w
    image[:, 1] = (0.93 * h + world[:, 1] * scale) / h
    image[:, 2] = world[:, 2] * scale / w
    image[:, 3] = 0.95
    for lm in (L.LEFT_ELBOW, L.LEFT_WRIST, L.LEFT_PINKY, L.LEFT_INDEX, L.LEFT_THUMB, L.LEFT_EAR):
        image[lm, 3] = 0.3  # the far arm is hidden behind the body
    hip_mid = (world[L.LEFT_HIP] + world[L.RIGHT_HIP]) / 2
    world = world - hip_mid
    mask_arr = _draw_mask(image, (w // 2, h // 2)) if mask else None
    return PoseFrame(t, image, world, frame_size, mask=mask_arr)


_LIMBS = (
    ((L.RIGHT_SHOULDER, L.RIGHT_HIP), 0.17),
    ((L.RIGHT_HIP, L.RIGHT_KNEE), 0.085),
    ((L.LEFT_HIP, L.LEFT_KNEE), 0.085),
    ((L.RIGHT_KNEE, L.RIGHT_ANKLE), 0.06),
    ((L.LEFT_KNEE, L.LEFT_ANKLE), 0.06),
    ((L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX), 0.04),
    ((L.LEFT_HEEL, L.LEFT_FOOT_INDEX), 0.04),
    ((L.RIGHT_SHOULDER, L.RIGHT_ELBOW), 0.05),
    ((L.RIGHT_ELBOW, L.RIGHT_WRIST), 0.045),
    ((L.RIGHT_SHOULDER, L.NOSE), 0.06),
)


def _draw_mask(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    surf = pygame.Surface((w, h))
    surf.fill((0, 0, 0))
    per_m = 0.78 * h / 1.75

    def px(lm: Landmark) -> tuple[int, int]:
        return round(image[lm, 0] * w), round(image[lm, 1] * h)

    for (a, b), radius_m in _LIMBS:
        r = max(1, round(radius_m * per_m))
        pygame.draw.line(surf, (255, 255, 255), px(a), px(b), 2 * r)
        pygame.draw.circle(surf, (255, 255, 255), px(a), r)
        pygame.draw.circle(surf, (255, 255, 255), px(b), r)
    pygame.draw.circle(surf, (255, 255, 255), px(L.NOSE), round(0.11 * per_m))
    return (pygame.surfarray.array_red(surf).T.astype(np.float32) / 255.0).copy()


class FakeAthlete:
    """A :class:`~game.pose.source.PoseSource` doing ``reps`` squats after a lead-in.

    ``live=True`` makes it pretend to be a camera; ``sleep_s`` then delays each frame
    (a slow camera). ``gap`` = (start, end) seconds with nobody in view. ``bottoms`` =
    knee flexion at the bottom of each rep (default 105°, past every target).
    """

    def __init__(
        self,
        reps: int = 5,
        fps: float = 30.0,
        lead_s: float = 1.5,
        rep_s: float = 4.0,
        tail_s: float = 1.0,
        live: bool = False,
        sleep_s: float = 0.0,
        mask: bool = True,
        gap: tuple[float, float] | None = None,
        bottoms: tuple[float, ...] = (),
    ) -> None:
        self.info = SourceInfo("fake", fps, (640, 480), live, "test athlete")
        self.reps, self.fps, self.lead_s, self.rep_s = reps, fps, lead_s, rep_s
        self.duration_s = lead_s + reps * rep_s + tail_s
        self.sleep_s = sleep_s
        self.mask = mask
        self.gap = gap
        self.bottoms = bottoms
        self.closed = 0

    def frames(self) -> Iterator[PoseFrame]:
        n = int(self.duration_s * self.fps)
        for i in range(n):
            if self.sleep_s:
                time.sleep(self.sleep_s)
            t = i / self.fps
            person = self.gap is None or not self.gap[0] <= t < self.gap[1]
            d = depth_curve(t, self.lead_s, self.rep_s, self.reps)
            rep = int(max(0.0, t - self.lead_s) // self.rep_s)
            bottom = self.bottoms[rep] if rep < len(self.bottoms) else 105.0
            yield make_frame(
                t, d, self.info.frame_size, mask=self.mask, person=person, bottom_knee_deg=bottom
            )

    def close(self) -> None:
        self.closed += 1
