"""Cheaper equivalents of ckanext-dcat steps for the extension's own catalogue pages
(:mod:`.turtle_cache`): the same triples, less work per page and per dataset.

Measured on a cold 100-dataset page of ``/catalog.ttl`` (``bench/dcat_profile.py``), these
were a third of the page's time beside the profiles' own work:

- :class:`Serializer` loads the profile classes once per process (ckanext-dcat's
  ``RDFSerializer`` looks every profile up in the installed packages' entry points on
  every page: 15-30 ms, most of an empty page past the end of the catalogue);
- its profile objects date ``YYYY-MM-DDTHH:MM:SS[.ffffff]`` values with
  ``datetime.fromisoformat`` instead of dateutil's parser (the same ``xsd:dateTime``
  text; anything else goes to ckanext-dcat's own ``_add_date_triple``);
- their ``_last_catalog_modification`` (the catalogue's ``dct:modified``: one more
  search on every page) is read once per search index generation when this extension's
  PostgreSQL search backend is installed: the generation changes in the same transaction
  as every index write (``search/cache.py``), so the answer cannot have changed (kept
  at most :data:`MAX_AGE` seconds all the same, for a change made by hand in SQL);
- a page past the end of the catalogue (an empty page: its catalogue node and paging
  only) is answered without a search when the same search (``q``, ``fq``, user) was
  counted under the current index generation (:func:`known_count`);
- within :func:`fixed_uris`, ckanext-dcat's ``catalog_uri`` (asked for every dataset and
  distribution URI: it reads the config and asks every plugin each time) answers the value
  read when the block began, and ``CleanedURIRef`` skips its twenty ``str.replace``
  calls for a value that has none of the characters it escapes; the
  ``IDCATURIGenerator`` plugins ckanext-dcat asks for every dataset, distribution and
  publisher URI are read once per block (each ``PluginImplementations`` iteration sorts
  the plugins in the config's order again);
- :func:`cache_namespace_terms`: ckanext-dcat's and the profile's rdflib namespaces keep
  the terms they make (``DCAT.distribution`` made and checked a new ``URIRef`` on every
  use), once a process builds one of the extension's own pages.

Outside :func:`fixed_uris` (ckanext-dcat's own endpoints, the stock profiles) the two
wrapped functions behave as before, at the cost of one context variable read more.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime
import re
import time
import types
from typing import Iterator

import ckan.plugins as ckan_plugins
from rdflib import Literal, URIRef
from rdflib.namespace import XSD, Namespace

import ckanext.dcat.utils as dcat_utils
from ckanext.dcat.interfaces import IDCATURIGenerator
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles import base as dcat_base

_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\Z")
_QUOTED = re.compile(r"[ !\"$'()*,;<>\[\]{|}\\^`]")  # CleanedURIRef's characters

_PROFILE_CLASSES: dict[tuple, list] = {}
_LAST_MODIFIED: dict = {}  # (search generation, site, minute) -> value; one entry
_COUNTS: dict = {}  # (search generation, site, minute, user, q, fq) -> count
MAX_AGE = 60  # seconds: bounds what a change of the index made by hand could leave stale
_MISSING = object()
_URIS: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "provincialstats_dcat_catalog_uri", default=None)
_GENERATORS: contextvars.ContextVar[tuple | None] = contextvars.ContextVar(
    "provincialstats_dcat_uri_generators", default=None)


def _add_date_triple(self, subject, predicate, value, _type=Literal):
    if _type is Literal and type(value) is str and _ISO_DATETIME.match(value):
        try:
            text = datetime.datetime.fromisoformat(value).isoformat()
        except ValueError:
            pass
        else:
            self.g.add((subject, predicate, Literal(text, datatype=XSD.dateTime)))
            return
    type(self)._add_date_triple(self, subject, predicate, value, _type)


def _state_row():
    """The PostgreSQL search backend's state row (``search.cache.state_row``); None with
    another backend or before its tables are made."""
    from ckan import model

    from ckanext.provincialstats.search import backend, cache

    return cache.state_row(model.Session) if backend.is_installed() else None


def search_generation():
    """The PostgreSQL search backend's index generation now, or None (another backend,
    or its tables not made yet)."""
    row = _state_row()
    return None if row is None else row[0]


def search_state() -> tuple | None:
    """The index generation with the id of the transaction that last changed it, and
    the :data:`MAX_AGE` period, or None (:func:`_state_row`). Unlike the generation
    alone, this never comes back after the tables are made anew (tests), nor after a
    rolled-back index write."""
    row = _state_row()
    return None if row is None else (row[0], row[1], _period())


def _period() -> int:
    """The :data:`MAX_AGE` period now: what is remembered under a generation is kept at
    most that long (every index write through CKAN changes the generation at once; one
    made by hand in SQL does not)."""
    return int(time.time() // MAX_AGE)


def _count_key(data_dict: dict, generation: int) -> tuple:
    try:  # the search's permission labels are the user's
        from ckan.common import g
        user = g.user or ""
    except (AttributeError, RuntimeError, TypeError):
        user = ""
    return (generation, dcat_utils.config.get("ckan.site_id"), _period(), user,
            repr(data_dict.get("q")), repr(data_dict.get("fq")))


def known_count(data_dict: dict, generation: int | None) -> int | None:
    """The number of datasets a catalogue search (``q``, ``fq``) found under this
    search index generation, if one was made in this process (not with
    ``modified_since``, whose range ends at NOW): a page past the end needs no search."""
    if generation is None or data_dict.get("modified_since"):
        return None
    return _COUNTS.get(_count_key(data_dict, generation))


def remember_count(data_dict: dict, generation: int | None, count: int) -> None:
    """``generation``: read *before* the search (an answer is never kept under a
    generation newer than the data it was computed from)."""
    if generation is None or data_dict.get("modified_since"):
        return
    if len(_COUNTS) > 1000:
        _COUNTS.clear()
    _COUNTS[_count_key(data_dict, generation)] = count


def _last_catalog_modification(self):
    generation = search_generation()
    if generation is None:
        return type(self)._last_catalog_modification(self)
    key = (generation, dcat_utils.config.get("ckan.site_id"), _period())
    value = _LAST_MODIFIED.get(key, _MISSING)
    if value is _MISSING:
        value = type(self)._last_catalog_modification(self)
        _LAST_MODIFIED.clear()  # one entry (another thread may have put one)
        _LAST_MODIFIED[key] = value
    return value


def speed_up(profile):
    """``profile`` (an instance) with the cheaper methods; returned."""
    if isinstance(profile, dcat_base.RDFProfile):
        profile._add_date_triple = types.MethodType(_add_date_triple, profile)
        profile._last_catalog_modification = types.MethodType(
            _last_catalog_modification, profile)
    return profile


class Serializer(RDFSerializer):
    """ckanext-dcat's serializer, its profile classes loaded once per process and its
    profile objects sped up (:func:`speed_up`)."""

    def _load_profiles(self, profile_names):
        key = tuple(profile_names)
        found = _PROFILE_CLASSES.get(key)
        if found is None:
            found = _PROFILE_CLASSES[key] = super()._load_profiles(profile_names)
        return list(found)

    def graph_from_dataset(self, dataset_dict):
        dataset_ref = URIRef(dcat_utils.dataset_uri(dataset_dict))
        for profile_class in self._profiles:
            profile = speed_up(profile_class(
                self.g, compatibility_mode=self.compatibility_mode))
            profile.graph_from_dataset(dataset_dict, dataset_ref)
        return dataset_ref

    def graph_from_catalog(self, catalog_dict=None):
        catalog_ref = URIRef(dcat_utils.catalog_uri())
        for profile_class in self._profiles:
            profile = speed_up(profile_class(
                self.g, compatibility_mode=self.compatibility_mode))
            profile.graph_from_catalog(catalog_dict, catalog_ref)
        return catalog_ref


# (a reloaded module wraps ckanext-dcat's functions, not its own earlier wrappers)
_original_catalog_uri = getattr(dcat_utils.catalog_uri, "__wrapped__",
                                dcat_utils.catalog_uri)
_original_careful_quote = getattr(dcat_base.CleanedURIRef._careful_quote, "__wrapped__",
                                  dcat_base.CleanedURIRef._careful_quote)


def _catalog_uri():
    fixed = _URIS.get()
    return fixed if fixed is not None else _original_catalog_uri()


def _careful_quote(value):
    if _URIS.get() is not None and not _QUOTED.search(value):
        return value
    return _original_careful_quote(value)


_catalog_uri.__wrapped__ = _original_catalog_uri
_careful_quote.__wrapped__ = _original_careful_quote


class _Plugins(types.ModuleType):
    """``ckan.plugins`` as ckanext-dcat's ``utils`` module sees it: within
    :func:`fixed_uris` ``PluginImplementations(IDCATURIGenerator)`` is the list of those
    plugins read when the block began (ckanext-dcat iterates it for every dataset,
    distribution and publisher URI, and each iteration sorts the plugins in the order of
    the config again); anything else is ``ckan.plugins``'s own."""

    def __getattr__(self, name):
        return getattr(ckan_plugins, name)

    def PluginImplementations(self, interface):  # noqa: N802 (ckan's name)
        fixed = _GENERATORS.get()
        if fixed is not None and interface is IDCATURIGenerator:
            return fixed
        return ckan_plugins.PluginImplementations(interface)


def _install() -> None:
    dcat_utils.catalog_uri = _catalog_uri
    dcat_base.CleanedURIRef._careful_quote = staticmethod(_careful_quote)
    dcat_utils.plugins = _Plugins("ckan.plugins (ckanext.provincialstats.dcat.fast)")


_install()


@contextlib.contextmanager
def fixed_uris() -> Iterator[str]:
    """Within the block ckanext-dcat's ``catalog_uri`` is read once and
    ``CleanedURIRef`` skips values it would leave unchanged (see the module docstring)."""
    token = _URIS.set(_original_catalog_uri())
    generators = _GENERATORS.set(tuple(ckan_plugins.PluginImplementations(
        IDCATURIGenerator)))
    try:
        yield _URIS.get()
    finally:
        _GENERATORS.reset(generators)
        _URIS.reset(token)


class _CachedNamespace(Namespace):
    """An rdflib ``Namespace`` that keeps each term it made (``DCAT.distribution``
    makes and checks a new ``URIRef`` on every use: some 15,000 per page)."""

    def __getattr__(self, name):
        value = Namespace.__getattr__(self, name)
        self.__dict__[name] = value
        return value


def cache_namespace_terms() -> None:
    """ckanext-dcat's and this extension's profile namespaces keep their terms
    (:class:`_CachedNamespace`; the same ``URIRef`` values). Called by the extension's
    own catalogue pages (:class:`.turtle_cache.Builder`): a process that never builds
    one (ckanext-dcat's stock profiles alone) keeps rdflib's plain namespaces."""
    from ckanext.provincialstats.dcat import profile as own_profile

    for module in (dcat_base, own_profile):
        for value in list(vars(module).values()):
            if type(value) is Namespace:
                value.__class__ = _CachedNamespace
