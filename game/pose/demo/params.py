"""The demo athlete's parameters: one frozen, validated dataclass, readable from a spec.

``demo:tail_tuck+heels_lift?reps=5&view=side&fault_reps=2,4&tempo=3-1-1`` names the faults
after the colon and everything else as query parameters. Every error names the
parameter and what it accepts, because players type these.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from game.pose.demo.body import ARM_STYLES, FAULTS
from game.pose.demo.camera import FACINGS, VIEW_YAW_DEG
from game.pose.source import SourceError, SourceSpec

__all__ = ["FAULTS", "VIEWS", "DemoParams"]

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
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True, slots=True)
class DemoParams:
    """Everything that shapes a demo session; the same params and seed give the same frames.

    ``faults`` are shown on the reps in ``fault_reps`` (1-based; ``None`` = every rep).
    ``depth`` 1 is thighs about parallel. ``stature`` is the athlete's height in metres;
    ``width`` and ``height`` are the camera frame's, in pixels. ``noise`` scales the
    landmark jitter (1 ~ MediaPipe at rest, 0 = exact).
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
    arms: str = "forward"
    width: int = 640
    height: int = 480
    fps: float = 30.0
    noise: float = 1.0
    seed: int = 0
    mask: bool = True

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
        for name, allowed in _CHOICES.items():
            if getattr(self, name) not in allowed:
                raise SourceError(
                    f"demo parameter {name!r} must be one of {', '.join(allowed)}, "
                    f"got {getattr(self, name)!r}"
                )
        if self.fault_reps is not None:
            outside = sorted(rep for rep in self.fault_reps if not 1 <= rep <= self.reps)
            if outside:
                raise SourceError(
                    f"demo parameter 'fault_reps' names rep {outside[0]}, but reps are "
                    f"numbered 1 to {self.reps}"
                )

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
    "mask": _parse_bool,
    "fault_reps": _parse_fault_reps,
    "tempo": _parse_tempo,
}
