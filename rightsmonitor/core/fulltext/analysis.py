"""Text analysis: the same words, the same stems, whether text is indexed, searched or shown.

Text is split into words, lowered (``ё`` read as ``е``), stop words and one-letter words dropped,
and each word stemmed: English Snowball for Latin script, Russian Snowball for Cyrillic (Kazakh
words get the Russian stemmer, which is rough but better than none). The stop words are data,
one file a language in ``stopwords/``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import snowballstemmer

WORD = re.compile(r"\w+", re.UNICODE)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
STOP_WORD_FILES = Path(__file__).resolve().parent / "stopwords"


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("ё", "е")


@cache
def stop_words() -> frozenset[str]:
    """Words too common to tell texts apart: every language's file in ``stopwords/`` (one word
    a line, ``#`` starts a comment). Besides grammar words, the stock phrases of UN
    recommendations and plans ("take measures to ensure", "the State party") are there: they
    occur in nearly every text and would otherwise swamp the ranking."""
    found: set[str] = set()
    for path in sorted(STOP_WORD_FILES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.partition("#")[0].strip()
            if word:
                found.add(_normalise(word))
    return frozenset(found)


# A Snowball stemmer keeps the word it works on in itself: one per thread, since the server's
# threads stem at the same time (a shared one mixed two words' letters and failed).
_per_thread = threading.local()


def _stemmer(language: str) -> snowballstemmer.Stemmer:
    stemmers: dict[str, snowballstemmer.Stemmer] | None = getattr(_per_thread, "stemmers", None)
    if stemmers is None:
        stemmers = _per_thread.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(language)
    return stemmers[language]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word, by its script."""
    language = "russian" if CYRILLIC.search(word) else "english"
    return str(_stemmer(language).stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` with stop words and one-letter words dropped."""
    stops = stop_words()
    return [w for w in WORD.findall(_normalise(text)) if len(w) > 1 and w not in stops and w != "_"]


def analyse(text: str) -> list[str]:
    """The stems by which ``text`` is searched (a query), in order."""
    return [stem(word) for word in words(text)]


# Russian nouns take a vowel between their last two consonants where no ending follows
# (пытка, пытки → пыток; ошибка → ошибок; девушка → девушек). Snowball leaves such a word whole,
# so "пытки" (stem "пытк") would not find "пыток". A word with no ending that looks like that is
# also indexed without the vowel; a word that never had one ("урок" → "урк") only gains a token
# nobody searches for.
_CONSONANT = "бвгджзклмнпрстфхцчшщ"
_FLEETING_VOWEL = re.compile(rf"^([а-я]{{2,}}[{_CONSONANT}])[оеё]([{_CONSONANT}])$")


def _without_fleeting_vowel(word: str, stemmed: str) -> str | None:
    if stemmed != word:  # Snowball took an ending off: the vowel is not the last syllable's
        return None
    match = _FLEETING_VOWEL.match(word)
    return match.group(1) + match.group(2) if match else None


def index_terms(text: str) -> list[str]:
    """The stems under which ``text`` is indexed: ``analyse``'s, then the variants without a
    fleeting vowel, after the text so that phrases keep their positions."""
    return [term for term, _word in index_forms(text)]


def index_forms(text: str) -> list[tuple[str, str]]:
    """``index_terms`` with the word each stem came from: the form a spelling suggestion
    shows (``vocabulary``)."""
    stems, variants = [], []
    for word in words(text):
        stemmed = stem(word)
        stems.append((stemmed, word))
        variant = _without_fleeting_vowel(word, stemmed)
        if variant:
            variants.append((variant, word))
    return stems + variants


def normalise(text: str) -> str:
    """Text as analysis reads it: NFKC, lower case, "ё" as "е"."""
    return _normalise(text)


def matches(word: str, stems: set[str]) -> bool:
    """Whether one lower-case word of a text is found by a search for ``stems``."""
    stemmed = stem(word)
    return stemmed in stems or _without_fleeting_vowel(word, stemmed) in stems


def highlight(text: str, stems: set[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched) pairs, a piece matching when its stem is searched."""
    if not stems:
        return [(text, False)]
    stops = stop_words()
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in WORD.finditer(text):
        word = match.group(0)
        lowered = _normalise(word)
        if lowered in stops or not matches(lowered, stems):
            continue
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((word, True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces
