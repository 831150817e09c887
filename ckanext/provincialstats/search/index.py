"""Index writes: a flattened CKAN index document -> one row in each search table.

CKAN's own ``PackageSearchIndex.index_package`` still does all the flattening (extras,
vocabulary tags, resources, relationships, ``before_dataset_index`` plugins, permission
labels) exactly as for Solr; the document it would send to Solr arrives here instead.
Writes use their own short transaction, like a Solr update: visible at once, independent
of the caller's session (some callers index after their commit, some never commit).
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any, Iterable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from . import cache, sql, summary, thai
from .model import DATE_TABLE, DOC_TABLE, INDEX_TABLE, SUBSTR_TABLE

# What compiled queries select from: ``i`` the narrow row, ``d`` its wide part.  The
# LEFT JOIN on d's primary key is removed by the planner when a query does not use d.
SOURCE = "%s i LEFT JOIN %s d ON d.id = i.id" % (INDEX_TABLE, DOC_TABLE)

STORED_ONLY = ("data_dict", "validated_data_dict")
WEIGHT_B = ("name", "tags", "groups", "organization")
WEIGHT_D = ("res_name", "res_description", "author", "maintainer", "license", "url",
            "text", "urls")
WEIGHT_D_PREFIXES = ("extras_", "res_extras_", "vocab_")
COLUMNS = ("id", "site_id", "name", "state", "dataset_type", "capacity", "owner_org",
           "organization", "license_id", "title", "title_string", "metadata_created",
           "metadata_modified", "tags", "groups", "res_format", "permission_labels", "vocab")

UPSERT_INDEX = ("""
    INSERT INTO {table} ({columns}, indexed_at)
    VALUES ({values}, timezone('utc', now()))
    ON CONFLICT (id) DO UPDATE SET {updates}, indexed_at = EXCLUDED.indexed_at
""".format(
    table=INDEX_TABLE,
    columns=", ".join(COLUMNS),
    values=", ".join(
        "CAST(:%s AS text[])" % c
        if c in ("tags", "groups", "res_format", "permission_labels", "vocab")
        else ":" + c
        for c in COLUMNS),
    updates=", ".join("%s = EXCLUDED.%s" % (c, c) for c in COLUMNS if c != "id"),
))

# The words of each tokenised field (``author``, ``res_name``, ``extras_*`` ...: see
# ``field_texts``) as one vector whose lexemes are tagged with their field, ``<field>
# U+001F <lexeme>``, at the lexeme's positions in that field: ``author:word`` is an index
# lookup of ``author U+001F word`` (``sql.Compiler._tokenised``).  Built from the bound
# ``:field_texts`` (a JSON object, field -> text) and ``:cfg`` in tsvector text syntax
# (the lexeme quoted, quotes and backslashes doubled).  A lexeme that the tag would take
# past PostgreSQL's 2 kB lexeme limit is left out.
FIELD_VECTOR = r"""(SELECT coalesce(CAST(string_agg(
        '''' || replace(replace(t.key || chr(31) || u.lexeme, '\', '\\'), '''', '''''')
        || ''':' || array_to_string(u.positions, ','), ' ') AS tsvector),
        CAST('' AS tsvector))
    FROM jsonb_each_text(CAST(:field_texts AS jsonb)) t,
         unnest(to_tsvector(CAST(:cfg AS regconfig), t.value)) u
    WHERE octet_length(t.key) + octet_length(u.lexeme) < 2000)"""

UPSERT_DOC = ("""
    INSERT INTO {table} (id, fields, tsv, ftsv, data_dict, validated_data_dict, sig_key)
    VALUES (:id, CAST(:fields AS jsonb),
            setweight(to_tsvector(CAST(:cfg AS regconfig), :text_a), 'A')
            || setweight(to_tsvector(CAST(:cfg AS regconfig), :text_b), 'B')
            || setweight(to_tsvector(CAST(:cfg AS regconfig), :text_c), 'C')
            || setweight(to_tsvector(CAST(:cfg AS regconfig), :text_d), 'D'),
            {field_vector},
            :data_dict, :validated_data_dict,
            (SELECT {sig_key} FROM {index} i WHERE i.id = :id))
    ON CONFLICT (id) DO UPDATE SET fields = EXCLUDED.fields, tsv = EXCLUDED.tsv,
        ftsv = EXCLUDED.ftsv, data_dict = EXCLUDED.data_dict,
        validated_data_dict = EXCLUDED.validated_data_dict, sig_key = EXCLUDED.sig_key
""".format(table=DOC_TABLE, field_vector=FIELD_VECTOR, index=INDEX_TABLE,
           sig_key=summary.SIG_KEY))

# Kept apart from the doc table: a wide substring text there made every query that reads
# the doc table slower (migration a7c9e1f3b5d7).
UPSERT_SUBSTR = (
    "INSERT INTO %s (id, search_text) VALUES (:id, :search_text) "
    "ON CONFLICT (id) DO UPDATE SET search_text = EXCLUDED.search_text" % SUBSTR_TABLE)

# ``*_date`` values (see ``date_rows``): a dataset's old rows removed, its new ones written
# (``:date_fields`` and ``:date_values``, the rows' fields and values in the same order)
DELETE_DATES = "DELETE FROM %s WHERE id = :id" % DATE_TABLE
INSERT_DATES = ("INSERT INTO %s (id, field, value) SELECT :id, x.field, x.value FROM "
                "unnest(CAST(:date_fields AS text[]), CAST(:date_values AS text[])) "
                "AS x(field, value)" % DATE_TABLE)

# One dataset's rows in every table, sent as one round trip: each statement sees what
# the ones before it wrote (the doc row reads the index row's signature key).
UPSERT_ROWS = sa.text(";\n".join(
    [UPSERT_INDEX, UPSERT_DOC, UPSERT_SUBSTR, DELETE_DATES, INSERT_DATES]))


def _clean(text: str) -> str:
    return text.replace("\x00", "")


def _scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, (dict, list, tuple)):
        return _clean(json.dumps(value, ensure_ascii=False, default=str))
    return _clean(str(value))


def _value(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return [_scalar(v) for v in value if v is not None]
    return _scalar(value)


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [_scalar(v) for v in value if v is not None and v != ""]
    return [_scalar(value)] if value != "" else []


def _timestamp(value: Any) -> Any:
    """A naive UTC datetime, or None when the value is not an ISO 8601 date."""
    if not value:
        return None
    when = value
    if not isinstance(value, datetime.datetime):
        text = str(value)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            when = datetime.datetime.fromisoformat(text)
        except ValueError:
            return None
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return when


def solr_date(value: Any) -> Any:
    """A date the way Solr stores and returns it: UTC, milliseconds, ``Z``."""
    when = _timestamp(value)
    if when is None:
        return value
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    millis = when.microsecond // 1000
    if millis:
        text += (".%03d" % millis).rstrip("0")
    return text + "Z"


def _is_date_field(key: str) -> bool:
    return key.endswith("_date") or key in ("metadata_created", "metadata_modified")


# PostgreSQL refuses a tsvector of more than 1 MB ("string is too long for tsvector"),
# and a dataset that cannot be indexed cannot be saved.  The four weighted texts together
# (segmented, with the parts of Thai compounds) are cut to MAX_TEXT_BYTES UTF-8 bytes: a
# vector costs each distinct word its bytes plus 4 to 6 (about 1.4 times the text for
# ordinary distinct words, at most about 3 times for short distinct words).  Text that
# still makes too big a vector (hyphenated words and URLs are indexed whole and in
# pieces) is indexed again cut to MIN_TEXT_BYTES, which no text can take past 1 MB.  The
# trigram text is cut to the same length.
MAX_TEXT_BYTES = 256_000
MIN_TEXT_BYTES = 32_000


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, at a space when there is one near
    the end (so no word is indexed half)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data[:max(limit, 0)].decode("utf-8", "ignore")
    space = cut.rfind(" ", len(cut) - 200)
    return cut[:space] if space > 0 else cut


def _join(values: Iterable[Any]) -> str:
    words = []
    for value in values:
        words.extend(_strings(value))
    return " ".join(words)


def _texts(raw: list[str], engine: str, budget: int) -> list[str]:
    """The texts of weights A, B, C, D for ``to_tsvector``: Thai segmented and compounds
    followed by their parts (``thai.index_text``, the same words queries look for), cut
    together to ``budget`` bytes, the first weights first."""
    out = []
    for text in raw:
        # cut before segmenting, so megabytes that would be dropped are not segmented,
        # and again shorter when the parts of compounds (indexed after the text) do not
        # fit, so that a long text keeps them
        text = _cut(text, budget)
        indexed = thai.index_text(text, engine)
        size = len(indexed.encode("utf-8"))
        if size > budget:
            text = _cut(text, int(len(text.encode("utf-8")) * budget / size * 0.95))
            indexed = thai.index_text(text, engine)
        indexed = _cut(indexed, budget)
        budget -= len(indexed.encode("utf-8"))
        out.append(indexed)
    return out


def vocab_entries(fields: dict[str, Any]) -> list[str]:
    """The values of the multi-valued ``vocab_<field>`` fields as ``<field> U+001F
    <value>`` entries for the narrow table's ``vocab`` column (see the migration
    d4e6f8a0b2c3): filters and facets on them never read the wide doc table."""
    entries = []
    for key in sorted(k for k in fields if k.startswith("vocab_") and len(k) > 6):
        value = fields[key]
        for item in value if isinstance(value, list) else [value]:
            entries.append(key[6:] + "\x1f" + item)
    return entries


def field_texts(fields: dict[str, Any], engine: str, budget: int) -> dict[str, str]:
    """The text of each tokenised field (``sql.field_kind``) for the tagged field vector
    (``FIELD_VECTOR``): the value as ``fields ->> key`` reads it (a list as its JSON
    text), Thai segmented with the parts of compounds (``thai.index_text``, as the text
    vector has them and text queries look for them), cut to ``budget`` UTF-8 bytes in
    all, fields in name order."""
    out = {}
    for key in sorted(fields):
        value = fields[key]
        if value is None or sql.field_kind(key) != "tokenised" or budget <= 0:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        text = _cut(thai.index_text(_cut(text, budget), engine), budget)
        budget -= len(text.encode("utf-8"))
        out[key] = text
    return out


# A ``*_date`` value that is a Solr date; a query compares its first 19 characters
# (``YYYY-MM-DDTHH:MM:SS``, text order is time order)
SOLR_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}.[0-9]{2}.[0-9]{2}", re.DOTALL)


def date_rows(fields: dict[str, Any]) -> dict[str, list[str]]:
    """The dataset's rows of the date table, as the bound arrays of ``INSERT_DATES``: one
    per ``*_date`` field whose value is a Solr date (a list or any other value is not),
    with its first 19 characters."""
    rows = [(key, value[:19]) for key, value in sorted(fields.items())
            if key.endswith("_date") and isinstance(value, str) and SOLR_DATE.match(value)]
    return {"date_fields": [key for key, _ in rows], "date_values": [value for _, value in rows]}


def row_for(doc: dict[str, Any], engine: str,
            text_bytes: Optional[int] = None) -> dict[str, Any]:
    """Bound parameters of the upserts for one Solr-style index document (text cut to
    ``text_bytes``, by default MAX_TEXT_BYTES)."""
    text_bytes = text_bytes or MAX_TEXT_BYTES
    fields = {k: solr_date(v) if _is_date_field(k) and isinstance(v, str) else _value(v)
              for k, v in doc.items() if k not in STORED_ONLY and v is not None}
    other_text = [v for k, v in doc.items()
                  if k in WEIGHT_D or k.startswith(WEIGHT_D_PREFIXES)]
    title = _scalar(doc.get("title") or "")
    notes = _scalar(doc.get("notes") or "")
    text_a, text_b, text_c, text_d = _texts(
        [title, _join(doc.get(k) for k in WEIGHT_B), notes, _join(other_text)], engine,
        text_bytes)
    return {
        "id": doc["id"],
        "field_texts": json.dumps(field_texts(fields, engine, text_bytes), ensure_ascii=False),
        **date_rows(fields),
        "site_id": doc.get("site_id") or tk.config.get("ckan.site_id"),
        "name": doc.get("name") or doc["id"],
        "state": doc.get("state"),
        "dataset_type": doc.get("dataset_type") or doc.get("type"),
        "capacity": doc.get("capacity"),
        "owner_org": doc.get("owner_org"),
        "organization": doc.get("organization"),
        "license_id": doc.get("license_id"),
        "title": title,
        "title_string": _scalar(doc.get("title_string") or title) or None,
        "metadata_created": _timestamp(doc.get("metadata_created")),
        "metadata_modified": _timestamp(doc.get("metadata_modified")),
        "tags": _strings(doc.get("tags")),
        "groups": _strings(doc.get("groups")),
        "res_format": _strings(doc.get("res_format")),
        "permission_labels": _strings(doc.get("permission_labels")),
        "vocab": vocab_entries(fields),
        "fields": json.dumps(fields, ensure_ascii=False),
        # Substring wildcards (``text:*ทุเรียน*``) search what Solr copies into ``text``.
        "search_text": _cut(" ".join(
            [title] + _strings(doc.get("tags")) + [notes, _join(doc.get(k) for k in WEIGHT_B),
                                                   _join(other_text)]).lower(), text_bytes),
        "text_a": text_a,
        "text_b": text_b,
        "text_c": text_c,
        "text_d": text_d,
        "data_dict": doc.get("data_dict"),
        "validated_data_dict": doc.get("validated_data_dict"),
    }


def write(docs: list[dict[str, Any]], durable: bool = True) -> None:
    """Upsert documents in one transaction (``durable=False``: asynchronous commit, for
    deferred commits such as ``search-index rebuild``)."""
    engine_name = tk.config.get("ckanext.provincialstats.search.thai_engine")
    cfg = tk.config.get("ckanext.provincialstats.search.text_search_config")
    try:
        _upsert([dict(row_for(doc, engine_name), cfg=cfg) for doc in docs], durable)
    except sa.exc.DBAPIError as error:
        if "too long for tsvector" not in str(error.orig):
            raise
        _upsert([dict(row_for(doc, engine_name, MIN_TEXT_BYTES), cfg=cfg) for doc in docs],
                durable)


def _upsert(rows: list[dict[str, Any]], durable: bool) -> None:
    with model.meta.engine.begin() as conn:
        if not durable:
            conn.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
        ids = [r["id"] for r in rows]
        summary.lock(conn, ids)
        replaced = summary.current_rows(conn, ids)
        for row in rows:
            conn.execute(UPSERT_ROWS, row)
        summary.apply(conn, replaced, rows)
        cache.bump(conn)  # last, so the state row is locked only until the commit


def delete(where_sql: str, params: dict[str, Any]) -> int:
    """Delete the rows a compiled query matches (their doc rows go with them)."""
    with model.meta.engine.begin() as conn:
        ids = conn.execute(sa.text(
            "SELECT i.id FROM {source} WHERE {where}".format(source=SOURCE, where=where_sql)),
            params).scalars().all()
        if not ids:
            return 0
        summary.lock(conn, ids)
        removed = conn.execute(sa.text(
            "DELETE FROM {index} WHERE id = ANY(:ids) RETURNING {cols}".format(
                index=INDEX_TABLE, cols=", ".join(summary.ROW_COLUMNS))),
            {"ids": ids}).mappings().all()
        summary.apply(conn, [dict(r) for r in removed], [])
        if removed:
            cache.bump(conn)
        return len(removed)
