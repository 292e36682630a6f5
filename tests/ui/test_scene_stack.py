"""The scene stack keeps the lifecycle order, draws overlays over what they cover and
gives input only to the top scene. Fake scenes log what happens to them; no display."""

from __future__ import annotations

from typing import Any

import pytest

from game.ui.scene import Scene, SceneStack


class Fake(Scene):
    def __init__(self, name: str, log: list[str], overlay: bool = False, eat: bool = True):
        super().__init__()
        self.name, self.log, self.overlay, self.eat = name, log, overlay, eat

    def enter(self) -> None:
        self.log.append(f"{self.name}.enter")

    def exit(self) -> None:
        self.log.append(f"{self.name}.exit")

    def pause(self) -> None:
        self.log.append(f"{self.name}.pause")

    def resume(self) -> None:
        self.log.append(f"{self.name}.resume")

    def handle(self, event: Any) -> bool:
        self.log.append(f"{self.name}.handle({event})")
        return self.eat

    def update(self, dt: float) -> None:
        self.log.append(f"{self.name}.update")

    def draw(self, surface: Any) -> None:
        surface.append(self.name)


@pytest.fixture
def log() -> list[str]:
    return []


def test_push_pauses_below_and_pop_resumes(log: list[str]) -> None:
    stack = SceneStack()
    a, b = Fake("a", log), Fake("b", log)
    stack.push(a)
    stack.push(b)
    assert stack.top is b and a.stack is stack and b.stack is stack
    assert stack.pop() is b
    assert log == ["a.enter", "a.pause", "b.enter", "b.exit", "a.resume"]
    assert b.stack is None and stack.top is a


def test_replace_exits_old_and_enters_new_without_resume(log: list[str]) -> None:
    stack = SceneStack()
    a, b, c = Fake("a", log), Fake("b", log), Fake("c", log)
    stack.push(a)
    stack.push(b)
    log.clear()
    stack.replace(c)
    assert log == ["b.exit", "c.enter"]
    assert list(stack) == [a, c]


def test_pop_to_exits_each_and_resumes_only_the_final_top(log: list[str]) -> None:
    stack = SceneStack()
    scenes = [Fake(n, log) for n in "abcd"]
    for s in scenes:
        stack.push(s)
    log.clear()
    stack.pop_to(lambda s: s is scenes[0])
    assert log == ["d.exit", "c.exit", "b.exit", "a.resume"]
    assert list(stack) == [scenes[0]]


def test_clear_exits_top_first(log: list[str]) -> None:
    stack = SceneStack()
    for n in "ab":
        stack.push(Fake(n, log))
    log.clear()
    stack.clear()
    assert log == ["b.exit", "a.exit"]
    assert stack.top is None and len(stack) == 0
    assert stack.pop() is None


def test_overlay_is_drawn_over_the_scene_it_covers(log: list[str]) -> None:
    stack = SceneStack()
    stack.push(Fake("title", log))
    stack.push(Fake("play", log))
    stack.push(Fake("pause", log, overlay=True))
    drawn: list[str] = []
    stack.draw(drawn)
    assert drawn == ["play", "pause"]  # title is fully covered by play


def test_stacked_overlays_draw_down_to_the_first_opaque_scene(log: list[str]) -> None:
    stack = SceneStack()
    stack.push(Fake("play", log))
    stack.push(Fake("pause", log, overlay=True))
    stack.push(Fake("confirm", log, overlay=True))
    drawn: list[str] = []
    stack.draw(drawn)
    assert drawn == ["play", "pause", "confirm"]


def test_only_the_top_scene_gets_events_and_updates(log: list[str]) -> None:
    stack = SceneStack()
    stack.push(Fake("play", log))
    stack.push(Fake("pause", log, overlay=True, eat=False))
    log.clear()
    assert stack.handle("esc") is False  # the return value says whether it was used
    stack.update(1 / 60)
    assert log == ["pause.handle(esc)", "pause.update"]  # play is frozen under pause


def test_scene_may_change_the_stack_from_its_own_handler(log: list[str]) -> None:
    class Popper(Fake):
        def handle(self, event: Any) -> bool:
            assert self.stack is not None
            self.stack.pop()
            return True

    stack = SceneStack()
    stack.push(Fake("a", log))
    stack.push(Popper("p", log))
    assert stack.handle("x") is True
    assert [type(s).__name__ for s in stack] == ["Fake"]
    assert log[-2:] == ["p.exit", "a.resume"]


def test_empty_stack_is_harmless() -> None:
    stack = SceneStack()
    assert stack.handle("x") is False
    stack.update(0.1)
    stack.draw([])
    assert stack.visible() == []
