"""Keeping a long session's memory down where the C library allows it (glibc on Linux).

A camera level runs several native threads at once (capture, MediaPipe's graph and its
result thread, the people watch) and the game opens a new camera, with its models, for
every level. glibc gives each allocating thread a malloc arena of its own, up to eight per
core, and what those arenas free stays mapped:

* :func:`limit_malloc_arenas` (once, at start) keeps them to :data:`MALLOC_ARENAS`. In a
  real-time camera soak (``python -m bench.soak --camera``), level after level, the
  resident size at minutes 4-6 was 373-389 MB with two arenas against 445-474 MB with
  glibc's default, frame times unchanged (2.2-2.3 ms median).
* :func:`return_freed_memory` (after closing a camera) hands freed heap back: 16 camera
  open/close cycles plateaued at ~300 MB without it, 150-200 MB with it.

Elsewhere (macOS, Windows, musl) these calls do not exist and both do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

__all__ = ["MALLOC_ARENAS", "limit_malloc_arenas", "return_freed_memory"]

#: Arenas glibc may use (``MALLOC_ARENA_MAX``); measured above.
MALLOC_ARENAS = 2
#: glibc's ``mallopt`` parameter number for the arena limit (``M_ARENA_MAX`` in malloc.h).
_M_ARENA_MAX = -8


def _glibc() -> Any | None:
    """The C library, if it is glibc (the only one with both calls); else None."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas; call before the threads start. Whether it applied."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(_M_ARENA_MAX, int(arenas)))


def return_freed_memory() -> None:
    """Give the heap memory freed so far back to the system (glibc's ``malloc_trim``)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
