"""Thai word segmentation for the full-text index and for queries.

Thai is written without spaces between words, and PostgreSQL's parsers treat a Thai
sentence as one token.  Before text reaches ``to_tsvector`` (at index time) or
``plainto_tsquery`` (at query time) every run of Thai script is split into words with
PyThaiNLP's dictionary-based ``newmm`` engine (offline, dictionary in the wheel) and the
words are joined with spaces; everything else is left for PostgreSQL's parser (which
stems English words).  Index and query go through the same function, so they agree.
"""
from __future__ import annotations

import functools
import re

THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")


def has_thai(text: str) -> bool:
    return bool(THAI_RUN.search(text or ""))


@functools.lru_cache(maxsize=20000)
def _split_run(run: str, engine: str) -> str:
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
