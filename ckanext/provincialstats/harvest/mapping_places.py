"""Provinces named in harvested text: ISO 3166-2:TH codes (``TH-22``), DOPA codes (``22``,
only where a value is a province on its own), Thai names with or without ``จ.`` /
``จังหวัด``, English names with the spellings real sources use (Lopburi / Lop Buri,
Chonburi / Chon Buri, Krung Thep, Korat ...).

The 77 names come from ``vocab/provinces.csv``; ``VARIANTS`` adds the other spellings.
Short Thai names that are also ordinary words (เลย "at all", แพร่ "spread", ตาก "to dry",
น่าน, ตรัง, ตราด, ยะลา) count inside running text only after ``จ.`` / ``จังหวัด``; as a
whole value (a keyword, a spatial label) they count as they are.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Iterable

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic.converters import ascii_digits

# ISO code -> other names real sources use (English spellings, Thai short forms).
VARIANTS: dict[str, tuple[str, ...]] = {
    "TH-10": ("Krung Thep", "Krung Thep Maha Nakhon", "Bangkok Metropolis", "BKK",
              "กรุงเทพ", "กรุงเทพฯ", "กทม", "กทม."),
    "TH-11": ("Samut Prakarn", "Samutprakarn", "Samutprakan", "Pak Nam"),
    "TH-13": ("Pathumthani", "Patum Thani"),
    "TH-14": ("Ayutthaya", "Ayudhya", "Ayuthaya", "Phra Nakhon Sri Ayutthaya",
              "Ayutthaya Province", "อยุธยา"),
    "TH-15": ("Angthong",),
    "TH-16": ("Lopburi", "Loburi", "Lop-Buri"),
    "TH-17": ("Singburi",),
    "TH-18": ("Chainat", "Chai Nart"),
    "TH-19": ("Sara Buri",),
    "TH-20": ("Chonburi", "Cholburi", "Chon-Buri"),
    "TH-23": ("Trad",),
    "TH-24": ("Chachoengsao", "Chachoeng Sao", "Paet Riu", "แปดริ้ว"),
    "TH-25": ("Prachinburi", "Prachin-Buri", "Prachin"),
    "TH-27": ("Sakaeo", "Sa Kaew", "Srakaew", "Sra Kaeo"),
    "TH-30": ("Korat", "Khorat", "Nakhonratchasima", "โคราช"),
    "TH-31": ("Buriram", "Burirum"),
    "TH-32": ("Surin Province",),
    "TH-33": ("Sisaket", "Si Saket", "Srisaket", "Sri Sa Ket"),
    "TH-34": ("Ubon Ratchatani", "Ubonratchathani", "Ubon", "อุบลฯ"),
    "TH-36": ("Chaiyapoom",),
    "TH-37": ("Amnatcharoen", "Amnat Charoen"),
    "TH-38": ("Buengkan", "Bueng Kan", "Bung Kan", "Beung Kan"),
    "TH-39": ("Nong Bua Lamphu", "Nongbualamphu", "Nong Bua Lumphu"),
    "TH-40": ("Khonkaen", "Khon Kaen"),
    "TH-41": ("Udonthani", "Udon"),
    "TH-43": ("Nongkhai",),
    "TH-44": ("Mahasarakham", "Maha Sarakam"),
    "TH-45": ("Roiet", "Roi-Et", "Roi Ed"),
    "TH-46": ("Kalasinh",),
    "TH-47": ("Sakonnakhon", "Sakon"),
    "TH-48": ("Nakhonphanom",),
    "TH-50": ("Chiangmai", "Chiang Mai"),
    "TH-52": ("Lampang Province",),
    "TH-53": ("Uttradit",),
    "TH-55": ("Nan Province", "Nan province"),
    "TH-57": ("Chiangrai", "Chiang Rai"),
    "TH-58": ("Maehongson", "Mae Hongson"),
    "TH-60": ("Nakhonsawan", "Nakorn Sawan"),
    "TH-61": ("Uthaithani", "Uthai"),
    "TH-62": ("Kamphaengphet", "Kamphaeng Phet", "Kampaeng Phet"),
    "TH-63": ("Tak Province", "Tak province"),
    "TH-64": ("Sukhothai",),
    "TH-65": ("Pitsanulok", "Phitsanuloke"),
    "TH-66": ("Pichit",),
    "TH-67": ("Phetchaboon", "Petchabun"),
    "TH-70": ("Rajaburi", "Rat Buri"),
    "TH-71": ("Kanjanaburi",),
    "TH-72": ("Suphanburi", "Supanburi", "Suphan"),
    "TH-73": ("Nakhonpathom", "Nakorn Pathom"),
    "TH-74": ("Samutsakhon", "Samut Sakorn", "Samutsakorn", "Mahachai", "มหาชัย"),
    "TH-75": ("Samutsongkhram", "Samut Songkram", "Samutsongkram", "Mae Klong"),
    "TH-76": ("Phet Buri", "Petchaburi"),
    "TH-77": ("Prachuap Khirikhan", "Prachuapkhirikhan", "Prachuab Khiri Khan", "Prachuap",
              "ประจวบฯ"),
    "TH-80": ("Nakhon Si Thammarat", "Nakhonsithammarat", "Nakhon Sri Thammarat"),
    "TH-82": ("Phang Nga", "Phang-nga", "Pang Nga"),
    "TH-84": ("Suratthani", "Surat"),
    "TH-86": ("Chumporn",),
    "TH-90": ("Songkla", "Hat Yai Songkhla"),
    "TH-92": ("Trang Province",),
    "TH-93": ("Pattalung", "Phattalung"),
    "TH-94": ("Patani",),
    "TH-96": ("Narathivat",),
}

# Thai names that are also common words: in running text only after จ. / จังหวัด.
AMBIGUOUS_TH = {"เลย", "แพร่", "ตาก", "น่าน", "ตรัง", "ตราด", "ยะลา", "สตูล", "ระนอง"}
# English names that are also words or abbreviations: matched with a capital only.
AMBIGUOUS_EN = {"Nan", "Tak", "Trat", "Loei", "Trang", "Surat", "Ubon", "Udon", "Surin",
                "Phrae"}
_PREFIX_TH = r"(?:จังหวัด|จ\.)\s*"


def _key(text: str) -> str:
    """Names compared without case, spaces, hyphens and dots (Lop Buri = Lopburi)."""
    return re.sub(r"[\s\-\.]+", "", text).casefold()


@functools.lru_cache(maxsize=None)
def _whole_names() -> dict[str, str]:
    """Normalised whole value -> ISO code (names, variants, codes)."""
    names = {}
    for p in vocab.provinces():
        code = p["iso_code"]
        for name in (p["name_th"], p["name_en"], p["slug"]) + VARIANTS.get(code, ()):
            names[_key(name)] = code
            names[_key("จังหวัด" + name)] = code
            names[_key("จ." + name)] = code
            names[_key(name + " province")] = code
            names[_key("changwat " + name)] = code
    return names


@functools.lru_cache(maxsize=None)
def _text_patterns() -> tuple[tuple[re.Pattern, dict[str, str]], ...]:
    """Three alternations (Thai; English any case; English names that are also words,
    with their capital), longest names first, each with its name key -> ISO code."""
    thai: dict[str, str] = {}
    english: dict[str, str] = {}
    english_cased: dict[str, str] = {}
    for p in vocab.provinces():
        code = p["iso_code"]
        for name in (p["name_th"], p["name_en"]) + VARIANTS.get(code, ()):
            if _is_thai(name):
                thai[name] = code
            else:
                (english_cased if name in AMBIGUOUS_EN else english)[name] = code

    def english_pattern(names, flags):
        bodies = [r"[\s\-]?".join(re.escape(w) for w in re.split(r"[\s\-]+", n))
                  for n in sorted(names, key=len, reverse=True)]
        return (re.compile(r"(?<![A-Za-z])(%s)(?![A-Za-z])" % "|".join(bodies), flags),
                {_key(n): c for n, c in names.items()})

    by_length = sorted(thai, key=len, reverse=True)
    plain = [re.escape(n) for n in by_length if n not in AMBIGUOUS_TH]
    thai_pattern = re.compile(r"(?:%s)(%s)|(%s)" % (
        _PREFIX_TH, "|".join(re.escape(n) for n in by_length), "|".join(plain)))
    return ((thai_pattern, {_key(n): c for n, c in thai.items()}),
            english_pattern(english, re.I), english_pattern(english_cased, 0))


def _is_thai(text: str) -> bool:
    return any("\u0e00" <= c <= "\u0e7f" for c in text)


def province_of_value(value: Any) -> str | None:
    """The province a whole value names: ``TH-22``, ``22``, ``๒๒``, ``จันทบุรี``,
    ``จ.จันทบุรี``, ``Chanthaburi``, ``Lop Buri``, ``Lopburi``; a spatial URI ending in one
    of these (``.../TH-22``, geonames-style ``.../Chanthaburi``). None otherwise."""
    if value is None:
        return None
    text = ascii_digits(str(value)).strip()
    if not text:
        return None
    if re.fullmatch(r"(?i)(?:TH-?)?\d{2}", text):
        code = vocab.normalise_province_code(text.upper().replace("TH", "").strip("-"))
        return code if vocab.province(code) else None
    if "/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1].replace("_", " ")
        if re.fullmatch(r"(?i)TH-\d{2}", text):
            return text.upper() if vocab.province(text.upper()) else None
    return _whole_names().get(_key(text))


def provinces_in_text(text: Any) -> list[str]:
    """ISO codes of the provinces named in running text (a title, a description, a
    publisher name), in order of appearance, each once. Codes ``TH-nn`` count; bare
    numbers do not (they are years and counts more often than provinces)."""
    if not text:
        return []
    text = str(text)
    hits: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for match in re.finditer(r"\bTH-(\d{2})\b", text):
        if vocab.province("TH-" + match[1]):
            hits.append((match.start(), "TH-" + match[1]))
            taken.append(match.span())
    for pattern, codes in _text_patterns():
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue  # inside a longer name already found
            name = next(g for g in match.groups() if g)
            hits.append((start, codes[_key(name)]))
            taken.append((start, end))
    return _unique(code for _, code in sorted(hits))


def provinces_in_values(values: Iterable[Any]) -> list[str]:
    """ISO codes of values that are each a province (keywords, spatial labels); a value
    that is not one whole name is read as running text."""
    codes = []
    for value in values:
        code = province_of_value(value)
        codes.extend([code] if code else provinces_in_text(value))
    return _unique(codes)


def _unique(codes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        if code and code not in out:
            out.append(code)
    return out
