"""Player settings: stored per player, read back exactly, bad fields fall back alone."""

from __future__ import annotations

import math
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from game.play.scores import ScoreStore
from game.play.settings import (
    PALETTES,
    QUALITY_MODES,
    SETTINGS_FIELD,
    TEXT_SIZES,
    PlayerSettings,
)


def test_defaults_round_trip_through_the_store(tmp_path: Path) -> None:
    chosen = PlayerSettings(
        camera_index=2,
        model_path="/m.task",
        volume=0.3,
        muted=True,
        mirror=False,
        palette="colour-blind",
        text_size="larger",
        inference_quality="fast",
    )
    with ScoreStore(tmp_path / "s.db") as store:
        store.set_player_data("Ana", SETTINGS_FIELD, chosen.as_dict())
        back = PlayerSettings.from_dict(store.player_data("Ana", SETTINGS_FIELD))
        assert back == chosen and back.problems == ()
        assert (
            PlayerSettings.from_dict(store.player_data("Ben", SETTINGS_FIELD)) == PlayerSettings()
        )


def test_bad_fields_fall_back_one_by_one() -> None:
    s = PlayerSettings.from_dict(
        {"volume": 7, "palette": "neon", "mirror": False, "camera_index": True, "future": 1}
    )
    assert s.volume == PlayerSettings().volume and s.palette == "standard"
    assert s.camera_index == 0 and s.mirror is False
    assert len(s.problems) == 4 and any("future" in p for p in s.problems)
    assert PlayerSettings.from_dict([1, 2]).problems  # type: ignore[arg-type]


def test_the_inference_quality_round_trips_and_a_bad_one_is_reported(tmp_path: Path) -> None:
    with ScoreStore(tmp_path / "s.db") as store:
        for mode in QUALITY_MODES:
            store.set_player_data(
                "Cy", SETTINGS_FIELD, PlayerSettings(inference_quality=mode).as_dict()
            )
            back = PlayerSettings.from_dict(store.player_data("Cy", SETTINGS_FIELD))
            assert back.inference_quality == mode and back.problems == ()
    assert PlayerSettings().inference_quality == "auto"
    older = PlayerSettings.from_dict({"volume": 0.5})  # stored before the setting existed
    assert older.inference_quality == "auto" and older.problems == ()
    for bad in ("turbo", "AUTO", 2, None, True):
        s = PlayerSettings.from_dict({"inference_quality": bad, "mirror": False})
        assert s.inference_quality == "auto" and s.mirror is False
        assert s.problems == (f"inference_quality: {bad!r} is not valid",)


def test_steps_wrap_and_clamp() -> None:
    s = PlayerSettings()
    assert s.next_palette(1).palette == PALETTES[1]
    assert s.next_palette(1).next_palette(1).palette == PALETTES[0]
    assert s.next_text_size(-1).text_size == list(TEXT_SIZES)[-1]
    assert PlayerSettings(volume=0.95).next_volume(1).volume == 1.0
    assert PlayerSettings(volume=0.05).next_volume(-1).volume == 0.0
    assert s.next_camera(-1).camera_index == 9
    assert s.next_inference_quality(1).inference_quality == "full"
    assert s.next_inference_quality(-1).inference_quality == "fast"
    assert s.next_inference_quality(1).next_inference_quality(2) == s


@given(
    st.dictionaries(
        st.sampled_from(["volume", "palette", "camera_index", "text_size", "inference_quality"]),
        st.one_of(st.none(), st.integers(), st.floats(), st.text(), st.booleans()),
    )
)
def test_any_record_gives_usable_settings(data: dict) -> None:
    s = PlayerSettings.from_dict(data)
    assert 0.0 <= s.volume <= 1.0 and math.isfinite(s.volume)
    assert s.palette in PALETTES and s.text_size in TEXT_SIZES
    assert 0 <= s.camera_index <= 9
    assert s.inference_quality in QUALITY_MODES
