"""Sound: the synthesized cues' shapes, the board on a real (dummy) mixer and with none,
and the game playing the right cue for each event.

The waveform tests need no mixer: they check what makes a cue pleasant to hear (no
click at either end, headroom below clipping, the low thud low and the chime bright).
The board tests run pygame's real mixer on SDL's dummy audio driver, which mixes into
nothing; "no audio device" is made real by naming an SDL audio driver that does not
exist.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pygame
import pytest
from fake_athlete import FakeAthlete

from game.coach.scoring import CLEAN_REP_MIN_SCORE
from game.ui.app import MUTE_KEY, GameApp, GameOptions, post_key
from game.ui.context import GameContext
from game.ui.scenes.level_select import LevelSelectScene
from game.ui.scenes.play import PlayScene
from game.ui.scenes.results import ResultsScene
from game.ui.sound import (
    CUE_SECONDS,
    MAX_PEAK,
    WAVEFORMS,
    Cue,
    SoundBoard,
    envelope,
    rep_cue,
    synthesize,
    to_mixer_array,
)

RATES = (22050, 44100, 48000)


def centroid_hz(wave: np.ndarray, rate: int) -> float:
    """Where the wave's spectrum balances: low for a thud, high for a sparkle."""
    spectrum = np.abs(np.fft.rfft(wave))
    freqs = np.fft.rfftfreq(len(wave), 1.0 / rate)
    return float(np.sum(freqs * spectrum) / np.sum(spectrum))


# -- waveforms (pure numpy) -------------------------------------------------------------


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("cue", list(Cue))
def test_every_cue_is_a_clean_short_mono_wave(cue: Cue, rate: int) -> None:
    wave = WAVEFORMS[cue](rate)
    assert wave.dtype == np.float32 and wave.ndim == 1
    assert len(wave) == round(CUE_SECONDS[cue] * rate)
    assert np.all(np.isfinite(wave))
    peak = float(np.max(np.abs(wave)))
    assert 0.15 <= peak <= MAX_PEAK + 1e-6  # audible, and well below clipping
    # Both ends at (near) zero, and the first and last millisecond quiet: no click.
    assert abs(wave[0]) < 1e-3 and abs(wave[-1]) < 1e-3
    ms = rate // 1000
    assert np.sqrt(np.mean(wave[:ms] ** 2)) < 0.25 * peak
    assert np.sqrt(np.mean(wave[-ms:] ** 2)) < 0.02 * peak


def test_two_cues_at_once_still_do_not_clip() -> None:
    waves = synthesize(44100)
    loudest = sorted(float(np.max(np.abs(w))) for w in waves.values())[-2:]
    assert sum(loudest) < 1.0


def test_the_fault_is_a_soft_low_thud_and_the_rewards_are_bright() -> None:
    rate = 44100
    waves = synthesize(rate)
    c = {cue: centroid_hz(w, rate) for cue, w in waves.items()}
    assert c[Cue.FAULT] < 300  # low
    assert min(c[Cue.CLEAN], c[Cue.STAR], c[Cue.GO]) > 1000  # bright
    assert c[Cue.STAR] == max(c.values())  # the sparkle is the highest
    peaks = {cue: float(np.max(np.abs(w))) for cue, w in waves.items()}
    assert peaks[Cue.FAULT] < peaks[Cue.CLEAN]  # not punishing: softer than a reward
    # The fault dies away quickly: its last half is far quieter than its first.
    half = len(waves[Cue.FAULT]) // 2
    assert np.abs(waves[Cue.FAULT][half:]).max() < 0.3 * peaks[Cue.FAULT]


def test_the_reward_cues_are_longer_than_the_feedback_cues() -> None:
    assert CUE_SECONDS[Cue.LEVEL] == max(CUE_SECONDS.values())
    assert CUE_SECONDS[Cue.CLEAN] > CUE_SECONDS[Cue.REP] > CUE_SECONDS[Cue.CLICK]
    assert CUE_SECONDS[Cue.FAULT] < 0.3


def test_envelope_rises_from_zero_then_decays() -> None:
    rate = 44100
    env = envelope(4410, rate, attack_s=0.005, decay_s=0.02)
    top = int(np.argmax(env))
    assert env[0] == 0.0
    assert 0.003 * rate < top <= 0.006 * rate
    assert np.all(np.diff(env[:top]) >= 0) and np.all(np.diff(env[top:]) <= 0)
    assert env[-1] < 0.01


@pytest.mark.parametrize(
    ("clean", "faulted", "cue"),
    [
        (True, False, Cue.CLEAN),
        (True, True, Cue.CLEAN),  # clean wins: the score says the fault was minor
        (False, True, Cue.FAULT),
        (False, False, Cue.REP),
    ],
)
def test_rep_cue(clean: bool, faulted: bool, cue: Cue) -> None:
    assert rep_cue(clean, faulted) is cue


@pytest.mark.parametrize(
    ("size", "dtype", "silence", "full"),
    [
        (-16, np.int16, 0, 32767),
        (16, np.uint16, 32768, 65535),
        (-8, np.int8, 0, 127),
        (8, np.uint8, 128, 255),
        (32, np.float32, 0.0, 1.0),
        (-32, np.float32, 0.0, 1.0),  # how get_init() reports a float32 mixer
    ],
)
@pytest.mark.parametrize("channels", [1, 2, 6])
def test_mixer_arrays_match_the_mixer_format(
    size: int, dtype: type, silence: float, full: float, channels: int
) -> None:
    out = to_mixer_array(np.array([0.0, 1.0, 1.5], dtype=np.float32), size, channels)
    assert out.dtype == dtype
    assert out.shape == ((3,) if channels == 1 else (3, channels))
    assert out.flags.c_contiguous
    column = out if channels == 1 else out[:, -1]
    assert column[0] == silence and column[1] == full
    assert column[2] == full  # out of range is clipped, never wrapped around


def test_an_unknown_sample_size_is_refused() -> None:
    with pytest.raises(ValueError, match="sample size 12"):
        to_mixer_array(np.zeros(4), 12, 2)


# -- the board on a real mixer ----------------------------------------------------------


@pytest.fixture
def mixer() -> Iterator[None]:
    """A fresh mixer per test (the dummy driver, from conftest), closed afterwards."""
    pygame.mixer.quit()
    yield
    pygame.mixer.quit()


@pytest.mark.parametrize("fmt", [(44100, -16, 2), (22050, -16, 1), (48000, 32, 2), (44100, 8, 2)])
def test_the_board_loads_every_cue_in_the_mixers_own_format(
    mixer: None, fmt: tuple[int, int, int]
) -> None:
    pygame.mixer.init(*fmt)
    rate, size, channels = pygame.mixer.get_init()  # what SDL really opened
    board = SoundBoard.start()
    assert board.available and board.reason is None
    assert board.driver == "dummy"
    assert board.synth_ms > 0
    for cue in Cue:
        # Built at the mixer's own rate, so each lasts as long as designed.
        assert board.length_s(cue) == pytest.approx(CUE_SECONDS[cue], abs=0.002)
    loaded = pygame.sndarray.array(board._sounds[Cue.CLEAN])
    expected = to_mixer_array(WAVEFORMS[Cue.CLEAN](rate), size, channels)
    assert loaded.dtype == expected.dtype and np.array_equal(loaded, expected)


def test_play_starts_the_cue_and_records_it(mixer: None) -> None:
    board = SoundBoard.start()
    channel = board.play(Cue.STAR)
    assert channel is not None and channel.get_busy()
    assert board.play("click") is not None  # names work as well as members
    assert list(board.played) == [Cue.STAR, Cue.CLICK]
    assert "on, volume 80% (dummy driver)" in board.describe()


def test_mute_makes_play_do_nothing_and_silences_what_rings(mixer: None) -> None:
    board = SoundBoard.start()
    ringing = board.play(Cue.LEVEL)
    assert ringing is not None and ringing.get_busy()
    board.muted = True
    assert not pygame.mixer.get_busy()  # the fanfare was cut off, not left to finish
    assert board.play(Cue.CLEAN) is None
    assert not pygame.mixer.get_busy()
    assert list(board.played) == [Cue.LEVEL]
    assert board.toggle_mute() is False
    assert board.play(Cue.CLEAN) is not None


def test_started_muted_stays_silent(mixer: None) -> None:
    board = SoundBoard.start(muted=True)
    assert board.available and board.muted
    assert board.play(Cue.GO) is None and not pygame.mixer.get_busy()
    assert "muted" in board.describe()


def test_volume_is_clamped_and_applies_to_every_cue(mixer: None) -> None:
    board = SoundBoard.start(volume=0.5)
    assert board._sounds[Cue.REP].get_volume() == pytest.approx(0.5, abs=0.01)
    board.volume = 3.0
    assert board.volume == 1.0
    board.volume = float("nan")
    assert board.volume == 0.0
    assert board.play(Cue.REP) is None  # volume 0 is silence too
    board.volume = 0.25
    assert all(s.get_volume() == pytest.approx(0.25, abs=0.01) for s in board._sounds.values())


def test_an_unknown_cue_is_a_bug_even_on_a_silent_board(mixer: None) -> None:
    with pytest.raises(ValueError):
        SoundBoard.start().play("boing")
    with pytest.raises(ValueError):
        SoundBoard.silent("testing").play("boing")


def test_no_audio_device_gives_a_silent_board_that_says_why(
    mixer: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SDL_AUDIODRIVER", "no_such_driver")  # SDL really fails to open it
    board = SoundBoard.start()
    assert not board.available
    assert board.reason is not None and board.reason.startswith("no audio device")
    assert "no_such_driver" in board.reason  # SDL's own words are kept
    assert "sound off: no audio device" in caplog.text
    assert board.play(Cue.CLEAN) is None  # every call is a no-op, none raises
    board.volume = 0.3
    board.muted = True
    board.muted = False
    assert board.play(Cue.REP) is None and board.length_s(Cue.REP) == 0.0
    assert list(board.played) == []
    assert board.describe().startswith("sound off: no audio device")


def test_a_board_outlives_the_mixer_without_raising(mixer: None) -> None:
    board = SoundBoard.start()
    pygame.mixer.quit()  # as at the end of the game (touching a Sound now would crash)
    assert board.play(Cue.CLICK) is None
    board.muted = True
    board.volume = 0.5
    assert board.length_s(Cue.CLICK) == 0.0


def test_a_context_without_a_board_is_silent() -> None:
    ctx = GameContext(
        assets=None,  # type: ignore[arg-type]
        levels=[],
        level_errors=[],
        store_path=None,  # type: ignore[arg-type]
        source_spec="demo",
        open_source=lambda spec: None,  # type: ignore[arg-type, return-value]
    )
    assert not ctx.sound.available and ctx.sound.play(Cue.CLICK) is None


# -- the game plays the right cues -------------------------------------------------------


@pytest.fixture
def app() -> Iterator[GameApp]:
    athlete = {"lead_s": 0.5, "rep_s": 2.0, "mask": False}
    game = GameApp(
        GameOptions(headless=True),
        open_source=lambda spec: FakeAthlete(**athlete),  # type: ignore[arg-type]
    )
    game.autopilot = None
    yield game
    game.close()


def advance(app: GameApp, seconds: float) -> None:
    app.options.seconds = app.game_time_s + seconds
    app.run()


def press(app: GameApp, key: int) -> None:
    post_key(key)
    advance(app, 0.05)


def test_a_level_sounds_its_countdown_reps_and_rewards(app: GameApp) -> None:
    sound = app.sound
    assert sound.available and app.ctx.sound is sound
    press(app, pygame.K_DOWN)  # title menu: a move clicks
    press(app, pygame.K_UP)
    press(app, pygame.K_RETURN)  # Play
    assert isinstance(app.stack.top, LevelSelectScene)
    press(app, pygame.K_RETURN)  # the first level: its countdown, over the play scene
    play = next(s for s in app.stack if isinstance(s, PlayScene))
    assert list(sound.played) == [Cue.CLICK] * 4 + [Cue.TICK]  # "3" shows and ticks
    advance(app, 3.0)
    assert list(sound.played)[4:] == [Cue.TICK, Cue.TICK, Cue.TICK, Cue.GO]

    advance(app, 0.5 + 5 * 2.0 + 2.0)  # lead, five reps, the finish hold
    results = app.stack.top
    assert isinstance(results, ResultsScene)
    reps = play.session.reps
    assert len(reps) == 5
    rep_sounds = [c for c in list(sound.played)[8:] if c in (Cue.REP, Cue.CLEAN, Cue.FAULT)]
    partials = play.session.result().partial_reps
    if partials == 0:  # one cue per rep, in order, chosen by the rep's score and faults
        expected = [rep_cue(r.score >= CLEAN_REP_MIN_SCORE, bool(r.faults)) for r in reps]
        assert rep_sounds == expected
    else:
        assert len(rep_sounds) == len(reps) + partials

    advance(app, 3.0)  # every star has landed
    after_play = list(sound.played)[8 + len(rep_sounds) :]
    stars = results.result.stars
    assert results.result.completed
    assert after_play == [Cue.LEVEL] + [Cue.STAR] * stars


def test_m_mutes_and_unmutes_from_any_screen_and_reaches_no_scene(app: GameApp) -> None:
    press(app, MUTE_KEY)
    assert app.sound.muted
    press(app, pygame.K_RETURN)  # the title still works, silently
    assert isinstance(app.stack.top, LevelSelectScene)
    assert list(app.sound.played) == []
    press(app, MUTE_KEY)
    assert not app.sound.muted
    press(app, pygame.K_DOWN)
    assert list(app.sound.played) == [Cue.CLICK]


def test_the_mute_option_starts_the_game_muted() -> None:
    game = GameApp(GameOptions(headless=True, muted=True))
    try:
        assert game.sound.available and game.sound.muted
    finally:
        game.close()


def test_the_play_command_takes_mute(capsys: pytest.CaptureFixture[str]) -> None:
    from game.cli import main

    assert main(["play", "--headless", "--mute", "--seconds", "0.5"]) == 0
    assert main(["--headless", "--mute", "--seconds", "0.5"]) == 0  # play is the default
    with pytest.raises(SystemExit):
        main(["play", "--help"])
    assert "--mute" in capsys.readouterr().out
