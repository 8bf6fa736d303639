"""A track's language: from its language tag (TLAN / LANGUAGE), else the Unicode script of its
title, artist and album, else words in its genre and folders (Tollywood, K-Pop, Bhangra...).

Latin script alone tells nothing (English, Spanish and romanised Hindi all use it), so such
tracks keep "" unless a tag or a word says more. `language_weight` is what the queue builder
multiplies a track's weight by for the user's preferred languages.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

# ISO 639-2 / 639-1 codes people and taggers write into TLAN / LANGUAGE.
CODES = {
    "eng": "English", "en": "English", "hin": "Hindi", "hi": "Hindi", "tel": "Telugu", "te": "Telugu",
    "tam": "Tamil", "ta": "Tamil", "kan": "Kannada", "kn": "Kannada", "mal": "Malayalam", "ml": "Malayalam",
    "ben": "Bengali", "bn": "Bengali", "pan": "Punjabi", "pa": "Punjabi", "guj": "Gujarati", "gu": "Gujarati",
    "mar": "Marathi", "mr": "Marathi", "ori": "Odia", "or": "Odia", "urd": "Urdu", "ur": "Urdu",
    "san": "Sanskrit", "sa": "Sanskrit", "nep": "Nepali", "ne": "Nepali", "sin": "Sinhala", "si": "Sinhala",
    "ara": "Arabic", "ar": "Arabic", "per": "Persian", "fas": "Persian", "fa": "Persian", "heb": "Hebrew",
    "he": "Hebrew", "rus": "Russian", "ru": "Russian", "ukr": "Ukrainian", "uk": "Ukrainian",
    "srp": "Serbian", "sr": "Serbian", "bul": "Bulgarian", "bg": "Bulgarian", "gre": "Greek", "ell": "Greek",
    "el": "Greek", "chi": "Chinese", "zho": "Chinese", "zh": "Chinese", "yue": "Cantonese", "jpn": "Japanese",
    "ja": "Japanese", "kor": "Korean", "ko": "Korean", "tha": "Thai", "th": "Thai", "vie": "Vietnamese",
    "vi": "Vietnamese", "ind": "Indonesian", "id": "Indonesian", "may": "Malay", "msa": "Malay",
    "tur": "Turkish", "tr": "Turkish", "spa": "Spanish", "es": "Spanish", "por": "Portuguese",
    "pt": "Portuguese", "fre": "French", "fra": "French", "fr": "French", "ger": "German", "deu": "German",
    "de": "German", "ita": "Italian", "it": "Italian", "dut": "Dutch", "nld": "Dutch", "nl": "Dutch",
    "swe": "Swedish", "sv": "Swedish", "nor": "Norwegian", "no": "Norwegian", "dan": "Danish", "da": "Danish",
    "fin": "Finnish", "fi": "Finnish", "pol": "Polish", "pl": "Polish", "cze": "Czech", "ces": "Czech",
    "hun": "Hungarian", "hu": "Hungarian", "rum": "Romanian", "ron": "Romanian", "swa": "Swahili",
    "amh": "Amharic", "am": "Amharic", "geo": "Georgian", "kat": "Georgian", "arm": "Armenian",
    "hye": "Armenian", "tib": "Tibetan", "bod": "Tibetan", "khm": "Khmer", "lao": "Lao", "bur": "Burmese",
    "mya": "Burmese", "tgl": "Tagalog", "fil": "Filipino", "lat": "Latin",
}
NO_LANGUAGE = {"zxx", "und", "mul", "xxx", "none", "instrumental"}  # ISO "no linguistic content" etc.

# (first, last code point, language the script most often means in a music tag)
SCRIPTS = (
    (0x0900, 0x097F, "Hindi"), (0x0980, 0x09FF, "Bengali"), (0x0A00, 0x0A7F, "Punjabi"),
    (0x0A80, 0x0AFF, "Gujarati"), (0x0B00, 0x0B7F, "Odia"), (0x0B80, 0x0BFF, "Tamil"),
    (0x0C00, 0x0C7F, "Telugu"), (0x0C80, 0x0CFF, "Kannada"), (0x0D00, 0x0D7F, "Malayalam"),
    (0x0D80, 0x0DFF, "Sinhala"), (0x0E00, 0x0E7F, "Thai"), (0x0E80, 0x0EFF, "Lao"),
    (0x0F00, 0x0FFF, "Tibetan"), (0x1000, 0x109F, "Burmese"), (0x10A0, 0x10FF, "Georgian"),
    (0x1200, 0x137F, "Amharic"), (0x1780, 0x17FF, "Khmer"), (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"), (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"),
    (0xFB50, 0xFDFF, "Arabic"), (0xFE70, 0xFEFF, "Arabic"), (0x0370, 0x03FF, "Greek"),
    (0x1F00, 0x1FFF, "Greek"), (0x0400, 0x04FF, "Russian"), (0x1100, 0x11FF, "Korean"),
    (0x3130, 0x318F, "Korean"), (0xAC00, 0xD7AF, "Korean"), (0x3040, 0x30FF, "Japanese"),
    (0x4E00, 0x9FFF, "Chinese"), (0x3400, 0x4DBF, "Chinese"),
)
URDU_LETTERS = set("ٹڈڑںےۓ")
PERSIAN_LETTERS = set("پچژگ")
UKRAINIAN_LETTERS = set("іїєґІЇЄҐ")
SERBIAN_LETTERS = set("ђћџљњјЂЋЏЉЊЈ")
BULGARIAN_HINTS = set("ъщ")

# Words in genre or folder names that tell a language or region.
WORDS = {
    "bollywood": "Hindi", "filmi": "Hindi", "hindi": "Hindi", "hindustani": "Hindi", "bhojpuri": "Bhojpuri",
    "tollywood": "Telugu", "telugu": "Telugu", "kollywood": "Tamil", "tamil": "Tamil",
    "sandalwood": "Kannada", "kannada": "Kannada", "bhavageethe": "Kannada", "mollywood": "Malayalam",
    "malayalam": "Malayalam", "bhangra": "Punjabi", "punjabi": "Punjabi", "gurbani": "Punjabi",
    "shabad": "Punjabi", "marathi": "Marathi", "lavani": "Marathi", "abhang": "Marathi",
    "bengali": "Bengali", "bangla": "Bengali", "rabindra sangeet": "Bengali", "baul": "Bengali",
    "gujarati": "Gujarati", "garba": "Gujarati", "dandiya": "Gujarati", "odia": "Odia", "oriya": "Odia",
    "urdu": "Urdu", "ghazal": "Urdu", "qawwali": "Urdu", "naat": "Urdu", "sanskrit": "Sanskrit",
    "stotram": "Sanskrit", "k pop": "Korean", "kpop": "Korean", "korean": "Korean", "k rock": "Korean",
    "j pop": "Japanese", "jpop": "Japanese", "j rock": "Japanese", "japanese": "Japanese", "enka": "Japanese",
    "anime": "Japanese", "anison": "Japanese", "city pop": "Japanese", "visual kei": "Japanese",
    "c pop": "Chinese", "mandopop": "Chinese", "mandarin": "Chinese", "chinese": "Chinese",
    "cantopop": "Cantonese", "cantonese": "Cantonese", "arabic": "Arabic", "rai": "Arabic",
    "persian": "Persian", "farsi": "Persian", "turkish": "Turkish", "arabesk": "Turkish", "mizrahi": "Hebrew",
    "hebrew": "Hebrew", "russian": "Russian", "greek": "Greek", "rebetiko": "Greek", "schlager": "German",
    "neue deutsche welle": "German", "deutsch": "German", "german": "German", "chanson francaise": "French",
    "french": "French", "francais": "French", "fado": "Portuguese", "mpb": "Portuguese",
    "sertanejo": "Portuguese", "forro": "Portuguese", "pagode": "Portuguese", "axe": "Portuguese",
    "samba": "Portuguese", "bossa nova": "Portuguese", "brazilian": "Portuguese", "portuguese": "Portuguese",
    "corridos": "Spanish", "ranchera": "Spanish", "mariachi": "Spanish", "regional mexicano": "Spanish",
    "reggaeton": "Spanish", "bachata": "Spanish", "cumbia": "Spanish", "flamenco": "Spanish",
    "spanish": "Spanish", "espanol": "Spanish", "italian": "Italian", "italiano": "Italian",
    "thai": "Thai", "vietnamese": "Vietnamese", "v pop": "Vietnamese", "opm": "Filipino",
    "indonesian": "Indonesian", "dangdut": "Indonesian", "swahili": "Swahili", "bongo flava": "Swahili",
}
_WORD_PATTERN = re.compile(r"(?<![\w])(" + "|".join(sorted(map(re.escape, WORDS), key=len, reverse=True))
                           + r")s?(?![\w])")


def from_tag(text: str) -> str:
    """The language a TLAN / LANGUAGE tag names ("tel", "te", "Telugu"); "" for none."""
    first = re.split(r"[\x00;,/]", text.strip())[0].strip() if text else ""
    if not first or first.casefold() in NO_LANGUAGE:
        return ""
    return CODES.get(first.casefold(), first[:1].upper() + first[1:])


def from_script(texts: Iterable[str]) -> str:
    """The language of the most common non-Latin script in the texts; "" when there is none."""
    counts: Counter[str] = Counter()
    letters = set()
    for text in texts:
        for char in text:
            code = ord(char)
            if code < 0x0370:
                continue
            letters.add(char)
            for first, last, language in SCRIPTS:
                if first <= code <= last:
                    counts[language] += 1
                    break
    if not counts:
        return ""
    if counts["Japanese"]:  # kana with kanji: Japanese, not Chinese
        counts["Japanese"] += counts.pop("Chinese", 0)
    language = counts.most_common(1)[0][0]
    return _refine(language, letters)


def _refine(language: str, letters: set[str]) -> str:
    if language == "Arabic":
        return "Urdu" if letters & URDU_LETTERS else "Persian" if letters & PERSIAN_LETTERS else "Arabic"
    if language == "Russian":
        if letters & UKRAINIAN_LETTERS:
            return "Ukrainian"
        if letters & SERBIAN_LETTERS:
            return "Serbian"
    return language


def from_words(texts: Iterable[str]) -> str:
    """The language a genre or folder word names (Tollywood, K-Pop, Bhangra, Fado)."""
    return next((found for found in map(_word_language, texts) if found), "")


@functools.lru_cache(maxsize=4096)  # every file of a folder asks about the same folder names
def _word_language(text: str) -> str:
    match = _WORD_PATTERN.search(_plain(text))
    return WORDS[match.group(1)] if match else ""


def detect(*, tag: str = "", title: str = "", artist: str = "", album: str = "", genre: str = "",
           folders: Iterable[str] = ()) -> str:
    """The track's language: its tag, else its script, else genre and folder words; "" unknown."""
    return (from_tag(tag) or from_script((title, artist, album)) or from_words([genre])
            or from_words(reversed(list(folders))))


def language_weight(track, preferred: list[str], only: bool) -> float:
    """Queue weight factor for the user's languages: 3 for a preferred one, 1 for others, 0 for
    others when only preferred languages may play (tracks of unknown language included)."""
    wanted = {from_tag(p).casefold() for p in preferred if isinstance(p, str) and from_tag(p)}
    if not wanted:
        return 1.0
    if (getattr(track, "language", "") or "").casefold() in wanted:
        return 3.0
    return 0.0 if only else 1.0


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[-_./'’&+]+", " ", text).split())
