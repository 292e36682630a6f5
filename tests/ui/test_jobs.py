"""Store work off the loop: results and errors come back, inline mode is immediate."""

from __future__ import annotations

import threading

import pytest

from game.ui.jobs import Job


def test_a_background_job_does_not_block_and_returns_its_result() -> None:
    release = threading.Event()

    def slow() -> int:
        release.wait(2.0)
        return 42

    job = Job(slow)
    assert not job.done  # the caller got control back straight away
    release.set()
    assert job.wait(2.0) and job.result == 42 and job.error is None


def test_an_error_is_handed_back_not_raised() -> None:
    def broken() -> int:
        raise OSError("disk full")

    job = Job(broken)
    assert job.wait(2.0)
    assert isinstance(job.error, OSError) and job.result is None


@pytest.mark.parametrize("fails", [False, True])
def test_inline_jobs_are_done_on_return(fails: bool) -> None:
    def work() -> str:
        if fails:
            raise ValueError("bad name")
        return "ok"

    job = Job(work, background=False)
    assert job.done
    assert (job.result, type(job.error)) == ((None, ValueError) if fails else ("ok", type(None)))
