"""How long a rep took going down, resting at the bottom and coming up.

A tempo level ("3-1-1": three seconds down, one still at the bottom, one up) needs the
three phases of each rep as the player would count them: from the first movement to
arriving at the bottom, the stillness there, and from leaving the bottom to standing
tall. The coach's per-rep ``RepMetrics.down_s/pause_s/up_s`` read the phases off its
"bottom" (the hips' lowest frame, which can fall anywhere in a pause) and a 5° band;
on the demo athlete at 3-1-1 they come out 1.9-2.3 / 1.4-1.5 / 0.2-0.8 s, too far off
to judge a ±0.5 s tolerance. So the session times the phases itself from the coach's
smoothed knee-bend signal:

* the rep's range runs from the standing bend (a low percentile of the second before the
  coach's rep start, which is already 15° into the descent, as the rep counter's own
  standing baseline is) to the deepest bend;
* each movement is timed between the moments it crosses ``EDGE_FRACTION`` and
  ``1 - EDGE_FRACTION`` of that range, away from the flat ends where noise decides the
  crossing. The middle of a movement is a fixed share of the whole for a
  minimum-jerk movement, the smooth profile of human point-to-point movements (Flash and
  Hogan, J. Neurosci. 1985; the demo athlete moves along it), so the phase's length is
  that time divided by the share;
* the pause is the time between arriving and leaving the top band, minus the ends of
  the two movements that lie inside it.

``EDGE_FRACTION`` is 0.2 and not lower because the rep is judged the moment the coach
counts it, when the knees are back within 15° of the standing bend
(``RepThresholds.stand_deg``):
a deep rep's last 20 % is behind it by then, its last 10 % not always.

On the demo athlete at MediaPipe-like jitter, seen from the side, front and three-quarter,
each phase reads within 0.4 s: 3-1-1 as 2.8-3.2 / 0.7-1.0 / 1.0-1.3 s, 2-2-1 as
1.9-2.4 / 1.8-2.0 / 1.0-1.3 s, 1-0-1 as 1.0-1.2 / 0.0 / 1.0-1.2 s; at twice the jitter
up to 0.7 s off (tests/play/test_tempo.py). Real clips carry no tempo truth yet.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from game.play.levels import Tempo

__all__ = [
    "EDGE_FRACTION",
    "PHASES",
    "RepTiming",
    "measure_rep_timing",
    "min_jerk",
    "tempo_cue",
    "tempo_misses",
]

#: Each movement is timed between this fraction and 1 minus it of the rep's range.
EDGE_FRACTION = 0.2
#: The standing bend is the STANDING_PERCENTILE of the trace over this long before the
#: rep's start (the rep counter's baseline takes the 10th percentile of its standing
#: samples: the straightest the knees get, but not the minimum, which noise drags down).
STANDING_S = 1.0
STANDING_PERCENTILE = 10.0
PHASES = ("down", "pause", "up")


def min_jerk(x: float) -> float:
    """Minimum-jerk position (0..1) at time fraction ``x`` (0..1) of a movement."""
    return x * x * x * (10.0 + x * (-15.0 + 6.0 * x))


def _min_jerk_time(position: float) -> float:
    """The time fraction at which a minimum-jerk movement reaches ``position`` (bisection:
    the curve is monotonic on 0..1)."""
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if min_jerk(mid) < position:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


#: Share of a movement's time spent before it crosses EDGE_FRACTION (and, by symmetry,
#: after it crosses 1 - EDGE_FRACTION): 0.325 for 0.2.
_EDGE_TIME = _min_jerk_time(EDGE_FRACTION)
#: Share of a movement's time between the two crossings.
_MIDDLE_TIME = 1.0 - 2.0 * _EDGE_TIME


@dataclass(frozen=True, slots=True)
class RepTiming:
    """Seconds of one rep's phases: down, still at the bottom, up."""

    down_s: float
    pause_s: float
    up_s: float

    def phase_s(self, phase: str) -> float:
        return {"down": self.down_s, "pause": self.pause_s, "up": self.up_s}[phase]

    def text(self) -> str:
        """``2.9-1.0-1.1``: how the HUD shows it beside the level's ``3-1-1``."""
        return f"{self.down_s:.1f}-{self.pause_s:.1f}-{self.up_s:.1f}"


def measure_rep_timing(
    trace: Sequence[tuple[float, float]], start_s: float, end_s: float
) -> RepTiming | None:
    """Time one rep from ``trace`` (time, smoothed knee bend in degrees), in time order.

    ``start_s`` and ``end_s`` are the coach's rep window; samples after ``end_s`` are used
    when there are any. ``None`` when the trace cannot show all three phases (too few
    samples, the person lost mid-rep, or the rise not yet back past the lower edge).
    """
    samples = [(t, d) for t, d in trace if math.isfinite(d)]
    standing = [d for t, d in samples if start_s - STANDING_S <= t <= start_s]
    rep = [(t, d) for t, d in samples if t >= start_s - STANDING_S]
    if not standing or len(rep) < 3:
        return None
    standing.sort()
    low = standing[int(len(standing) * STANDING_PERCENTILE / 100.0)]
    ts = [t for t, _ in rep]
    ds = [d for _, d in rep]
    peak = max(range(len(ds)), key=ds.__getitem__)
    span = ds[peak] - low
    if not span > 0:
        return None
    lower = low + EDGE_FRACTION * span
    upper = ds[peak] - EDGE_FRACTION * span

    # Down: the last time it left the lower edge before the deepest point, then the first
    # time it reached the upper edge after that.
    below = [i for i in range(peak) if ds[i] <= lower]
    if not below:
        return None
    left_floor = _crossing(ts, ds, below[-1], lower)
    reached = next(i for i in range(below[-1] + 1, peak + 1) if ds[i] >= upper)
    arrived = _crossing(ts, ds, reached - 1, upper)
    # Up: the last time it was at the upper edge, then the first time back at the lower.
    last_top = max(i for i in range(peak, len(ds)) if ds[i] >= upper)
    back = next((i for i in range(last_top + 1, len(ds)) if ds[i] <= lower), None)
    if back is None:
        return None
    departed = _crossing(ts, ds, last_top, upper)
    stood = _crossing(ts, ds, back - 1, lower)

    down = (arrived - left_floor) / _MIDDLE_TIME
    up = (stood - departed) / _MIDDLE_TIME
    pause = max(0.0, departed - arrived - _EDGE_TIME * (down + up))
    return RepTiming(down_s=down, pause_s=pause, up_s=up)


def _crossing(ts: Sequence[float], ds: Sequence[float], i: int, level: float) -> float:
    """When the signal crossed ``level`` between samples ``i`` and ``i + 1`` (linear)."""
    d0, d1 = ds[i], ds[i + 1]
    if d1 == d0:
        return ts[i]
    k = min(1.0, max(0.0, (level - d0) / (d1 - d0)))
    return ts[i] + k * (ts[i + 1] - ts[i])


def tempo_misses(tempo: Tempo, timing: RepTiming, slow_motion: float = 1.0) -> dict[str, float]:
    """Phases off the tempo by more than its tolerance: phase -> seconds too long (+) or
    too short (-). A ``slow_motion`` below 1 stretches the count (0.5: twice as slow)."""
    out: dict[str, float] = {}
    for phase in PHASES:
        want = _target(tempo, phase) / slow_motion
        off = timing.phase_s(phase) - want
        if abs(off) > tempo.tolerance_s / slow_motion:
            out[phase] = off
    return out


def _target(tempo: Tempo, phase: str) -> float:
    return {"down": tempo.down_s, "pause": tempo.pause_s, "up": tempo.up_s}[phase]


def tempo_cue(tempo: Tempo, misses: dict[str, float], slow_motion: float = 1.0) -> str | None:
    """One instruction for the phase furthest off, in the level's own count."""
    if not misses:
        return None
    phase = max(misses, key=lambda p: abs(misses[p]))
    want = f"{_target(tempo, phase) / slow_motion:g}"
    unit = "second" if want == "1" else "seconds"
    slow = misses[phase] < 0
    if phase == "down":
        return f"{'Slower' if slow else 'Quicker'} down - count {want} {unit}"
    if phase == "up":
        return f"{'Slower' if slow else 'Quicker'} up - {want} {unit} to stand"
    if _target(tempo, "pause") == 0:
        return "No rest at the bottom - straight back up"
    if slow:
        return f"Hold still {want} {unit} at the bottom"
    return f"Up after {want} {unit} at the bottom"
