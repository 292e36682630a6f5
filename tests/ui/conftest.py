"""UI tests run without a display or sound card, and never touch the real data dir."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before pygame is imported anywhere: no window, no audio device.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).parent))  # for fake_athlete


@pytest.fixture(autouse=True)
def game_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh GLUTES_HIGH_HOME per test: scores and player levels in a temp folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("GLUTES_HIGH_HOME", str(home))
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    yield home


# The headless app factory the flow tests share (tests/ui/drive.py).
from drive import make_app  # noqa: E402, F401
