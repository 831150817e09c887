"""Rows of a CSV, TSV or XLSX file as lists of strings, read as a stream (bounded memory
whatever the file size). The header row comes first."""
import csv
import datetime
import sys

from ckanext.provincialstats.datastore.messages import LoadError

csv.field_size_limit(min(sys.maxsize, 2 ** 31 - 1))
DELIMITERS = ",\t;|"
FORMATS = {"csv": "CSV", "tsv": "TSV", "xlsx": "XLSX"}


def _delimiter(first_line, fmt):
    if fmt == "tsv":
        return "\t"
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(path, fmt, encoding):
    with open(path, encoding=encoding, newline="", errors="strict") as f:
        first = f.readline()
        f.seek(0)
        reader = csv.reader(f, delimiter=_delimiter(first, fmt), strict=False)
        yield from reader


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path):
    import openpyxl
    # A file object: CKAN stores uploads without an extension, which openpyxl checks.
    with open(path, "rb") as f:
        try:
            book = openpyxl.load_workbook(f, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises zipfile, KeyError, InvalidFileException
            raise LoadError("parse", fmt="XLSX", detail=str(e) or type(e).__name__)
        try:
            sheet = book.worksheets[0]
            for row in sheet.iter_rows(values_only=True):
                yield [_cell(v) for v in row]
        finally:
            book.close()


def rows(path, fmt, encoding=None):
    """(header, iterator of rows): rows padded to the header's width; cells past the
    header must be empty; blank rows are skipped."""
    raw = _xlsx_rows(path) if fmt == "xlsx" else _csv_rows(path, fmt, encoding)
    try:
        header = next(raw, None)
        while header is not None and not any(c.strip() for c in header):
            header = next(raw, None)
    except UnicodeDecodeError:
        raise LoadError("encoding")
    except csv.Error as e:
        raise LoadError("parse", fmt=FORMATS[fmt], detail=str(e))
    if header is None:
        raise LoadError("no_header")
    while header and not header[-1].strip():
        header.pop()
    width = len(header)

    def body():
        line = 1
        try:
            for row in raw:
                line += 1
                if len(row) != width:
                    if len(row) < width:
                        row = row + [""] * (width - len(row))
                    elif any(c.strip() for c in row[width:]):
                        raise LoadError(
                            "parse", fmt=FORMATS[fmt],
                            detail=f"row {line} has {len(row)} cells, the header {width}")
                    else:
                        row = row[:width]
                if any(row):
                    yield row
        except UnicodeDecodeError as e:
            raise LoadError("parse", fmt=FORMATS[fmt],
                            detail=f"row {line}: bytes that are not {e.encoding}")
        except csv.Error as e:
            raise LoadError("parse", fmt=FORMATS[fmt], detail=f"row {line}: {e}")

    return header, body()


def sniff_format(resource):
    """csv, tsv or xlsx from the resource's format or its URL; None for anything else."""
    fmt = (resource.get("format") or "").strip().lower().lstrip(".")
    if fmt in FORMATS:
        return fmt
    if fmt in ("text/csv",):
        return "csv"
    url = (resource.get("url") or "").lower().split("?")[0]
    for ext in FORMATS:
        if url.endswith("." + ext):
            return ext
    return None

