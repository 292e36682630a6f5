"""Frames in: the pose-frame type and every source that produces it. No pygame here."""

from game.pose.frame import AthleteTruth, FrameShapeError, PoseFrame
from game.pose.landmarks import NUM_LANDMARKS, POSE_CONNECTIONS, Landmark, Side
from game.pose.source import PoseSource, SourceError, SourceInfo, SourceUnavailable
from game.pose.sources import open_source

__all__ = [
    "NUM_LANDMARKS",
    "POSE_CONNECTIONS",
    "AthleteTruth",
    "FrameShapeError",
    "Landmark",
    "PoseFrame",
    "PoseSource",
    "Side",
    "SourceError",
    "SourceInfo",
    "SourceUnavailable",
    "open_source",
]
