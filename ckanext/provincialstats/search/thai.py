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
  the word itself, and the tilings with the fewest parts are used (every one of them
  that passes the next rule);
- only the first part may be a single syllable.  Thai compounds put their head first
  (``นัก``-, ``การ``-, ``ยาง``-, ``ขยะ``-, ``โรง``-), while two-syllable words whose
  syllables happen to be words (``ตา|ราง`` table, ``จัง|หวัด`` province, ``ทุ|เรียน``
  durian, ``นา|ที`` minute) are not compounds of those meanings, and a trailing single
  syllable is mostly a suffix or an accident (``สำนัก|งาน``, ``ราย|งาน``);
- the parts are decomposed again by the same rules (two levels).

Segmentation depends on context, and ``newmm`` must choose between segmentations with
as few words: ``พื้นที่นาข้าว`` (rice-field area) comes out as ``พื้น|ที่นา|ข้าว``, not
``พื้นที่|นา|ข้าว``.  The index therefore also holds the words of the other segmentations
with as few dictionary words (:func:`alternatives`), so ``พื้นที่`` still finds it.  This
never reaches inside a word that has no such segmentation: ``ขนาด`` has none through
``นา``, ``ยางพารา`` none through ``ยา``.

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
def decompose(word: str) -> tuple[tuple[str, ...], ...]:
    """The ways a Thai compound splits into dictionary words (each a tuple of parts), or
    ``()`` when ``word`` is not a compound by the rules in the module docstring."""
    if not (MIN_COMPOUND <= len(word) <= MAX_COMPOUND) or not THAI_WORD.fullmatch(word):
        return ()
    _, syllables = _lexicon()
    return tuple(t for t in _tilings(word)
                 if len(t) >= 2 and not any(part in syllables for part in t[1:]))


def sub_words(word: str, depth: int = DEPTH) -> list[str]:
    """The parts of a compound, then the parts of those parts (``depth`` levels), each
    tiling's parts kept together and in order so that they are adjacent in the index."""
    tilings = decompose(word)
    if not tilings or depth <= 0:
        return []
    out = []
    for parts in tilings:
        out.extend(parts)
    for part in dict.fromkeys(p for parts in tilings for p in parts):
        out.extend(sub_words(part, depth - 1))
    return out


MAX_STRETCH = 300  # characters of dictionary words in a row looked at by alternatives()


def alternatives(words: list[str]) -> list[str]:
    """Words of ``words`` (one segmented Thai run) that another segmentation with as few
    dictionary words would have had: for every stretch of consecutive dictionary words,
    each dictionary word on a fewest-words tiling of the stretch that is not one of
    ``words`` there."""
    trie, _ = _lexicon()
    out: list[str] = []
    stretch: list[str] = []
    for word in words + [""]:
        if word and len(word) >= MIN_PART and word in trie:
            stretch.append(word)
            continue
        if len(stretch) >= 2:
            text = "".join(stretch)
            if len(text) <= MAX_STRETCH:
                out.extend(_on_fewest_paths(text, set(stretch), trie))
        stretch = []
    return out


def _on_fewest_paths(text: str, known: set[str], trie) -> list[str]:
    n, inf = len(text), float("inf")
    ends: list[list[int]] = [[] for _ in range(n + 1)]  # ends[i]: j with text[i:j] a word
    for i in range(n):
        ends[i] = [i + len(p) for p in trie.prefixes(text[i:])]
    before = [inf] * (n + 1)  # fewest words tiling text[:i]
    before[0] = 0
    for i in range(n):
        if before[i] < inf:
            for j in ends[i]:
                before[j] = min(before[j], before[i] + 1)
    after = [inf] * (n + 1)  # fewest words tiling text[i:]
    after[n] = 0
    for i in range(n - 1, -1, -1):
        for j in ends[i]:
            after[i] = min(after[i], after[j] + 1)
    if before[n] == inf:
        return []
    return [text[i:j] for i in range(n) for j in ends[i]
            if before[i] + 1 + after[j] == before[n] and text[i:j] not in known]


def index_text(text: str, engine: str = "newmm") -> str:
    """What ``to_tsvector`` receives: ``text`` segmented (its words at their positions,
    so phrase queries work), followed by the sub-words of each compound word in it."""
    if not text or not has_thai(text):
        return text or ""
    extra: list[str] = []

    def split(match: re.Match) -> str:  # each Thai run segmented once
        words = _split_run(match.group(0), engine).split()
        others = alternatives(words)
        for word in words + others:
            if THAI_WORD.fullmatch(word):
                extra.extend(sub_words(word))
        extra.extend(others)
        return " %s " % " ".join(words)

    segmented = THAI_RUN.sub(split, text)
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
        tilings = decompose(word) if THAI_WORD.fullmatch(word) else ()
        if tilings:
            compounds.append("(%s)" % " | ".join(
                [_lexeme(word)] + [" <-> ".join(_lexeme(p) for p in parts)
                                   for parts in tilings]))
        else:
            plain.append(word)
    return " ".join(plain), compounds
