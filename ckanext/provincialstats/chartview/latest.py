"""The latest value of a strategic issue's indicators, read from the DataStore tables of
the datasets the official statistics chart links to the indicator.

For each indicator: the linked datasets' resources that have a DataStore table; in each
table the numeric column that names the indicator best (words of the indicator's name
found in the column's label, its unit as a tie-breaker; a table with a single numeric
column needs no match); the row with the greatest year (BE or CE; a month or date column
breaks ties), only the rows of the issue's province when the table has a province column.
All tables are read in one SQL statement on the DataStore's read connection
(identifiers quoted, values bound), each table after ``datastore_search`` has been
allowed to the user. Results are cached for a few minutes, keyed by the table's load.

A dataset without a table, or a table with no column for the indicator, gives nothing
(not an error).
"""
from __future__ import annotations

import re
import time
from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.provincialstats import vocab
from ckanext.provincialstats.chartview import columns

# Seconds a table's latest row is kept (a reloaded table changes the key at once when
# the extension's loader records the load).
CACHE_SECONDS = 300
_cache: dict[tuple, tuple[float, Any]] = {}
_WORD = re.compile(r"\w", re.UNICODE)
_UNIT = re.compile(r"\(([^()]+)\)\s*$")


def words(text: str) -> set[str]:
    """The content words of a text (Thai segmented with PyThaiNLP; stop words, marks and
    one-letter tokens left out), lower-cased."""
    from pythainlp.corpus import thai_stopwords
    from pythainlp.tokenize import word_tokenize
    stop = thai_stopwords()
    return {w.casefold() for w in word_tokenize(text or "", engine="newmm",
                                                keep_whitespace=False)
            if len(w) > 1 and _WORD.search(w) and w not in stop}


def column_unit(field: dict[str, Any]) -> str:
    """The unit a column's label ends with in brackets (``ผลผลิต (ตัน)`` -> ตัน)."""
    found = _UNIT.search(columns.label(field))
    return found.group(1).strip() if found else ""


def value_column(fields: list[dict[str, Any]], indicator: dict[str, Any]
                 ) -> tuple[int, dict[str, Any]] | None:
    """``(score, field)``: the numeric column of the table that is the indicator's, or
    None. The score counts words of the indicator's name in the column's label (the
    unit's words count a tenth); a table with one numeric column scores 0."""
    time_ids = {f["id"] for f in fields if columns.is_time(f)}
    numeric = [f for f in fields if columns.is_numeric(f) and f["id"] not in time_ids]
    if not numeric:
        return None
    name, unit = words(indicator.get("name") or ""), words(indicator.get("unit") or "")
    best = None
    for field in numeric:
        label = words(columns.label(field)) | words(field["id"])
        hits = len(name & label)
        if not hits:
            continue
        score = hits * 10 + len(unit & label)
        if best is None or score > best[0]:
            best = (score, field)
    if best is None and len(numeric) == 1:
        return 0, numeric[0]
    return best


def time_columns(fields: list[dict[str, Any]]) -> tuple[dict | None, dict | None]:
    """The table's year column (or date / month column) and a finer month or date
    column that orders the rows of one year."""
    by_id = {f["id"]: f for f in fields}
    main = by_id.get(columns.defaults(fields)["time_column"])
    if main is None:
        return None, None
    finer = None
    if columns.year_kind(main):
        finer = next((f for f in fields if f["id"] != main["id"] and columns.is_time(f)
                      and not columns.year_kind(f)), None)
    return main, finer


def province_values(code: str) -> list[str]:
    """Every way a table writes the province (Thai and English names, ISO and DOPA
    codes, slug), lower-cased."""
    p = vocab.province(code)
    if p is None:
        return []
    names = (p["iso_code"], p["dopa_code"], p["name_th"], p["name_en"], p["slug"],
             "จังหวัด" + p["name_th"], "จ." + p["name_th"])
    return sorted({n.casefold() for n in names if n})


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""').replace("\0", "") + '"'


def _query(plan: dict[str, Any], n: int) -> tuple[str, dict[str, Any]]:
    """One ``SELECT`` of the latest row of a table for one value column."""
    main, finer, value = plan["time"], plan["finer"], plan["value"]
    where = [f"{_ident(value['id'])} IS NOT NULL", f"{_ident(main['id'])} IS NOT NULL"]
    params: dict[str, Any] = {f"k{n}": n}
    if plan["province_column"]:
        where.append(f"lower(trim({_ident(plan['province_column'])}::text)) = ANY(:p{n})")
        params[f"p{n}"] = plan["province_values"]
    order = f"{_ident(main['id'])} DESC"
    if finer:
        order += f", {_ident(finer['id'])} DESC NULLS LAST"
    finer_sql = f"{_ident(finer['id'])}::text" if finer else "NULL::text"
    sql = (f"(SELECT :k{n} AS k, {_ident(main['id'])}::text AS t, {finer_sql} AS f, "
           f"{_ident(value['id'])}::numeric AS v FROM {_ident(plan['resource_id'])} "
           f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT 1)")
    return sql, params


def _read(plans: list[dict[str, Any]]) -> list[tuple[Any, ...] | None]:
    """The latest row of each plan, in one statement on the read connection."""
    from ckanext.datastore.backend.postgres import get_read_engine
    if not plans:
        return []
    parts, params = [], {}
    for n, plan in enumerate(plans):
        sql, p = _query(plan, n)
        parts.append(sql)
        params.update(p)
    with get_read_engine().connect() as conn:
        rows = conn.execute(sa.text(" UNION ALL ".join(parts)), params).fetchall()
    by_key = {row[0]: row for row in rows}
    return [by_key.get(n) for n in range(len(plans))]


def _load_marks(resource_ids: list[str]) -> dict[str, str]:
    """When each table was last loaded by the extension's loader (one query)."""
    from ckanext.provincialstats.datastore.status import KEY, TASK_TYPE
    if not resource_ids:
        return {}
    rows = (model.Session.query(model.TaskStatus.entity_id, model.TaskStatus.last_updated)
            .filter(model.TaskStatus.entity_id.in_(resource_ids),
                    model.TaskStatus.task_type == TASK_TYPE, model.TaskStatus.key == KEY)
            .all())
    return {rid: str(when) for rid, when in rows}


def table_resources(dataset_ids: list[str]) -> dict[str, list[model.Resource]]:
    """Dataset id -> its active resources with a DataStore table, in position order
    (one query)."""
    if not dataset_ids:
        return {}
    rows = (model.Session.query(model.Resource)
            .filter(model.Resource.package_id.in_(dataset_ids),
                    model.Resource.state == "active")
            .order_by(model.Resource.package_id, model.Resource.position).all())
    out: dict[str, list[model.Resource]] = {}
    for res in rows:
        if (res.extras or {}).get("datastore_active") in (True, "True", "true"):
            out.setdefault(res.package_id, []).append(res)
    return out


def _fields(resource_id: str, mark: str | None) -> list[dict[str, Any]]:
    """The table's columns (``datastore_search`` with no rows), cached like the rows."""
    key = ("fields", resource_id, mark)
    hit = _cache.get(key)
    if hit and hit[0] >= time.monotonic():
        return hit[1]
    fields = columns.table_fields(resource_id)
    _cache[key] = (time.monotonic() + CACHE_SECONDS, fields)
    return fields


def _may_read(user: str | None, resource_id: str) -> bool:
    try:
        tk.check_access("datastore_search", {"user": user}, {"resource_id": resource_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def _year(text: str, kind: str) -> int | None:
    found = re.match(r"\s*(\d{4})", text or "")
    if not found:
        return None
    year = int(found.group(1))
    if kind == "be" or (kind == "auto" and year > 2400):
        return year - 543
    return year


def _period(row: tuple[Any, ...], plan: dict[str, Any], lang: str) -> dict[str, Any]:
    """The row's time in the page's calendar (BE on Thai pages, CE otherwise):
    ``{"year": CE year, "shown": "พ.ศ. 2567" / "2024" / "12/2567" for a month}``."""
    main, finer = plan["time"], plan["finer"]
    kind = columns.era_kind(main)
    ce = _year(row[1], kind)
    if ce is None:
        return {"year": None, "shown": str(row[1])}

    def page_year(year: int) -> int:
        return year + 543 if lang == "th" else year

    text, text_kind = (row[2], columns.era_kind(finer)) if finer else (row[1], kind)
    month = re.match(r"\s*(\d{4})-(\d{1,2})", text or "")
    if month:
        return {"year": ce, "shown": "%d/%d" % (int(month.group(2)),
                                                page_year(_year(month.group(1), text_kind)))}
    return {"year": ce, "shown": ("พ.ศ. %d" if lang == "th" else "%d") % page_year(ce)}


def _number(value: Any, lang: str) -> str:
    from babel.numbers import format_decimal
    return format_decimal(value, locale="th_TH" if lang == "th" else "en_US")


def latest_values(indicators: list[dict[str, Any]], province: str | None,
                  user: str | None, lang: str) -> dict[str, dict[str, Any]]:
    """Indicator name -> its latest value: ``{value, shown, unit, period, column,
    dataset, resource_id, resource_name}``; indicators without one are left out.

    ``indicators``: the issue's indicators, each with the ``statistics`` the chart lists
    for it (``dataset`` resolved by ``provincialstats_chart_show``, ``found`` only when
    the user may see it)."""
    if not plugins.plugin_loaded("datastore"):
        return {}
    wanted: dict[str, list[str]] = {}
    for ind in indicators:
        wanted[ind.get("name") or ""] = [
            s["dataset"]["id"] for s in ind.get("statistics") or []
            if s.get("dataset") and s["dataset"].get("found")]
    tables = table_resources(sorted({d for ids in wanted.values() for d in ids}))
    resources = [r for ids in tables.values() for r in ids if _may_read(user, r.id)]
    marks = _load_marks([r.id for r in resources])
    names = {r.id: (r.name or "", r.package_id) for r in resources}
    readable = {r.id for r in resources}
    prov = province_values(province) if province else []

    plans, by_indicator = [], {}
    for ind in indicators:
        options = []
        for dataset_id in wanted.get(ind.get("name") or "", []):
            for res in tables.get(dataset_id, []):
                if res.id not in readable:
                    continue
                fields = _fields(res.id, marks.get(res.id))
                match = value_column(fields, ind)
                main, finer = time_columns(fields)
                if match is None or main is None:
                    continue
                prov_col = next((f["id"] for f in fields if columns.is_province(f)), None)
                options.append((match[0], {
                    "resource_id": res.id, "value": match[1], "time": main,
                    "finer": finer, "province_column": prov_col if prov else None,
                    "province_values": prov}))
        if options:
            options.sort(key=lambda o: -o[0])
            by_indicator[ind.get("name") or ""] = [plan for _, plan in options]
            plans.extend(plan for _, plan in options)

    rows = _cached_rows(plans, marks)
    out: dict[str, dict[str, Any]] = {}
    for name, options in by_indicator.items():
        for plan in options:
            row = rows.get(_key(plan, marks))
            if not row or row[3] is None:
                continue
            rid = plan["resource_id"]
            period = _period(row, plan, lang)
            dataset_name = model.Package.get(names[rid][1]).name
            out[name] = {
                "value": row[3], "shown": _number(row[3], lang),
                "unit": column_unit(plan["value"]), "period": period["shown"],
                "year": period["year"], "column": columns.label(plan["value"]),
                "dataset": dataset_name, "resource_id": rid,
                "resource_name": names[rid][0],
            }
            break
    return out


def _key(plan: dict[str, Any], marks: dict[str, str]) -> tuple:
    return (plan["resource_id"], marks.get(plan["resource_id"]), plan["value"]["id"],
            plan["time"]["id"], (plan["finer"] or {}).get("id"), plan["province_column"],
            tuple(plan["province_values"]) if plan["province_column"] else ())


def _cached_rows(plans: list[dict[str, Any]], marks: dict[str, str]) -> dict[tuple, Any]:
    now = time.monotonic()
    for key in [k for k, (expires, _) in _cache.items() if expires < now]:
        _cache.pop(key, None)
    out, missing = {}, []
    for plan in plans:
        key = _key(plan, marks)
        if key in _cache:
            out[key] = _cache[key][1]
        elif key not in out:
            out[key] = None
            missing.append(plan)
    for plan, row in zip(missing, _read(missing)):
        key = _key(plan, marks)
        out[key] = tuple(row) if row else None
        _cache[key] = (now + CACHE_SECONDS, out[key])
    return out


def clear_cache() -> None:
    _cache.clear()


