"""Sound cues, synthesized at start-up: no audio files to ship, license or lose.

Every cue is a short sum of decaying sine partials built with numpy (the functions
below are pure, so their shape is tested without a mixer), then handed to the mixer in
the exact sample rate, sample format and channel count it was opened with
(``pygame.mixer.get_init()``): a cue built at 44.1 kHz for a 48 kHz mixer would play
sharp and short.

How they are shaped, and why:

* Each cue fades in over a few milliseconds and fades out to exactly zero, so it never
  starts or stops with a jump in the waveform (a jump is heard as a click).
* Peaks sit at -7 dBFS or below (:data:`MAX_PEAK`): the mixer *adds* overlapping
  cues (a chime while a star sparkles), and two loud cues summed must not clip.
* The fault cue is a soft, low, short thud: it says "not quite" without punishing a
  player who is trying; the rewards (chime, fanfare, sparkle) are bright and longer.

:class:`SoundBoard` owns the mixer sounds. When there is no audio device the board is a
silent no-op that says why (:attr:`SoundBoard.reason`) and never raises: a machine
without a sound card still plays the game. With ``SDL_AUDIODRIVER=dummy`` (headless
runs, tests) SDL opens a real mixer that plays into nothing, so the board is
*available* and every cue really goes through the mixer; :attr:`SoundBoard.driver` says
``"dummy"``.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable
from enum import StrEnum

import numpy as np
import pygame

from game.native_log import quiet_native_stderr

__all__ = [
    "CUE_SECONDS",
    "DEFAULT_VOLUME",
    "MAX_PEAK",
    "WAVEFORMS",
    "Cue",
    "SoundBoard",
    "envelope",
    "rep_cue",
    "synthesize",
    "to_mixer_array",
]

log = logging.getLogger(__name__)


class Cue(StrEnum):
    """The game's sounds, by what they mean."""

    REP = "rep"  # a counted rep: short pluck
    CLEAN = "clean"  # a clean rep: bright two-note chime
    FAULT = "fault"  # a rep with a fault, or too shallow: soft low thud
    LEVEL = "level"  # level complete: a small rising arpeggio
    STAR = "star"  # a star lands: sparkle
    TICK = "tick"  # countdown 3, 2, 1
    GO = "go"  # countdown over: play
    CLICK = "click"  # a menu move or choice


#: Loudest sample of the loudest cue (-7 dBFS): two overlapping cues still stay below 1.0.
MAX_PEAK = 0.45
#: Where the board starts: loud enough to hear over a squat, with room to turn it up.
DEFAULT_VOLUME = 0.8
#: Fade-in / fade-out on every cue. 3 ms in keeps a pluck's attack crisp without a click;
#: 12 ms out is under one period of the lowest partial (75 Hz) yet inaudible as a fade.
FADE_IN_S = 0.003
FADE_OUT_S = 0.012
#: Cues the board remembers having played (for tests and debugging).
HISTORY = 64


def envelope(n: int, rate: int, attack_s: float, decay_s: float) -> np.ndarray:
    """A percussive amplitude envelope: raised-cosine rise, then exponential decay.

    ``decay_s`` is the time constant (the level falls to 1/e). Starts at exactly 0;
    the cue's own fade-out (see :func:`_finish`) brings the end to 0.
    """
    t = np.arange(n, dtype=np.float64) / rate
    env = np.exp(-t / decay_s)
    a = min(n, max(1, round(attack_s * rate)))
    env[:a] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(a) / a)
    return env


def _partials(
    n: int, rate: int, freq: float, ratios: tuple[float, ...], amps: tuple[float, ...]
) -> np.ndarray:
    """A sum of sine partials at ``freq * ratio`` (all starting at phase 0)."""
    t = np.arange(n, dtype=np.float64) / rate
    out = np.zeros(n)
    for ratio, amp in zip(ratios, amps, strict=True):
        out += amp * np.sin(2 * np.pi * freq * ratio * t)
    return out


def _note(
    rate: int,
    freq: float,
    seconds: float,
    decay_s: float,
    attack_s: float = FADE_IN_S,
    ratios: tuple[float, ...] = (1.0,),
    amps: tuple[float, ...] = (1.0,),
) -> np.ndarray:
    n = round(seconds * rate)
    return _partials(n, rate, freq, ratios, amps) * envelope(n, rate, attack_s, decay_s)


def _mix(rate: int, seconds: float, parts: list[tuple[float, np.ndarray]]) -> np.ndarray:
    """Lay ``(start_s, wave)`` parts on a silent track ``seconds`` long (cut at the end)."""
    out = np.zeros(round(seconds * rate))
    for start_s, wave in parts:
        i = round(start_s * rate)
        j = min(len(out), i + len(wave))
        out[i:j] += wave[: j - i]
    return out


def _finish(wave: np.ndarray, rate: int, peak: float) -> np.ndarray:
    """Normalise to ``peak``, fade both ends to zero, as float32."""
    n = len(wave)
    fade_in = min(n, round(FADE_IN_S * rate))
    fade_out = min(n, round(FADE_OUT_S * rate))
    wave = wave / max(float(np.max(np.abs(wave))), 1e-12) * peak
    wave[:fade_in] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(fade_in) / fade_in)
    wave[n - fade_out :] *= 0.5 + 0.5 * np.cos(np.pi * np.arange(1, fade_out + 1) / fade_out)
    return wave.astype(np.float32)


# Note frequencies (equal temperament, A4 = 440 Hz).
_C5, _D5, _E5, _G5 = 523.25, 587.33, 659.26, 783.99
_A5, _C6, _E6, _G6 = 880.0, 1046.50, 1318.51, 1567.98
_C7, _E7, _G7, _C8 = 2093.0, 2637.02, 3135.96, 4186.01
#: A struck bar or bell: a strong fundamental, a quieter octave and twelfth.
_BELL = ((1.0, 2.0, 3.0), (1.0, 0.3, 0.12))

#: Length of each cue. Short enough never to stack up during a fast set.
CUE_SECONDS: dict[Cue, float] = {
    Cue.REP: 0.18,
    Cue.CLEAN: 0.55,
    Cue.FAULT: 0.22,
    Cue.LEVEL: 1.0,
    Cue.STAR: 0.42,
    Cue.TICK: 0.1,
    Cue.GO: 0.4,
    Cue.CLICK: 0.045,
}


def _rep(rate: int) -> np.ndarray:
    # A plucked string: harmonics 1..6, each 1/k as loud and dying faster the higher it is.
    seconds = CUE_SECONDS[Cue.REP]
    n = round(seconds * rate)
    t = np.arange(n) / rate
    wave = np.zeros(n)
    for k in range(1, 7):
        wave += np.exp(-t * (10 + 14 * k)) * np.sin(2 * np.pi * _D5 * k * t) / k
    return _finish(wave * envelope(n, rate, 0.002, 1.0), rate, 0.4)


def _clean(rate: int) -> np.ndarray:
    # Two bell notes a fifth apart, the second one a beat later: "ding-ding".
    seconds = CUE_SECONDS[Cue.CLEAN]
    first = _note(rate, _C6, seconds, 0.16, ratios=_BELL[0], amps=_BELL[1])
    second = _note(rate, _G6, seconds - 0.09, 0.2, ratios=_BELL[0], amps=_BELL[1])
    return _finish(_mix(rate, seconds, [(0.0, first), (0.09, 0.9 * second)]), rate, MAX_PEAK)


def _fault(rate: int) -> np.ndarray:
    # A soft thud: a low sine gliding down 140 -> 75 Hz, with a quiet octave above so
    # laptop speakers (which barely play 100 Hz) still carry it. No buzz, no harsh edge.
    seconds = CUE_SECONDS[Cue.FAULT]
    n = round(seconds * rate)
    t = np.arange(n) / rate
    freq = 75.0 + 65.0 * np.exp(-t / 0.05)
    phase = 2 * np.pi * np.cumsum(freq) / rate
    body = np.sin(phase) + 0.35 * np.sin(2 * phase)
    return _finish(body * envelope(n, rate, 0.005, 0.06), rate, 0.32)


def _level(rate: int) -> np.ndarray:
    # C major arpeggio up to the octave; the top note rings out.
    seconds = CUE_SECONDS[Cue.LEVEL]
    step = 0.1
    notes = [_C5, _E5, _G5, _C6]
    parts = []
    for i, freq in enumerate(notes):
        last = i == len(notes) - 1
        decay = 0.32 if last else 0.12
        wave = _note(rate, freq, seconds - i * step, decay, ratios=_BELL[0], amps=_BELL[1])
        parts.append((i * step, wave))
    return _finish(_mix(rate, seconds, parts), rate, MAX_PEAK)


def _star(rate: int) -> np.ndarray:
    # Four quick high notes going up, each a short ping: a sparkle. High notes sound
    # louder than they measure, so the peak is lower than the chime's.
    seconds = CUE_SECONDS[Cue.STAR]
    notes = [_C7, _E7, _G7, _C8]
    parts = [
        (i * 0.05, _note(rate, f, seconds - i * 0.05, 0.07, ratios=(1.0, 2.0), amps=(1.0, 0.15)))
        for i, f in enumerate(notes)
    ]
    return _finish(_mix(rate, seconds, parts), rate, 0.3)


def _tick(rate: int) -> np.ndarray:
    seconds = CUE_SECONDS[Cue.TICK]
    return _finish(_note(rate, _A5, seconds, 0.03, ratios=(1.0, 2.0), amps=(1.0, 0.25)), rate, 0.35)


def _go(rate: int) -> np.ndarray:
    # The tick's note an octave up, with its lower octave under it, ringing longer.
    seconds = CUE_SECONDS[Cue.GO]
    wave = _note(rate, _A5 * 2, seconds, 0.12, ratios=(1.0, 0.5, 2.0), amps=(1.0, 0.6, 0.2))
    return _finish(wave, rate, 0.4)


def _click(rate: int) -> np.ndarray:
    seconds = CUE_SECONDS[Cue.CLICK]
    wave = _note(rate, 1400.0, seconds, 0.008, attack_s=0.001, ratios=(1.0, 2.0), amps=(1.0, 0.3))
    return _finish(wave, rate, 0.25)


#: Each cue's waveform as a pure function of the sample rate: mono float32 in [-1, 1].
WAVEFORMS: dict[Cue, Callable[[int], np.ndarray]] = {
    Cue.REP: _rep,
    Cue.CLEAN: _clean,
    Cue.FAULT: _fault,
    Cue.LEVEL: _level,
    Cue.STAR: _star,
    Cue.TICK: _tick,
    Cue.GO: _go,
    Cue.CLICK: _click,
}


def synthesize(rate: int) -> dict[Cue, np.ndarray]:
    """Every cue at ``rate`` samples per second."""
    return {cue: make(rate) for cue, make in WAVEFORMS.items()}


def rep_cue(clean: bool, faulted: bool) -> Cue:
    """The sound for a counted rep: a chime if clean, a thud if it had a fault, else a pluck."""
    if clean:
        return Cue.CLEAN
    return Cue.FAULT if faulted else Cue.REP


def to_mixer_array(wave: np.ndarray, size: int, channels: int) -> np.ndarray:
    """``wave`` (float in [-1, 1]) in the mixer's sample format, shaped for ``make_sound``.

    ``size`` is ``get_init()``'s: bits per sample, negative for signed integers. A 32-bit
    mixer is always float (pygame opens ``size=32`` as float32 and then reports it as
    ``-32``; there is no 32-bit integer mixer). Unsigned formats are offset to their
    midpoint (silence is 128 or 32768, not 0). Mono mixers take a 1-D array, others one
    column per channel.
    """
    w = np.clip(np.asarray(wave, dtype=np.float64), -1.0, 1.0)
    if size in (32, -32):
        samples = w.astype(np.float32)
    elif size == -16:
        samples = np.round(w * 32767).astype(np.int16)
    elif size == 16:
        samples = np.round(w * 32767 + 32768).astype(np.uint16)
    elif size == -8:
        samples = np.round(w * 127).astype(np.int8)
    elif size == 8:
        samples = np.round(w * 127 + 128).astype(np.uint8)
    else:
        raise ValueError(f"unsupported mixer sample size {size}")
    if channels == 1:
        return samples
    return np.ascontiguousarray(np.repeat(samples[:, None], channels, axis=1))


class SoundBoard:
    """The game's cues, ready in the mixer: ``play(Cue.CLEAN)``, ``volume``, ``muted``.

    Build it with :meth:`start` (opens the mixer if needed) or :meth:`silent`. An
    unavailable board (:attr:`available` False, :attr:`reason` says why) accepts every
    call and does nothing.
    """

    def __init__(
        self,
        sounds: dict[Cue, pygame.mixer.Sound],
        *,
        reason: str | None = None,
        driver: str | None = None,
        synth_ms: float = 0.0,
        volume: float = DEFAULT_VOLUME,
        muted: bool = False,
    ) -> None:
        self._sounds = sounds
        self.reason = reason
        self.driver = driver
        #: Wall time spent synthesizing and loading every cue at start-up.
        self.synth_ms = synth_ms
        #: The cues handed to the mixer, newest last (what a player would have heard).
        self.played: deque[Cue] = deque(maxlen=HISTORY)
        self._muted = muted
        self._volume = DEFAULT_VOLUME
        self.volume = volume

    @classmethod
    def silent(cls, reason: str, *, muted: bool = False) -> SoundBoard:
        """A board that plays nothing, for ``reason`` (shown to whoever asks)."""
        return cls({}, reason=reason, muted=muted)

    @classmethod
    def start(cls, *, volume: float = DEFAULT_VOLUME, muted: bool = False) -> SoundBoard:
        """Open the mixer if it is not open, and load every cue in its format.

        Never raises: no audio device, an unusable mixer format or a failed load each
        give a silent board with the reason (also logged once as a warning).
        """
        if not pygame.mixer.get_init():
            try:
                with quiet_native_stderr():  # ALSA prints a dozen lines with no sound card
                    pygame.mixer.init()
            except pygame.error as exc:
                return cls._unavailable(f"no audio device ({exc})", muted)
        init = pygame.mixer.get_init()
        if not init:
            return cls._unavailable("the mixer closed while starting", muted)
        rate, size, channels = init
        begin = time.perf_counter()
        try:
            sounds = {
                cue: pygame.sndarray.make_sound(to_mixer_array(wave, size, channels))
                for cue, wave in synthesize(rate).items()
            }
        except (pygame.error, ValueError) as exc:
            return cls._unavailable(
                f"cannot load sounds into the mixer ({rate} Hz, {size}-bit, "
                f"{channels} channels): {exc}",
                muted,
            )
        synth_ms = (time.perf_counter() - begin) * 1000.0
        return cls(
            sounds,
            driver=pygame.mixer.get_driver(),
            synth_ms=synth_ms,
            volume=volume,
            muted=muted,
        )

    @classmethod
    def _unavailable(cls, reason: str, muted: bool) -> SoundBoard:
        log.warning("sound off: %s", reason)
        return cls.silent(reason, muted=muted)

    @property
    def available(self) -> bool:
        """Whether cues reach a mixer (muted or not)."""
        return bool(self._sounds)

    @property
    def muted(self) -> bool:
        return self._muted

    @muted.setter
    def muted(self, value: bool) -> None:
        self._muted = bool(value)
        if self._muted and _mixer_open():
            for sound in self._sounds.values():
                sound.stop()  # muting silences what is ringing now, too

    @property
    def volume(self) -> float:
        """0 (silent) to 1 (as synthesized); applies to every cue, playing ones included."""
        return self._volume

    @volume.setter
    def volume(self, value: float) -> None:
        self._volume = min(1.0, max(0.0, float(value))) if math.isfinite(value) else 0.0
        if _mixer_open():
            for sound in self._sounds.values():
                sound.set_volume(self._volume)

    def toggle_mute(self) -> bool:
        """Flip mute; the new state."""
        self.muted = not self.muted
        return self.muted

    def length_s(self, cue: Cue | str) -> float:
        """How long ``cue`` lasts as loaded in the mixer (0 when unavailable)."""
        sound = self._sounds.get(Cue(cue))
        return sound.get_length() if sound is not None and _mixer_open() else 0.0

    def play(self, cue: Cue | str) -> pygame.mixer.Channel | None:
        """Start ``cue``; the channel it plays on, or None when muted, unavailable or every
        mixer channel is busy. An unknown name is a bug and raises ``ValueError``."""
        cue = Cue(cue)
        sound = self._sounds.get(cue)
        if sound is None or self._muted or self._volume <= 0.0 or not _mixer_open():
            return None
        try:
            channel = sound.play()
        except pygame.error:  # the device went away mid-game: stay quiet, keep playing
            return None
        if channel is not None:
            self.played.append(cue)
        return channel

    def describe(self) -> str:
        """One line for logs and the terminal: on, muted, or off and why."""
        if not self.available:
            return f"sound off: {self.reason}"
        state = "muted" if self._muted else f"on, volume {self._volume:.0%}"
        where = f" ({self.driver} driver)" if self.driver else ""
        return f"sound {state}{where}"


def _mixer_open() -> bool:
    """Whether the mixer is still open: pygame crashes the process (a segfault, measured
    with pygame-ce 2.5.8) if a Sound is touched after ``pygame.quit()``."""
    return bool(pygame.mixer.get_init())
