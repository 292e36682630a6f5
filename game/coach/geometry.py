"""Joint angles from landmarks: small vectorised numpy helpers, no state."""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "angle_at_deg",
    "flexion_deg",
    "inclination_from_vertical_deg",
    "running_median3",
]


def angle_at_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """The angle ABC at ``b`` in degrees (0..180); NaN if a segment has no length."""
    u = np.asarray(a, dtype=np.float64) - b
    v = np.asarray(c, dtype=np.float64) - b
    norm = float(np.linalg.norm(u) * np.linalg.norm(v))
    if not 1e-12 <= norm < math.inf:
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


def running_median3(values: np.ndarray) -> np.ndarray:
    """3-sample running median (edges repeat), ignoring NaN; NaN where all three are.

    Against single-frame landmark glitches, without numpy's all-NaN warnings.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return values.copy()
    padded = np.concatenate(([values[0]], values, [values[-1]]))
    windows = np.lib.stride_tricks.sliding_window_view(padded, 3)
    # Sorting puts NaN last: with k finite values the median is the middle of those k.
    ordered = np.sort(windows, axis=1)
    count = np.isfinite(windows).sum(axis=1)
    out = np.full(values.shape, np.nan)
    one, two, three = count == 1, count == 2, count == 3
    out[one] = ordered[one, 0]
    out[two] = (ordered[two, 0] + ordered[two, 1]) / 2
    out[three] = ordered[three, 1]
    return out
