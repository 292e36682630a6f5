"""The demo athlete standing in for a player: the source spec that plays a level as asked.

With no camera the game plays the demo athlete, and it should play the level in front of
it, not its own default set: as many reps as the level asks, at the level's tempo, with
its bottom pause, landing inside its depth band; a hold level gets the posture held a
little past the goal. What the spec already says is kept (``demo?reps=3`` means three
reps; ``demo:tail_tuck`` keeps its fault): someone wants exactly that, and a spec that
cannot play the level then tells them why when it opens.

Only parameter *values* are chosen here; the athlete itself lives in ``game.pose.demo``.
"""

from __future__ import annotations

from game.play.levels import HoldGoals, Level, SquatGoals
from game.pose.source import SourceError, parse_spec

__all__ = [
    "DEMO_HOLD_MARGIN_S",
    "DEMO_PAUSE_MARGIN_S",
    "HOLD_POSTURES",
    "demo_depth_for",
    "demo_spec_for_level",
]

#: A level's hold postures, as the demo athlete's ``hold=`` names them.
HOLD_POSTURES = {"stand_heels": "stand", "sit_tall": "sit"}
#: The demo holds this much longer than the level asks, as a player keeps holding until
#: the game says done: the hold coach starts its clock a few frames after the athlete
#: settles, and a hold cut exactly at the goal would end a fraction short.
DEMO_HOLD_MARGIN_S = 3.0
#: The demo's bottom pause is this much longer than a level's ``pause_s``, as a player
#: told "two seconds" counts a little over (the timing reads a pause up to 0.3 s short).
DEMO_PAUSE_MARGIN_S = 0.5
#: The demo's depth parameter to knee flexion at the bottom, as the coach reads it from
#: the side (measured on demo reps at depth 0.7-1.0: 0.7 -> 95-99°, 0.8 -> 107-111°,
#: 1.0 -> 130-135°; the athlete's true knee bend is 120 x depth + 10, the coach reads ~3°
#: more).
_DEPTH_DEG_PER_UNIT = 120.0
_DEPTH_DEG_AT_ZERO = 13.0
#: The demo's depth parameter range (game.pose.demo.params).
_DEPTH_RANGE = (0.3, 1.3)
_SQUAT_TIMING = ("tempo", "down", "pause", "up")


def demo_depth_for(knee_deg: float) -> float:
    """The demo ``depth`` parameter whose bottom the coach reads as ``knee_deg``."""
    depth = (knee_deg - _DEPTH_DEG_AT_ZERO) / _DEPTH_DEG_PER_UNIT
    return round(min(max(depth, _DEPTH_RANGE[0]), _DEPTH_RANGE[1]), 3)


def demo_spec_for_level(spec: str, level: Level) -> str:
    """``spec`` with the demo parameters that make the athlete play ``level``.

    Anything but a demo spec, and a malformed one, comes back unchanged (opening it
    reports the problem).
    """
    try:
        parsed = parse_spec(spec)
    except SourceError:
        return spec
    if parsed.kind != "demo":
        return spec
    given = parsed.params
    extra: list[tuple[str, str]] = []
    goals = level.goals
    if isinstance(goals, HoldGoals):
        if "hold" not in given:
            extra.append(("hold", HOLD_POSTURES[goals.posture]))
        if "hold_s" not in given:
            extra.append(("hold_s", f"{goals.hold_s + DEMO_HOLD_MARGIN_S:g}"))
    elif isinstance(goals, SquatGoals) and "hold" not in given:
        if "reps" not in given:
            extra.append(("reps", str(level.reps)))
        if not any(key in given for key in _SQUAT_TIMING):
            extra.extend(_timing(goals, level.modifiers.slow_motion))
        if goals.max_depth_deg is not None and "depth" not in given:
            middle = (goals.depth_deg + goals.max_depth_deg) / 2
            extra.append(("depth", f"{demo_depth_for(middle):g}"))
    if not extra:
        return spec
    query = "&".join(f"{key}={value}" for key, value in extra)
    return f"{spec}{'&' if '?' in spec else '?'}{query}"


def _timing(goals: SquatGoals, slow_motion: float) -> list[tuple[str, str]]:
    if goals.tempo is not None:
        t = goals.tempo
        phases = (t.down_s, t.pause_s, t.up_s)
        return [("tempo", "-".join(f"{s / slow_motion:g}" for s in phases))]
    if goals.pause_s is not None:
        return [("pause", f"{goals.pause_s + DEMO_PAUSE_MARGIN_S:g}")]
    return []
