"""The one palette and the layout numbers every scene shares.

Colours are named for what they mean (``GOOD``, ``WARN``, ``GLUTES``) rather than what
they look like, so a scene never picks a raw RGB and the whole game can be re-tinted
here. The palette is dark so the skeleton and cues stand out from across a room.
"""

from __future__ import annotations

__all__ = [
    "ACCENT",
    "BAD",
    "BG",
    "BG_DEEP",
    "CAP_HEIGHT_PER_SIZE",
    "FLOOR",
    "GLUTES",
    "GOOD",
    "LOGICAL_SIZE",
    "MUTED",
    "NEUTRAL",
    "PALETTES",
    "PANEL",
    "PANEL_EDGE",
    "SELECT",
    "STAR",
    "STAR_EMPTY",
    "TEXT",
    "TEXT_DIM",
    "WARN",
    "Color",
    "apply_palette",
    "blend",
    "palette_name",
    "score_color",
]

Color = tuple[int, int, int]

#: Everything is drawn onto a surface of this size, then scaled (letterboxed) to the window.
LOGICAL_SIZE: tuple[int, int] = (1280, 720)

#: Text sizes everywhere are design sizes on that logical screen: capital letters stand
#: this fraction of the size tall (size 100 = 50 px capitals at 1280x720, 75 px in a
#: 1920x1080 window). It is what pygame's bundled font gives (measured: 0.49-0.50 from
#: size 50 to 400), the font every layout was first drawn with, so the shipped font is
#: sized to match it rather than every number being re-tuned.
CAP_HEIGHT_PER_SIZE = 0.5

BG: Color = (14, 18, 32)
BG_DEEP: Color = (8, 10, 20)
PANEL: Color = (24, 30, 52)
PANEL_EDGE: Color = (52, 62, 98)
FLOOR: Color = (30, 36, 60)
TEXT: Color = (236, 240, 250)
TEXT_DIM: Color = (150, 160, 190)
MUTED: Color = (90, 100, 135)
ACCENT: Color = (76, 201, 240)
SELECT: Color = (255, 196, 60)
NEUTRAL: Color = (200, 210, 230)
WARN: Color = (255, 170, 40)
GOOD: Color = (60, 220, 130)
BAD: Color = (255, 90, 95)
GLUTES: Color = (255, 80, 160)
STAR: Color = (255, 205, 60)
STAR_EMPTY: Color = (60, 68, 100)

#: Colour sets a player can choose (settings: ``palette``). Every scene reads the colours
#: above as ``theme.GOOD`` at draw time, so :func:`apply_palette` re-tints the whole game.
#: "colour-blind" follows Okabe & Ito's palette (2008, designed to stay distinct under
#: all three common colour-vision deficiencies): good is sky blue instead of green, bad
#: vermillion instead of red, warnings yellow, so good/bad never hinge on red vs green.
PALETTES: dict[str, dict[str, Color]] = {
    "standard": {
        "GOOD": GOOD,
        "WARN": WARN,
        "BAD": BAD,
        "GLUTES": GLUTES,
        "ACCENT": ACCENT,
    },
    "colour-blind": {
        "GOOD": (86, 180, 233),
        "WARN": (240, 228, 66),
        "BAD": (230, 110, 20),
        "GLUTES": (225, 135, 190),
        "ACCENT": (180, 170, 255),
    },
}
_palette = "standard"


def apply_palette(name: str) -> None:
    """Make ``name`` the colours every scene draws with from the next frame on.

    Raises ``KeyError`` for an unknown palette (settings are checked before this).
    """
    global _palette
    colours = PALETTES[name]
    globals().update(colours)
    _palette = name


def palette_name() -> str:
    """The palette in use."""
    return _palette


#: A rep at or above this score is drawn green; below ``_OK_SCORE`` red, between amber.
#: Green matches the coach's "clean rep" bar (CLEAN_REP_MIN_SCORE) so colours never
#: disagree with the rewards.
_OK_SCORE = 60


def score_color(score: int, clean_min: int) -> Color:
    """The colour a rep score is shown in: green if clean, amber if fair, red if poor."""
    if score >= clean_min:
        return GOOD
    if score >= _OK_SCORE:
        return WARN
    return BAD


def blend(a: Color, b: Color, t: float) -> Color:
    """Mix ``a`` towards ``b`` by ``t`` (0..1); used for faint bones and fades."""
    t = max(0.0, min(1.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )
