"""The shipped font: it loads, renders, keeps the layout's scale, and has a fallback.

Also: text drawn on the 1280x720 design screen grows with the window.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.paths import assets_dir
from game.ui import theme
from game.ui.app import GameApp, GameOptions
from game.ui.assets import FONT_FILES, Assets, default_font_dir

SAMPLE = "Glutes high - 1 l I O 0 rn m"


@pytest.fixture(autouse=True)
def font_module() -> Iterator[None]:
    pygame.font.init()
    yield


def ink(surface: pygame.Surface) -> np.ndarray:
    """Where a rendered text surface has visible pixels (rows x columns booleans)."""
    return pygame.surfarray.array_alpha(surface).T > 0


def cap_height(assets: Assets, size: int, bold: bool = True) -> int:
    rows = np.flatnonzero(ink(assets.text("H", size, theme.TEXT, bold)).any(axis=1))
    return int(rows[-1] - rows[0] + 1)


def test_the_font_ships_with_its_licence_and_credit() -> None:
    folder = default_font_dir()
    for name in FONT_FILES.values():
        assert (folder / name).stat().st_size > 10_000
    licence = (folder / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Braille Institute" in licence
    credits = (assets_dir() / "README.md").read_text(encoding="utf-8")
    assert "Atkinson Hyperlegible" in credits and "fonts/OFL.txt" in credits


def test_the_shipped_font_loads_and_renders_both_weights() -> None:
    assets = Assets()
    assert assets.font_name == "Atkinson Hyperlegible" and assets.font_problem is None
    bold = assets.text(SAMPLE, 40, theme.TEXT)
    regular = assets.text(SAMPLE, 40, theme.TEXT, bold=False)
    assert ink(bold).sum() > 0 and ink(regular).sum() > 0
    assert ink(bold).sum() > 1.15 * ink(regular).sum()  # bold really is heavier
    # And it is not pygame's bundled font.
    default = pygame.font.Font(None, 40).render(SAMPLE, True, theme.TEXT)
    assert bold.get_size() != default.get_size()


@pytest.mark.parametrize("size", [24, 34, 56, 88, 170])
def test_capitals_are_the_design_height_so_layouts_keep_their_scale(size: int) -> None:
    assets = Assets()
    expected = theme.CAP_HEIGHT_PER_SIZE * size
    assert abs(cap_height(assets, size) - expected) <= max(1.5, 0.04 * expected)
    assert abs(cap_height(assets, size, bold=False) - expected) <= max(1.5, 0.04 * expected)


def default_render_size(text: str, size: int) -> tuple[int, int]:
    return pygame.font.Font(None, size).render(text, True, theme.TEXT).get_size()


def test_a_missing_font_falls_back_to_pygames_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assets = Assets(font_dir=tmp_path)
    assert assets.font_name == "pygame default"
    assert assets.font_problem is not None
    for name in FONT_FILES.values():
        assert f"{name} not found" in assets.font_problem
    assert "using pygame's default font" in caplog.text
    surf = assets.text(SAMPLE, 40, theme.TEXT)
    assert surf.get_size() == default_render_size(SAMPLE, 40)
    assert ink(surf).sum() > 0


def _cut_in_half(path: Path) -> None:
    real = (default_font_dir() / path.name).read_bytes()
    path.write_bytes(real[: len(real) // 2])


def _junk(path: Path) -> None:
    path.write_bytes(b"not a font at all" * 100)


def _no_tables(path: Path) -> None:
    path.write_bytes(b"\x00\x01\x00\x00" + bytes(8))


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (_junk, "is not a TrueType/OpenType font"),
        (_cut_in_half, "is cut short"),
        (_no_tables, "lacks the tables text needs: cmap, head, hhea, hmtx"),
    ],
)
def test_a_damaged_face_falls_back_alone_without_crashing(
    tmp_path: Path, damage: Callable[[Path], None], problem: str
) -> None:
    # SDL_ttf would open these and crash the process on first use: they must be caught.
    shutil.copy(default_font_dir() / FONT_FILES[False], tmp_path / FONT_FILES[False])
    damage(tmp_path / FONT_FILES[True])
    assets = Assets(font_dir=tmp_path)
    assert assets.font_problem is not None
    assert assets.font_problem.startswith(f"{FONT_FILES[True]} {problem}")
    assert assets.font_name == "Atkinson Hyperlegible (partly pygame default)"
    assert assets.text(SAMPLE, 30, theme.TEXT).get_size() == default_render_size(SAMPLE, 30)
    regular = assets.text(SAMPLE, 30, theme.TEXT, bold=False)
    assert regular.get_size() == Assets().text(SAMPLE, 30, theme.TEXT, bold=False).get_size()


def test_text_is_cached_per_weight() -> None:
    assets = Assets()
    first = assets.text("Reps", 40, theme.TEXT)
    assert assets.text("Reps", 40, theme.TEXT) is first
    other = assets.text("Reps", 40, theme.TEXT, bold=False)
    assert other is not first
    assert assets.renders == 2
    faded = assets.faded("Reps", 40, theme.TEXT, 0.5, bold=False)
    assert faded is not other and faded.get_alpha() == 128


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=0x17F), min_size=1, max_size=60
    ),
    max_width=st.integers(min_value=80, max_value=700),
    bold=st.booleans(),
)
def test_fit_and_wrap_respect_the_width_with_the_shipped_font(
    text: str, max_width: int, bold: bool
) -> None:
    assets = _shared_assets()
    assert assets.fit(text, 30, theme.TEXT, max_width, bold).get_width() <= max_width
    font = assets.font(30, bold)
    for line in assets.wrap(text, 30, max_width, bold):
        if " " in line.strip():  # a single long word may overflow: words are kept whole
            assert font.size(line)[0] <= max_width


_ASSETS: list[Assets] = []


def _shared_assets() -> Assets:
    if not _ASSETS:
        _ASSETS.append(Assets())
    return _ASSETS[0]


def test_text_grows_with_the_window() -> None:
    """The game draws at 1280x720 and scales the frame: a 1920x1080 window shows every
    letter half as big again (and a 640x360 one half as big)."""
    heights = {}
    for size in ((1920, 1080), (640, 360)):
        app = GameApp(GameOptions(size=size))
        try:
            app._render()
            window = pygame.display.get_surface()
            assert window.get_size() == size
            heights[size] = _title_height(pygame.surfarray.array3d(window))
            heights["logical"] = _title_height(pygame.surfarray.array3d(app.screen))
        finally:
            app.close()
    logical = heights["logical"]
    assert logical > 40
    assert heights[(1920, 1080)] / logical == pytest.approx(1.5, abs=0.05)
    assert heights[(640, 360)] / logical == pytest.approx(0.5, abs=0.05)


def _title_height(pixels: np.ndarray) -> int:
    """Height of the title's pink letters in a frame (x, y, rgb)."""
    pink = np.all(np.abs(pixels.astype(int) - np.array(theme.GLUTES)) < 40, axis=2)
    rows = np.flatnonzero(pink.any(axis=0))
    return int(rows[-1] - rows[0] + 1)


@pytest.mark.parametrize("scale", [1.0, 1.15, 1.3])
def test_the_world_maps_fixed_slots_keep_large_text_inside_them(scale: float) -> None:
    from game.ui.scenes.level_select import _capped

    assets = Assets()
    assets.set_text_scale(scale)
    for size, slot in ((34, 37), (40, 42), (28, 30), (24, 24)):
        capped = _capped(assets, size, slot)
        assert assets.font(capped).get_height() <= slot
        if assets.font(size).get_height() <= slot:
            assert capped == size  # text that fits is never made smaller
