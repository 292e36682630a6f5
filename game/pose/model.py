"""Which pose model file to load, and a clear error when it cannot be used."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from game.paths import assets_dir

__all__ = ["MODEL_ENV", "ModelError", "resolve_model", "shipped_model"]

#: Environment variable naming a model file, used when ``--model`` is not given.
MODEL_ENV = "GLUTES_HIGH_MODEL"
#: The two networks a Pose Landmarker bundle must hold (a .task file is a zip archive).
_BUNDLE_MEMBERS = {"pose_detector.tflite", "pose_landmarks_detector.tflite"}


class ModelError(RuntimeError):
    """The pose model is missing or unusable; the message names the path and the fix."""


def shipped_model() -> Path:
    return assets_dir() / "models" / "pose_landmarker_full.task"


def resolve_model(explicit: str | Path | None = None) -> Path:
    """``--model PATH``, else ``$GLUTES_HIGH_MODEL``, else the shipped file; checked.

    The check is cheap (a zip directory read) and catches the usual accidents — a wrong
    path, a truncated download, an HTML error page saved as .task — before MediaPipe's
    native loader turns them into an opaque crash.
    """
    if explicit:
        path, origin = Path(explicit).expanduser(), "--model"
    elif os.environ.get(MODEL_ENV):
        path, origin = Path(os.environ[MODEL_ENV]).expanduser(), MODEL_ENV
    else:
        path, origin = shipped_model(), "the shipped model"
    fix = (
        f"point --model or {MODEL_ENV} at a MediaPipe pose_landmarker .task file, "
        f"or unset them to use {shipped_model()}"
    )
    if not path.is_file():
        raise ModelError(f"pose model not found: {path} (from {origin}); {fix}")
    try:
        with zipfile.ZipFile(path) as bundle:
            members = set(bundle.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(
            f"pose model is damaged or not a .task bundle: {path} ({exc}); {fix}"
        ) from exc
    missing = _BUNDLE_MEMBERS - members
    if missing:
        raise ModelError(
            f"{path} is not a Pose Landmarker bundle (missing {', '.join(sorted(missing))}); {fix}"
        )
    return path
