"""Voice core: offline TTS, readings, the place-name dictionary, cache, chimes, assembly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.voice.assembly import REPEAT_TEXT, phone_message, radio_programme
from app.voice.audio import (
    PHONE_RATE,
    RADIO_RATE,
    Audio,
    from_mulaw,
    from_u8,
    read_wav,
    resample,
    to_mulaw,
    to_u8,
    write_wav,
)
from app.voice.chime import closing_chime, opening_chime
from app.voice.levels import level, normalise, trim_silence
from app.voice.tts import Speaker, TTSError
from app.voice.userdict import UserDictError, UserDictionary, mora_count

KNOWN = "こちらは防災土佐市です。ただいま震度5弱の地震が発生しました。"


@pytest.fixture(scope="module")
def speaker(tmp_path_factory: pytest.TempPathFactory) -> Speaker:
    return Speaker(tmp_path_factory.mktemp("voice-cache"))


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


def test_reading_of_shindo_5_jaku(speaker: Speaker) -> None:
    assert speaker.reading("震度5弱") == "シンドゴジャク"
    assert speaker.reading("震度５弱") == "シンドゴジャク"  # full-width digits read the same


def test_known_sentence_gives_speech_of_the_expected_length(speaker: Speaker) -> None:
    speech = speaker.speak(KNOWN)
    assert speech.audio.rate == RADIO_RATE
    # Open JTalk's mei voice reads this sentence in 5.71 s (HARDWARE.md §2.3).
    assert 5.2 < speech.audio.seconds < 6.3
    assert speech.reading.startswith("コチラワボーサイトサシデス")
    meter = level(speech.audio.samples)
    assert meter.rms_dbfs > -30 and not meter.clipping  # speech, not silence, not clipped
    # Speech has pitch: most energy sits in the voice band, not at DC or above 4 kHz.
    assert 80 < dominant_hz(speech.audio.samples, RADIO_RATE) < 1000


def test_cache_by_text_survives_a_new_speaker(speaker: Speaker, tmp_path: Path) -> None:
    first = Speaker(tmp_path).speak("避難所を開設しました。")
    assert not first.cached
    assert len(list(tmp_path.glob("*.wav"))) == 1
    again = Speaker(tmp_path).speak("避難所を開設しました。")
    assert again.cached
    assert np.allclose(again.audio.samples, first.audio.samples, atol=1 / 32767)
    other = Speaker(tmp_path).speak("避難所を閉鎖しました。")
    assert not other.cached


def test_operator_corrected_reading_is_spoken(speaker: Speaker) -> None:
    default = speaker.speak("月見里地区")
    assert default.reading == "ツキミサトチク"
    corrected = speaker.speak("月見里地区", reading="やまなしちく")  # hiragana accepted
    assert corrected.reading == "ヤマナシチク"
    assert corrected.audio.samples.shape != default.audio.samples.shape or not np.allclose(
        corrected.audio.samples, default.audio.samples)
    with pytest.raises(TTSError, match="カタカナ"):
        speaker.speak("月見里地区", reading="Yamanashi")


def test_place_name_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "yomi.toml"
    path.write_text('[words]\n"月見里" = "ヤマナシ"\n', encoding="utf-8")
    words = UserDictionary.load(path)
    local = Speaker(tmp_path / "cache", words)
    assert local.reading("月見里地区に避難指示") == "ヤマナシチクニヒナンシジ"
    assert [w.reading for w in local.words("月見里地区")] == ["ヤマナシ", "チク"]
    # The correction from the preview goes into the dictionary and takes effect at once.
    local.set_user_dict(words.with_word("十八女", "ジュウハチオンナ"))
    assert local.reading("十八女") == "ジュウハチオンナ"
    with pytest.raises(UserDictError, match="見つかりません"):
        UserDictionary.load(tmp_path / "none.toml")
    with pytest.raises(UserDictError, match="カタカナ"):
        UserDictionary.from_mapping({"土佐市": "tosa"})
    assert mora_count("シンドゴジャク") == 6


def test_chimes_rise_and_fall_at_both_rates() -> None:
    for rate in (RADIO_RATE, PHONE_RATE):
        up, down = opening_chime(rate), closing_chime(rate)
        assert up.rate == rate and 2.5 < up.seconds < 4.0
        assert abs(float(np.max(np.abs(up.samples))) - 0.5) < 1e-3
        notes_up = [dominant_hz(up.samples[int(i * 0.55 * rate):int((i * 0.55 + 0.3) * rate)],
                                rate) for i in range(4)]
        notes_down = [dominant_hz(
            down.samples[int(i * 0.55 * rate):int((i * 0.55 + 0.3) * rate)], rate)
            for i in range(4)]
        assert notes_up == sorted(notes_up) and notes_up[0] < notes_up[-1]
        assert notes_down == sorted(notes_down, reverse=True)
        assert abs(notes_up[0] - 349.23) < 10 and abs(notes_up[-1] - 698.46) < 10
        assert abs(float(up.samples[-1])) < 1e-3  # ends in silence, no click


def test_radio_programme_repeats_the_message_between_chimes(speaker: Speaker) -> None:
    programme = radio_programme(speaker, "避難所を開設しました。")
    assert programme.rate == RADIO_RATE
    names = [s.name for s in programme.segments]
    assert names == ["opening", "message", "repeat", "message_again", "closing"]
    full = programme.full().samples
    message = speaker.speak("避難所を開設しました。").audio.samples
    seg = {s.name: s for s in programme.segments}
    for name in ("message", "message_again"):
        start = round(seg[name].start * RADIO_RATE)
        assert np.allclose(full[start:start + len(message)], message)
    repeat = speaker.speak(REPEAT_TEXT).audio
    assert abs((seg["repeat"].end - seg["repeat"].start) - repeat.seconds) < 1e-3
    assert abs(programme.full().seconds - programme.seconds) < 1e-3
    assert programme.reading == "ヒナンジョヲカイセツシマシタ。"


def test_phone_message_is_8khz_with_the_confirmation_prompt(speaker: Speaker) -> None:
    message = phone_message(speaker, "避難所を開設しました。")
    assert message.audio.rate == PHONE_RATE
    spoken = speaker.speak("避難所を開設しました。").audio.seconds
    prompt = speaker.speak("確認された方は、1を押してください。").audio.seconds
    assert abs(message.audio.seconds - (spoken + 0.7 + prompt + 1.5)) < 0.01


def test_resampling_keeps_the_band_and_removes_what_would_alias() -> None:
    t = np.arange(RADIO_RATE) / RADIO_RATE
    tone = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    down = resample(tone, RADIO_RATE, PHONE_RATE)
    assert len(down) == PHONE_RATE
    assert abs(dominant_hz(down, PHONE_RATE) - 1000) < 2
    assert abs(level(down[500:-500]).rms_dbfs - level(tone).rms_dbfs) < 0.2
    high = (0.5 * np.sin(2 * np.pi * 5000 * t)).astype(np.float32)  # above 4 kHz Nyquist
    assert level(resample(high, RADIO_RATE, PHONE_RATE)[500:-500]).rms_dbfs < -50
    up = resample(down, PHONE_RATE, 44_100)
    assert abs(dominant_hz(up, 44_100) - 1000) < 2


def test_line_codecs_and_wav_roundtrip(tmp_path: Path) -> None:
    assert to_mulaw(np.zeros(1, dtype=np.float32)) == b"\xff"  # G.711: silence is 0xFF
    assert to_u8(np.zeros(1, dtype=np.float32)) == b"\x80"
    ramp = np.linspace(-0.9, 0.9, 2001, dtype=np.float32)
    assert np.max(np.abs(from_mulaw(to_mulaw(ramp)) - ramp)) < 0.03
    assert np.max(np.abs(from_u8(to_u8(ramp)) - ramp)) < 0.01
    audio = Audio(ramp, 8000)
    write_wav(audio, tmp_path / "a.wav")
    back = read_wav(tmp_path / "a.wav")
    assert back.rate == 8000 and np.allclose(back.samples, ramp, atol=1e-4)


def test_recording_trim_and_loudness() -> None:
    rate = 48_000
    t = np.arange(rate) / rate
    voice = (0.05 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    take = np.concatenate([np.zeros(rate), voice, np.zeros(rate // 2)]).astype(np.float32)
    trimmed = trim_silence(Audio(take, rate))
    assert 1.0 < trimmed.seconds < 1.4
    loud = normalise(trimmed)
    voiced = loud.samples[round(0.2 * rate):-round(0.2 * rate)]
    assert abs(level(voiced).rms_dbfs - (-20.0)) < 0.5
    assert level(np.ones(10, dtype=np.float32)).clipping


def test_hardware_tables_parse_and_refuse_bad_values(tmp_path: Path) -> None:
    import app.voice.config as hwconfig
    from app.config import ConfigError, load_config

    example = hwconfig.__doc__.split("Example::", 1)[1]  # type: ignore[union-attr]
    path = tmp_path / "issei.toml"
    path.write_text("\n".join(line[4:] for line in example.splitlines()), encoding="utf-8")
    hw = hwconfig.hardware_config(load_config(path, tmp_path))
    assert hw.radio.backend == "contact" and hw.radio.zones == {"東地区": "dtr"}
    assert hw.radio.vendor["framing"] == "7E1" and hw.dialer.ports == ["COM7", "COM8"]
    assert hw.jalert.line == "dsr" and hw.fax.backend == "email"
    assert hw.radio.tx_limit == 300.0  # an integer in TOML is a float setting
    for bad, message in (("[radio]\nbackend = \"relay\"\n", "contact・vendor・simulator"),
                         ("[radio]\nbackend = \"contact\"\n", "port"),
                         ("[dialer]\nconfirm_digit = \"12\"\n", "confirm_digit"),
                         ("[radio]\ntx_limit = \"long\"\n", "float"),
                         ("[jalert]\nsmtp = 25\n", "知らない設定項目")):
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            hwconfig.hardware_config(load_config(path, tmp_path))
