"""Landmark smoothing between the pose estimator and the coach: the One Euro filter.

MediaPipe's landmarks jitter by a few pixels from frame to frame even when the player
stands still; drawn raw, the skeleton shimmers, and the coach's angles wobble by degrees.
A plain low-pass filter that calms the jitter also makes the skeleton trail behind a
squat. The One Euro filter (Casiez, Roussel and Vogel, "1€ Filter: A Simple Speed-based
Low-pass Filter for Noisy Input in Interactive Systems", CHI 2012) solves both: its
cutoff frequency rises with the signal's speed, so it smooths hard at rest and follows
fast movement with little lag.

* :class:`OneEuroFilter` — the filter itself, vectorised: one instance smooths a whole
  numpy array, each element with its own state. Time comes from the caller's timestamps
  (seconds), never from an assumed frame rate, so dropped frames and uneven camera
  timing are handled exactly.
* :class:`LandmarkSmoother` — the pipeline stage: :class:`~game.pose.frame.PoseFrame` in,
  smoothed :class:`~game.pose.frame.PoseFrame` out, aware of visibility and of frames
  with nobody in them.

The defaults were measured, not guessed; see ``DEFAULT_*`` below.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from game.pose.frame import PoseFrame

__all__ = [
    "DEFAULT_BETA",
    "DEFAULT_D_CUTOFF_HZ",
    "DEFAULT_MAX_GAP_S",
    "DEFAULT_MIN_CUTOFF_HZ",
    "DEFAULT_WORLD_BETA",
    "VISIBLE_MIN",
    "LandmarkSmoother",
    "OneEuroFilter",
]

# --- Defaults, tuned for a person squatting filmed at ~30 fps ----------------------------------
# Chosen by sweeping min_cutoff 0.3-2 Hz and beta 0-30 over the demo athlete (noise=1 against
# its noise-free truth) and MediaPipe VIDEO-mode landmarks of the shared side clips
# (side_tommy_3reps_pickup, side_yuyou_deep_tailtuck_3reps). With these defaults:
#
#   clip          frame-to-frame jitter standing   knee-angle jitter standing   lag in squats
#   demo noise=1  2.96 -> 0.49 px (6.0x)           6.98 -> 3.87 deg (vs truth)  32 ms (30 knee)
#   tommy         0.64 -> 0.15 px (4.3x)           0.50 -> 0.20 deg             38 ms (32 knee)
#   yuyou         1.77 -> 0.66 px (2.7x)           2.75 -> 2.19 deg             28 ms (28 knee)
#
# Lag is the time shift that best lines the smoothed skeleton up with the raw one (a
# zero-phase reference on the real clips, the truth on the demo): about one frame. Lower
# beta buys steadier standing with more lag (beta 10: 45-70 ms); min_cutoff matters less.
#: Cutoff at rest, in Hz. At 30 fps each new sample gets ~9.5 % weight: white jitter is cut
#: ~4.5x in theory, ~3.7x in practice (the noise itself nudges the cutoff up).
DEFAULT_MIN_CUTOFF_HZ = 0.5
#: How fast the cutoff rises with speed for image landmarks, in Hz per (frame height per
#: second). A squatting hip peaks at ~0.3 frame heights/s, lifting the cutoff to ~6.5 Hz.
DEFAULT_BETA = 20.0
#: The same for world landmarks, in Hz per (metre per second); a person filling ~0.8 of
#: the frame height makes one frame height ~2.2 m, so this matches DEFAULT_BETA.
DEFAULT_WORLD_BETA = 10.0
#: Cutoff for the speed estimate itself, in Hz: Casiez et al.'s recommended 1 Hz (2 Hz cut
#: the lag by 4-6 ms and raised the standing jitter by 10-30 %).
DEFAULT_D_CUTOFF_HZ = 1.0
#: Longer than this without seeing the player and every landmark starts afresh: after half a
#: second (15 frames at 30 fps) the old positions say little about where the player is now.
DEFAULT_MAX_GAP_S = 0.5
#: A landmark the model is less sure of than this is treated as missing. The same number
#: as the coach's ``game.coach.features.VISIBLE_MIN`` (MediaPipe's own drawing threshold),
#: defined again here because ``game.pose`` is the lowest layer and never imports the coach.
VISIBLE_MIN = 0.5


def _check_rate(name: str, value: float, *, allow_zero: bool = False) -> float:
    """A filter parameter as a float, or a ValueError naming it and what it accepts."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise ValueError(f"{name} must be a number, got {value!r}")
    number = float(value)
    ok = math.isfinite(number) and (number >= 0.0 if allow_zero else number > 0.0)
    if not ok:
        wanted = "finite and not negative" if allow_zero else "finite and positive"
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    return number


def _alpha(period_s: float, cutoff_hz: np.ndarray | float) -> np.ndarray | float:
    """Smoothing factor of a first-order low-pass with this cutoff over one sample period.

    Casiez et al.'s ``alpha = 1 / (1 + tau / Te)`` with ``tau = 1 / (2 pi fc)``; written so
    that an infinite cutoff gives 1 (follow the input), not inf/inf.
    """
    rate = np.multiply(2.0 * math.pi * period_s, cutoff_hz)  # numpy: 1/0 is inf, not a raise
    return 1.0 / (1.0 + 1.0 / rate)


class OneEuroFilter:
    """The One Euro filter over numpy arrays; every element is its own filter.

    Call it with an array and that array's timestamp in seconds; it returns the smoothed
    array (float64, same shape). The first call, and the first call for an element after
    it was reset, returns the input unchanged and starts from there.

    * A repeated or backward timestamp carries no new time to filter over: the previous
      output is returned unchanged (a copy) and the state is not touched.
    * A non-finite element (NaN, inf: "no measurement") comes out as given and its state is
      reset, so the next real value starts afresh instead of being pulled toward old ones.

    Parameters (validated: finite and positive):
        min_cutoff: cutoff frequency at rest, in Hz. Lower = steadier when still, more lag.
        beta: how much the cutoff rises per unit/second of speed (units of the signal).
            Higher = less lag in fast movement, more jitter while moving. ``0`` is allowed
            and makes a plain first-order low-pass at ``min_cutoff``.
        d_cutoff: cutoff for the speed estimate, in Hz.
    """

    def __init__(
        self,
        min_cutoff: float = DEFAULT_MIN_CUTOFF_HZ,
        beta: float = DEFAULT_BETA,
        d_cutoff: float = DEFAULT_D_CUTOFF_HZ,
    ) -> None:
        self.min_cutoff = _check_rate("min_cutoff", min_cutoff)
        self.beta = _check_rate("beta", beta, allow_zero=True)
        self.d_cutoff = _check_rate("d_cutoff", d_cutoff)
        self._t: float | None = None
        self._raw: np.ndarray | None = None  # previous input value
        self._x: np.ndarray | None = None  # previous filtered value
        self._dx: np.ndarray | None = None  # previous filtered speed
        self._ready: np.ndarray | None = None  # element has a state to filter from
        self._out: np.ndarray | None = None  # what the last call returned

    def reset(self, where: np.ndarray | None = None) -> None:
        """Forget the state: all of it, or only the elements where ``where`` is true.

        ``where`` is a boolean array that broadcasts to the filtered shape (e.g. ``(33, 1)``
        for whole landmarks of a ``(33, 3)`` array).
        """
        if where is None or self._ready is None:
            self._t = self._raw = self._x = self._dx = self._ready = self._out = None
            return
        self._ready &= ~np.broadcast_to(np.asarray(where, dtype=bool), self._ready.shape)

    def __call__(self, x: np.ndarray, timestamp_s: float) -> np.ndarray:
        """Smooth ``x`` taken at ``timestamp_s`` seconds; returns a new float64 array."""
        t = float(timestamp_s)
        if not math.isfinite(t):
            raise ValueError(f"timestamp_s must be finite, got {timestamp_s!r}")
        value = np.asarray(x, dtype=np.float64)
        if self._ready is not None and value.shape != self._ready.shape:
            raise ValueError(
                f"this filter smooths arrays of shape {self._ready.shape}, got {value.shape}"
            )
        if self._t is not None and t <= self._t:
            assert self._out is not None
            return self._out.copy()

        finite = np.isfinite(value)
        if self._t is None or self._ready is None:
            self._ready = np.zeros(value.shape, dtype=bool)
            self._raw, self._x, self._dx = (np.zeros(value.shape) for _ in range(3))
            period = 0.0
        else:
            period = t - self._t
        assert self._raw is not None and self._x is not None and self._dx is not None
        go = self._ready & finite  # filter these from their state
        start = finite & ~self._ready  # (re)start these from this value

        out = value.copy()  # non-finite elements pass through as given
        self._x[start] = value[start]
        self._dx[start] = 0.0
        if go.any():
            now, raw0, x0, dx0 = value[go], self._raw[go], self._x[go], self._dx[go]
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                # As in the reference implementation: the speed is taken from the previous
                # raw value, and smoothed at d_cutoff before it sets the cutoff.
                dx_hat = dx0 + _alpha(period, self.d_cutoff) * ((now - raw0) / period - dx0)
                cutoff = self.min_cutoff + self.beta * np.abs(dx_hat)
                x_hat = x0 + _alpha(period, cutoff) * (now - x0)
            # Absurd inputs (e.g. 1e38 jumps in a microsecond) can overflow the speed: such an
            # element passes through and restarts rather than turning into NaN.
            blown = ~(np.isfinite(x_hat) & np.isfinite(dx_hat))
            x_hat[blown] = now[blown]
            dx_hat[blown] = 0.0
            out[go] = self._x[go] = x_hat
            self._dx[go] = dx_hat
        self._raw[finite] = value[finite]
        self._t, self._ready = t, finite
        self._out = out
        return out.copy()


class LandmarkSmoother:
    """The stage between the pose estimator and the coach: smooths each frame's landmarks.

    :meth:`smooth` returns a new :class:`PoseFrame` with the same image, mask, truth and
    ``extra_people``, whose ``landmarks[:, :3]`` and ``world_landmarks`` are smoothed; the
    visibility column is passed on as the estimator gave it.

    * **Unsure landmarks are missing, not guessed.** A landmark whose visibility is below
      ``visible_min`` comes out with NaN coordinates (image and world), and its filter
      state is reset, so when it reappears it starts from where it really is instead of
      being dragged from a stale position. Code downstream must treat NaN as "unknown".
    * **Nobody in the frame is normal.** Such a frame passes through unchanged and resets
      nothing: a one-frame dropout does not cost the smoothing. If the player is gone for
      longer than ``max_gap_s``, every landmark starts afresh when they return.
    * **A new stream.** Time going backward by more than ``max_gap_s`` means the source
      restarted (a replay, a looped video): the state resets. A smaller step back, or a
      repeated timestamp, repeats the previous smoothed positions (see
      :class:`OneEuroFilter`).

    Image coordinates are filtered in frame-height units (x and z scaled by width/height),
    so ``beta`` means the same for x and y and for any camera resolution; world landmarks
    are filtered in metres with ``world_beta``.
    """

    def __init__(
        self,
        *,
        min_cutoff: float = DEFAULT_MIN_CUTOFF_HZ,
        beta: float = DEFAULT_BETA,
        world_beta: float = DEFAULT_WORLD_BETA,
        d_cutoff: float = DEFAULT_D_CUTOFF_HZ,
        visible_min: float = VISIBLE_MIN,
        max_gap_s: float = DEFAULT_MAX_GAP_S,
    ) -> None:
        self._image = OneEuroFilter(min_cutoff, beta, d_cutoff)
        self._world = OneEuroFilter(min_cutoff, world_beta, d_cutoff)
        visible = _check_rate("visible_min", visible_min, allow_zero=True)
        if visible > 1.0:
            raise ValueError(f"visible_min must be between 0 and 1, got {visible_min!r}")
        self.visible_min = visible
        self.max_gap_s = _check_rate("max_gap_s", max_gap_s)
        self._last_seen_s: float | None = None  # last frame with a person
        self._last_s: float | None = None  # last frame of any kind

    def reset(self) -> None:
        """Forget every landmark: call between sets or when switching sources."""
        self._image.reset()
        self._world.reset()
        self._last_seen_s = self._last_s = None

    def smooth(self, frame: PoseFrame) -> PoseFrame:
        """The frame with its landmarks smoothed (a new frame; the input is not changed)."""
        t = frame.timestamp_s
        if self._last_s is not None and t < self._last_s - self.max_gap_s:
            self.reset()
        self._last_s = t if self._last_s is None else max(self._last_s, t)
        if frame.landmarks is None or frame.world_landmarks is None:
            return frame
        if self._last_seen_s is not None and t - self._last_seen_s > self.max_gap_s:
            self._image.reset()
            self._world.reset()
        if self._last_seen_s is None or t > self._last_seen_s:
            self._last_seen_s = t

        visibility = frame.landmarks[:, 3]
        missing = ~(visibility >= self.visible_min)  # NaN visibility counts as missing
        missing_rows = missing[:, np.newaxis]
        width, height = frame.frame_size
        to_height_units = np.array([width / height, 1.0, width / height])

        image = np.where(missing_rows, np.nan, frame.landmarks[:, :3] * to_height_units)
        world = np.where(missing_rows, np.nan, frame.world_landmarks)
        smoothed_image = self._image(image, t) / to_height_units
        smoothed_world = self._world(world, t)
        # A repeated timestamp repeats the last output: still hide what is missing now, and
        # show what has just appeared where it is (it has no smoothed position yet).
        fresh = ~missing & ~np.isfinite(smoothed_image).all(axis=1)
        smoothed_image[fresh] = frame.landmarks[fresh, :3]
        fresh = ~missing & ~np.isfinite(smoothed_world).all(axis=1)
        smoothed_world[fresh] = frame.world_landmarks[fresh]
        smoothed_image[missing] = np.nan
        smoothed_world[missing] = np.nan

        landmarks = np.empty_like(frame.landmarks)
        landmarks[:, :3] = smoothed_image
        landmarks[:, 3] = visibility
        return dataclasses.replace(
            frame, landmarks=landmarks, world_landmarks=smoothed_world.astype(np.float32)
        )
