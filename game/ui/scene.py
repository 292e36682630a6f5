"""Scenes and the stack that runs them.

Every screen (title, level select, play, pause, results, high scores) is a :class:`Scene`
with an explicit lifecycle, so a scene knows exactly when it gains and loses the player:

* ``enter()``  — pushed onto the stack (or swapped in by ``replace``): open what it needs;
* ``pause()``  — another scene was pushed over it: stop clocks, keep state;
* ``resume()`` — the scene above it was popped: it is on top again;
* ``exit()``   — removed from the stack: release what ``enter`` opened.

Each loop iteration the top scene gets ``update(dt)`` (per fixed step), then the visible
scenes ``draw``, then the top scene hears ``presented()`` once the frame is shown.

Only the top scene receives events and ``update(dt)``; so a scene below a pause overlay
is frozen for free, and its game clock stops. Drawing starts at the highest scene that
is not an ``overlay`` and goes up, so the pause panel is drawn over a still picture of
play. This module does not need pygame, so the stack is tested with fake scenes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["Scene", "SceneStack"]


class Scene:
    """Base class for a screen. Override what you need; the defaults do nothing.

    ``update(dt)`` changes state; ``draw(surface)`` only reads it. ``dt`` is seconds of
    game time (fixed steps, see :mod:`game.ui.timing`).
    """

    #: True for a scene drawn over the one below it (pause), which then stays visible.
    overlay: bool = False

    def __init__(self) -> None:
        self.stack: SceneStack | None = None

    def enter(self) -> None:
        """Pushed onto the stack: open resources, start clocks."""

    def exit(self) -> None:
        """Removed from the stack: release everything ``enter`` opened."""

    def pause(self) -> None:
        """Another scene now covers this one."""

    def resume(self) -> None:
        """The scene covering this one is gone."""

    def handle(self, event: Any) -> bool:
        """React to one input event; return True if it was used (consumed)."""
        return False

    def update(self, dt: float) -> None:
        """Advance by ``dt`` seconds of game time."""

    def draw(self, surface: Any) -> None:
        """Draw the current state. Must not change game state."""

    def presented(self) -> None:
        """The frame just drawn is on screen: for work that may change state but should
        not delay the picture (the play scene judges the live poses it just showed)."""


class SceneStack:
    """The scenes in play, bottom to top, with push/pop/replace that keep the lifecycle.

    Changes take effect immediately, and a scene may change the stack from inside its
    own ``handle`` or ``update`` (the stack never iterates while calling those).
    """

    def __init__(self) -> None:
        self._scenes: list[Scene] = []

    def __len__(self) -> int:
        return len(self._scenes)

    def __iter__(self) -> Iterator[Scene]:
        return iter(list(self._scenes))

    @property
    def top(self) -> Scene | None:
        return self._scenes[-1] if self._scenes else None

    def push(self, scene: Scene) -> None:
        """Put ``scene`` on top: the old top is paused, then ``scene`` entered."""
        if self._scenes:
            self._scenes[-1].pause()
        scene.stack = self
        self._scenes.append(scene)
        scene.enter()

    def pop(self) -> Scene | None:
        """Remove the top scene (exited), then resume the one below. None if empty."""
        if not self._scenes:
            return None
        scene = self._scenes.pop()
        scene.exit()
        scene.stack = None
        if self._scenes:
            self._scenes[-1].resume()
        return scene

    def replace(self, scene: Scene) -> None:
        """Swap the top scene for ``scene`` (old one exited, new one entered, no resume)."""
        if self._scenes:
            old = self._scenes.pop()
            old.exit()
            old.stack = None
        scene.stack = self
        self._scenes.append(scene)
        scene.enter()

    def pop_to(self, keep: Callable[[Scene], bool]) -> None:
        """Pop scenes until the top one satisfies ``keep`` (or the stack is empty).

        Scenes in between are exited without being resumed: only the final top resumes.
        """
        popped = False
        while self._scenes and not keep(self._scenes[-1]):
            scene = self._scenes.pop()
            scene.exit()
            scene.stack = None
            popped = True
        if popped and self._scenes:
            self._scenes[-1].resume()

    def clear(self) -> None:
        """Exit every scene, top first (on quit, so sources and files get closed)."""
        while self._scenes:
            scene = self._scenes.pop()
            scene.exit()
            scene.stack = None

    def handle(self, event: Any) -> bool:
        """Give ``event`` to the top scene only; True if it consumed it."""
        top = self.top
        return top.handle(event) if top is not None else False

    def update(self, dt: float) -> None:
        """Update the top scene; the ones below are paused and keep still."""
        top = self.top
        if top is not None:
            top.update(dt)

    def presented(self) -> None:
        """Tell the top scene its frame is on screen (see :meth:`Scene.presented`)."""
        top = self.top
        if top is not None:
            top.presented()

    def visible(self) -> list[Scene]:
        """The scenes to draw, bottom first: from the highest non-overlay scene up."""
        start = 0
        for i in range(len(self._scenes) - 1, -1, -1):
            if not self._scenes[i].overlay:
                start = i
                break
        return self._scenes[start:]

    def draw(self, surface: Any) -> None:
        for scene in self.visible():
            scene.draw(surface)
