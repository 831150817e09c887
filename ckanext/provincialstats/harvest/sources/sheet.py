"""A spreadsheet inventory as a harvest source: a CSV (UTF-8 with or without BOM,
TIS-620 / Windows-874, recognised by ``datastore/encoding.py``) or an XLSX workbook
(openpyxl, read-only) with one row per dataset, as agencies keep their list for the GD
Catalog.

Column headers are the GD Catalog's field names or its Thai or English labels
(``ชื่อชุดข้อมูล`` / ``Dataset Name`` / ``title``; a trailing note in brackets and a
required-field ``*`` are ignored), plus the usual names of an inventory's own columns
(``รหัสชุดข้อมูล`` / ``identifier``, ``หน่วยงาน``, ``ลิงก์ดาวน์โหลด`` / ``download URL``,
``รูปแบบไฟล์`` / ``format``). The header row is the first of the first 20 rows that has a
title column; a title row above it is skipped. A column the source does not know is kept
(the mapping reports it as unmapped).

``gather`` yields ``(guid, content)`` per row: guid is the identifier column, else the URL
name column, else the title. A row that cannot be read (no title) is yielded too, with
content that ``parse`` refuses with the row number and the reason: the pipeline records
it as that record's error and the other rows go on.
"""
from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import re
import unicodedata
import zipfile
from typing import Any, Iterable, Iterator

from ckanext.provincialstats.datastore import encoding
from ckanext.provincialstats.datastore.messages import LoadError
from ckanext.provincialstats.harvest import mapping, xmlsafe
from ckanext.provincialstats.harvest.errors import SourceError

HEADER_SEARCH_ROWS = 20
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
ERROR_KEY = "__sheet_row_error__"
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls

# Inventory column names that are not GD Catalog labels -> source keys.
ALIASES = {
    "identifier": "identifier", "id": "identifier", "dataset id": "identifier",
    "รหัส": "identifier", "รหัสชุดข้อมูล": "identifier", "รหัสข้อมูล": "identifier",
    "ชื่อ url": "name", "url name": "name", "slug": "name",
    "ชื่อชุดข้อมูล": "title", "dataset title": "title", "ชื่อข้อมูล": "title",
    "รายละเอียด": "notes", "คำอธิบาย": "notes", "description": "notes",
    "หน่วยงาน": "publisher_name", "organization": "publisher_name",
    "หน่วยงานเจ้าของข้อมูล": "publisher_name", "publisher": "publisher_name",
    "agency": "publisher_name",
    "ผู้ติดต่อ": "maintainer", "contact": "maintainer", "ชื่อผู้ติดต่อ": "maintainer",
    "อีเมล": "maintainer_email", "email": "maintainer_email", "e-mail": "maintainer_email",
    "อีเมลผู้ติดต่อ": "maintainer_email",
    "keywords": "tag_string", "keyword": "tag_string", "แท็ก": "tag_string",
    "tags": "tag_string",
    "license": "license_id", "licence": "license_id", "สัญญาอนุญาต": "license_id",
    "province": "province", "จังหวัด": "province", "provinces": "province",
    "ลิงก์ดาวน์โหลด": "resource_url", "ลิงก์ข้อมูล": "resource_url",
    "ลิงก์ไฟล์ข้อมูล": "resource_url", "ที่อยู่ไฟล์": "resource_url",
    "download url": "resource_url", "resource url": "resource_url",
    "data url": "resource_url", "ไฟล์ข้อมูล": "resource_url",
    "ชื่อทรัพยากร": "resource_name", "resource name": "resource_name",
    "ชื่อไฟล์": "resource_name",
    "รูปแบบ": "resource_format", "รูปแบบไฟล์": "resource_format", "format": "resource_format",
    "file format": "resource_format", "resource format": "resource_format",
    "url": "url", "ลิงก์": "url", "landing page": "url", "เว็บไซต์": "url",
    "ลำดับ": None, "ลำดับที่": None, "ที่": None, "no": None, "no.": None, "#": None,
}
# Columns holding several values in one cell (new lines, ";" or ",").
LIST_KEYS = {"province", "strategic_issue", "resource_url"}


def _norm(header: Any) -> str:
    text = unicodedata.normalize("NFC", str(header or "")).replace("\n", " ")
    text = re.sub(r"[*:：]+", " ", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def _without_note(text: str) -> str:
    return re.sub(r"\s*[\(（][^\)）]*[\)）]\s*$", "", text).strip()


@functools.lru_cache(maxsize=None)
def _headers() -> dict[str, str | None]:
    """Normalised header -> source key, from the dataset schema and ``ALIASES``."""
    schema = mapping._schema()
    known: dict[str, str | None] = {}
    for field in schema["resource_fields"] + schema["dataset_fields"]:
        name = field["field_name"]
        if name in ("url", "name", "format", "description", "owner_org"):
            continue  # ambiguous labels (URL, Name): the aliases decide
        labels = field.get("label")
        labels = list(labels.values()) if isinstance(labels, dict) else [labels]
        for text in [name] + [str(lab) for lab in labels if lab]:
            for form in (_norm(text), _without_note(_norm(text))):
                # dataset labels win over resource labels of the same text
                if form and (form not in known or not name.startswith("resource_")):
                    known[form] = name
    known.update(ALIASES)
    return known


def column_key(header: Any) -> str | None:
    """The source key of a column header; None for a row-number column; the header
    itself (``column:<header>``) for a column nobody knows."""
    headers = _headers()
    # "ชื่อชุดข้อมูล / Dataset Name", or the two on two lines: either half
    parts = [str(header or "")] + re.split(r"\n|\s+/\s+|\s*\|\s*", str(header or ""))
    for part in parts:
        norm = _norm(part)
        for form in (norm, _without_note(norm)):
            if form in headers:
                return headers[form]
    return "column:" + str(header).strip()


# -- reading the file -----------------------------------------------------------------

def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _csv_rows(content: bytes, where: str) -> Iterator[list[str]]:
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(f"{where}: ไม่ใช่ไฟล์ CSV หรือ XLSX",
                          f"{where}: neither a CSV nor an XLSX file")
    try:
        codec = encoding.detect(content[:encoding.SAMPLE_BYTES])
    except LoadError:
        raise SourceError(f"{where}: ระบุรหัสอักขระของไฟล์ CSV ไม่ได้ (ลอง UTF-8, TIS-620)",
                          f"{where}: the CSV's text encoding could not be recognised "
                          "(tried UTF-8, TIS-620 / Windows-874)") from None
    try:
        text = content.decode(codec)
    except UnicodeDecodeError as e:
        raise SourceError(f"{where}: ไฟล์ CSV ถอดรหัสเป็น {codec} ไม่ได้ (ไบต์ที่ {e.start})",
                          f"{where}: the CSV cannot be decoded as {codec} (byte {e.start})") \
            from None
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in ",;\t|"}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [c.strip() for c in row]


def _xlsx_rows(content: bytes, where: str) -> Iterator[list[str]]:
    import openpyxl

    bad = SourceError(f"{where}: อ่านไฟล์ XLSX ไม่ได้", f"{where}: the XLSX file cannot be read")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise bad from None
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise SourceError(
            f"{where}: ไฟล์ XLSX เมื่อคลายการบีบอัดใหญ่เกิน {MAX_UNZIPPED_BYTES >> 20} MB",
            f"{where}: the XLSX file is larger than {MAX_UNZIPPED_BYTES >> 20} MB unzipped")
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            with archive.open(member) as f:
                xmlsafe.check(f, f"{where} ({member.filename})")
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zipfile, KeyError, InvalidFileException...
        raise SourceError(f"{where}: อ่านไฟล์ XLSX ไม่ได้ ({type(e).__name__})",
                          f"{where}: the XLSX file cannot be read ({type(e).__name__})") \
            from None
    try:
        for sheet in book.worksheets:
            rows = ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
            header_at, header = _find_header(rows)
            if header is not None:
                yield from _with_header(header_at, header, rows)
                return
    finally:
        book.close()


def _find_header(rows: Iterator[list[str]]) -> tuple[int, list[str] | None]:
    for number, row in enumerate(rows, 1):
        keys = [column_key(c) for c in row if c]
        if "title" in keys and len(keys) >= 2:
            return number, row
        if number >= HEADER_SEARCH_ROWS:
            break
    return 0, None


def _with_header(header_at: int, header: list[str], rows: Iterable[list[str]]):
    yield ("header", header_at, header)
    for number, row in enumerate(rows, header_at + 1):
        yield ("row", number, row)


def _records(content: bytes, where: str) -> Iterator[tuple[str, int, list[str]]]:
    """("header", row number, cells) then ("row", row number, cells) ..."""
    head = content[:8]
    if head.startswith(OLE_MAGIC):
        raise SourceError(
            f"{where}: ไฟล์ Excel แบบเก่า (.xls) ไม่รองรับ บันทึกเป็น .xlsx หรือ CSV",
            f"{where}: old Excel files (.xls) are not supported; save as .xlsx or CSV")
    if head.startswith(XLSX_MAGIC):
        found = False
        for item in _xlsx_rows(content, where):
            found = True
            yield item
        if not found:
            raise _no_header(where)
        return
    rows = _csv_rows(content, where)
    header_at, header = _find_header(rows)
    if header is None:
        raise _no_header(where)
    yield from _with_header(header_at, header, rows)


def _no_header(where: str) -> SourceError:
    return SourceError(
        f"{where}: ไม่พบแถวหัวตารางที่มีคอลัมน์ชื่อชุดข้อมูล (ชื่อชุดข้อมูล / Dataset Name / "
        f"title) ใน {HEADER_SEARCH_ROWS} แถวแรก",
        f"{where}: no header row with a dataset name column (ชื่อชุดข้อมูล / Dataset Name / "
        f"title) in the first {HEADER_SEARCH_ROWS} rows")


# -- rows to package dicts ------------------------------------------------------------

def _split(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[\n;,]+", value) if v.strip()]


def row_package(header: list[str], row: list[str]) -> dict[str, Any]:
    """One inventory row as a CKAN-style package dict (GD Catalog field names)."""
    pkg: dict[str, Any] = {}
    extras = []
    resource: dict[str, Any] = {}
    for title, value in zip(header, row):
        if not value or not title:
            continue
        key = column_key(title)
        if key is None:
            continue
        if key.startswith("column:"):
            extras.append({"key": key[7:], "value": value})
        elif key == "tag_string":
            pkg[key] = ",".join(_split(value))
        elif key == "resource_url":
            resource["urls"] = [u.strip() for u in re.split(r"[\n;]+|\s+(?=https?://)",
                                                            value) if u.strip()]
        elif key in ("resource_name", "resource_format"):
            resource[key[9:]] = value
        elif key.startswith("resource_"):
            resource[key] = value
        elif key in LIST_KEYS:
            pkg[key] = _split(value)
        else:
            pkg.setdefault(key, value)
    urls = resource.pop("urls", [])
    pkg["resources"] = [dict(resource, url=url) for url in urls]
    if extras:
        pkg["extras"] = extras
    return pkg


def _guid(pkg: dict[str, Any]) -> str | None:
    for key in ("identifier", "name", "title"):
        if pkg.get(key):
            return str(pkg[key]).strip()
    return None


def gather(url: str, config: dict, fetch) -> Iterator[tuple[str, str]]:
    """Yield ``(guid, content)`` for every row of the inventory."""
    result = fetch(url, accept="text/csv, application/vnd.openxmlformats-officedocument."
                               "spreadsheetml.sheet;q=0.9, */*;q=0.1")
    where = url[:200]
    header: list[str] = []
    for kind, number, cells in _records(result.content, where):
        if kind == "header":
            header = cells
            continue
        if not any(cells):
            continue
        pkg = row_package(header, cells)
        guid = _guid(pkg)
        if not pkg.get("title"):
            error = {"row": number, "th": f"แถว {number}: ไม่มีชื่อชุดข้อมูล",
                     "en": f"row {number}: no dataset name (title)"}
            yield (guid or f"row-{number}"), json.dumps({ERROR_KEY: error},
                                                        ensure_ascii=False)
            continue
        yield guid, json.dumps(pkg, ensure_ascii=False, sort_keys=True)


def parse(content: str) -> dict[str, Any]:
    """The package dict of one row; a row gathered with an error raises it here."""
    try:
        pkg = json.loads(content)
    except (TypeError, ValueError) as e:
        raise SourceError(f"ระเบียนไม่ใช่ JSON ที่ถูกต้อง ({e})",
                          f"the record is not valid JSON ({e})") from None
    if not isinstance(pkg, dict):
        raise SourceError("ระเบียนไม่ใช่ออบเจ็กต์ JSON", "the record is not a JSON object")
    if ERROR_KEY in pkg:
        raise SourceError(pkg[ERROR_KEY]["th"], pkg[ERROR_KEY]["en"])
    return pkg
