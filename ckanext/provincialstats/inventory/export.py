"""Writing the metadata inventory (layout in ``inventory.layout``).

Datasets are read page by page from ``package_search`` as the caller (private datasets
only for those who may see them), so an export holds one page in memory whatever the
catalogue's size (``ckanext.provincialstats.inventory.page_size``). CSV is streamed to
the client as it is written; XLSX is written with openpyxl's write-only workbook into a
temporary file (an XLSX is a zip: it is complete only at the end) and then sent.

Formula safety: a text cell that a spreadsheet would run as a formula (``=``, ``@``,
``+``/``-`` not followed by a number) is written to CSV with a leading apostrophe
(``layout.unescape_cell`` removes it on the way back); XLSX cells are always written
as text, never as formulas.
"""
from __future__ import annotations

import csv
import io
import re
import tempfile
from typing import Any, Iterator

import ckan.plugins.toolkit as tk
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ckanext.provincialstats.inventory import layout

NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


def datasets(user: str | None, fq: list[str]) -> Iterator[dict[str, Any]]:
    """Every dataset matching ``fq`` that ``user`` may see, in name order, one
    ``package_search`` page at a time."""
    rows = tk.config.get("ckanext.provincialstats.inventory.page_size")
    query = " ".join(["+dataset_type:dataset", *fq])
    start = 0
    while True:
        page = tk.get_action("package_search")(
            {"user": user},
            {"q": "*:*", "fq": query, "rows": rows, "start": start, "sort": "name asc",
             "include_private": True})
        for pkg in page["results"]:
            yield pkg
        start += len(page["results"])
        if not page["results"] or start >= page["count"]:
            return


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return layout.SEPARATOR.join(_text(v) for v in value if v not in (None, ""))
    return str(value)


def row(pkg: dict[str, Any]) -> list[str]:
    """The cells of one dataset, in ``layout.COLUMNS`` order."""
    cells = []
    for field in layout.FIELDS:
        if field == "tag_string":
            value = [t["name"] for t in pkg.get("tags") or []]
        elif field == "owner_org":
            value = (pkg.get("organization") or {}).get("name") or pkg.get("owner_org")
        else:
            value = pkg.get(field)
        cells.append(_text(value))
    return cells


def _csv_safe(text: str) -> str:
    if text[:1] in ("=", "@") or (text[:1] in ("+", "-") and not NUMBER.fullmatch(text)):
        return "'" + text
    return text


def csv_chunks(pkgs) -> Iterator[str]:
    """The CSV text, a header line then one chunk per page of rows; starts with the
    byte-order mark (Excel reads UTF-8 only with it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(layout.THAI_HEADERS)
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for n, pkg in enumerate(pkgs, 1):
        writer.writerow([_csv_safe(cell) for cell in row(pkg)])
        if n % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # text, never a formula
    return cell


def write_xlsx(pkgs, target) -> None:
    """Write the inventory workbook to ``target`` (a binary file)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(layout.SHEET_NAME)
    sheet.append([_cell(sheet, h) for h in layout.THAI_HEADERS])
    for pkg in pkgs:
        # plain strings are text cells, except that openpyxl reads "=..." as a formula;
        # empty cells are left empty
        sheet.append([_cell(sheet, v) if v[:1] == "=" else (v or None) for v in row(pkg)])
    book.save(target)


def xlsx_file(pkgs):
    """The workbook in a temporary file (deleted when closed), positioned at the start."""
    target = tempfile.TemporaryFile(prefix="provincialstats-inventory-")
    write_xlsx(pkgs, target)
    target.seek(0)
    return target
