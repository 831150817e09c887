"""Downloads of a DataStore table: CSV (UTF-8 with a byte-order mark by default, so Excel
shows Thai), TSV, JSON and XLSX, whole or filtered (``q``, ``filters``), streamed page
by page with keyset paging on ``_id`` (``WHERE _id > last ORDER BY _id LIMIT n`` instead
of OFFSET, so the last page of a million rows costs what the first does).

Access, the resource id (or alias), the filters' columns and the requested fields are
checked by CKAN's own ``datastore_search`` (called once with ``limit=0``); the pages are
then read from the DataStore's read-only connection with parameterised SQL. Filters
have ``datastore_search``'s meaning (a value, or a list of values any of which
matches); ``q`` is a full-text query on ``_full_text`` (``plainto_tsquery``, or
``to_tsquery`` with ``plain=false``). A per-column ``q`` (a dict), ``distinct`` and
other sort orders go to CKAN's own dump.
"""
import codecs
import csv
import datetime
import decimal
import io
import json
import re
import tempfile

import ckan.plugins.toolkit as tk

from ckanext.provincialstats.datastore import config

XLSX_MAX_ROWS = 1048575  # Excel's sheet limit, less the header row
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "tsv": ("text/tab-separated-values; charset=utf-8", "tsv"),
    "json": ("application/json; charset=utf-8", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def probe(user, resource_id, search, include_total=False):
    """``datastore_search`` with limit 0: permission, existence, fields, total."""
    return tk.get_action("datastore_search")(
        {"user": user}, {"resource_id": resource_id, "limit": 0,
                         "include_total": include_total, **search})


def _where(search, types):
    """SQL conditions and their parameters; the columns were checked by the probe, the
    types come from the database (the values are cast to the column's type)."""
    clauses, params = [], []
    from ckanext.datastore.backend.postgres import identifier
    for column, value in (search.get("filters") or {}).items():
        values = value if isinstance(value, list) else [value]
        pg_type = types.get(column, "text")
        if not values or not re.fullmatch(r"[a-z0-9_ ]+", pg_type):
            clauses.append("FALSE")
            continue
        clauses.append(f"{identifier(column)} = ANY(%s::{pg_type}[])")
        params.append([None if v is None else str(v) for v in values])
    q = search.get("q")
    if q:
        language = search.get("language") or tk.config.get(
            "ckan.datastore.default_fts_lang")
        func = "plainto_tsquery" if search.get("plain", True) else "to_tsquery"
        clauses.append(f'"_full_text" @@ {func}(%s::regconfig, %s)')
        params.extend([language, q])
    return clauses, params


def pages(user, resource_id, search, limit=None, offset=0, info=None):
    """Yield (fields, rows) pages; ``fields`` (with their data dictionary) without
    ``_id``, rows as lists of Python values."""
    from ckanext.datastore.backend.postgres import get_read_engine, identifier
    info = info or probe(user, resource_id, search)
    table = info["resource_id"]
    if search.get("q"):  # a text query adds a "rank" field: take the table's own
        info = probe(user, resource_id, {k: v for k, v in search.items() if k != "q"})
    fields = [f for f in info["fields"] if f["id"] not in ("_id", "_full_text")]
    select = ", ".join([identifier(f["id"]) for f in fields] + ['"_id"'])
    where, params = _where(search, {f["id"]: f["type"] for f in info["fields"]})
    page_size = config.dump_page_size()
    after, sent = None, 0
    connection = get_read_engine().raw_connection()
    try:
        cursor = connection.cursor()
        while limit is None or sent < limit:
            size = page_size if limit is None else min(page_size, limit - sent)
            clauses, args = list(where), list(params)
            if after is not None:
                clauses.append('"_id" > %s')
                args.append(after)
            sql = (f"SELECT {select} FROM {identifier(table)}"
                   + (" WHERE " + " AND ".join(clauses) if clauses else "")
                   + ' ORDER BY "_id" LIMIT %s')
            args.append(size)
            if after is None and offset:
                sql += " OFFSET %s"
                args.append(offset)
            cursor.execute(sql, args)
            records = cursor.fetchall()
            if records or after is None:
                yield fields, [list(r[:-1]) for r in records]
            if len(records) < size:
                return
            sent += len(records)
            after = records[-1][-1]
    finally:
        connection.rollback()
        connection.close()


def _label(field):
    return (field.get("info") or {}).get("label") or field["id"]


def _plain(value):
    """Python value from the database -> JSON/XLSX friendly value."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _text(value):
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def delimited(page_iter, delimiter=",", bom=True):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    first = True
    for fields, rows in page_iter:
        if first:
            if bom:
                yield codecs.BOM_UTF8
            writer.writerow([_label(f) for f in fields])
            first = False
        for row in rows:
            writer.writerow([_text(v) for v in row])
        yield buf.getvalue().encode("utf-8")
        buf.seek(0)
        buf.truncate()


def as_json(page_iter):
    first = True
    for fields, rows in page_iter:
        if first:
            head = [{"id": f["id"], "type": f["type"], "label": _label(f)} for f in fields]
            yield ('{"fields": ' + json.dumps(head, ensure_ascii=False)
                   + ', "records": [').encode("utf-8")
        chunk = ",\n".join(json.dumps([_plain(v) for v in row], ensure_ascii=False,
                                       default=str) for row in rows)
        if chunk:
            yield ((",\n" if not first else "\n") + chunk).encode("utf-8")
        first = False
    yield b"\n]}\n"


def as_xlsx(page_iter):
    """openpyxl's write-only workbook keeps memory bounded; the zip is built in a
    temporary file and streamed from there."""
    import openpyxl
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    first = True
    for fields, rows in page_iter:
        if first:
            sheet.append([_label(f) for f in fields])
            first = False
        for row in rows:
            sheet.append([v if isinstance(v, (int, float, datetime.date)) or v is None
                          else (_plain(v) if isinstance(v, decimal.Decimal) else _text(v))
                          for v in row])
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        yield from iter(lambda: out.read(1 << 16), b"")


def write(fmt, page_iter, bom=True):
    if fmt == "csv":
        return delimited(page_iter, ",", bom)
    if fmt == "tsv":
        return delimited(page_iter, "\t", bom)
    if fmt == "json":
        return as_json(page_iter)
    return as_xlsx(page_iter)
