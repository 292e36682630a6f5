"""Shared test setup: every test gets its own data directory, never the player's."""

from __future__ import annotations

import os

import pytest

# pygame must never open a window or an audio device in tests.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path_factory.mktemp("glutes-home")
    monkeypatch.setenv("GLUTES_HIGH_HOME", str(home))
    return home
