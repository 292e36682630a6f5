"""Every UI module says what it exports, and exports only what exists."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import game.ui
import game.ui.scenes

MODULES = sorted(
    (
        {f"game.ui.{m.name}" for m in pkgutil.iter_modules(game.ui.__path__)}
        | {f"game.ui.scenes.{m.name}" for m in pkgutil.iter_modules(game.ui.scenes.__path__)}
    )
    - {"game.ui.scenes"}
)


@pytest.mark.parametrize("name", MODULES)
def test_module_exports_exist(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported, f"{name} has no __all__"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names missing attributes: {missing}"


def test_app_public_api() -> None:
    from game.ui import app

    assert {"GameOptions", "run_game"} <= set(app.__all__)
    options = app.GameOptions()
    assert (options.source, options.size, options.headless) == ("demo", (1280, 720), False)
