"""Single values of harvested records turned into the dataset schema's values: Buddhist Era
years and dates, licences, data formats, update frequencies, languages, tags.

Every function returns None (or an empty result) for what it does not recognise: the
caller keeps the source value in the record's unmapped values, never guesses.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from ckanext.provincialstats.logic.converters import ascii_digits
from ckanext.provincialstats.logic.years import BE_OFFSET

# -- years and dates ------------------------------------------------------------------

# A four-digit year from 2400 on is Buddhist Era (2400 BE = 1857 CE); below it, Common Era.
BE_FROM = 2400

THAI_MONTHS = {
    "มกราคม": 1, "กุมภาพันธ์": 2, "มีนาคม": 3, "เมษายน": 4, "พฤษภาคม": 5, "มิถุนายน": 6,
    "กรกฎาคม": 7, "สิงหาคม": 8, "กันยายน": 9, "ตุลาคม": 10, "พฤศจิกายน": 11, "ธันวาคม": 12,
    "ม.ค.": 1, "ก.พ.": 2, "มี.ค.": 3, "เม.ย.": 4, "พ.ค.": 5, "มิ.ย.": 6,
    "ก.ค.": 7, "ส.ค.": 8, "ก.ย.": 9, "ต.ค.": 10, "พ.ย.": 11, "ธ.ค.": 12,
}
_THAI_MONTH_RE = "|".join(re.escape(m) for m in sorted(THAI_MONTHS, key=len, reverse=True))


def ce_year(year: int) -> int:
    """A four-digit year as CE (BE years from 2400 on lose 543)."""
    return year - BE_OFFSET if year >= BE_FROM else year


def be_year(year: int) -> int:
    """A four-digit year as BE (CE years gain 543)."""
    return year if year >= BE_FROM else year + BE_OFFSET


def _full_year(text: str) -> int:
    """``66`` (two digits, as Thai forms write BE years) -> 2566; four digits unchanged."""
    year = int(text)
    return year + 2500 if len(text) == 2 else year


def parse_date(value: Any) -> datetime.date | None:
    """A date in any of the forms Thai agencies and DCAT feeds write, as a CE date:
    ``2023-03-12``, ``2566-03-12``, ``12/03/2566``, ``12-03-2023``, ``12 มีนาคม 2566``,
    ``12 มี.ค. 66``, ``2023-03-12T08:00:00Z``, Thai digits; a year alone or a year and
    month (``2566``, ``2023-03``) is the first day. None for anything else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if value is None:
        return None
    text = ascii_digits(str(value)).strip()
    if not text:
        return None
    found = (re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text)
             or re.fullmatch(r"(\d{4})/(\d{1,2})/(\d{1,2})", text))
    if found:
        year, month, day = int(found[1]), int(found[2]), int(found[3])
        return _date(ce_year(year), month, day)
    found = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})", text)
    if found:  # day first, as Thai forms write dates
        return _date(ce_year(_full_year(found[3])), int(found[2]), int(found[1]))
    found = re.fullmatch(r"(\d{1,2})\s*(%s)\s*(?:พ\.ศ\.\s*)?(\d{4}|\d{2})" % _THAI_MONTH_RE,
                         text)
    if found:
        return _date(ce_year(_full_year(found[3])), THAI_MONTHS[found[2]], int(found[1]))
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if found:
        return _date(ce_year(int(found[1])), int(found[2]), 1)
    year = parse_year(text)
    return _date(year, 1, 1) if year else None


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_year(value: Any) -> int | None:
    """A year as CE from ``2566``, ``๒๕๖๖``, ``พ.ศ. 2566``, ``2023``, ``ปี 2566``; None if
    the value is not a single year."""
    if value is None:
        return None
    text = ascii_digits(str(value)).strip()
    text = re.sub(r"^(?:ปี\s*)?(?:พ\.ศ\.|ค\.ศ\.|BE|CE|AD)?\s*", "", text, flags=re.I).strip()
    if re.fullmatch(r"\d{4}", text):
        return ce_year(int(text))
    return None


def year_of(value: Any) -> int | None:
    """The CE year of a date or of a year (``2023-05-01``, ``12/03/2566``, ``2566``)."""
    date = parse_date(value)
    return date.year if date else None


# -- licences -------------------------------------------------------------------------

GDC_LICENSES = (
    "Open Data Common",
    "Creative Commons Attributions",
    "Creative Commons Attribution Non-Commercial",
    "Creative Commons Attribution Share-Alike",
    "Creative Commons Attribution Non-Commercial Share-Alike",
    "Creative Commons Attribution Non-Commercial No-Derivs",
    "Creative Commons Attribution No-Derivs",
)
LICENSE_OTHER = "อื่นๆ"

# Creative Commons licence elements -> the GD Catalog licence.
_CC = {
    frozenset(): "Creative Commons Attributions",
    frozenset({"nc"}): "Creative Commons Attribution Non-Commercial",
    frozenset({"sa"}): "Creative Commons Attribution Share-Alike",
    frozenset({"nc", "sa"}): "Creative Commons Attribution Non-Commercial Share-Alike",
    frozenset({"nc", "nd"}): "Creative Commons Attribution Non-Commercial No-Derivs",
    frozenset({"nd"}): "Creative Commons Attribution No-Derivs",
}
# CKAN's licence register ids (what ckanext-dcat's parser and stock CKAN portals give).
_CKAN_IDS = {
    "cc-by": "Creative Commons Attributions",
    "cc-by-sa": "Creative Commons Attribution Share-Alike",
    "cc-nc": "Creative Commons Attribution Non-Commercial",
}
# Licences with a known name but no GD Catalog value: "other", with this name.
_NAMED_OTHER = [
    (r"\bcc0\b|cc-zero|publicdomain/zero|creative commons zero", "CC0 1.0 (Public Domain)"),
    (r"odc-odbl|\bodbl\b|open database licen[cs]e", "ODC Open Database License (ODbL)"),
    (r"odc-by|opendatacommons\.org/licenses/by|open data commons attribution",
     "ODC Attribution License (ODC-By)"),
    (r"odc-pddl|\bpddl\b|public domain dedication and licen[cs]e",
     "ODC Public Domain Dedication and License (PDDL)"),
    (r"uk-ogl|open government licen[cs]e", "Open Government Licence"),
    (r"other-pd|public domain|สาธารณสมบัติ", "Public domain"),
    (r"\bgfdl\b|gnu free documentation", "GNU Free Documentation License"),
]
# Not a licence: nothing said (the source config's default applies).
_NOT_SPECIFIED = {"notspecified", "not specified", "license not specified", "ไม่ระบุ", "-"}


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _cc_elements(text: str) -> frozenset | None:
    """The CC elements (nc, sa, nd) named by a Creative Commons licence URL, code or
    name in English or Thai; None if ``text`` is not a CC BY-family licence."""
    low = text.casefold()
    url = re.search(r"creativecommons\.org/licenses/([a-z\-]+)", low)
    if url:
        parts = set(url[1].split("-"))
        return frozenset(parts & {"nc", "sa", "nd"}) if "by" in parts else None
    code = re.fullmatch(r"(?:cc[\s\-_]?)(by(?:[\s\-_](?:nc|sa|nd))*)(?:[\s\-_]?\d\.\d.*)?",
                        low)
    if code:
        return frozenset(set(re.split(r"[\s\-_]", code[1])) & {"nc", "sa", "nd"})
    if "creative commons" in low or "ครีเอทีฟคอมมอนส์" in low or "แสดงที่มา" in low:
        if "zero" in low or "cc0" in low:
            return None
        elements = set()
        if re.search(r"non[\s\-]?commercial|ไม่ใช้เพื่อการค้า|ไม่ใช้เพื่อการพาณิชย์", low):
            elements.add("nc")
        if re.search(r"share[\s\-]?alike|อนุญาตแบบเดียวกัน", low):
            elements.add("sa")
        if re.search(r"no[\s\-]?deriv|ไม่ดัดแปลง", low):
            elements.add("nd")
        return frozenset(elements)
    return None


def license_unspecified(value: Any) -> bool:
    """True when a licence value says nothing (``notspecified``, ``ไม่ระบุ``)."""
    return _plain(str(value)).casefold() in _NOT_SPECIFIED


def map_license(value: Any) -> tuple[str | None, str | None]:
    """A licence id, URL or name -> (GD Catalog licence value, ``license_id_other`` text).

    ``(value, None)`` for a GD Catalog licence; ``("อื่นๆ", name)`` for a known licence
    the GD Catalog does not list (CC0, ODbL, ...); ``(None, None)`` when nothing is
    said or the licence is not recognised (the caller keeps it as unmapped).
    """
    if value is None:
        return None, None
    text = _plain(str(value))
    if not text or text.casefold() in _NOT_SPECIFIED:
        return None, None
    for gdc in GDC_LICENSES:
        if text.casefold() == gdc.casefold():
            return gdc, None
    if text.casefold() in ("open data commons", "open data common license"):
        return "Open Data Common", None
    if text.casefold() in _CKAN_IDS:
        return _CKAN_IDS[text.casefold()], None
    elements = _cc_elements(text)
    if elements is not None and "sa" in elements and "nd" in elements:
        return None, None  # no such licence
    if elements is not None and elements in _CC:
        return _CC[elements], None
    for pattern, name in _NAMED_OTHER:
        if re.search(pattern, text, re.I):
            return LICENSE_OTHER, name
    return None, None


# -- data formats ---------------------------------------------------------------------

# Format names, file extensions and media types -> the GD Catalog data format.
_FORMATS = {
    "CSV": ("csv", "text/csv", "tsv", "text/tab-separated-values"),
    "XLS": ("xls", "xlsx", "excel", "ms excel", "application/vnd.ms-excel", "ods",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx/xls", "xls/xlsx", "spreadsheet"),
    "JSON": ("json", "application/json", "json api"),
    "XML": ("xml", "application/xml", "text/xml"),
    "PDF": ("pdf", "application/pdf"),
    "HTML": ("html", "htm", "text/html", "web page", "website"),
    "RDF": ("rdf", "rdf/xml", "ttl", "turtle", "text/turtle", "application/rdf+xml",
            "json-ld", "jsonld", "application/ld+json", "n3", "nt", "sparql"),
    "DOC/DOCX": ("doc", "docx", "msword", "application/msword", "odt",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "Text": ("txt", "text", "text/plain"),
    "Image": ("jpg", "jpeg", "png", "gif", "svg", "webp", "bmp", "image"),
    "Video": ("mp4", "avi", "mov", "mkv", "video"),
    "Audio": ("mp3", "wav", "ogg", "audio"),
    "Shapefile": ("shp", "shapefile", "shape", "esri shapefile", "zipped shapefile"),
    "GeoTiff": ("tif", "tiff", "geotiff", "image/tiff"),
    "GML": ("gml", "application/gml+xml"),
    "Database": ("database", "sql", "db", "mdb", "accdb", "sqlite", "dbf"),
    "NoSQL": ("nosql", "mongodb"),
    "Arc/Info Coverage": ("arc/info coverage", "e00"),
}
_FORMAT_BY_NAME = {name.casefold(): gdc for gdc, names in _FORMATS.items()
                   for name in names + (gdc,)}
_FORMAT_BY_NAME["geojson"] = "JSON"


def map_format(value: Any) -> str | None:
    """A format name, extension, media type or EU file-type URI -> a GD Catalog data
    format (``CSV``, ``XLS``, ``Shapefile`` ...); None if not recognised."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if "/file-type/" in text or "/media-types/" in text or "iana.org" in text:
        tail = text.rstrip("/").rsplit("/", 2)
        text = "/".join(tail[1:]) if "/media-types/" in text else tail[-1]
    low = text.casefold().split(";")[0].strip().lstrip(".")
    if low in _FORMAT_BY_NAME:
        return _FORMAT_BY_NAME[low]
    if low.startswith("image/"):
        return "Image"
    if low.startswith("video/"):
        return "Video"
    if low.startswith("audio/"):
        return "Audio"
    if low.endswith("+json") or low.endswith("/json"):
        return "JSON"
    if low.endswith("+xml") or low.endswith("/xml"):
        return "XML"
    return None


def format_from_url(url: Any) -> str | None:
    """The file extension of a download URL (``.../data.csv`` -> ``CSV``)."""
    if not url:
        return None
    path = str(url).split("?", 1)[0].split("#", 1)[0].rstrip("/")
    found = re.search(r"\.([A-Za-z0-9]{2,7})$", path.rsplit("/", 1)[-1])
    return found[1].upper() if found and map_format(found[1]) else None


# -- update frequency -----------------------------------------------------------------

# (unit, interval) in the GD Catalog's terms.
_EU_FREQUENCIES = {
    "ANNUAL": ("ปี", 1), "ANNUAL_2": ("ครึ่งปี", 1), "ANNUAL_3": ("เดือน", 4),
    "BIENNIAL": ("ปี", 2), "TRIENNIAL": ("ปี", 3), "QUADRENNIAL": ("ปี", 4),
    "QUINQUENNIAL": ("ปี", 5), "DECENNIAL": ("ปี", 10), "BIANNUAL": ("ครึ่งปี", 1),
    "SEMIANNUAL": ("ครึ่งปี", 1), "QUARTERLY": ("ไตรมาส", 1), "BIMONTHLY": ("เดือน", 2),
    "MONTHLY": ("เดือน", 1), "MONTHLY_2": ("สัปดาห์", 2), "MONTHLY_3": ("วัน", 10),
    "BIWEEKLY": ("สัปดาห์", 2), "WEEKLY": ("สัปดาห์", 1), "WEEKLY_2": ("วัน", 3),
    "WEEKLY_3": ("วัน", 2), "DAILY": ("วัน", 1), "DAILY_2": ("ชั่วโมง", 12),
    "HOURLY": ("ชั่วโมง", 1), "CONT": ("ตามเวลาจริง", None),
    "UPDATE_CONT": ("ตามเวลาจริง", None), "CONTINUOUS": ("ตามเวลาจริง", None),
    "NEVER": ("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", None),
    "UNKNOWN": ("ไม่ทราบ", None), "1MIN": ("นาที", 1), "5MIN": ("นาที", 5),
    "10MIN": ("นาที", 10), "15MIN": ("นาที", 15), "30MIN": ("นาที", 30),
    "12HRS": ("ชั่วโมง", 12),
}
_WORD_FREQUENCIES = [  # semi-annual before annual, quarterly before monthly
    (r"\bsemi[\s\-]?annual(ly)?\b|\bhalf[\s\-]?year(ly)?\b|ราย\s*6\s*เดือน|ครึ่งปี",
     ("ครึ่งปี", 1)),
    (r"\bannual(ly)?\b|\byearly\b|\bevery year\b|รายปี|ทุกปี|ปีละ\s*1?\s*ครั้ง",
     ("ปี", 1)),
    (r"\bquarter(ly)?\b|ไตรมาส|ราย\s*3\s*เดือน", ("ไตรมาส", 1)),
    (r"\bmonthly\b|\bevery month\b|รายเดือน|ทุกเดือน", ("เดือน", 1)),
    (r"\bweekly\b|\bevery week\b|รายสัปดาห์|ทุกสัปดาห์", ("สัปดาห์", 1)),
    (r"\bdaily\b|\bevery day\b|รายวัน|ทุกวัน", ("วัน", 1)),
    (r"\bhourly\b|รายชั่วโมง|ทุกชั่วโมง", ("ชั่วโมง", 1)),
    (r"\breal[\s\-]?time\b|\bcontinuous(ly)?\b|ตามเวลาจริง|เรียลไทม์", ("ตามเวลาจริง", None)),
    (r"\bnever\b|ไม่มีการปรับปรุง", ("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", None)),
]
_ISO_UNITS = {"Y": "ปี", "M": "เดือน", "W": "สัปดาห์", "D": "วัน"}
_ISO_TIME_UNITS = {"H": "ชั่วโมง", "M": "นาที"}


def map_frequency(value: Any) -> tuple[str, int | None] | None:
    """An accrual periodicity (EU frequency URI or code, ISO 8601 duration such as
    ``R/P1Y`` or ``P3M``, English or Thai words) -> (GD Catalog unit, interval)."""
    if value is None:
        return None
    text = ascii_digits(str(value)).strip()
    if not text:
        return None
    code = text.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    if code.upper() in _EU_FREQUENCIES and (code.isupper() or "/" in text):
        return _EU_FREQUENCIES[code.upper()]
    duration = re.fullmatch(r"(?:R\d*/)?P(?:(\d+)([YMWD])|T(\d+)([HM]))", text.upper())
    if duration:
        if duration[1]:
            number, unit = int(duration[1]), _ISO_UNITS[duration[2]]
            if unit == "เดือน" and number in (3, 6):
                return ("ไตรมาส", 1) if number == 3 else ("ครึ่งปี", 1)
            return unit, number
        return _ISO_TIME_UNITS[duration[4]], int(duration[3])
    for pattern, result in _WORD_FREQUENCIES:
        if re.search(pattern, text, re.I):
            return result
    return None


# -- languages ------------------------------------------------------------------------

_LANGUAGES = {
    "ไทย": ("th", "tha", "thai", "ภาษาไทย"),
    "อังกฤษ": ("en", "eng", "english", "ภาษาอังกฤษ"),
    "จีน": ("zh", "zho", "chi", "chinese"),
    "มลายู": ("ms", "msa", "may", "malay"),
    "พม่า": ("my", "mya", "bur", "burmese"),
    "ลาว": ("lo", "lao"),
    "เขมร": ("km", "khm", "khmer"),
    "ญี่ปุ่น": ("ja", "jpn", "japanese"),
    "เกาหลี": ("ko", "kor", "korean"),
    "ฝรั่งเศส": ("fr", "fra", "fre", "french"),
    "เยอรมัน": ("de", "deu", "ger", "german"),
    "อารบิก": ("ar", "ara", "arabic"),
}
_LANGUAGE_BY_CODE = {code: gdc for gdc, codes in _LANGUAGES.items()
                     for code in codes + (gdc,)}


def map_language(value: Any) -> str | None:
    """A language code, EU language URI (``.../language/THA``) or name -> a GD Catalog
    language; None if not listed."""
    if value is None:
        return None
    text = str(value).strip().rstrip("/").rsplit("/", 1)[-1]
    return _LANGUAGE_BY_CODE.get(text.split("-")[0].casefold())


# -- tags -----------------------------------------------------------------------------

_TAG_KEEP = set(" -_.")


def clean_tag(value: Any, max_length: int = 100) -> str:
    """A keyword as a tag the schema accepts: characters other than letters, marks,
    digits, space, ``-``, ``_`` and ``.`` become spaces; at most ``max_length``."""
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(c if unicodedata.category(c)[0] in "LMN" or c in _TAG_KEEP else " "
                   for c in text)
    return re.sub(r"\s+", " ", text).strip()[:max_length].strip()
