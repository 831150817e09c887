"""A result cache for searches, kept in Redis and invalidated by every index write.

Solr answers a repeated search from its caches (``queryResultCache``, ``filterCache``),
emptied when an index commit opens a new searcher.  This is the same for the PostgreSQL
backend: the answer of one compiled statement (the count, the page's ids and scores and
every facet count) is stored under a key made of the statement, its bound parameters
(including the caller's permission labels, so users never share answers they could not
get themselves) and the index *generation*.

The generation is a counter in ``provincialstats_search_state`` incremented inside the
same transaction as every index write (``index._upsert`` and ``index.delete``), so it
changes exactly when what a search can see changes.  A search reads the generation
*before* running its statement: an answer is never stored under a generation newer than
the data it was computed from, so a cached answer is never older than the index.  The
documents of the page are still read live from the index table.

Only answers that took ``cache_min_ms`` or more to compute are stored (the facet
counts over many matches; a cheap search is not worth a Redis entry).  Entries expire
after ``ckanext.provincialstats.search.cache_ttl`` seconds (0 turns the cache off),
which bounds what a write made outside the backend (by hand, in SQL) could leave stale.
When Redis is unreachable, or the state table has not been created yet (``ckan db
upgrade -p provincialstats_search``), searches simply run uncached.
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from .model import STATE_TABLE

log = logging.getLogger(__name__)

PREFIX = "provincialstats:search:"
BUMP = sa.text("UPDATE %s SET generation = generation + 1 WHERE id = 1" % STATE_TABLE)
READ = sa.text("SELECT generation FROM %s WHERE id = 1" % STATE_TABLE)
STATE = sa.text("SELECT generation, xmin::text FROM %s WHERE id = 1" % STATE_TABLE)
EXISTS = sa.text("SELECT to_regclass(:table) IS NOT NULL")

def ttl() -> int:
    return max(0, tk.config.get("ckanext.provincialstats.search.cache_ttl"))


def min_ms() -> int:
    """Only answers that took at least this long to compute are stored: cheap searches
    gain nothing from Redis, and a crawler's stream of distinct cheap searches then
    fills no memory."""
    return max(0, tk.config.get("ckanext.provincialstats.search.cache_min_ms"))


def _table_exists(conn: Any) -> bool:
    """Checked every time (a fraction of a millisecond): tests and upgrades drop and
    create the search tables under running processes."""
    return bool(conn.execute(EXISTS, {"table": STATE_TABLE}).scalar())


def state_row(conn: Any) -> Any:
    """The state row: the index generation and the id of the transaction that last
    changed it (``xmin``, which never comes back after the tables are made anew nor
    after a rolled-back write); None before the tables are made."""
    if not _table_exists(conn):
        return None
    return conn.execute(STATE).first()


def bump(conn: Any) -> None:
    """Within an index write's transaction: the next searches see a new generation."""
    if _table_exists(conn):
        conn.execute(BUMP)


def generation() -> Optional[int]:
    """The index generation as the caller's session sees it now (None: no cache)."""
    if not ttl() or not _table_exists(model.Session):
        return None
    return model.Session.execute(READ).scalar()


def _redis() -> Any:
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


def key(statement: str, params: dict[str, Any], gen: int) -> str:
    digest = hashlib.sha256()
    for part in (tk.config.get("ckan.site_id") or "", tk.config.get("sqlalchemy.url") or "",
                 statement, json.dumps(params, sort_keys=True, default=str), str(gen)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return PREFIX + digest.hexdigest()


def get(cache_key: str) -> Optional[dict[str, Any]]:
    try:
        raw = _redis().get(cache_key)
    except Exception as error:  # Redis down: search uncached, never fail the search
        log.warning("search cache unavailable (%s): searching uncached", error)
        return None
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def put(cache_key: str, result: dict[str, Any]) -> None:
    try:
        _redis().set(cache_key, json.dumps(result, default=str), ex=ttl())
    except Exception as error:
        log.warning("search cache unavailable (%s): answer not stored", error)
