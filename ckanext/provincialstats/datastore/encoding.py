"""Which text encoding a file is in: UTF-8 (with or without BOM), TIS-620 / Windows-874,
or whatever charset-normalizer recognises. The whole file is decoded strictly later
(``reader``), so a sample that misleads shows up as an error, never as mojibake."""
import codecs

import charset_normalizer

from ckanext.provincialstats.datastore.messages import LoadError

SAMPLE_BYTES = 1 << 20


def _is_thai(char):
    return "\u0e00" <= char <= "\u0e7f"


def detect(sample: bytes) -> str:
    """Python codec name for ``sample`` (the first bytes of the file)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # final=False: the sample may end in the middle of a multi-byte character.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Thai single-byte: Windows-874 is TIS-620 plus a few punctuation marks in 0x80-0x9F.
    for codec in ("cp874", "tis_620"):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        high = [c for c in text if ord(c) > 127]
        if high and sum(map(_is_thai, high)) >= 0.8 * len(high):
            return codec
    best = charset_normalizer.from_bytes(sample).best()
    if best is None or not best.encoding:
        raise LoadError("encoding")
    return best.encoding


def detect_file(path) -> str:
    with open(path, "rb") as f:
        return detect(f.read(SAMPLE_BYTES))
