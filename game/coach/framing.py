"""The "get in frame" check: can the coach see what it needs before a live level starts?

A squat is judged from the side, head to toe: the feet (heels, balance), the knees and
hips (depth, tail tuck) and the trunk and head (lean). :func:`check_framing` looks at one
pose frame and says, as short instructions a player can follow from across the room, what
is wrong with the set-up, most important first. :class:`FramingGate` turns a stream of
those checks into "go" only once the player has stood right for a while, so one lucky
frame does not start the level.

Pure numpy: the image, if the frame has one, is only averaged for its brightness.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from game.coach.features import VISIBLE_MIN, View, measure
from game.pose.frame import PoseFrame
from game.pose.landmarks import Landmark, Side, side_landmarks

__all__ = [
    "DARK_LUMA_MAX",
    "EDGE_MARGIN",
    "FRAMING_GRACE_S",
    "FRAMING_HOLD_S",
    "MIN_BODY_PX",
    "MORE_LIGHT",
    "ONE_PERSON",
    "SHOW_FEET",
    "SHOW_HEAD",
    "STEP_CLOSER",
    "STEP_INTO_VIEW",
    "TURN_SIDEWAYS",
    "FramingGate",
    "FramingReport",
    "check_framing",
    "mean_luma",
]

# --- What the player reads (short: shown in big letters, read from ~3 m) --------------------
STEP_INTO_VIEW = "Step into view"
ONE_PERSON = "Only one person in view, please"
SHOW_FEET = "Step back - show your feet"
SHOW_HEAD = "Step back - show your head"
STEP_CLOSER = "Step closer"
TURN_SIDEWAYS = "Turn sideways to the camera"
MORE_LIGHT = "More light, please"

# --- Thresholds ---------------------------------------------------------------------------
#: Mean luma (BT.601, 0-255) below which the picture is too dark. Measured on four shared
#: clips darkened by scaling (plus slight sensor noise): the backlit side clip started
#: losing the player at a mean of 35 (12 of 15 frames found) and the others held to 12-18;
#: all four found the player in every frame at 50. 40 warns before detection fails.
DARK_LUMA_MAX = 40.0
#: Brightness is averaged over every this-many-th row and column: ~15 000 pixels of a
#: 720p picture, plenty for a mean, and ~100x cheaper than every pixel.
LUMA_STRIDE = 8
#: A landmark closer than this to the picture's edge (fraction of width/height) counts as
#: cut off: the landmark is a joint centre, and the toe tip, heel or skull reach past it.
EDGE_MARGIN = 0.01
#: Smallest player (standing nose height, in pixels) the coach trusts: the pose
#: landmark network looks at a 256x256 crop with a margin round the body, so a body
#: shorter than ~200 px is upscaled into it and its landmarks get noisy.
MIN_BODY_PX = 200.0
#: Nose height over the shoulder-hip-knee-ankle chain in a standing adult: segment
#: lengths as fractions of stature (Drillis & Contini, in Winter's *Biomechanics and
#: Motor Control of Human Movement*): trunk 0.288, thigh 0.245, shank 0.246, nose at
#: ~0.92, so 0.92 / 0.779.
NOSE_HEIGHT_PER_CHAIN = 1.18
#: The check must pass this long without a break before the gate opens: long enough
#: that a flicker of a good frame does not start the level, short enough not to bore.
FRAMING_HOLD_S = 1.5
#: A failing spell shorter than this only pauses the gate's progress instead of
#: resetting it: one dropped or doubtful frame (~33 ms) should not send the bar back.
FRAMING_GRACE_S = 0.25

#: Views the side-on coach can judge: depth, tail tuck and lean need to see the profile.
GOOD_VIEWS = frozenset({View.SIDE, View.THREE_QUARTER})
#: Landmarks whose presence makes the fit score: what the coach measures from.
_KEY = (
    Landmark.NOSE,
    *(
        getattr(side_landmarks(s), part)
        for s in Side
        for part in ("shoulder", "hip", "knee", "ankle", "heel", "foot_index")
    ),
)
#: BT.601 luma weights for R, G, B.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


@dataclass(frozen=True, slots=True)
class FramingReport:
    """The verdict on one frame.

    ``problems`` are player instructions, most important first (empty when ``ok``).
    ``view`` is the camera's view of the body (None when nobody is seen). ``fit`` (0..1)
    is how much of what the coach measures is in the picture: the share of key landmarks
    seen inside the frame, scaled down when the player is too small; a meter, not a rule.
    """

    ok: bool
    problems: list[str] = field(default_factory=list)
    view: View | None = None
    fit: float = 0.0

    @property
    def top(self) -> str | None:
        """The one instruction to show in big letters, if any."""
        return self.problems[0] if self.problems else None


def mean_luma(image: np.ndarray, stride: int = LUMA_STRIDE) -> float:
    """Mean BT.601 luma (0-255) of an RGB uint8 image, from a regular sample of pixels."""
    sample = image[::stride, ::stride].reshape(-1, 3).astype(np.float32)
    return float((sample @ _LUMA).mean()) if sample.size else 0.0


def check_framing(
    frame: PoseFrame,
    *,
    dark_luma_max: float = DARK_LUMA_MAX,
    min_body_px: float = MIN_BODY_PX,
) -> FramingReport:
    """Is the player placed so the coach can judge a squat? See :class:`FramingReport`.

    Priority: nobody, somebody else, the feet, the head, too far away, the wrong view,
    and last the light. A dark picture is the *first* problem when nobody is found,
    though: darkness is then the likely reason, and "Step into view" would only confuse
    a player who is standing right there.
    """
    dark = frame.image is not None and mean_luma(frame.image) < dark_luma_max
    landmarks = frame.landmarks
    if landmarks is None:
        return FramingReport(False, [MORE_LIGHT, STEP_INTO_VIEW] if dark else [STEP_INTO_VIEW])

    xy = landmarks[:, :2].astype(np.float64)
    inside = np.all((xy >= EDGE_MARGIN) & (xy <= 1.0 - EDGE_MARGIN), axis=1)
    seen = (landmarks[:, 3] >= VISIBLE_MIN) & inside

    problems: list[str] = []
    if frame.extra_people > 0:
        problems.append(ONE_PERSON)
    if not _feet_shown(seen, inside):
        problems.append(SHOW_FEET)
    if not _head_shown(seen):
        problems.append(SHOW_HEAD)
    size = _size_score(xy, frame.frame_size, min_body_px)
    if size < 1.0 and SHOW_FEET not in problems and SHOW_HEAD not in problems:
        problems.append(STEP_CLOSER)
    features = measure(frame)
    view = features.view if features is not None else None
    if view is not None and view not in GOOD_VIEWS:
        problems.append(TURN_SIDEWAYS)
    if dark:
        problems.append(MORE_LIGHT)

    fit = float(seen[list(_KEY)].mean()) * size
    return FramingReport(not problems, problems, view, round(fit, 3))


def _feet_shown(seen: np.ndarray, inside: np.ndarray) -> bool:
    """One whole foot seen, and no foot point off the picture.

    From the side the far foot is often half hidden (visibility 0.4-0.8 on the shared
    clips), so one clearly seen foot is enough; but a foot point *outside* the picture
    means the camera cuts the feet off, however sure the model is about the other one.
    """
    feet = [side_landmarks(s) for s in Side]
    whole = any(seen[[f.ankle, f.heel, f.foot_index]].all() for f in feet)
    cut = not all(inside[[f.ankle, f.heel, f.foot_index]].all() for f in feet)
    return whole and not cut


def _head_shown(seen: np.ndarray) -> bool:
    """The nose and at least one ear in the picture (side-on, one ear is hidden)."""
    ears = seen[Landmark.LEFT_EAR] or seen[Landmark.RIGHT_EAR]
    return bool(seen[Landmark.NOSE] and ears)


def _size_score(xy: np.ndarray, frame_size: tuple[int, int], min_body_px: float) -> float:
    """The player's standing height in pixels over ``min_body_px``, at most 1.

    Estimated from the trunk, thigh and shin lengths on the longer-looking side, which
    (unlike nose-to-toe) do not shrink when the player squats or bends.
    """
    px = xy * np.array(frame_size, dtype=np.float64)
    chains = []
    for side in Side:
        lm = side_landmarks(side)
        joints = px[[lm.shoulder, lm.hip, lm.knee, lm.ankle]]
        chains.append(float(np.linalg.norm(np.diff(joints, axis=0), axis=1).sum()))
    body_px = max(chains) * NOSE_HEIGHT_PER_CHAIN
    return float(np.clip(body_px / min_body_px, 0.0, 1.0))


@dataclass
class FramingGate:
    """Opens once the framing check has passed for ``hold_s`` without a real break.

    Feed it one verdict per game update with :meth:`update`. Up to ``grace_s`` of failing
    verdicts in all during a hold only pause its progress (a dropped or doubtful frame
    should not send the bar back to empty); more than that resets it, so a player
    flickering in and out of frame never gets there. Once open it stays open until
    :meth:`reset`.
    """

    hold_s: float = FRAMING_HOLD_S
    grace_s: float = FRAMING_GRACE_S
    held_s: float = field(default=0.0, init=False)
    doubt_s: float = field(default=0.0, init=False)
    is_open: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.hold_s <= 0 or self.grace_s < 0:
            raise ValueError(f"need hold_s > 0 and grace_s >= 0, got {self.hold_s}, {self.grace_s}")

    def update(self, ok: bool, dt: float) -> bool:
        """Advance by ``dt`` seconds with this verdict; True once the gate is open."""
        if self.is_open:
            return True
        if ok:
            self.held_s += dt
            self.is_open = self.held_s >= self.hold_s - 1e-9
        elif self.held_s > 0:
            self.doubt_s += dt
            if self.doubt_s > self.grace_s:
                self.held_s = self.doubt_s = 0.0
        return self.is_open

    @property
    def progress(self) -> float:
        """0..1: how full the "hold it" bar is."""
        return 1.0 if self.is_open else min(1.0, self.held_s / self.hold_s)

    def reset(self) -> None:
        """Closed and empty again (e.g. the player walked off before the level began)."""
        self.held_s = self.doubt_s = 0.0
        self.is_open = False
