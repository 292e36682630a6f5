"""Joint angles from landmarks: small vectorised numpy helpers, no state."""

from __future__ import annotations

import numpy as np

__all__ = ["angle_at_deg", "flexion_deg", "inclination_from_vertical_deg"]


def angle_at_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """The angle ABC at ``b`` in degrees (0..180); NaN if a segment has no length."""
    u = np.asarray(a, dtype=np.float64) - b
    v = np.asarray(c, dtype=np.float64) - b
    norm = float(np.linalg.norm(u) * np.linalg.norm(v))
    if norm < 1e-12:
        return float("nan")
    cos = float(np.dot(u, v)) / norm
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def flexion_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """How far the joint at ``b`` is bent: 0 when A-B-C is a straight line."""
    return 180.0 - angle_at_deg(a, b, c)


def inclination_from_vertical_deg(lower: np.ndarray, upper: np.ndarray) -> float:
    """Angle of the segment lower→upper from straight up, in world coordinates (y down)."""
    seg = np.asarray(upper, dtype=np.float64) - lower
    length = float(np.linalg.norm(seg))
    if length < 1e-12:
        return float("nan")
    # y points down, so "up" is -y.
    return float(np.degrees(np.arccos(np.clip(-seg[1] / length, -1.0, 1.0))))
