"""The glibc memory calls a long session relies on (game.memory) reach the C library."""

from __future__ import annotations

import platform

import pytest

from game.memory import limit_malloc_arenas, return_freed_memory

glibc_only = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc calls")


@glibc_only
def test_the_arena_limit_is_taken_by_glibc() -> None:
    assert limit_malloc_arenas() is True


def test_both_calls_are_safe_anywhere() -> None:
    limit_malloc_arenas()
    return_freed_memory()
