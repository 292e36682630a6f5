"""Open a pose source from its spec string: the one place that knows every kind."""

from __future__ import annotations

from pathlib import Path

from game.pose.source import PoseSource, SourceUnavailable, parse_spec

__all__ = ["RECORDING_SUFFIX", "open_source"]

#: Recordings are numpy ``.npz`` archives (see :mod:`game.pose.recording`).
RECORDING_SUFFIX = ".npz"


def open_source(
    text: str,
    *,
    model: str | Path | None = None,
    mask: bool = True,
    keep_image: bool = False,
    jobs: int = 1,
    preload: bool = False,
) -> PoseSource:
    """Open ``demo...``, ``camera[:N]``, a recording or a video file as a PoseSource.

    ``model`` overrides the pose model (else ``$GLUTES_HIGH_MODEL``, else the shipped
    one); ``keep_image`` attaches the picture to each frame (the game draws it); ``jobs``
    above 1 lets a long video file be inferred in that many processes at once (see
    :mod:`game.pose.parallel`; recordings, the demo and cameras are one stream);
    ``preload`` starts loading a video's model while the file is probed (for a caller
    about to read it all).
    Raises ``SourceError`` for a malformed spec, ``SourceUnavailable`` for one that cannot
    be opened here, and ``ModelError`` for a missing or damaged model; every message is
    meant for the player.
    """
    spec = parse_spec(text)
    if spec.kind == "demo":
        from game.pose.demo import open_demo

        return open_demo(spec)
    if spec.kind == "camera":
        from game.pose.camera import CameraSource
        from game.pose.model import resolve_model

        return CameraSource(spec.camera_index, model=resolve_model(model))
    assert spec.path is not None
    if not spec.path.exists():
        raise SourceUnavailable(f"{spec.path}: no such file")
    if spec.path.suffix.lower() == RECORDING_SUFFIX:
        from game.pose.recording import RecordingSource

        return RecordingSource(spec.path)
    from game.pose.model import resolve_model
    from game.pose.video import VideoSource

    return VideoSource(
        spec.path,
        model=resolve_model(model),
        mask=mask,
        keep_image=keep_image,
        jobs=jobs,
        preload=preload,
    )
