"""Install (and remove) the PostgreSQL search backend in a running CKAN.

Called from the plugin's ``IConfigurer.update_config``, i.e. when plugins are loaded and
before CKAN checks the Solr schema.  Nothing here runs at import time, and CKAN's files
are never changed: the few names CKAN and ckanext-harvest look up at call time are
replaced on their modules, and the originals are kept so ``uninstall()`` (and the
``solr`` setting) restores the stock Solr path exactly.

Where CKAN 2.11 reaches Solr, and what answers instead:

- ``make_connection`` (in ``ckan.lib.search`` and its ``common``, ``index`` and ``query``
  modules, and ``ckanext.harvest.logic.action.update``) -> a PostgreSQL connection that
  speaks the four pysolr calls CKAN makes.  So ``_INDICES``/``_QUERIES`` keep CKAN's own
  ``PackageSearchIndex``/``PackageSearchQuery`` (also created directly by
  ``model_dictize`` and ``bulk_update_*``), and ``show``, ``clear_all``, ``rebuild``,
  ``check`` and the ``search-index`` commands work through them unchanged;
- ``check_solr_schema_version`` and ``is_available`` -> no Solr to check;
- ``PackageSearchQuery.get_index`` (behind ``search.show`` and ``package_show``) -> one
  indexed lookup by id or name;
- ``SynchronousSearchPlugin.notify`` -> the same, but once per dataset and commit: CKAN
  notifies a new dataset twice in one commit (as new, then as changed through its new
  resources), and each notification runs ``package_show`` and writes the index again.
"""
from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

log = logging.getLogger(__name__)

BACKEND_OPTION = "ckanext.provincialstats.search_backend"
HARVEST_MODULE = "ckanext.harvest.logic.action.update"
_SYNC_PLUGIN = "ckan.lib.search.SynchronousSearchPlugin"
_INDEXED_KEY = "provincialstats_search_indexed"
_originals: dict[tuple[str, str], Any] = {}


def configure(config: Any) -> None:
    """Install or remove the backend as ``ckanext.provincialstats.search_backend`` says."""
    if config.get(BACKEND_OPTION) == "solr":
        uninstall()
    else:
        install()


def is_installed() -> bool:
    return bool(_originals)


def _owner(module_name: str) -> Any:
    """The module, or for ``module.Class`` names the class, that holds an attribute."""
    if module_name == _SYNC_PLUGIN:
        import ckan.lib.search as search

        return search.SynchronousSearchPlugin
    return sys.modules.get(module_name) or importlib.import_module(module_name)


def _patch(module_name: str, attribute: str, value: Any) -> None:
    module = _owner(module_name)
    key = (module_name, attribute)
    if key not in _originals:
        _originals[key] = getattr(module, attribute)
    setattr(module, attribute, value)


def _replacements() -> list[tuple[str, str, Any]]:
    from ckan.lib.search.query import PackageSearchQuery

    from . import connection

    targets = [
        ("ckan.lib.search.common", "make_connection", connection.make_connection),
        ("ckan.lib.search.common", "is_available", _available),
        ("ckan.lib.search", "make_connection", connection.make_connection),
        ("ckan.lib.search", "is_available", _available),
        ("ckan.lib.search", "check_solr_schema_version", _no_schema_to_check),
        ("ckan.lib.search.index", "make_connection", connection.make_connection),
        ("ckan.lib.search.query", "make_connection", connection.make_connection),
    ]
    if _importable(HARVEST_MODULE):
        targets.append((HARVEST_MODULE, "make_connection", connection.make_connection))
    targets.append(("ckan.lib.search.query", "PackageSearchQuery",
                    _query_class(PackageSearchQuery)))
    targets.append((_SYNC_PLUGIN, "notify", _notify_once))
    return targets


def install() -> None:
    if is_installed():
        return
    for module_name, attribute, value in _replacements():
        _patch(module_name, attribute, value)
    import ckan.lib.search as search

    # the class CKAN code instantiates by name (model_dictize, bulk updates, query_for)
    patched = sys.modules["ckan.lib.search.query"].PackageSearchQuery
    _patch("ckan.lib.search", "PackageSearchQuery", patched)
    _originals[("ckan.lib.search", "_QUERIES['package']")] = search._QUERIES["package"]
    search._QUERIES["package"] = patched
    log.info("Search: PostgreSQL backend installed (no Solr)")


def uninstall() -> None:
    if not is_installed():
        return
    import ckan.lib.search as search

    for (module_name, attribute), original in _originals.items():
        if attribute == "_QUERIES['package']":
            search._QUERIES["package"] = original
        else:
            setattr(_owner(module_name), attribute, original)
    _originals.clear()
    log.info("Search: PostgreSQL backend removed, CKAN's Solr path restored")


def _notify_once(self: Any, entity: Any, operation: Any) -> None:
    """CKAN's ``SynchronousSearchPlugin.notify``, skipping a dataset already indexed in
    this commit.

    ``DomainObjectModificationExtension`` flushes once and then notifies every object of
    the commit, so a second notification of the same dataset in the same pass would index
    the same rows again.  The record of what was indexed lives in the session's
    ``_object_cache``, which CKAN drops after each commit and rollback.
    """
    from ckan import model
    from sqlalchemy.orm import object_session

    original = _originals[(_SYNC_PLUGIN, "notify")]
    if isinstance(entity, model.Package) and operation in (
            model.DomainObjectOperation.new, model.DomainObjectOperation.changed):
        cache = getattr(object_session(entity), "_object_cache", None)
        if isinstance(cache, dict):
            indexed = cache.setdefault(_INDEXED_KEY, set())
            if entity.id in indexed:
                return
            indexed.add(entity.id)
    original(self, entity, operation)


def _importable(module_name: str) -> bool:
    if module_name in sys.modules:
        return True
    try:
        importlib.import_module(module_name)
    except ImportError:
        return False
    return True


def _available() -> bool:
    return True


def _no_schema_to_check(schema_file: Any = None) -> bool:
    return False


def _query_class(base: type) -> type:
    from ckan.lib.search.common import SearchError

    from . import query

    class PostgresPackageSearchQuery(base):  # type: ignore[misc, valid-type]
        """CKAN's package query; its ``run`` reaches PostgreSQL through
        ``make_connection``, and the stored dict is read by primary key or name."""

        def get_index(self, reference: str) -> dict[str, Any]:
            doc = query.stored(reference)
            if doc is None:
                raise SearchError("Dataset not found in the search index: %s" % reference)
            return doc

    return PostgresPackageSearchQuery
