"""The stage fits any frame shape, draws camera pictures, silhouettes and empty frames."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pygame
import pytest
from fake_athlete import make_frame

from game.pose.frame import PoseFrame
from game.ui.hud import format_time
from game.ui.skeleton import LegState, Stage, fit_rect


@pytest.fixture(autouse=True)
def display() -> Iterator[pygame.Surface]:
    pygame.init()
    yield pygame.display.set_mode((1280, 720))
    pygame.quit()


@pytest.mark.parametrize(
    ("frame_size", "expected"),
    [((640, 480), (680, 510)), ((1280, 720), (900, 506)), ((480, 640), (382, 510))],
)
def test_frames_fit_the_stage_with_their_aspect(
    frame_size: tuple[int, int], expected: tuple[int, int]
) -> None:
    stage = pygame.Rect(16, 16, 900, 510)
    rect = fit_rect(frame_size, stage)
    assert rect.size == expected
    assert stage.contains(rect) and rect.center == stage.center


def test_a_camera_picture_is_scaled_to_the_fit(display: pygame.Surface) -> None:
    base = make_frame(0.0, 0.5, (320, 240), mask=False)
    image = np.full((240, 320, 3), (200, 40, 40), dtype=np.uint8)
    frame = PoseFrame(0.0, base.landmarks, base.world_landmarks, (320, 240), image=image)
    stage = Stage(pygame.Rect(16, 16, 900, 510))
    stage.prepare(frame, 1 / 60)
    stage.draw(display, LegState.DOWN)
    x, y = stage.fit.topleft
    assert display.get_at((x + 5, y + 5))[:3] == (200, 40, 40)
    hips = stage.hips_px
    assert hips is not None and stage.fit.collidepoint(hips)
    assert stage.hips_of(frame) == pytest.approx(hips)


def test_a_silhouette_and_an_empty_frame_draw_without_a_skeleton(display: pygame.Surface) -> None:
    stage = Stage(pygame.Rect(16, 16, 900, 510))
    stage.prepare(make_frame(0.0, 0.0), 1 / 60)
    assert stage.points is not None
    stage.prepare(PoseFrame.empty(0.1, (640, 480)), 1 / 60)
    assert stage.points is None and stage.hips_px is None
    stage.draw(display, LegState.NEUTRAL)  # backdrop only, no error


@pytest.mark.parametrize(
    ("seconds", "text"), [(90, "1:30"), (83.2, "1:24"), (0.2, "0:01"), (0, "0:00"), (-3, "0:00")]
)
def test_time_is_shown_rounded_up(seconds: float, text: str) -> None:
    assert format_time(seconds) == text


def test_smoothed_frames_with_missing_landmarks_draw_without_errors():
    """The coach's smoother turns unsure landmarks into NaN: they are simply not drawn."""
    import numpy as np
    import pygame

    from game.coach.coach import Coach
    from game.pose.sources import open_source
    from game.ui.skeleton import LegState, Stage

    pygame.init()
    surface = pygame.Surface((1280, 720))
    stage = Stage(pygame.Rect(16, 16, 900, 510))
    coach = Coach()
    drawn = 0
    for frame in open_source("demo?reps=1&view=side").frames():
        step = coach.update(frame)
        assert step.frame is not None
        stage.prepare(step.frame, 1 / 30)
        stage.draw(surface, LegState.NEUTRAL)
        drawn += bool(np.isnan(step.frame.landmarks[:, 0]).any())
    assert drawn > 0  # the far knee really was missing in some frames


@pytest.mark.parametrize("size", [(1280, 720), (480, 640)])  # strips above/below; beside
def test_the_backdrop_shows_around_a_camera_picture_and_under_a_silhouette(
    display: pygame.Surface, size: tuple[int, int]
) -> None:
    """A camera picture covers its part of the stage, so the backdrop is drawn only
    around it; a see-through silhouette keeps the whole backdrop behind it."""
    rect = pygame.Rect(16, 16, 900, 510)
    base = make_frame(0.0, 0.5, size, mask=False)
    image = np.full((size[1], size[0], 3), (200, 40, 40), dtype=np.uint8)
    camera = PoseFrame(0.0, base.landmarks, base.world_landmarks, size, image=image)
    stage = Stage(rect)
    stage.prepare(camera, 1 / 60)
    fit = stage.fit
    display.fill((0, 255, 0))
    stage.draw(display, LegState.NEUTRAL, show_skeleton=False)
    assert display.get_at((fit.x + 5, fit.y + 5))[:3] == (200, 40, 40)
    outside = [
        (x, y)
        for x, y in [
            (fit.centerx, rect.y + 1),  # above
            (fit.centerx, rect.bottom - 1),  # below (the floor is drawn there too)
            (rect.x + 1, fit.y + 3),  # left
            (rect.right - 1, fit.y + 3),  # right
        ]
        if rect.collidepoint(x, y) and not fit.collidepoint(x, y)
    ]
    assert len(outside) >= 2
    for x, y in outside:
        assert display.get_at((x, y))[:3] != (0, 255, 0), f"nothing drawn at {(x, y)}"
    x, y = outside[0]
    assert display.get_at((x, y))[:3] == stage._backdrop.get_at((x - rect.x, y - rect.y))[:3]

    silhouette = Stage(rect)
    silhouette.prepare(make_frame(0.0, 0.0, (1280, 720)), 1 / 60)
    display.fill((0, 255, 0))
    silhouette.draw(display, LegState.NEUTRAL, show_skeleton=False)
    corner = (silhouette.fit.x + 3, silhouette.fit.y + 3)  # inside the fit, outside the body
    assert (
        display.get_at(corner)[:3]
        == silhouette._backdrop.get_at((corner[0] - rect.x, corner[1] - rect.y))[:3]
    )


def test_a_picture_that_comes_at_the_fit_size_is_shown_as_it_is(display: pygame.Surface) -> None:
    """A camera that scaled its picture already: the stage shows it without rescaling."""
    rect = pygame.Rect(16, 16, 900, 510)
    base = make_frame(0.0, 0.5, (1280, 720), mask=False)
    fit = fit_rect((1280, 720), rect)
    rng = np.random.default_rng(7)
    image = rng.integers(0, 256, (fit.height, fit.width, 3), dtype=np.uint8)
    frame = PoseFrame(0.0, base.landmarks, base.world_landmarks, (1280, 720), image=image)
    stage = Stage(rect)
    stage.prepare(frame, 1 / 60)
    stage.draw(display, LegState.NEUTRAL, show_skeleton=False)
    shown = pygame.surfarray.array3d(display.subsurface(stage.fit)).transpose(1, 0, 2)
    np.testing.assert_array_equal(shown, image)
