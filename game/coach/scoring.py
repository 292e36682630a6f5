"""Rep scores (0-100) and the one short cue the player hears after a rep.

Score = 100 minus a fixed penalty per fault, minus one point per degree the rep stopped
short of the depth target (at most ``DEPTH_PENALTY_MAX``), never below 0. The weights
say what the game cares about most: the pelvis and glutes first (the game's point), then
the feet and knees, then depth.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from game.coach.faults import FAULTS

__all__ = ["CLEAN_REP_MIN_SCORE", "CUES", "FAULT_PENALTY", "PRAISE", "cues_for", "rep_score"]

FAULT_PENALTY: dict[str, int] = {
    "tail_tuck": 30,
    "glutes_low": 25,
    "weight_forward": 20,
    "heels_lift": 15,
    "knees_cave": 20,
    "forward_lean": 15,
    "shallow": 20,
}
assert set(FAULT_PENALTY) == set(FAULTS)

#: The most a rep loses for missing the depth target, on top of a ``shallow`` fault.
DEPTH_PENALTY_MAX = 15.0
#: A rep at or above this score is "clean": it feeds streaks, combos and praise.
CLEAN_REP_MIN_SCORE = 85

#: One positive instruction per fault: what to do, not what went wrong.
CUES: dict[str, str] = {
    "tail_tuck": "Tail stays long - stop just above where it tucks",
    "glutes_low": "Keep 'em high - sit back, not down",
    "weight_forward": "Sit back over your heels",
    "heels_lift": "Heels heavy on the floor",
    "knees_cave": "Knees out over your toes",
    "forward_lean": "Chest proud, glutes back",
    "shallow": "Sink a little deeper",
}
assert set(CUES) == set(FAULTS)
PRAISE = "Glutes high - great rep!"


def rep_score(faults: Iterable[str], depth_deg: float, depth_target_deg: float) -> int:
    """Score one rep from its faults and depth."""
    score = 100.0 - sum(FAULT_PENALTY[f] for f in set(faults))
    if math.isfinite(depth_deg):
        score -= min(DEPTH_PENALTY_MAX, max(0.0, depth_target_deg - depth_deg))
    return round(max(0.0, min(100.0, score)))


def cues_for(faults: Iterable[str], score: int) -> list[str]:
    """The cue for the most important fault, or praise for a clean rep (at most one)."""
    ordered = [f for f in FAULTS if f in set(faults)]
    if ordered:
        return [CUES[ordered[0]]]
    return [PRAISE] if score >= CLEAN_REP_MIN_SCORE else []
