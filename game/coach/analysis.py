"""Whole-clip analysis: run the coach over every frame of a source and report.

This is what ``glutes-high analyze SRC --json`` prints. The report's keys are a stable
interface used by external checks: ``source, frames, fps, view, rep_count, reps, timing``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable

from game.coach.coach import DEFAULT_DEPTH_TARGET_DEG, Coach, CoachStep
from game.pose.frame import PoseFrame

__all__ = ["analyze_frames"]


def analyze_frames(
    frames: Iterable[PoseFrame],
    *,
    source: str,
    fps: float,
    depth_target_deg: float = DEFAULT_DEPTH_TARGET_DEG,
    on_step: Callable[[PoseFrame, CoachStep], None] | None = None,
) -> dict[str, object]:
    """Coach every frame and return the JSON-ready report.

    ``on_step`` sees every frame with what the coach made of it (progress bars, the
    ``--overlay`` video).

    ``timing`` separates the time spent producing frames (decoding, inference or the
    demo athlete) from the coach's own time, so a slow report says which side is slow.
    """
    coach = Coach(depth_target_deg=depth_target_deg)
    views: Counter[str] = Counter()
    count = seen = 0
    coach_s = 0.0
    started = time.perf_counter()
    for frame in frames:
        t0 = time.perf_counter()
        step = coach.update(frame)
        coach_s += time.perf_counter() - t0
        count += 1
        if on_step is not None:
            on_step(frame, step)
        if step.features is not None:
            seen += 1
            if step.features.view is not None:
                views[step.features.view.value] += 1
    coach.finish()
    wall_s = time.perf_counter() - started
    return {
        "source": source,
        "frames": count,
        "fps": round(fps, 3),
        "view": views.most_common(1)[0][0] if views else None,
        "rep_count": len(coach.reps),
        "partial_reps": len(coach.partial_reps),
        "not_squats": [
            {"start_s": round(w.start_s, 3), "end_s": round(w.end_s, 3), "why": why}
            for w, why in coach.rejected
        ],
        "frames_with_person": seen,
        "depth_target_deg": depth_target_deg,
        "reps": [rep.as_dict() for rep in coach.reps],
        "timing": {
            "wall_s": round(wall_s, 3),
            "frames_per_s": round(count / wall_s, 1) if wall_s > 0 else None,
            "coach_ms_per_frame": round(1000 * coach_s / count, 4) if count else None,
            "source_ms_per_frame": round(1000 * (wall_s - coach_s) / count, 4) if count else None,
        },
    }
