"""The small interface every pose source implements, and the spec strings that name them.

A source spec is what a player types after ``--source``:

* ``demo`` / ``demo:tail_tuck`` / ``demo:heels_lift+knees_cave?reps=5&view=side&seed=3``
  — the simulated athlete, with faults and parameters;
* ``camera`` / ``camera:1`` — a webcam (arrives with the camera pipeline);
* a path to a video file or a recording (arrives with the camera pipeline).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import parse_qsl

from game.pose.frame import PoseFrame

__all__ = [
    "PoseSource",
    "SourceError",
    "SourceInfo",
    "SourceSpec",
    "SourceUnavailable",
    "parse_spec",
]


class SourceError(ValueError):
    """A source spec or its parameters are wrong; the message says which part and why."""


class SourceUnavailable(RuntimeError):
    """The source is well formed but cannot be opened here (no camera, missing file...)."""


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What a source says about itself once open.

    ``live`` sources (a camera) deliver frames in real time and drop what the reader misses;
    the others (demo, video, recording) can be read as fast as the reader wants.
    ``prefetch`` sources are slow to read (a video file: decoding and inference), so a
    reader that must not stall (the game loop) should read them ahead on a thread.
    """

    name: str
    fps: float
    frame_size: tuple[int, int]
    live: bool
    description: str = ""
    prefetch: bool = False


@runtime_checkable
class PoseSource(Protocol):
    """Anything that yields pose frames: camera, video file, recording or demo athlete."""

    info: SourceInfo

    def frames(self) -> Iterator[PoseFrame]:
        """Frames in timestamp order. Ends when the source does (a live one may never end)."""
        ...

    def close(self) -> None:
        """Release the camera, file or model. Safe to call twice."""
        ...


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A parsed source spec: ``kind`` is ``demo``, ``camera`` or ``file``."""

    kind: str
    text: str
    variants: tuple[str, ...] = ()
    params: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    camera_index: int = 0


def parse_spec(text: str) -> SourceSpec:
    """Parse a source spec string; raises :class:`SourceError` naming the bad part."""
    text = text.strip()
    if not text:
        raise SourceError("empty source spec; use 'demo', 'camera' or a video file path")
    head, _, query = text.partition("?")
    name, _, variant_text = head.partition(":")
    if name == "demo":
        variants = tuple(v for v in variant_text.split("+") if v) if variant_text else ()
        return SourceSpec("demo", text, variants, _parse_query(text, query))
    if name == "camera":
        index = 0
        if variant_text:
            if not variant_text.isdigit():
                raise SourceError(
                    f"source {text!r}: camera index must be a whole number, got {variant_text!r}"
                )
            index = int(variant_text)
        return SourceSpec("camera", text, params=_parse_query(text, query), camera_index=index)
    return SourceSpec("file", text, path=Path(text).expanduser())


def _parse_query(text: str, query: str) -> dict[str, str]:
    if not query:
        return {}
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise SourceError(f"source {text!r}: cannot read parameters {query!r} ({exc})") from exc
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params:
            raise SourceError(f"source {text!r}: parameter {key!r} given twice")
        params[key] = value
    return params
