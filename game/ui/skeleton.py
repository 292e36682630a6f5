"""The stage: camera picture or silhouette, and the live skeleton coloured by form.

What the player should read at a glance from three metres: *where the glutes are* (the
pelvis and thighs glow pink) and *how deep the rep is* (legs go amber on the way down and
green once the level's depth target is reached). Landmarks the model is unsure of are
drawn faint instead of confidently wrong.

The form is drawn on the body too: a fault the coach sees turns its region of the
skeleton red (``FAULT_REGIONS``: the pelvis and its glow for a tucked tail, the hips and
thighs for weight pushed forward...), and a posture hold held well turns the whole
skeleton the good colour (``tint``).

Converting a frame's image or mask into a scaled surface is the only costly part, so it
happens in :meth:`Stage.prepare` (called from ``update``) once per *new* frame; drawing
then only blits what was prepared.
"""

from __future__ import annotations

import math
from enum import IntEnum, StrEnum

import numpy as np
import pygame

from game.pose.frame import PoseFrame
from game.pose.landmarks import NUM_LANDMARKS, POSE_CONNECTIONS, Landmark, Side, side_landmarks
from game.pose.picture import scale_picture
from game.ui import theme
from game.ui.assets import gradient
from game.ui.theme import Color

__all__ = [
    "FAULT_REGIONS",
    "VISIBLE_MIN",
    "LegState",
    "Stage",
    "fit_rect",
    "landmarks_to_px",
    "part_colors",
]

#: Below this visibility a landmark is drawn faint (MediaPipe's own drawing threshold,
#: the same one the coach uses to ignore a landmark).
VISIBLE_MIN = 0.5
#: How quickly the floor line follows the feet (seconds): slow enough not to jitter.
FLOOR_TAU_S = 0.5
SILHOUETTE_TINT: Color = (70, 88, 150)
#: Silhouette opacity at mask = 1; a little below 255 lets the backdrop breathe through.
SILHOUETTE_ALPHA = 215


class _Part(IntEnum):
    """What a bone or joint belongs to, which decides its colour."""

    BODY = 0  # head, arms, shoulders
    LEG = 1  # knees and shins
    PELVIS = 2  # the hip joints and the line between them (where the glutes glow)
    TORSO = 3  # shoulder to hip, each side
    THIGH = 4  # hip to knee
    FOOT = 5  # ankle, heel and toes


#: Parts drawn in the legs' colour (standing, going down, past the target).
_LEG_PARTS = frozenset({_Part.LEG, _Part.THIGH, _Part.FOOT})
#: Where each fault shows on the body: that region turns red while the fault is live.
#: The pelvis glow turns red with it when the region holds the pelvis and the fault is
#: about the pelvis or the glutes themselves.
FAULT_REGIONS: dict[str, frozenset[_Part]] = {
    "tail_tuck": frozenset({_Part.PELVIS}),
    "glutes_low": frozenset({_Part.PELVIS}),
    "weight_forward": frozenset({_Part.PELVIS, _Part.THIGH}),
    "heels_lift": frozenset({_Part.FOOT}),
    "knees_cave": frozenset({_Part.LEG, _Part.THIGH}),
    "forward_lean": frozenset({_Part.TORSO}),
    "shallow": frozenset(),  # the depth gauge says it
}
_GLOW_FAULTS = frozenset({"tail_tuck", "glutes_low"})


def _bone_part(a: Landmark, b: Landmark) -> tuple[_Part, float]:
    """Colour group and base line width (px at 480 px picture height) of one bone."""
    for s in Side:
        lm = side_landmarks(s)
        if (a, b) == (lm.hip, lm.knee):
            return _Part.THIGH, 9.0  # the thighs: the glutes' lever, drawn heaviest
        if (a, b) == (lm.knee, lm.ankle):
            return _Part.LEG, 6.0
        if a in (lm.ankle, lm.heel) and b in (lm.heel, lm.foot_index):
            return _Part.FOOT, 6.0
        if {a, b} == {lm.shoulder, lm.hip}:
            return _Part.TORSO, 5.0
    if {a, b} == {Landmark.LEFT_HIP, Landmark.RIGHT_HIP}:
        return _Part.PELVIS, 7.0
    return _Part.BODY, 5.0


def _joint_part(j: int) -> tuple[_Part, float]:
    if j in (Landmark.LEFT_HIP, Landmark.RIGHT_HIP):
        return _Part.PELVIS, 9.0
    if any(j in (side_landmarks(s).knee, side_landmarks(s).ankle) for s in Side):
        return _Part.LEG, 7.0
    if any(j in (side_landmarks(s).heel, side_landmarks(s).foot_index) for s in Side):
        return _Part.FOOT, 5.0
    if j == Landmark.NOSE:
        return _Part.BODY, 11.0  # stands for the head
    return _Part.BODY, 5.0


_BONES = tuple((a, b, *_bone_part(a, b)) for a, b in POSE_CONNECTIONS)
#: Face points are left out: the nose stands for the head.
_FACE = frozenset(range(Landmark.LEFT_EYE_INNER, Landmark.MOUTH_RIGHT + 1))
_JOINTS = tuple((j, *_joint_part(j)) for j in Landmark if j not in _FACE)
_FEET = [side_landmarks(s).heel for s in Side] + [side_landmarks(s).foot_index for s in Side]
Point = tuple[int, int]


class LegState(StrEnum):
    """How the legs are coloured: standing, on the way down, or past the depth target."""

    NEUTRAL = "neutral"
    DOWN = "down"
    DEEP = "deep"


LEG_COLORS: dict[LegState, Color] = {
    LegState.NEUTRAL: theme.NEUTRAL,
    LegState.DOWN: theme.WARN,
    LegState.DEEP: theme.GOOD,
}


def fit_rect(frame_size: tuple[int, int], stage: pygame.Rect) -> pygame.Rect:
    """The largest rect with the frame's aspect that fits in ``stage``, centred."""
    fw, fh = frame_size
    scale = min(stage.width / fw, stage.height / fh)
    rect = pygame.Rect(0, 0, max(1, round(fw * scale)), max(1, round(fh * scale)))
    rect.center = stage.center
    return rect


def landmarks_to_px(landmarks: np.ndarray, fit: pygame.Rect) -> np.ndarray:
    """``(33, 2)`` screen pixels for the normalised landmark x, y inside ``fit``."""
    out = np.empty((landmarks.shape[0], 2), dtype=np.float64)
    out[:, 0] = fit.x + landmarks[:, 0] * fit.width
    out[:, 1] = fit.y + landmarks[:, 1] * fit.height
    return out


def _radial_glow(size: int, color: Color) -> pygame.Surface:
    """A soft round glow sprite, made once and scaled to fit the pelvis each frame."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    c = (size - 1) / 2
    r = np.sqrt((xx - c) ** 2 + (yy - c) ** 2) / c
    alpha = np.clip(1.0 - r, 0.0, 1.0) ** 1.6 * 150
    surf = pygame.Surface((size, size), pygame.SRCALPHA)
    surf.fill((*color, 0))
    pygame.surfarray.pixels_alpha(surf)[:] = alpha.T.astype(np.uint8)
    return surf


def part_colors(
    leg_color: Color, tint: Color | None = None, fault: str | None = None
) -> dict[_Part, Color]:
    """Each part's colour: body neutral, legs by depth, pelvis pink; all ``tint`` when
    given; the ``fault``'s region red over either."""
    colors = {part: leg_color if part in _LEG_PARTS else theme.NEUTRAL for part in _Part}
    colors[_Part.PELVIS] = theme.GLUTES
    if tint is not None:
        colors = dict.fromkeys(_Part, tint)
    for part in FAULT_REGIONS.get(fault or "", frozenset()):
        colors[part] = theme.BAD
    return colors


class Stage:
    """Draws one pose frame into ``rect``: backdrop, picture or silhouette, skeleton."""

    def __init__(self, rect: pygame.Rect) -> None:
        self.rect = pygame.Rect(rect)
        self._backdrop = self._make_backdrop(self.rect.size)
        #: Glow sprites by colour (made on first use: the palette can change), and the
        #: size they are scaled to for the current picture.
        self._glows: dict[Color, pygame.Surface] = {}
        self._glows_scaled: dict[Color, pygame.Surface] = {}
        self._glow_size = 0
        self._prepared_for: PoseFrame | None = None
        self._picture: pygame.Surface | None = None
        self._opaque = False  # the picture is a camera's, not a see-through silhouette
        self.fit: pygame.Rect = fit_rect((4, 3), self.rect)
        self.points: np.ndarray | None = None
        self.visible: np.ndarray | None = None
        self.known: np.ndarray = np.ones(NUM_LANDMARKS, dtype=bool)
        self.floor_y: float = self.rect.bottom - self.rect.height * 0.1
        # The skeleton as draw lists in screen pixels, laid out once per new frame.
        self._bones: list[tuple[Point, Point, _Part, int]] = []
        self._faint: list[tuple[Point, Point]] = []
        self._joints: list[tuple[Point, _Part, int]] = []
        self._neck: tuple[Point, Point] | None = None
        self._unit = 1.0

    @staticmethod
    def _make_backdrop(size: tuple[int, int]) -> pygame.Surface:
        """Dark vertical gradient, rendered once per stage."""
        return gradient(size, theme.BG_DEEP, (26, 32, 58))

    # -- update side ---------------------------------------------------------------

    @property
    def shown_frame(self) -> PoseFrame | None:
        """The frame whose picture and pose the stage draws now."""
        return self._prepared_for

    def prepare(self, frame: PoseFrame | None, dt: float) -> None:
        """Convert a new frame's picture and landmark positions; cheap if unchanged."""
        if frame is not None and frame is not self._prepared_for:
            self._prepared_for = frame
            self.fit = fit_rect(frame.frame_size, self.rect)
            self._picture = self._make_picture(frame, self.fit)
            self._opaque = self._picture is not None and frame.image is not None
            if frame.landmarks is not None:
                points = landmarks_to_px(frame.landmarks, self.fit)
                # The coach's smoother marks unsure landmarks NaN: they are not drawn.
                self.known = np.isfinite(points).all(axis=1)
                self.points = np.where(self.known[:, None], points, 0.0)
                self.visible = (frame.landmarks[:, 3] >= VISIBLE_MIN) & self.known
                self._size_glow(self.points)
                self._layout_skeleton(self.points, self.visible)
            else:
                self.points = self.visible = None
                self._bones, self._faint, self._joints, self._neck = [], [], [], None
        target = self.fit.bottom - self.fit.height * 0.06
        if self.points is not None and self.visible is not None:
            feet = [self.points[j, 1] for j in _FEET if self.visible[j]]
            if feet:
                target = max(feet) + 6
        k = 1.0 - math.exp(-dt / FLOOR_TAU_S) if dt > 0 else 1.0
        self.floor_y += (min(target, self.rect.bottom - 4) - self.floor_y) * k

    def _layout_skeleton(self, points: np.ndarray, visible: np.ndarray) -> None:
        """Integer screen positions and widths for every bone and joint of this frame."""
        unit = self._unit = max(1.0, self.fit.height / 480)  # widths scale with the picture
        ipts: list[Point] = [(x, y) for x, y in np.rint(points).astype(int).tolist()]
        vis: list[bool] = visible.tolist()
        self._bones = [
            (ipts[a], ipts[b], part, round(width * unit))
            for a, b, part, width in _BONES
            if vis[a] and vis[b]
        ]
        known: list[bool] = self.known.tolist()
        self._faint = [
            (ipts[a], ipts[b])
            for a, b, _p, _w in _BONES
            if not (vis[a] and vis[b]) and known[a] and known[b]
        ]
        self._joints = [(ipts[j], part, round(r * unit)) for j, part, r in _JOINTS if vis[j]]
        ls, rs, nose = Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.NOSE
        if vis[nose] and vis[ls] and vis[rs]:
            mid = (points[ls] + points[rs]) / 2
            self._neck = ((round(mid[0]), round(mid[1])), ipts[nose])
        else:
            self._neck = None

    def _size_glow(self, pts: np.ndarray) -> None:
        """Scale the pelvis glow to the thigh length (re-scaled only when it changes)."""
        thigh = max(
            (
                float(np.linalg.norm(pts[side_landmarks(s).hip] - pts[side_landmarks(s).knee]))
                for s in Side
                if self.known[side_landmarks(s).hip] and self.known[side_landmarks(s).knee]
            ),
            default=0.0,
        )
        size = max(24, round(thigh * 1.5 / 4) * 4)  # 4 px steps: no rescale for jitter
        if size != self._glow_size:
            self._glow_size = size
            self._glows_scaled.clear()

    def _glow(self, color: Color) -> pygame.Surface | None:
        """The pelvis glow in ``color`` at the current size (scaled once per size)."""
        if not self._glow_size:
            return None
        scaled = self._glows_scaled.get(color)
        if scaled is None:
            sprite = self._glows.get(color)
            if sprite is None:
                sprite = self._glows[color] = _radial_glow(128, color)
            size = (self._glow_size, self._glow_size)
            scaled = self._glows_scaled[color] = pygame.transform.smoothscale(sprite, size)
        return scaled

    @staticmethod
    def _make_picture(frame: PoseFrame, fit: pygame.Rect) -> pygame.Surface | None:
        if frame.image is not None:
            # A camera scales its pictures to the size asked (PoseFeed.show_pictures_at)
            # while the model works; others are scaled here. The surface shares the
            # array's memory (it keeps a reference), so nothing is copied again.
            scaled = np.ascontiguousarray(scale_picture(frame.image, fit.size))
            return pygame.image.frombuffer(scaled, fit.size, "RGB")
        if frame.mask is not None:
            h, w = frame.mask.shape
            surf = pygame.Surface((w, h), pygame.SRCALPHA)
            surf.fill((*SILHOUETTE_TINT, 0))
            alpha = np.clip(frame.mask, 0.0, 1.0) * SILHOUETTE_ALPHA
            pygame.surfarray.pixels_alpha(surf)[:] = alpha.T.astype(np.uint8)
            return pygame.transform.smoothscale(surf, fit.size)
        return None

    def hips_of(self, frame: PoseFrame) -> tuple[float, float] | None:
        """Where ``frame``'s hip midpoint is drawn (for a reward at that moment)."""
        if frame.landmarks is None:
            return None
        fit = fit_rect(frame.frame_size, self.rect)
        hips = frame.landmarks[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP], :2]
        hips = hips[np.isfinite(hips).all(axis=1)]
        if not len(hips):
            return None
        x, y = hips.mean(axis=0)
        return float(fit.x + x * fit.width), float(fit.y + y * fit.height)

    @property
    def hips_px(self) -> tuple[float, float] | None:
        """Screen position of the hip midpoint (where rewards burst from), if seen."""
        if self.points is None:
            return None
        hips = [h for h in (Landmark.LEFT_HIP, Landmark.RIGHT_HIP) if self.known[h]]
        if not hips:
            return None
        mid = self.points[hips].mean(axis=0)
        return float(mid[0]), float(mid[1])

    # -- draw side -----------------------------------------------------------------

    def draw(
        self,
        surface: pygame.Surface,
        legs: LegState,
        show_skeleton: bool = True,
        *,
        tint: Color | None = None,
        fault: str | None = None,
    ) -> None:
        """Draw the stage. ``tint`` colours the whole skeleton (a hold held well);
        ``fault`` turns that fault's region red (see ``FAULT_REGIONS``)."""
        self._draw_backdrop(surface)
        floor = pygame.Rect(
            self.rect.x,
            round(self.floor_y),
            self.rect.width,
            self.rect.bottom - round(self.floor_y),
        )
        if floor.height > 0:
            pygame.draw.rect(surface, theme.FLOOR, floor)
            pygame.draw.line(surface, theme.PANEL_EDGE, floor.topleft, floor.topright, 2)
        hips = self.hips_px
        if hips is not None:
            shadow = pygame.Rect(0, 0, self.fit.height * 0.45, self.fit.height * 0.05)
            shadow.center = (round(hips[0]), round(self.floor_y))
            pygame.draw.ellipse(surface, theme.BG_DEEP, shadow)
        if self._picture is not None:
            surface.blit(self._picture, self.fit)
        if show_skeleton and self.points is not None:
            colors = part_colors(LEG_COLORS[legs], tint, fault)
            if fault in _GLOW_FAULTS:
                glow = theme.BAD
            elif tint is not None and fault is None:
                glow = tint
            else:
                glow = theme.GLUTES
            self._draw_glow(surface, glow)
            self._draw_skeleton(surface, colors)

    def _draw_backdrop(self, surface: pygame.Surface) -> None:
        """The backdrop, except where an opaque picture (a camera's) will cover it: a
        quarter of a millisecond saved between a camera pose and the screen."""
        rect = self.rect
        covered = self.fit.clip(rect) if self._opaque else pygame.Rect(0, 0, 0, 0)
        if not covered.width or not covered.height:
            surface.blit(self._backdrop, rect)
            return
        strips = (
            pygame.Rect(rect.x, rect.y, rect.width, covered.top - rect.y),
            pygame.Rect(rect.x, covered.bottom, rect.width, rect.bottom - covered.bottom),
            pygame.Rect(rect.x, covered.top, covered.left - rect.x, covered.height),
            pygame.Rect(covered.right, covered.top, rect.right - covered.right, covered.height),
        )
        for strip in strips:
            if strip.width > 0 and strip.height > 0:
                surface.blit(self._backdrop, strip, strip.move(-rect.x, -rect.y))

    def _draw_glow(self, surface: pygame.Surface, color: Color) -> None:
        pts, vis = self.points, self.visible
        assert pts is not None and vis is not None
        if not (vis[Landmark.LEFT_HIP] or vis[Landmark.RIGHT_HIP]):
            return
        hips = self.hips_px
        glow = self._glow(color)
        if hips is not None and glow is not None:
            surface.blit(glow, glow.get_rect(center=(round(hips[0]), round(hips[1]))))

    def _draw_skeleton(self, surface: pygame.Surface, colors: dict[_Part, Color]) -> None:
        unit = self._unit
        faint = theme.blend(theme.NEUTRAL, theme.BG_DEEP, 0.65)
        outline = theme.BG_DEEP
        line = pygame.draw.line
        # Unsure bones first and thin, so confident ones are drawn over them.
        for a, b in self._faint:
            line(surface, faint, a, b, max(2, round(2 * unit)))
        pad = round(4 * unit)  # a dark outline keeps bones readable over any picture
        for a, b, _part, width in self._bones:
            line(surface, outline, a, b, width + pad)
        if self._neck is not None:
            line(surface, outline, *self._neck, round(9 * unit))
            line(surface, colors[_Part.BODY], *self._neck, round(5 * unit))
        for a, b, part, width in self._bones:
            line(surface, colors[part], a, b, width)
        circle = pygame.draw.circle
        ring = round(2 * unit)
        for pos, part, radius in self._joints:
            circle(surface, outline, pos, radius + ring)
            circle(surface, colors[part], pos, radius)
