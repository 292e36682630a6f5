"""Shared test setup: every test gets its own data directory, never the player's."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so the build is red or green for a
# reason, never by the luck of the draw. Exploring new examples is a separate, deliberate
# run: HYPOTHESIS_PROFILE=explore pytest (fresh random draws each run); a failure
# found there becomes an explicit @example or a fix.
settings.register_profile("default", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Shared test helpers (fake_camera.py) import by name from any test folder.
sys.path.insert(0, str(Path(__file__).parent))

# pygame must never open a window or an audio device in tests.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path_factory.mktemp("glutes-home")
    monkeypatch.setenv("GLUTES_HIGH_HOME", str(home))
    return home
