"""Fixed-timestep game time, independent of how fast frames are drawn.

The game logic always advances in steps of exactly ``1 / UPDATE_HZ`` seconds, so rep
timing, effects and the level clock behave the same on a fast desktop, a slow laptop and
in a headless test. Real elapsed time goes into an accumulator; whole steps come out. A
stall (window dragged, slow disk) would otherwise ask for hundreds of catch-up steps,
each making the next frame later still; at most ``max_steps`` run per frame and the rest
of the backlog is dropped: the game slows down briefly instead of spiralling.

A new camera pose may pull the next step in early (``advance(..., early=True)``): the
step runs when the pose arrives instead of up to 1/60 s later, so the player sees it at
once. The step is borrowed from the accumulator, which may go one step negative; steps
stay exactly ``1 / UPDATE_HZ`` long and game time never runs more than one step ahead of
real time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["MAX_CATCH_UP_STEPS", "UPDATE_HZ", "FixedStep"]

UPDATE_HZ = 60
#: At most this many updates per rendered frame: 5 steps = 83 ms of game time, enough to
#: ride out a dropped frame or two at 60 fps without visible slow-down.
MAX_CATCH_UP_STEPS = 5


@dataclass
class FixedStep:
    """Turns real frame times into a number of fixed update steps."""

    hz: float = UPDATE_HZ
    max_steps: int = MAX_CATCH_UP_STEPS
    accumulator: float = field(default=0.0, init=False)
    dropped_s: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        if self.hz <= 0 or self.max_steps < 1:
            raise ValueError("hz must be positive and max_steps at least 1")

    @property
    def dt(self) -> float:
        """Seconds of game time per step."""
        return 1.0 / self.hz

    def advance(self, real_dt: float, *, early: bool = False) -> int:
        """Add ``real_dt`` seconds; return how many steps to run now.

        ``early``: something worth showing at once arrived (a live pose); if no step is
        due yet, one runs now, borrowed from the next (at most one step ahead).
        """
        self.accumulator += max(0.0, real_dt)
        if early and -1e-9 <= self.accumulator < self.dt:
            self.accumulator -= self.dt
            return 1
        if self.accumulator < 0.0:
            return 0  # still paying back a borrowed step
        steps = int(self.accumulator * self.hz + 1e-9)
        if steps > self.max_steps:
            self.dropped_s += (steps - self.max_steps) * self.dt
            steps = self.max_steps
            self.accumulator = 0.0
        else:
            self.accumulator = max(0.0, self.accumulator - steps * self.dt)
        return steps

    @property
    def alpha(self) -> float:
        """How far (0..1) real time is into the next step (for interpolated drawing)."""
        return min(1.0, max(0.0, self.accumulator * self.hz))
