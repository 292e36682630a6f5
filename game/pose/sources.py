"""Open a pose source from its spec string: the one place that knows every kind."""

from __future__ import annotations

from game.pose.source import PoseSource, SourceUnavailable, parse_spec

__all__ = ["open_source"]


def open_source(text: str) -> PoseSource:
    """Open ``demo...``, ``camera[:N]`` or a file path as a :class:`PoseSource`.

    Raises ``SourceError`` for a malformed spec and ``SourceUnavailable`` for one that
    cannot be opened on this machine; both messages are meant for the player.
    """
    spec = parse_spec(text)
    if spec.kind == "demo":
        from game.pose.demo import open_demo

        return open_demo(spec)
    if spec.kind == "camera":
        raise SourceUnavailable(
            f"{text}: this version of Glutes High cannot read a camera yet "
            "(the camera pipeline is on its way); play with --source demo"
        )
    if spec.path is not None and not spec.path.exists():
        raise SourceUnavailable(f"{spec.path}: no such file")
    raise SourceUnavailable(
        f"{spec.path}: this version of Glutes High cannot read video files or recordings yet; "
        "try --source demo"
    )
