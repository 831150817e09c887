"""Thai column headers to DataStore column ids.

Headers are kept as they are, except where PostgreSQL cannot: identifiers are limited to
63 *bytes* (a Thai letter is 3 bytes in UTF-8, so about 21 letters), may not start with
``_`` in the DataStore, nor contain ``"``. Such a header becomes a shortened id, cut
before a whole character (never between a consonant and its vowel or tone mark), and the
full header is kept as the column's label in the data dictionary; the dumps use the
label, so downloads carry the full header.
"""
import unicodedata

MAX_BYTES = 63


def _clean(header):
    text = unicodedata.normalize("NFC", str(header or ""))
    text = text.replace("\ufeff", "").replace("\u200b", "").replace("\n", " ")
    return " ".join(text.split())


def _cut(text, limit):
    if len(text.encode("utf-8")) <= limit:
        return text
    out = ""
    for i, char in enumerate(text):
        if len((out + char).encode("utf-8")) > limit:
            break
        out += char
    # Do not leave a base letter without the marks that follow it.
    while out and len(out) < len(text) and unicodedata.category(text[len(out)]) == "Mn":
        out = out[:-1]
    return out.rstrip()


def column_ids(headers):
    """[(id, label)] for the header row; ids unique, valid and at most 63 bytes."""
    out, seen = [], set()
    for n, header in enumerate(headers, start=1):
        label = _clean(header) or f"column_{n}"
        base = label.replace('"', "'").lstrip("_ ") or f"column_{n}"
        candidate, k = _cut(base, MAX_BYTES), 1
        while candidate.lower() in seen:
            k += 1
            suffix = f" ({k})"
            candidate = _cut(base, MAX_BYTES - len(suffix)) + suffix
        seen.add(candidate.lower())
        out.append((candidate, label))
    return out
