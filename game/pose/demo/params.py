"""The demo athlete's parameters: one frozen, validated dataclass, readable from a spec.

``demo:tail_tuck+heels_lift?reps=5&view=side&fault_reps=2,4&tempo=3-1-1`` names the faults
after the colon and everything else as query parameters. Every error names the
parameter and what it accepts, because players type these.

``hold=stand`` or ``hold=sit`` makes a posture hold instead of a squat set:
``demo:weight_forward?hold=stand&hold_s=20&fault_from=5&fault_to=12`` stands ``lead``
seconds, holds for ``hold_s`` (a sit first takes SIT_DOWN_S to sit down), then ``tail``.
The faults show from ``fault_from`` to ``fault_to`` seconds into the hold (default: all
of it). Squat-set parameters (reps, fault_reps, depth, tempo...) are refused in a hold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from game.pose.demo.body import ARM_STYLES, FAULTS, HOLD_FAULTS, HOLDS
from game.pose.demo.camera import FACINGS, VIEW_YAW_DEG
from game.pose.source import SourceError, SourceSpec

__all__ = ["FAULTS", "FAULT_RAMP_S", "HOLDS", "SIT_DOWN_S", "VIEWS", "DemoParams"]

VIEWS: tuple[str, ...] = tuple(VIEW_YAW_DEG)

#: Numeric parameters: (type, lowest, highest). Durations are seconds.
_RANGES: dict[str, tuple[type, float, float]] = {
    "reps": (int, 1, 100),
    "depth": (float, 0.3, 1.3),
    "stature": (float, 1.2, 2.1),
    "lead": (float, 0.0, 30.0),
    "down": (float, 0.3, 10.0),
    "pause": (float, 0.0, 10.0),
    "up": (float, 0.3, 10.0),
    "rest": (float, 0.0, 30.0),
    "tail": (float, 0.0, 30.0),
    "width": (int, 64, 3840),
    "height": (int, 64, 2160),
    "fps": (float, 5.0, 240.0),
    "noise": (float, 0.0, 5.0),
    "seed": (int, 0, 2**32 - 1),
}
_CHOICES: dict[str, tuple[str, ...]] = {"view": VIEWS, "facing": FACINGS, "arms": ARM_STYLES}
#: Choices that may also be left out (None): the session's natural choice.
_OPTIONAL_CHOICES: dict[str, tuple[str, ...]] = {"hold": HOLDS}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")

#: Hold timing, seconds: the longest hold, and the fault window's bounds.
_HOLD_S_RANGE = (1.0, 600.0)
#: A posture change takes about a second: a hold's fault ramps in over FAULT_RAMP_S
#: centred on ``fault_from`` and out centred on ``fault_to``, so it is half on exactly at
#: both, and a fault window must be at least this long to show fully.
FAULT_RAMP_S = 1.0
#: Sitting down onto the chair before a seated hold: 2 s, an unhurried stand-to-sit
#: (the sit-to-stand literature times ~1.5-2.5 s for healthy adults at a natural pace).
SIT_DOWN_S = 2.0
#: Parameters that only mean something in a squat set, refused in a hold's spec.
_SQUAT_ONLY = ("reps", "fault_reps", "depth", "tempo", "down", "pause", "up", "rest")
_HOLD_ONLY = ("hold_s", "fault_from", "fault_to")


@dataclass(frozen=True, slots=True)
class DemoParams:
    """Everything that shapes a demo session; the same params and seed give the same frames.

    ``faults`` are shown on the reps in ``fault_reps`` (1-based; ``None`` = every rep).
    ``depth`` 1 is thighs about parallel. ``stature`` is the athlete's height in metres;
    ``width`` and ``height`` are the camera frame's, in pixels. ``noise`` scales the
    landmark jitter (1 ~ MediaPipe at rest, 0 = exact). ``arms`` ``None`` is the session's
    natural choice (:attr:`arm_style`).

    ``hold`` (``"stand"`` or ``"sit"``) makes a posture hold of ``hold_s`` seconds instead
    of squats; its ``faults`` show from ``fault_from`` to ``fault_to`` seconds into the
    hold (``None``: its start and its end).
    """

    faults: frozenset[str] = frozenset()
    fault_reps: frozenset[int] | None = None
    reps: int = 5
    depth: float = 1.0
    stature: float = 1.75
    lead: float = 1.5
    down: float = 1.5
    pause: float = 0.3
    up: float = 1.2
    rest: float = 1.0
    tail: float = 1.5
    view: str = "side"
    facing: str = "right"
    arms: str | None = None
    width: int = 640
    height: int = 480
    fps: float = 30.0
    noise: float = 1.0
    seed: int = 0
    mask: bool = True
    hold: str | None = None
    hold_s: float = 20.0
    fault_from: float | None = None
    fault_to: float | None = None

    def __post_init__(self) -> None:
        # Accept any iterable of faults / rep numbers, but store them frozen (hashable).
        object.__setattr__(self, "faults", frozenset(self.faults))
        if self.fault_reps is not None:
            object.__setattr__(self, "fault_reps", frozenset(self.fault_reps))
        unknown = sorted(set(self.faults) - set(FAULTS))
        if unknown:
            raise SourceError(
                f"unknown demo fault {unknown[0]!r}; valid faults: {', '.join(FAULTS)}"
            )
        for name, (kind, lo, hi) in _RANGES.items():
            value = getattr(self, name)
            if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise SourceError(f"demo parameter {name!r} must be a whole number, got {value!r}")
            if not lo <= value <= hi:
                raise SourceError(
                    f"demo parameter {name!r} must be between {_number(lo)} and {_number(hi)}, "
                    f"got {_number(value)}"
                )
        for name, allowed in {**_CHOICES, **_OPTIONAL_CHOICES}.items():
            value = getattr(self, name)
            if value not in allowed and not (value is None and name in ("arms", "hold")):
                raise SourceError(
                    f"demo parameter {name!r} must be one of {', '.join(allowed)}, got {value!r}"
                )
        if self.hold is not None:
            self._check_hold()
            return
        if self.arms == "rest":
            raise SourceError(
                "demo parameter 'arms': 'rest' (hanging by the sides, hands on the thighs "
                "seated) is for holds (hold=stand or hold=sit); squat sets use forward or chest"
            )
        given = [name for name in _HOLD_ONLY if getattr(self, name) != _DEFAULTS[name]]
        if given:
            raise SourceError(
                f"demo parameter {given[0]!r} is for posture holds; give hold=stand or "
                "hold=sit (a squat set times its faults by rep, with 'fault_reps')"
            )
        if self.fault_reps is not None:
            outside = sorted(rep for rep in self.fault_reps if not 1 <= rep <= self.reps)
            if outside:
                raise SourceError(
                    f"demo parameter 'fault_reps' names rep {outside[0]}, but reps are "
                    f"numbered 1 to {self.reps}"
                )

    def _check_hold(self) -> None:
        """A hold's own rules: its faults, its length and its fault window."""
        hold = self.hold
        assert hold is not None
        allowed = HOLD_FAULTS[hold]
        other = sorted(set(self.faults) - set(allowed))
        if other:
            raise SourceError(
                f"demo fault {other[0]!r} is not part of hold={hold}; a {hold} hold can show: "
                f"{', '.join(allowed)}"
            )
        if self.fault_reps is not None:
            raise SourceError(
                f"demo parameter 'fault_reps' is for squat sets; a hold (hold={hold}) has no "
                "reps: time its faults with 'fault_from' and 'fault_to' (seconds into the hold)"
            )
        lo, hi = _HOLD_S_RANGE
        if isinstance(self.hold_s, bool) or not lo <= self.hold_s <= hi:
            raise SourceError(
                f"demo parameter 'hold_s' must be between {_number(lo)} and {_number(hi)} "
                f"seconds, got {self.hold_s!r}"
            )
        start, end = self.fault_window
        for name, value in (("fault_from", start), ("fault_to", end)):
            if not 0.0 <= value <= self.hold_s:
                raise SourceError(
                    f"demo parameter {name!r} must be between 0 and hold_s ({_number(self.hold_s)})"
                    f" seconds into the hold, got {_number(value)}"
                )
        if end - start < FAULT_RAMP_S:
            raise SourceError(
                f"demo parameters 'fault_from' ({_number(start)}) and 'fault_to' "
                f"({_number(end)}) must be at least {_number(FAULT_RAMP_S)} s apart, with "
                "fault_from first: a posture change takes about a second"
            )

    @property
    def arm_style(self) -> str:
        """The arms in use: ``arms``, or ``forward`` for squats and ``rest`` for holds."""
        if self.arms is not None:
            return self.arms
        return "forward" if self.hold is None else "rest"

    @property
    def fault_window(self) -> tuple[float, float]:
        """(from, to) seconds into the hold while its faults show (the whole hold unset)."""
        start = 0.0 if self.fault_from is None else self.fault_from
        end = self.hold_s if self.fault_to is None else self.fault_to
        return start, end

    def faults_on_rep(self, rep_index: int) -> frozenset[str]:
        """The faults shown on the rep with 0-based ``rep_index``."""
        if self.fault_reps is None or rep_index + 1 in self.fault_reps:
            return self.faults
        return frozenset()

    @classmethod
    def from_spec(cls, spec: SourceSpec) -> DemoParams:
        """Read ``demo[:fault+fault][?key=value&...]``; raises :class:`SourceError`."""
        if spec.kind != "demo":
            raise SourceError(f"source {spec.text!r} is not a demo spec")
        try:
            return cls(faults=frozenset(spec.variants), **_parse_params(spec.params))
        except SourceError as exc:
            raise SourceError(f"source {spec.text!r}: {exc}") from None


def _number(value: float) -> str:
    """A range bound or value as a person would write it: 5, 0.3, 4294967295."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _parse_params(params: Mapping[str, str]) -> dict[str, Any]:
    known = {f.name for f in dataclasses.fields(DemoParams)} - {"faults"}
    known.add("tempo")
    if "hold" in params:
        squat_only = [key for key in _SQUAT_ONLY if key in params]
        if squat_only:
            hold = params["hold"].strip().lower()
            raise SourceError(
                f"demo parameter {squat_only[0]!r} is for squat sets, not holds (hold={hold}); "
                "a hold lasts 'hold_s' seconds and times its faults with 'fault_from'/'fault_to'"
            )
    values: dict[str, Any] = {}
    for key, text in params.items():
        if key not in known:
            raise SourceError(
                f"unknown demo parameter {key!r}; known parameters: {', '.join(sorted(known))}"
            )
        if key == "height":
            _check_not_metres(text)
        parse = _PARSERS.get(key) or _parser_for(key)
        values[key] = parse(key, text)
    tempo = values.pop("tempo", None)
    if tempo is not None:
        clash = sorted({"down", "pause", "up"} & set(values))
        if clash:
            raise SourceError(f"give either 'tempo' or {clash[0]!r}, not both")
        values.update(zip(("down", "pause", "up"), tempo, strict=True))
    return values


def _parser_for(key: str) -> Callable[[str, str], Any]:
    if key in _RANGES:
        return _parse_int if _RANGES[key][0] is int else _parse_float
    return _parse_word


def _parse_float(key: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise SourceError(f"demo parameter {key!r} must be a number, got {text!r}") from None


def _parse_int(key: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SourceError(f"demo parameter {key!r} must be a whole number, got {text!r}") from None


def _parse_word(_key: str, text: str) -> str:
    return text.strip().lower()


def _parse_bool(key: str, text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise SourceError(f"demo parameter {key!r} must be true or false, got {text!r}")


def _parse_fault_reps(key: str, text: str) -> frozenset[int]:
    reps = set()
    for item in text.split(","):
        if not item.strip().isdigit():
            raise SourceError(
                f"demo parameter {key!r} must be rep numbers separated by commas "
                f"(e.g. fault_reps=2,4), got {text!r}"
            )
        reps.add(int(item))
    return frozenset(reps)


def _parse_tempo(key: str, text: str) -> tuple[float, float, float]:
    parts = text.split("-")
    try:
        if len(parts) != 3:
            raise ValueError
        down, pause, up = (float(part) for part in parts)
    except ValueError:
        raise SourceError(
            f"demo parameter {key!r} must be down-pause-up seconds (e.g. tempo=3-1-1), got {text!r}"
        ) from None
    return down, pause, up


def _check_not_metres(text: str) -> None:
    """``height=1.8`` is almost surely a body height typed into the frame height."""
    try:
        value = float(text)
    except ValueError:
        return
    if value < _RANGES["height"][1]:
        _, low, high = _RANGES["height"]
        _, shortest, tallest = _RANGES["stature"]
        raise SourceError(
            f"demo parameter 'height' is the frame height in pixels ({_number(low)} to "
            f"{_number(high)}), got {text!r}; the athlete's body height is 'stature' "
            f"(metres, {_number(shortest)} to {_number(tallest)})"
        )


_PARSERS: dict[str, Callable[[str, str], Any]] = {
    "hold_s": _parse_float,
    "fault_from": _parse_float,
    "fault_to": _parse_float,
    "mask": _parse_bool,
    "fault_reps": _parse_fault_reps,
    "tempo": _parse_tempo,
}

#: Field defaults, to tell which hold-only parameters were given.
_DEFAULTS: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(DemoParams)}
