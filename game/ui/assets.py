"""The one asset loader: the shipped font by size and weight, and a small cache of text.

Fonts are opened once per (size, weight) and kept; rendered text is kept in a small LRU
keyed by (size, weight, text, colour), so a HUD value is only re-rendered when it changes
(the pattern of the cached score text in pygame's ``aliens.py``). Rendering text is one
of the most expensive things a pygame frame does, so no scene calls ``Font.render``
directly.

The font is Atkinson Hyperlegible (``assets/fonts/``, SIL OFL 1.1), drawn by the Braille
Institute so that letters that are easy to confuse (I l 1, O 0, rn m) stay distinct: the
right face for cues read from across a room, mid-squat. If its files are missing or
unreadable the game says so once (a logged warning) and uses pygame's bundled font.

Sizes are design sizes on the 1280x720 logical screen (:data:`theme.LOGICAL_SIZE`):
every scene draws there and the app scales the whole frame to the window, so text keeps
its proportion to the layout at any window size. A size means what it meant with
pygame's default font, which every layout was drawn with (see
:data:`theme.CAP_HEIGHT_PER_SIZE`): the shipped font is opened at the point size whose
capitals are as tall, so changing the face never changes the layout's scale.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pygame

from game.paths import assets_dir
from game.ui.theme import CAP_HEIGHT_PER_SIZE, Color

__all__ = ["FONT_FILES", "Assets", "default_font_dir", "gradient"]

log = logging.getLogger(__name__)

#: Enough for every label on the busiest screen several times over; old entries drop out.
TEXT_CACHE_SIZE = 512
#: The shipped faces, by weight (bold: True). Bold is the default: it carries across a
#: room, and every layout was drawn with a bold face.
FONT_FILES: dict[bool, str] = {
    False: "AtkinsonHyperlegible-Regular.ttf",
    True: "AtkinsonHyperlegible-Bold.ttf",
}
#: Point size at which a face's capital height is measured (large: little rounding).
_MEASURE_PT = 200


def default_font_dir() -> Path:
    """Where the shipped fonts live: ``assets/fonts``."""
    return assets_dir() / "fonts"


class Assets:
    """Fonts and rendered text for the whole game. Needs ``pygame.font`` initialised.

    ``font_dir`` is where the shipped faces are looked for (tests point it elsewhere to
    check the fallback). :attr:`font_name` says which face is in use, and
    :attr:`font_problem` why the shipped one is not (None when it is).
    """

    def __init__(self, cache_size: int = TEXT_CACHE_SIZE, font_dir: Path | None = None) -> None:
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._text: OrderedDict[tuple[int, bool, str, Color], pygame.Surface] = OrderedDict()
        self._faded: OrderedDict[tuple[int, bool, str, Color], pygame.Surface] = OrderedDict()
        self._cache_size = cache_size
        self._backdrops: dict[tuple[int, int], pygame.Surface] = {}
        self.renders = 0  # how many times text was really rendered (tests check caching)
        #: Every font is this much bigger than its design size (settings: text size).
        self.text_scale = 1.0
        self.font_problem: str | None = None
        #: Per weight: the face's file and its point size per unit of design size.
        self._faces: dict[bool, tuple[Path, float] | None] = {}
        folder = default_font_dir() if font_dir is None else Path(font_dir)
        problems = []
        for bold, name in FONT_FILES.items():
            face, problem = _open_face(folder / name)
            self._faces[bold] = face
            if problem:
                problems.append(problem)
        if problems:
            self.font_problem = "; ".join(problems)
            log.warning("using pygame's default font for missing faces: %s", self.font_problem)

    @property
    def font_name(self) -> str:
        """The face in use, for logs and the tests."""
        if all(face is None for face in self._faces.values()):
            return "pygame default"
        if any(face is None for face in self._faces.values()):
            return "Atkinson Hyperlegible (partly pygame default)"
        return "Atkinson Hyperlegible"

    def set_text_scale(self, scale: float) -> None:
        """Draw all text ``scale`` times its design size (a player's "large text").

        Layouts that must fit measure text with :meth:`font` and :meth:`fit`, which see
        the scale; the caches are dropped so nothing old is drawn at the old size.
        """
        if scale == self.text_scale:
            return
        self.text_scale = scale
        self._fonts.clear()
        self._text.clear()
        self._faded.clear()

    def font(self, size: int, bold: bool = True) -> pygame.font.Font:
        """The game's font at design ``size`` (see the module docstring), bold by default."""
        key = (size, bold)
        font = self._fonts.get(key)
        if font is None:
            face = self._faces.get(bold)
            scaled = size * self.text_scale
            if face is None:
                font = pygame.font.Font(None, max(1, round(scaled)))  # bundled with pygame
            else:
                path, pt_per_size = face
                font = pygame.font.Font(path, max(1, round(scaled * pt_per_size)))
            self._fonts[key] = font
        return font

    def text(self, text: str, size: int, color: Color, bold: bool = True) -> pygame.Surface:
        """``text`` rendered antialiased; the same surface is returned until it drops out.

        Callers must not modify the returned surface: it is shared. Use :meth:`faded`
        for text whose transparency changes.
        """
        key = (size, bold, text, color)
        surf = self._text.get(key)
        if surf is not None:
            self._text.move_to_end(key)
            return surf
        surf = self.font(size, bold).render(text, True, color)
        self.renders += 1
        self._text[key] = surf
        if len(self._text) > self._cache_size:
            self._text.popitem(last=False)
        return surf

    def faded(
        self, text: str, size: int, color: Color, alpha: float, bold: bool = True
    ) -> pygame.Surface:
        """Cached text with its surface alpha set (0..1), for fading cues and pop-ups.

        A separate copy from :meth:`text`'s, so fading one never fades the other.
        """
        key = (size, bold, text, color)
        surf = self._faded.get(key)
        if surf is None:
            surf = self.text(text, size, color, bold).copy()
            self._faded[key] = surf
            if len(self._faded) > self._cache_size:
                self._faded.popitem(last=False)
        else:
            self._faded.move_to_end(key)
        surf.set_alpha(max(0, min(255, round(alpha * 255))))
        return surf

    def fit(
        self, text: str, size: int, color: Color, max_width: int, bold: bool = True
    ) -> pygame.Surface:
        """Cached text, shortened with an ellipsis until it fits ``max_width`` pixels."""
        font = self.font(size, bold)
        if font.size(text)[0] <= max_width:
            return self.text(text, size, color, bold)
        lo, hi = 0, len(text)
        while lo < hi:  # longest prefix that fits with the ellipsis
            mid = (lo + hi + 1) // 2
            if font.size(text[:mid].rstrip() + "...")[0] <= max_width:
                lo = mid
            else:
                hi = mid - 1
        return self.text(text[:lo].rstrip() + "...", size, color, bold)

    def wrap(self, text: str, size: int, max_width: int, bold: bool = True) -> list[str]:
        """Split ``text`` into lines no wider than ``max_width`` (words kept whole)."""
        font = self.font(size, bold)
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            line = ""
            for word in paragraph.split():
                trial = f"{line} {word}".strip()
                if not line or font.size(trial)[0] <= max_width:
                    line = trial
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
        return lines

    def backdrop(self, size: tuple[int, int]) -> pygame.Surface:
        """The menus' background: a dark diagonal gradient, drawn once per size."""
        surf = self._backdrops.get(size)
        if surf is None:
            surf = gradient(size, BACKDROP_TOP, BACKDROP_BOTTOM, diagonal=True)
            self._backdrops[size] = surf
        return surf


BACKDROP_TOP: Color = (10, 12, 26)
BACKDROP_BOTTOM: Color = (34, 22, 58)


def gradient(
    size: tuple[int, int], top: Color, bottom: Color, diagonal: bool = False
) -> pygame.Surface:
    """A smooth two-colour gradient surface (vertical, or top-left to bottom-right)."""
    w, h = size
    ys = np.linspace(0.0, 1.0, h, dtype=np.float32)[None, :]
    if diagonal:
        xs = np.linspace(0.0, 1.0, w, dtype=np.float32)[:, None]
        t = np.clip(ys * 0.75 + xs * 0.25, 0.0, 1.0)
    else:
        t = np.broadcast_to(ys, (w, h))
    a = np.array(top, dtype=np.float32)
    b = np.array(bottom, dtype=np.float32)
    pixels = (a + (b - a) * t[..., None]).astype(np.uint8)
    surf = pygame.surfarray.make_surface(pixels)
    return surf.convert() if pygame.display.get_surface() is not None else surf


def _open_face(path: Path) -> tuple[tuple[Path, float] | None, str | None]:
    """``(path, point size per design size)`` for a usable face, or ``(None, why not)``.

    The scale makes the face's capitals :data:`CAP_HEIGHT_PER_SIZE` of the design size
    tall, measured on the face itself (the top of "H" above the baseline), so a
    different face would keep the layout's scale too.
    """
    try:
        problem = _font_file_problem(path)
    except OSError as exc:
        return None, f"cannot read {path.name}: {exc.strerror or exc}"
    if problem is not None:
        return None, f"{path.name} {problem}"
    try:
        probe = pygame.font.Font(path, _MEASURE_PT)
        metrics = probe.metrics("H")
    except (pygame.error, OSError) as exc:
        return None, f"cannot read {path.name}: {exc}"
    box = metrics[0] if metrics else None
    if box is None or box[3] <= 0:
        return None, f"{path.name} has no capital H to measure"
    return (path, CAP_HEIGHT_PER_SIZE * _MEASURE_PT / box[3]), None


#: First bytes of a TrueType or OpenType font file.
_SFNT_MAGIC = (b"\x00\x01\x00\x00", b"true", b"OTTO")
#: Tables SDL_ttf needs to lay out text.
_NEEDED_TABLES = (b"cmap", b"head", b"hhea", b"hmtx")


def _font_file_problem(path: Path) -> str | None:
    """What is wrong with the font file at ``path`` ("not found", ...), or None.

    SDL_ttf hardly checks a file: a damaged one opens, then crashes the whole process
    on first use (measured with pygame-ce 2.5.8). So the table directory is checked
    here first: the header, every table inside the file, the tables text needs.
    """
    if not path.is_file():
        return f"not found in {path.parent}"
    data = path.read_bytes()
    if len(data) < 12 or data[:4] not in _SFNT_MAGIC:
        return "is not a TrueType/OpenType font"
    tables = set()
    for i in range(int.from_bytes(data[4:6], "big")):
        record = data[12 + 16 * i : 28 + 16 * i]
        if len(record) < 16:
            return "is cut short (in its table directory)"
        offset = int.from_bytes(record[8:12], "big")
        length = int.from_bytes(record[12:16], "big")
        if offset + length > len(data):
            return f"is cut short (its {record[:4].decode('latin-1')!r} table is missing)"
        tables.add(record[:4])
    missing = [t.decode() for t in _NEEDED_TABLES if t not in tables]
    if missing:
        return f"lacks the tables text needs: {', '.join(missing)}"
    return None
