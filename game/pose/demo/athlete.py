"""The demo athlete as a pose source: squat reps or a posture hold on a timeline, seen
through a camera.

Frames are made one at a time as the reader asks (nothing is precomputed), each with the
landmarks MediaPipe would report (plus its kind of jitter), a person mask, and the
ground truth the coach is tested against. The same parameters and seed give bit-identical
frames, every time :meth:`DemoAthlete.frames` is called.

A squat set's truth ``phase`` is ``stand``, ``down``, ``bottom`` or ``up``. A hold's is
``stand`` for the ``lead`` (standing, settling), ``sit_down`` for a sit's way down to the
chair, ``hold`` while the hold's clock runs (``holding`` is True then) and ``after`` for
the ``tail`` (still in the posture, clock stopped).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from types import TracebackType

import numpy as np

from game.pose.demo.body import SHALLOW_DEPTH, Body, BodyPose, fault_weights, smoothstep
from game.pose.demo.camera import Camera
from game.pose.demo.params import FAULT_RAMP_S, SIT_DOWN_S, DemoParams
from game.pose.demo.silhouette import Silhouette
from game.pose.frame import AthleteTruth, PoseFrame
from game.pose.landmarks import NUM_LANDMARKS
from game.pose.source import SourceInfo, SourceSpec

__all__ = ["LABEL_WEIGHT", "SHALLOW_LABEL_PROGRESS", "TUCK_LABEL_DEG", "DemoAthlete", "open_demo"]

# --- Truth labels ---------------------------------------------------------------------------
#: A ramped fault is labelled while it shows at least half of its full effect (e.g. heels
#: up 2 cm of 4, knees in 4.6 cm of 9).
LABEL_WEIGHT = 0.5
#: Posterior pelvic tilt above which ``tail_tuck`` is labelled: a clean rep peaks at
#: ~3.5° (the pelvis follows the thorax at 0.92), a full tuck at ~26°.
TUCK_LABEL_DEG = 12.0
#: A shallow rep is labelled over its bottom part (the last 10 % of its descent).
SHALLOW_LABEL_PROGRESS = 0.9

# --- Landmark noise ---------------------------------------------------------------------------
#: White per-landmark jitter at noise=1, as a fraction of the frame width (the brief's
#: 0.002-0.004). MediaPipe in VIDEO mode jitters less frame to frame (0.0001-0.0003 of the
#: width on the shared side clips at rest) but wanders more slowly; noise=1 is on the
#: rough side on purpose, so filters and the coach are tested against worse than real.
JITTER_WIDTH_FRACTION = 0.003
#: MediaPipe's world z jitters about twice its x (1.7-2.2x on the shared side clips).
DEPTH_JITTER_RATIO = 2.0
#: Slow wobble: per-landmark and whole-body Ornstein-Uhlenbeck drifts, relative to the
#: white jitter, with their correlation times.
WOBBLE_RATIO, WOBBLE_TAU_S = 0.5, 0.6
BODY_WOBBLE_RATIO, BODY_WOBBLE_TAU_S = 0.4, 1.5
#: Visibility wanders by this much (noise=1), mostly on the hidden side.
VISIBILITY_WOBBLE = 0.04

# --- Standing sway ------------------------------------------------------------------------
#: Quiet standing sways the centre of mass a few millimetres at ~0.2-0.5 Hz.
SWAY_M = 0.003
SWAY_HZ = (0.21, 0.47)
#: In a hold, with nothing else going on, the sway is what there is to see: ±5 mm, ~1 cm
#: peak to peak (healthy adults' quiet-standing centre-of-pressure range front to back is
#: ~1-2 cm, Prieto et al., IEEE TBME 1996; the centre of mass moves a little less).
HOLD_SWAY_M = 0.005
#: Seated, the trunk sways about the hips by less: ±2.5 mm at its centre of mass.
SEATED_SWAY_M = 0.0025
#: Quiet breathing: ~15 breaths a minute (adults at rest breathe 12-20 a minute).
BREATH_HZ = 0.25


@dataclass(frozen=True, slots=True)
class _Rep:
    """One planned rep: times in seconds, its faults and how deep it really goes."""

    start: float
    bottom_start: float
    bottom_end: float
    end: float
    faults: frozenset[str]
    depth_scale: float


def _min_jerk(x: float) -> float:
    """Minimum-jerk easing: zero velocity and acceleration at both ends."""
    return x * x * x * (10.0 + x * (-15.0 + 6.0 * x))


def _plan(params: DemoParams) -> tuple[tuple[_Rep, ...], float]:
    reps = []
    t = params.lead
    for index in range(params.reps):
        faults = params.faults_on_rep(index)
        bottom = t + params.down
        end = bottom + params.pause + params.up
        scale = SHALLOW_DEPTH if "shallow" in faults else 1.0
        reps.append(_Rep(t, bottom, bottom + params.pause, end, faults, scale))
        t = end + (params.rest if index + 1 < params.reps else params.tail)
    return tuple(reps), t


class _Noise:
    """MediaPipe-like landmark noise in camera metres: white jitter plus slow wobbles."""

    def __init__(self, params: DemoParams, camera: Camera, rng: np.random.Generator) -> None:
        self._rng = rng
        self._on = params.noise > 0.0
        hip_depth = float(np.linalg.norm(camera.position[[0, 2]]))
        metres_per_px = hip_depth / camera.focal_px
        sigma = params.noise * JITTER_WIDTH_FRACTION * params.width * metres_per_px
        self._white = sigma * np.array([1.0, 1.0, DEPTH_JITTER_RATIO])
        dt = 1.0 / params.fps
        self._keep = math.exp(-dt / WOBBLE_TAU_S)
        self._body_keep = math.exp(-dt / BODY_WOBBLE_TAU_S)
        self._wobble_sigma = self._white * WOBBLE_RATIO
        self._body_sigma = self._white * BODY_WOBBLE_RATIO
        self._vis_sigma = params.noise * VISIBILITY_WOBBLE
        self._wobble = rng.standard_normal((NUM_LANDMARKS, 3)) * self._wobble_sigma
        self._body = rng.standard_normal(3) * self._body_sigma
        self._vis = rng.standard_normal(NUM_LANDMARKS) * self._vis_sigma

    def step(self) -> tuple[np.ndarray, np.ndarray]:
        """This frame's (33, 3) position offsets and (33,) visibility offsets."""
        if not self._on:
            return np.zeros((NUM_LANDMARKS, 3)), np.zeros(NUM_LANDMARKS)
        draws = self._rng.standard_normal(NUM_LANDMARKS * 7 + 3)
        white = draws[: NUM_LANDMARKS * 3].reshape(NUM_LANDMARKS, 3)
        wobble = draws[NUM_LANDMARKS * 3 : NUM_LANDMARKS * 6].reshape(NUM_LANDMARKS, 3)
        vis = draws[NUM_LANDMARKS * 6 : NUM_LANDMARKS * 7]
        keep, body_keep = self._keep, self._body_keep
        self._wobble = (
            keep * self._wobble + math.sqrt(1 - keep * keep) * self._wobble_sigma * wobble
        )
        self._body = (
            body_keep * self._body + math.sqrt(1 - body_keep**2) * self._body_sigma * draws[-3:]
        )
        self._vis = keep * self._vis + math.sqrt(1 - keep * keep) * self._vis_sigma * vis
        return white * self._white + self._wobble + self._body, self._vis


@dataclass(frozen=True, slots=True)
class _Hold:
    """One planned hold: when it sits down, holds, and shows its faults (session seconds)."""

    posture: str
    sit_start: float
    start: float
    end: float
    fault_from: float
    fault_to: float


def _plan_hold(params: DemoParams) -> tuple[_Hold, float]:
    assert params.hold is not None
    sit = SIT_DOWN_S if params.hold == "sit" else 0.0
    start = params.lead + sit
    fault_from, fault_to = params.fault_window
    end = start + params.hold_s
    hold = _Hold(params.hold, params.lead, start, end, start + fault_from, start + fault_to)
    return hold, end + params.tail


def _fault_ramp(t: float, hold: _Hold) -> float:
    """How strongly a hold's faults show at ``t``: ramps of FAULT_RAMP_S centred on the
    window's ends, so exactly half at ``fault_from`` and at ``fault_to``."""
    ramp_in = smoothstep((t - hold.fault_from) / FAULT_RAMP_S + 0.5)
    return ramp_in * (1.0 - smoothstep((t - hold.fault_to) / FAULT_RAMP_S + 0.5))


class DemoAthlete:
    """A simulated person doing bodyweight squats or a posture hold: a
    :class:`~game.pose.source.PoseSource`.

    ``rep_windows`` holds each rep's planned ``(start_s, bottom_s, end_s)``; ``bottom_s``
    is the middle of the pause at the bottom (empty for a hold). For a hold,
    ``hold_window`` is its ``(start_s, end_s)`` and ``fault_window`` when its faults show
    (``None`` without faults); both are ``None`` for squats. ``seat_height_m`` is the
    chair's seat in a sitting hold.
    """

    def __init__(self, params: DemoParams | None = None, name: str = "demo") -> None:
        self.params = params = params or DemoParams()
        self.body = Body(params.stature, params.arm_style)
        self._hold: _Hold | None = None
        self.hold_window: tuple[float, float] | None = None
        self.fault_window: tuple[float, float] | None = None
        self.seat_height_m: float | None = None
        if params.hold is None:
            self._reps, self.duration_s = _plan(params)
        else:
            hold, self.duration_s = _plan_hold(params)
            self._hold = hold
            self._reps = ()
            self.hold_window = (hold.start, hold.end)
            if params.faults:
                self.fault_window = (hold.fault_from, hold.fault_to)
            if hold.posture == "sit":
                self.seat_height_m = self.body.seat_height
        self._starts = [rep.start for rep in self._reps]
        self.rep_windows: tuple[tuple[float, float, float], ...] = tuple(
            (rep.start, (rep.bottom_start + rep.bottom_end) / 2.0, rep.end) for rep in self._reps
        )
        silhouette = Silhouette(self.body)
        self.camera = Camera.for_view(
            params.view, params.facing, params.width, params.height, self._extent(silhouette)
        )
        self._silhouette = silhouette if params.mask else None
        self._scale = params.stature / 1.75
        self._sway_phase = np.random.default_rng([params.seed, 1]).uniform(0.0, 2 * math.pi, 2)
        self._breath_phase = float(np.random.default_rng([params.seed, 2]).uniform(0, 2 * math.pi))
        faults = ", ".join(sorted(params.faults)) or "no faults"
        what = f"{params.reps} reps"
        if params.hold is not None:
            what = f"{params.hold} hold {params.hold_s:g} s"
            if params.faults and params.fault_window != (0.0, params.hold_s):
                faults += " from {:g} s to {:g} s".format(*params.fault_window)
        self.info = SourceInfo(
            name=name,
            fps=params.fps,
            frame_size=(params.width, params.height),
            live=False,
            description=f"demo athlete: {what}, {params.view} view, {faults}",
        )
        self._closed = False

    @property
    def frame_count(self) -> int:
        """How many frames :meth:`frames` yields."""
        return round(self.duration_s * self.params.fps)

    def frames(self) -> Iterator[PoseFrame]:
        """The session's frames in order, made lazily; restarts from the seed on each call."""
        params = self.params
        noise = _Noise(params, self.camera, np.random.default_rng(params.seed))
        thorax = 0.0
        make = self._frame if self._hold is None else self._hold_frame
        for k in range(self.frame_count):
            if self._closed:
                return
            frame, thorax = make(k / params.fps, noise, thorax)
            yield frame

    def close(self) -> None:
        """Stop any running :meth:`frames` generator. Safe to call twice."""
        self._closed = True

    def __enter__(self) -> DemoAthlete:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------
    def _extent(self, silhouette: Silhouette) -> np.ndarray:
        """Every point the athlete's shape reaches over the session, for framing."""
        if self._hold is not None:
            return self._hold_extent(silhouette, self._hold.posture)
        points = []
        for faults, scale in {(rep.faults, rep.depth_scale) for rep in self._reps}:
            for progress in (0.0, 0.5, 0.8, 1.0):
                weights = fault_weights(faults, progress)
                pose = self.body.pose(progress * scale, self.params.depth, weights)
                points.append(silhouette.extent(pose))
        return np.concatenate(points)

    def _state(self, t: float) -> tuple[int | None, str, float]:
        """(rep index, phase, progress 0..1 toward the bottom) at time ``t``."""
        index = bisect.bisect_right(self._starts, t) - 1
        if index < 0 or t >= self._reps[index].end:
            return None, "stand", 0.0
        rep = self._reps[index]
        if t < rep.bottom_start:
            return index, "down", _min_jerk((t - rep.start) / (rep.bottom_start - rep.start))
        if t < rep.bottom_end:
            return index, "bottom", 1.0
        return index, "up", 1.0 - _min_jerk((t - rep.bottom_end) / (rep.end - rep.bottom_end))

    def _hold_extent(self, silhouette: Silhouette, posture: str) -> np.ndarray:
        full = {name: 1.0 for name in self.params.faults}
        settles = (0.0, 0.25, 0.5, 0.75, 1.0) if posture == "sit" else (1.0,)
        points = [
            silhouette.extent(self.body.hold_pose(posture, weights, settle=settle))
            for weights in ({}, full)
            for settle in settles
        ]
        return np.concatenate(points)

    def _sway(self, t: float, amplitude: float = SWAY_M) -> float:
        phase = self._sway_phase
        slow = math.sin(2 * math.pi * SWAY_HZ[0] * t + phase[0])
        fast = math.sin(2 * math.pi * SWAY_HZ[1] * t + phase[1])
        return amplitude * self._scale * (slow + 0.6 * fast) / 1.6

    def _frame(self, t: float, noise: _Noise, thorax: float) -> tuple[PoseFrame, float]:
        rep_index, phase, progress = self._state(t)
        rep = self._reps[rep_index] if rep_index is not None else None
        faults = rep.faults if rep is not None else frozenset()
        scale = rep.depth_scale if rep is not None else 1.0
        weights = fault_weights(faults, progress)
        depth = progress * scale
        pose = self.body.pose(depth, self.params.depth, weights, self._sway(t), thorax)
        truth = replace(
            pose.truth,
            rep_index=rep_index,
            phase=phase,
            faults=_labels(faults, weights, progress, pose),
        )
        return self._observe(t, pose, truth, noise), pose.thorax_angle

    def _hold_frame(self, t: float, noise: _Noise, thorax: float) -> tuple[PoseFrame, float]:
        hold = self._hold
        assert hold is not None
        faults = self.params.faults
        ramp = _fault_ramp(t, hold)
        weights = {name: ramp for name in faults}
        settle, sway = 1.0, self._sway(t, HOLD_SWAY_M)
        if hold.posture == "sit":
            settle = _min_jerk(min(max((t - hold.sit_start) / SIT_DOWN_S, 0.0), 1.0))
            sway = self._sway(t, HOLD_SWAY_M + (SEATED_SWAY_M - HOLD_SWAY_M) * settle)
        breath = math.sin(2 * math.pi * BREATH_HZ * t + self._breath_phase)
        pose = self.body.hold_pose(
            hold.posture, weights, settle=settle, sway=sway, breath=breath, thorax_guess=thorax
        )
        if t < hold.sit_start or (t < hold.start and hold.posture == "stand"):
            phase = "stand"
        elif t < hold.start:
            phase = "sit_down"
        elif t < hold.end:
            phase = "hold"
        else:
            phase = "after"
        shown = faults if hold.fault_from <= t < hold.fault_to else frozenset()
        truth = replace(
            pose.truth,
            phase=phase,
            faults=shown,
            posture=hold.posture,
            holding=phase == "hold",
        )
        return self._observe(t, pose, truth, noise), pose.thorax_angle

    def _observe(self, t: float, pose: BodyPose, truth: AthleteTruth, noise: _Noise) -> PoseFrame:
        """The frame the camera makes of ``pose``: noisy landmarks, the mask, the truth."""
        camera = self.camera
        exact = camera.to_camera(pose.landmarks)
        offsets, visibility_offsets = noise.step()
        far = camera.far_side(exact, self._scale)
        visibility = camera.visibility(far) + visibility_offsets * (0.25 + 0.75 * far)
        landmarks, world = camera.landmarks(exact + offsets, np.clip(visibility, 0.0, 1.0))
        mask = self._silhouette.render(pose, camera) if self._silhouette is not None else None
        return PoseFrame(t, landmarks, world, self.info.frame_size, mask=mask, truth=truth)


def _labels(
    faults: frozenset[str], weights: Mapping[str, float], progress: float, pose: BodyPose
) -> frozenset[str]:
    """The faults actually visible in this frame (see the LABEL constants above)."""
    present = []
    for name in faults:
        if name == "tail_tuck":
            shown = pose.truth.pelvis_tilt_deg >= TUCK_LABEL_DEG
        elif name == "shallow":
            shown = progress >= SHALLOW_LABEL_PROGRESS
        else:
            shown = weights[name] >= LABEL_WEIGHT
        if shown:
            present.append(name)
    return frozenset(present)


def open_demo(spec: SourceSpec) -> DemoAthlete:
    """Open the demo athlete for a parsed ``demo...`` spec; raises ``SourceError``."""
    return DemoAthlete(DemoParams.from_spec(spec), name=spec.text or "demo")
