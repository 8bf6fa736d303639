"""Language and region of a track: tag, script, words; the queue weight for preferred languages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from moodplayer.library.language import detect, from_tag, language_weight


@pytest.mark.parametrize(("tag", "language"), [
    ("tel", "Telugu"), ("hin", "Hindi"), ("TE", "Telugu"), ("eng", "English"), ("Tamil", "Tamil"),
    ("zxx", ""), ("und", ""), ("", ""), ("kan\x00eng", "Kannada"), ("jpn", "Japanese"), ("pan", "Punjabi"),
])
def test_language_tags(tag, language):
    assert from_tag(tag) == language


@pytest.mark.parametrize(("title", "language"), [
    ("నువ్వే నువ్వే", "Telugu"), ("तेरे बिना", "Hindi"), ("என்ன சொல்ல", "Tamil"), ("ನಿನ್ನ ನೆನಪು", "Kannada"),
    ("എന്റെ ഖൽബിലെ", "Malayalam"), ("আমার সোনার বাংলা", "Bengali"), ("ਸਤਿ ਨਾਮ", "Punjabi"),
    ("મારો ગરબો", "Gujarati"), ("حبيبي يا نور العين", "Arabic"), ("دل دل پاکستان ہے", "Urdu"),
    ("Калинка", "Russian"), ("Червона рута і", "Ukrainian"), ("夜に駆ける", "Japanese"),
    ("月亮代表我的心", "Chinese"), ("사랑해요", "Korean"), ("Σ' αγαπώ", "Greek"), ("שלום", "Hebrew"),
    ("ขอใจเธอแลกเบอร์โทร", "Thai"), ("Hello", ""), ("Café del Mar", ""),
])
def test_script_of_the_title(title, language):
    assert detect(title=title) == language


def test_tag_beats_script_and_script_beats_words():
    assert detect(tag="eng", title="నువ్వే") == "English"
    assert detect(title="नमस्ते", folders=["Tollywood"]) == "Hindi"
    assert detect(artist="A. R. Rahman", album="Roja", genre="Kollywood") == "Tamil"


@pytest.mark.parametrize(("genre", "folders", "language"), [
    ("Bollywood", [], "Hindi"), ("Filmi", [], "Hindi"), ("", ["Music", "Tollywood Hits"], "Telugu"),
    ("", ["Kollywood"], "Tamil"), ("K-Pop", [], "Korean"), ("Bhangra", [], "Punjabi"),
    ("Fado", [], "Portuguese"),
    ("", ["Music", "Abhangs"], "Marathi"), ("Rock", ["Music", "Rock"], ""),
])
def test_genre_and_folder_words(genre, folders, language):
    assert detect(genre=genre, folders=folders) == language


def test_language_weight_prefers_and_can_exclude():
    telugu, english, unknown = (SimpleNamespace(language=x) for x in ("Telugu", "English", ""))
    assert language_weight(telugu, [], False) == language_weight(english, [], True) == 1.0
    assert language_weight(telugu, ["Telugu", "hin"], False) == 3.0
    assert language_weight(english, ["te"], False) == 1.0
    assert language_weight(english, ["Telugu"], True) == 0.0
    assert language_weight(unknown, ["Telugu"], True) == 0.0


def test_queues_prefer_the_chosen_languages_and_can_play_only_them(tmp_path):
    import random

    import numpy as np
    import soundfile as sf
    from mutagen.flac import FLAC

    from moodplayer.config import Settings
    from moodplayer.library.scanner import scan
    from moodplayer.library.store import Store
    from moodplayer.moods.policy import build_queue

    for n, language in enumerate(["tel", "tel", "tel", "eng", "eng", ""]):
        path = tmp_path / "music" / f"{n}.flac"
        path.parent.mkdir(exist_ok=True)
        sf.write(path, np.zeros(800, dtype=np.float32), 8000, format="FLAC")
        audio = FLAC(path)
        audio.update({"title": f"song {n}", "genre": "Dance", "artist": f"artist {n}"})
        if language:
            audio["language"] = language
        audio.save()
    with Store(tmp_path / "library.sqlite3") as store:
        scan(store, tmp_path / "music")
        languages = sorted(t.language for t in store.tracks())
        assert languages == ["", "English", "English", "Telugu", "Telugu", "Telugu"]
        only = build_queue(store, "happy", Settings(preferred_languages=["Telugu"],
                                                    only_preferred_languages=True))
        assert len(only.items) == 3 and {item.track.language for item in only.items} == {"Telugu"}
        nobody = build_queue(store, "happy", Settings(preferred_languages=["Tamil"],
                                                      only_preferred_languages=True))
        assert len(nobody.items) == 6  # nothing in Tamil: everything rather than silence
        prefer = Settings(preferred_languages=["te"])
        firsts = [build_queue(store, "happy", prefer, rng=random.Random(seed)).items[0].track.language
                  for seed in range(200)]
        assert firsts.count("Telugu") > 0.6 * len(firsts)  # weight 3 of 12: 75 % expected, 50 % unweighted
        plain = [build_queue(store, "happy", Settings(), rng=random.Random(seed)).items[0].track.language
                 for seed in range(200)]
        assert plain.count("Telugu") < 0.6 * len(plain)
