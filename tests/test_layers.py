"""The layer rule: pose -> coach -> play -> ui. Lower layers never import pygame or a
higher layer, so each can be imported and tested alone."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

GAME = Path(__file__).resolve().parent.parent / "game"
ORDER = ["pose", "coach", "play", "ui"]
#: Top-level modules of ``game`` that any layer may use (no pygame in them either).
SHARED = {"game", "game.paths"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def forbidden_for(layer: str) -> list[str]:
    higher = ORDER[ORDER.index(layer) + 1 :]
    return ["pygame", *(f"game.{name}" for name in higher)]


@pytest.mark.parametrize("layer", ORDER[:-1])
def test_lower_layers_do_not_import_pygame_or_higher_layers(layer):
    files = sorted((GAME / layer).rglob("*.py"))
    assert files, f"game/{layer} has no modules"
    bad = []
    for path in files:
        for name in imports_of(path):
            for banned in forbidden_for(layer):
                if name == banned or name.startswith(banned + "."):
                    bad.append(f"{path.relative_to(GAME.parent)} imports {name}")
    assert not bad, "\n".join(bad)


def test_shared_modules_do_not_import_pygame():
    for path in GAME.glob("*.py"):
        if path.stem in {"cli", "__main__"}:
            continue  # the CLI starts the UI on purpose, lazily
        assert not any(n.startswith("pygame") for n in imports_of(path)), path


def test_importing_every_lower_module_loads_no_pygame():
    modules = [
        ".".join(path.relative_to(GAME.parent).with_suffix("").parts).removesuffix(".__init__")
        for layer in ORDER[:-1]
        for path in sorted((GAME / layer).rglob("*.py"))
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('pygame' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_rule_catches_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import pygame\nfrom game.ui.app import run_game\n")
    names = imports_of(bad)
    assert {"pygame", "game.ui.app"} <= names
    assert any(n.startswith(b) for n in names for b in forbidden_for("coach"))
