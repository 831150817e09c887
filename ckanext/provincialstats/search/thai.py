"""Thai word segmentation and compound decomposition for the full-text index and queries.

Thai is written without spaces between words, and PostgreSQL's parsers treat a Thai
sentence as one token.  Before text reaches ``to_tsvector`` (at index time) or a tsquery
(at query time) every run of Thai script is split into words with PyThaiNLP's
dictionary-based ``newmm`` engine (offline, dictionary in the wheel) and the words are
joined with spaces; everything else is left for PostgreSQL's parser (which stems English
words).

Words match whole words only, never the inside of another word (``ยา``, medicine, does
not match ``ยางพารา``, rubber).  Compounds are still found by their parts because the
index holds each compound's dictionary sub-words too (:func:`index_text`): ``นักท่องเที่ยว``
is indexed as itself and as ``นัก`` + ``ท่องเที่ยว``, so ``ท่องเที่ยว`` finds it.  Which
words count as compounds (:func:`decompose`) is decided from PyThaiNLP's bundled word and
syllable lists only:

- the word tiles exactly into dictionary words of two or more characters, none of them
  the word itself, and the tiling with the fewest parts is used (the most balanced one
  when there are several);
- only the first part may be a single syllable.  Thai compounds put their head first
  (``นัก``-, ``การ``-, ``ยาง``-, ``ขยะ``-, ``โรง``-), while two-syllable words whose
  syllables happen to be words (``ตา|ราง`` table, ``จัง|หวัด`` province, ``ทุ|เรียน``
  durian, ``นา|ที`` minute) are not compounds of those meanings, and a trailing single
  syllable is mostly a suffix or an accident (``สำนัก|งาน``, ``ราย|งาน``);
- the parts are decomposed again by the same rules (two levels).

Index and query go through the same functions, so they agree.  A query word that is a
compound matches the whole word or its parts in a row (:func:`query_parts`).
"""
from __future__ import annotations

import functools
import re
from typing import Optional

THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")
THAI_WORD = re.compile(r"[\u0E01-\u0E4E]+")  # letters, vowels and marks, no digits

MIN_PART = 2  # characters: a single consonant is never a word of its own
MIN_COMPOUND = 2 * MIN_PART
MAX_COMPOUND = 60  # characters; longer "words" are out-of-dictionary runs, not compounds
MAX_TILINGS = 16
DEPTH = 2


def has_thai(text: str) -> bool:
    return bool(THAI_RUN.search(text or ""))


CACHED_RUN_LENGTH = 64  # longer runs (user text of any length) are never cache keys


def _split_run(run: str, engine: str) -> str:
    if len(run) <= CACHED_RUN_LENGTH:
        return _split_short_run(run, engine)
    return _split_run_uncached(run, engine)


@functools.lru_cache(maxsize=20000)
def _split_short_run(run: str, engine: str) -> str:
    return _split_run_uncached(run, engine)


def _split_run_uncached(run: str, engine: str) -> str:
    from pythainlp.tokenize import word_tokenize

    words = word_tokenize(run, engine=engine, keep_whitespace=False)
    return " ".join(w for w in words if w.strip())


def segment(text: str, engine: str = "newmm") -> str:
    """Return ``text`` with every Thai run split into space-separated words."""
    if not text:
        return ""
    if not has_thai(text):
        return text
    return THAI_RUN.sub(lambda m: " %s " % _split_run(m.group(0), engine), text)


# -- compound decomposition ---------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _lexicon():
    """(trie of the dictionary words of at least MIN_PART characters, set of syllables),
    both from PyThaiNLP's bundled corpus (the dictionary ``newmm`` uses)."""
    from pythainlp.corpus import thai_syllables, thai_words
    from pythainlp.util import Trie

    return Trie(w for w in thai_words() if len(w) >= MIN_PART), frozenset(thai_syllables())


def _tilings(word: str) -> list[tuple[str, ...]]:
    """The tilings of ``word`` by dictionary words other than itself with the fewest
    parts (at most MAX_TILINGS of them)."""
    trie, _ = _lexicon()
    n = len(word)
    # best[i]: (number of parts, tilings) of word[i:], None when it cannot be tiled
    best: list[Optional[tuple[int, list[tuple[str, ...]]]]] = [None] * (n + 1)
    best[n] = (0, [()])
    for i in range(n - 1, -1, -1):
        options = []
        for prefix in trie.prefixes(word[i:]):
            rest = best[i + len(prefix)]
            if prefix != word and rest is not None:
                options.append((rest[0] + 1, prefix, rest[1]))
        if options:
            fewest = min(o[0] for o in options)
            found = [(prefix,) + tail for count, prefix, tails in options if count == fewest
                     for tail in tails]
            best[i] = (fewest, found[:MAX_TILINGS])
    return best[0][1] if best[0] is not None else []


@functools.lru_cache(maxsize=50000)
def decompose(word: str) -> tuple[str, ...]:
    """The dictionary words a Thai compound is made of, or ``()`` when ``word`` is not a
    compound by the rules in the module docstring."""
    if not (MIN_COMPOUND <= len(word) <= MAX_COMPOUND) or not THAI_WORD.fullmatch(word):
        return ()
    _, syllables = _lexicon()
    tilings = [t for t in _tilings(word)
               if len(t) >= 2 and not any(part in syllables for part in t[1:])]
    if not tilings:
        return ()
    return max(tilings, key=lambda t: min(len(part) for part in t))


def sub_words(word: str, depth: int = DEPTH) -> list[str]:
    """The parts of a compound, then the parts of those parts (``depth`` levels), each
    tiling's parts kept together and in order so that they are adjacent in the index."""
    parts = decompose(word)
    if not parts or depth <= 0:
        return []
    out = list(parts)
    for part in parts:
        out.extend(sub_words(part, depth - 1))
    return out


def index_text(text: str, engine: str = "newmm") -> str:
    """What ``to_tsvector`` receives: ``text`` segmented (its words at their positions,
    so phrase queries work), followed by the sub-words of each compound word in it."""
    segmented = segment(text, engine)
    if not has_thai(text):
        return segmented
    extra = []
    for word in segmented.split():
        if THAI_WORD.fullmatch(word):
            extra.extend(sub_words(word))
    return segmented + " " + " ".join(extra) if extra else segmented


def _lexeme(word: str) -> str:
    return "'%s'" % word.replace("\\", "\\\\").replace("'", "''")


def query_parts(text: str, engine: str = "newmm") -> tuple[str, list[str]]:
    """A query's words for ``plainto_tsquery`` (everything but Thai compounds), and one
    ``to_tsquery`` expression per Thai compound word: the whole word, or its parts as a
    phrase (``'นักท่องเที่ยว' | 'นัก' <-> 'ท่องเที่ยว'``), so a compound also finds a
    dataset that spells it in separate words."""
    if not has_thai(text):
        return text, []
    plain, compounds = [], []
    for word in segment(text, engine).split():
        parts = decompose(word) if THAI_WORD.fullmatch(word) else ()
        if parts:
            compounds.append("(%s | %s)" % (_lexeme(word),
                                            " <-> ".join(_lexeme(p) for p in parts)))
        else:
            plain.append(word)
    return " ".join(plain), compounds
