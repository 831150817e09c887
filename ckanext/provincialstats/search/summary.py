"""Facet counts kept up to date with the index, for searches that filter only on whom a
dataset is shown to.

The slowest searches a catalogue gets are also its most common: the dataset page with no
words and no filter asks for the count and five or six facets over every dataset the user
may see, which means grouping tens of thousands of rows on every request.  Those searches
filter only on a handful of columns (site, state, dataset type, capacity, organization,
permission labels: what CKAN adds to every ``package_search``).  Datasets that agree on
all of those columns form one *signature*; there are a few per organization.

- ``provincialstats_search_sig``: one row per signature (the columns, and an id);
- ``provincialstats_search_facet``: per signature, the number of datasets (``field`` and
  ``value`` empty) and the number holding each value of each summarised facet field.

Every index write and delete changes both in its own transaction, by the difference
between the rows it replaces and the rows it writes (``apply``), so the counts are exactly
those of the committed index.  A search whose ``q`` matches everything and whose filters
use only the signature columns evaluates its filter over the signatures (a few rows) and
adds up their counts (``query._summary_statement``); any other search counts over the
matched rows as before.  ``refresh`` recomputes everything from the index (the rebuild
commands end with it).
"""
from __future__ import annotations

import collections
from typing import Any, Iterable, Optional

import sqlalchemy as sa

from .model import FACET_TABLE, INDEX_TABLE, SIG_TABLE
from .parser import Boolean, MatchAll, Term

# the columns of a signature: what CKAN's own filters (and an organization page) use
SIG_COLUMNS = ("site_id", "state", "dataset_type", "capacity", "owner_org",
               "permission_labels")
# the facet fields counted per signature
SCALAR_FIELDS = ("organization", "owner_org", "license_id", "dataset_type", "capacity")
ARRAY_FIELDS = ("tags", "groups", "res_format")
# row columns the counts are made of (also what is read back before a write)
ROW_COLUMNS = tuple(dict.fromkeys(SIG_COLUMNS + SCALAR_FIELDS + ARRAY_FIELDS + ("vocab",)))
HITS = ("", "")  # (field, value) of a signature's dataset count
# advisory lock class of index writes: one writer at a time per dataset (see ``apply``)
LOCK_CLASS = 20771

Key = tuple  # (signature tuple, field, value)


def field_key(field: str) -> Optional[str]:
    """The summary's name for a facet field, or None when it is not summarised."""
    from . import sql

    if field in SCALAR_FIELDS or field in ARRAY_FIELDS:
        return "col:" + field
    if sql.field_kind(field) == "generic":
        key = sql.multivalued_key(field)
        if key is not None:
            return "vocab:" + key
    return None


def _signature(row: dict[str, Any]) -> tuple:
    labels = row.get("permission_labels") or []
    return tuple(row.get(c) for c in SIG_COLUMNS[:-1]) + (tuple(sorted(set(labels))),)


def contributions(row: dict[str, Any]) -> Iterable[Key]:
    """What one dataset's index row adds to the counts: its signature's dataset count and
    each distinct value of each summarised field (a value counts once per dataset, as in
    Solr's facets)."""
    sig = _signature(row)
    yield (sig,) + HITS
    for field in SCALAR_FIELDS:
        value = row.get(field)
        if value is not None:
            yield (sig, "col:" + field, value)
    for field in ARRAY_FIELDS:
        for value in set(row.get(field) or ()):
            yield (sig, "col:" + field, value)
    for entry in set(row.get("vocab") or ()):
        key, sep, value = entry.partition("\x1f")
        if sep:
            yield (sig, "vocab:" + key, value)


def lock(conn: Any, ids: list[str]) -> None:
    """Serialise writers of the same datasets until the commit (ids in one order, so two
    writers of overlapping batches cannot deadlock)."""
    if ids:
        conn.execute(sa.text(
            "SELECT count(pg_advisory_xact_lock(:cls, hashtext(x.id))) FROM "
            "(SELECT DISTINCT unnest(CAST(:ids AS text[])) AS id ORDER BY 1) x"),
            {"cls": LOCK_CLASS, "ids": list(ids)})


def current_rows(conn: Any, ids: list[str]) -> list[dict[str, Any]]:
    """The index rows of ``ids`` as committed (read after ``lock``)."""
    if not ids:
        return []
    return [dict(r) for r in conn.execute(sa.text(
        "SELECT {cols} FROM {index} WHERE id = ANY(:ids)".format(
            cols=", ".join(ROW_COLUMNS), index=INDEX_TABLE)),
        {"ids": list(ids)}).mappings()]


def apply(conn: Any, removed: Iterable[dict[str, Any]],
          added: Iterable[dict[str, Any]]) -> None:
    """Change the counts by ``added`` minus ``removed`` (index rows), in one sorted
    upsert: concurrent writers lock the rows they share in the same order."""
    delta: collections.Counter = collections.Counter()
    for row in removed:
        delta.subtract(contributions(row))
    for row in added:
        delta.update(contributions(row))
    delta = collections.Counter({k: n for k, n in delta.items() if n})
    if not delta:
        return
    ids = _signature_ids(conn, {k[0] for k in delta})
    keys = sorted((ids[sig], field, value, n) for (sig, field, value), n in delta.items())
    conn.execute(sa.text(
        "INSERT INTO {facet} (sig, field, value, n) SELECT * FROM unnest("
        "CAST(:sigs AS integer[]), CAST(:fields AS text[]), CAST(:values AS text[]), "
        "CAST(:ns AS bigint[])) ORDER BY 1, 2, 3 "
        "ON CONFLICT (sig, field, value) DO UPDATE SET n = {facet}.n + EXCLUDED.n"
        .format(facet=FACET_TABLE)),
        {"sigs": [k[0] for k in keys], "fields": [k[1] for k in keys],
         "values": [k[2] for k in keys], "ns": [k[3] for k in keys]})


def _signature_ids(conn: Any, signatures: set) -> dict[tuple, int]:
    found = _known_signatures(conn)
    missing = sorted((s for s in signatures if s not in found), key=repr)
    for sig in missing:  # new signatures are rare: one statement each
        conn.execute(sa.text(
            "INSERT INTO {sig} ({cols}) VALUES ({values}) ON CONFLICT DO NOTHING".format(
                sig=SIG_TABLE, cols=", ".join(SIG_COLUMNS),
                values=", ".join(":" + c for c in SIG_COLUMNS))),
            dict(zip(SIG_COLUMNS, sig[:-1] + (list(sig[-1]),))))
    return _known_signatures(conn) if missing else found


def _known_signatures(conn: Any) -> dict[tuple, int]:
    return {_signature(row): row["id"] for row in conn.execute(sa.text(
        "SELECT id, {cols} FROM {sig}".format(sig=SIG_TABLE, cols=", ".join(SIG_COLUMNS))))
        .mappings()}


REFRESH = [
    "LOCK TABLE {sig}, {facet} IN SHARE ROW EXCLUSIVE MODE",
    "INSERT INTO {sig} ({cols}) SELECT DISTINCT {cols_sorted} FROM {index} i "
    "ON CONFLICT DO NOTHING",
    "DELETE FROM {facet}",
    # every dataset's contributions (``contributions`` in SQL), summed per signature
    "INSERT INTO {facet} (sig, field, value, n) "
    "SELECT s.id, c.field, c.value, count(*) FROM {index} i "
    "JOIN {sig} s ON (s.site_id, s.state, s.dataset_type, s.capacity, s.owner_org) "
    "IS NOT DISTINCT FROM (i.site_id, i.state, i.dataset_type, i.capacity, i.owner_org) "
    "AND s.permission_labels = {labels} "
    "CROSS JOIN LATERAL ("
    "SELECT '' AS field, '' AS value "
    "UNION ALL SELECT 'col:' || f, v FROM (VALUES ('organization', i.organization), "
    "('owner_org', i.owner_org), ('license_id', i.license_id), "
    "('dataset_type', i.dataset_type), ('capacity', i.capacity)) x(f, v) "
    "WHERE v IS NOT NULL "
    "UNION SELECT 'col:tags', v FROM unnest(i.tags) v "
    "UNION SELECT 'col:groups', v FROM unnest(i.groups) v "
    "UNION SELECT 'col:res_format', v FROM unnest(i.res_format) v "
    "UNION SELECT 'vocab:' || split_part(e, E'\\x1f', 1), "
    "substr(e, strpos(e, E'\\x1f') + 1) FROM unnest(i.vocab) e "
    "WHERE strpos(e, E'\\x1f') > 0"
    ") c GROUP BY 1, 2, 3",
    "DELETE FROM {sig} s WHERE NOT EXISTS (SELECT 1 FROM {facet} f WHERE f.sig = s.id)",
]
# sorted as Python sorts them (code points: the "C" collation)
LABELS_SQL = ("ARRAY(SELECT DISTINCT l COLLATE \"C\" FROM unnest(i.permission_labels) l "
              "ORDER BY 1)")
# A signature as one value, from an index row or a signature row aliased ``i`` (the
# labels sorted and distinct either way): stored on each doc row (``index.UPSERT_DOC``),
# so that a count over doc rows can keep the signatures a search allows
# (``query._signature_count``) without reading the index table.
SIG_KEY = ("md5(CAST(jsonb_build_array(i.site_id, i.state, i.dataset_type, i.capacity, "
           "i.owner_org, %s) AS text))" % LABELS_SQL)


def refresh(conn: Any) -> None:
    """Recompute every count from the index rows (after a rebuild, or an index changed
    behind the backend's back)."""
    cols = ", ".join(SIG_COLUMNS)
    cols_sorted = cols.replace("permission_labels", LABELS_SQL)
    for statement in REFRESH:
        conn.execute(sa.text(statement.format(
            sig=SIG_TABLE, facet=FACET_TABLE, index=INDEX_TABLE, cols=cols,
            cols_sorted=cols_sorted, labels=LABELS_SQL)))


# -- which searches it answers -----------------------------------------------------------
def only_signature_terms(node: Any) -> bool:
    from . import sql

    if isinstance(node, MatchAll):
        return True
    if isinstance(node, Boolean):
        return all(only_signature_terms(child) for _, child in node.clauses)
    if isinstance(node, Term):
        field = node.field or "text"
        return field in SIG_COLUMNS or sql.field_kind(field) == "constant"
    return False  # ranges and anything else


def answers(nodes: list, facet_fields: list[str]) -> bool:
    """Whether the counts and facets of a search can come from the summary: the query
    matches everything, every filter is on signature columns, and every facet field is
    summarised."""
    if not facet_fields:
        return False
    if not nodes or not isinstance(nodes[0], MatchAll):
        return False
    if not all(only_signature_terms(n) for n in nodes[1:]):
        return False
    return all(field_key(f) is not None for f in facet_fields)
