"""A stand-in for the ``pysolr.Solr`` connection CKAN gets from ``make_connection()``.

Everything in CKAN and its extensions that talks to the index goes through
``make_connection()`` (``PackageSearchIndex``, ``PackageSearchQuery``, ``clear_index``,
ckanext-harvest's ``harvest_source_clear``) and only calls ``add``, ``delete``, ``search``
and ``commit``.  This class answers those four calls from PostgreSQL, so CKAN's own
flattening of datasets into index documents and its own query building (site id, states,
permission labels, facet defaults) are kept unchanged.
"""
from __future__ import annotations

from typing import Any, Optional

from ckan.lib.search.common import SearchQueryError, solr_datetime_decoder

from . import index, query, translate

URL = "postgresql://provincialstats_search"


class PostgresConnection:
    url = URL

    def __init__(self, decode_dates: bool = True, **_: Any):
        self.decode_dates = decode_dates

    def add(self, docs: list[dict[str, Any]], commit: Optional[bool] = None,
            **_: Any) -> None:
        index.write(list(docs), durable=commit is not False)

    def delete(self, id: Any = None, q: Optional[str] = None,
               commit: Optional[bool] = None, **_: Any) -> None:
        if id is not None:
            ids = id if isinstance(id, (list, tuple)) else [id]
            q = " OR ".join('id:"%s"' % str(i).replace('"', "") for i in ids)
        if q is None:
            raise SearchQueryError(translate._("delete needs an id or a query"))
        query.delete(q)

    def search(self, q: Any = None, search_handler: Optional[str] = None,
               **params: Any) -> query.Results:
        params["q"] = q
        results = query.search(params)
        if self.decode_dates:  # what pysolr's JSON decoder does for CKAN
            results.docs = [solr_datetime_decoder(doc) for doc in results.docs]
        return results

    def commit(self, *args: Any, **kwargs: Any) -> None:
        """Every write is already committed; what CKAN commits at the end of a rebuild
        (``ckan search-index rebuild``) is the facet summary, recounted from the index."""
        import ckan.model as ckan_model

        from . import summary

        with ckan_model.meta.engine.begin() as conn:
            summary.refresh(conn)

    def optimize(self, *args: Any, **kwargs: Any) -> None:
        """PostgreSQL's autovacuum keeps the tables and their indexes in shape."""

    def ping(self, *args: Any, **kwargs: Any) -> str:
        return '{"status": "OK"}'


def make_connection(decode_dates: bool = True) -> PostgresConnection:
    return PostgresConnection(decode_dates=decode_dates)
