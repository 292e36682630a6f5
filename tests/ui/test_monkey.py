"""A player mashing keys and clicking anywhere never crashes the game.

Hypothesis plays random sequences of key presses, typed text, mouse moves, clicks and
wheel turns into the real headless game (the demo athlete squatting in front of it),
with random stretches of game time between them, so every scene the keys lead to (menus,
name entry, levels mid-rep, pause, results, settings) gets hostile input at odd moments.
The game must keep running: no exception from any event or frame, and a scene still on
the stack unless the keys asked it to quit.
"""

from __future__ import annotations

import pygame
import pytest
from drive import AppFactory, advance, press
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.ui import theme
from game.ui.app import GameApp

KEYS = [
    pygame.K_UP,
    pygame.K_DOWN,
    pygame.K_LEFT,
    pygame.K_RIGHT,
    pygame.K_RETURN,
    pygame.K_KP_ENTER,
    pygame.K_SPACE,
    pygame.K_ESCAPE,
    pygame.K_BACKSPACE,
    pygame.K_DELETE,
    pygame.K_TAB,
    pygame.K_HOME,
    pygame.K_END,
    pygame.K_PAGEUP,
    pygame.K_PAGEDOWN,
    pygame.K_F1,
    pygame.K_F11,
    pygame.K_a,
    pygame.K_m,
    pygame.K_p,
    pygame.K_r,
    pygame.K_s,
    pygame.K_1,
]
WIDTH, HEIGHT = theme.LOGICAL_SIZE

# Enter and the arrows go somewhere; every other key is as likely as one of them.
NAVIGATION = [pygame.K_RETURN, pygame.K_DOWN, pygame.K_UP, pygame.K_RIGHT]
key_press = st.builds(lambda key: ("key", key), st.sampled_from(KEYS + NAVIGATION * 3))
typed = st.builds(lambda text: ("text", text), st.text(min_size=1, max_size=4))
position = st.tuples(st.integers(-20, WIDTH + 20), st.integers(-20, HEIGHT + 20))
mouse_move = st.builds(lambda pos: ("move", pos), position)
click = st.builds(lambda pos, button: ("click", pos, button), position, st.integers(1, 5))
wheel = st.builds(lambda dy: ("wheel", dy), st.integers(-5, 5))
action = st.one_of(key_press, key_press, key_press, typed, mouse_move, click, wheel)
# Game time after an action: mostly a frame or two, sometimes long enough for a rep.
SHORT = [st.just(1 / 60), st.floats(0.0, 0.3)]
pause_s = st.one_of(*SHORT * 3, st.floats(0.3, 3.0))

# Where the keys start, and the keys (with game seconds after each) that lead there from
# the title screen: every scene gets its own share of hostile input, not just the title
# (where random keys mostly quit). The demo athlete finishes the first level's five reps
# in about 20 s of game time, which brings up its results.
_DOWN, _ENTER = pygame.K_DOWN, pygame.K_RETURN
_INTO_LEVEL = [(_ENTER, 0.3), (_ENTER, 0.3), (_ENTER, 4.0)]  # level select, countdown, play
ROUTES: dict[str, list[tuple[int, float]]] = {
    "TitleScene": [],
    "PlayerSelectScene": [(_DOWN, 0.1), (_ENTER, 0.3)],
    "SettingsScene": [(_DOWN, 0.1), (_DOWN, 0.1), (_ENTER, 0.3)],
    "HighScoresScene": [(_DOWN, 0.1)] * 3 + [(_ENTER, 0.3)],
    "LevelSelectScene": [(_ENTER, 0.3)],
    "PlayScene": _INTO_LEVEL,
    "PauseScene": [*_INTO_LEVEL, (pygame.K_ESCAPE, 0.3)],
    "ResultsScene": _INTO_LEVEL,  # then wait for the level to end (see _reach)
}
#: Game seconds the first level may take to end on its own with the demo athlete.
LEVEL_END_WITHIN_S = 120.0


def _reach(app: GameApp, start: str) -> None:
    """Press ``start``'s route; for the results, also wait (in game time) for the level
    to end. A fixed 30 s wait reached the results in most runs but not all (found by the
    explore profile), so the route waits for the scene itself."""
    for key, then_s in ROUTES[start]:
        press(app, key, then_s)
    waited = 0.0
    while start == "ResultsScene" and type(app.stack.top).__name__ != start:
        assert waited < LEVEL_END_WITHIN_S, "the demo athlete did not finish the first level"
        advance(app, 1.0)
        waited += 1.0


def _post(action: tuple) -> None:
    kind = action[0]
    if kind == "key":
        attrs = {"key": action[1], "mod": 0, "unicode": "", "scancode": 0}
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, attrs))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, attrs))
    elif kind == "text":
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=action[1]))
    elif kind == "move":
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEMOTION, pos=action[1], rel=(0, 0), buttons=(0, 0, 0))
        )
    elif kind == "click":
        attrs = {"pos": action[1], "button": action[2]}
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, attrs))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, attrs))
    else:
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=action[1], flipped=False, precise_y=0.0)
        )


@pytest.mark.parametrize("start", list(ROUTES))
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(action, pause_s), min_size=1, max_size=25))
def test_random_input_never_crashes_a_scene(
    make_app: AppFactory, start: str, steps: list[tuple[tuple, float]]
) -> None:
    app = make_app(source="demo", muted=True)
    _reach(app, start)
    assert type(app.stack.top).__name__ == start  # the route still leads there
    for act, then_s in steps:
        _post(act)
        advance(app, then_s)
        if app.ctx.quit_requested or not app.stack:
            return  # Escape on the title screen (or its Quit) quits: asked for, not a crash
    assert app.stack, "the scene stack emptied without a quit"
