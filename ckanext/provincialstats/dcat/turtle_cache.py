"""The Turtle catalogue page (``/catalog.ttl``, ``/province/<name>/catalog.ttl``) built
from per-dataset Turtle chunks kept in Redis, so an unchanged dataset is not serialised
again on the next crawl.

A page is: the ``@prefix`` lines, the catalogue and hydra paging (serialised on every
request), then one chunk per dataset: the dataset's own graph (its distributions,
concepts, publisher, contact...) serialised alone by :mod:`.turtle_writer` (several times
faster than rdflib's Turtle serializer, so a page that has to be built is not slower than
ckanext-dcat's despite the richer graph). Chunks are keyed on everything the
chunk is made from: the profiles, the base URI, the dataset's id and
``metadata_modified``, the organization as indexed and the labels of the strategic issues
it names, its quality scores (the DQV measurements), plus :data:`VERSION` (bumped when
the profile's output changes). Entries expire
after ``ckanext.provincialstats.dcat.cache_ttl`` seconds (0: no cache; the page is still
written chunk by chunk). A dataset graph
is built and dropped one at a time, so the web process holds one dataset's graph, not a
page's, whatever ``ckanext.dcat.datasets_per_page`` is.

Other formats, and Turtle when two chunks' prefixes would clash, are serialised whole
by rdflib (:func:`catalog_page`, the same steps as ckanext-dcat's ``dcat_catalog_show``
plus the bulk quality scores and a province's catalogue node). The site's catalogue with
stock profiles only, or with ``ckanext.dcat.expose_subcatalogs``, is ckanext-dcat's own
``dcat_catalog_show``.
"""
from __future__ import annotations

import hashlib
import json
import logging

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from rdflib import Graph, URIRef
from rdflib.plugins.stores.memory import SimpleMemory

from ckanext.dcat.logic import _pagination_info, _search_ckan_datasets
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles import DCAT
from ckanext.dcat.utils import catalog_uri, dataset_uri, url_to_rdflib_format
from ckanext.provincialstats.dcat import catalogue, concepts, turtle_writer
from ckanext.provincialstats.quality import dqv

log = logging.getLogger(__name__)

VERSION = "4"
TTL_OPTION = "ckanext.provincialstats.dcat.cache_ttl"


def _ttl() -> int:
    return int(tk.config.get(TTL_OPTION) or 0)


class _Clash(Exception):
    """Two chunks bind one prefix to different namespaces."""


def _merge(into: dict[str, str], prefixes: dict[str, str]) -> None:
    for prefix, iri in prefixes.items():
        if into.setdefault(prefix, iri) != iri:
            raise _Clash(prefix)


def _key(dataset: dict, profiles: list[str] | None, issues: dict,
         quality: dict | None = None) -> str:
    org = dataset.get("organization") or {}
    labels = [(n, issues.get(n, {}).get("title"), issues.get(n, {}).get("title_en"))
              for n in dataset.get("strategic_issue") or []]
    parts = [VERSION, catalog_uri(), ",".join(profiles or ["<config>"]),
             tk.config.get("ckanext.dcat.rdf.profiles") or "",
             dataset["id"], dataset.get("metadata_modified") or "",
             org.get("name") or "", org.get("title") or "", json.dumps(labels),
             json.dumps(quality, sort_keys=True)]
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()
    site = tk.config.get("ckan.site_id") or "ckan"
    return f"{site}:provincialstats:dcat:ttl:{digest}"


class _Store(SimpleMemory):
    """rdflib's SimpleMemory store (no contexts, about twice as fast to add to as the
    default Memory store), whose matches are read before they are handed out: the
    profiles change the graph while they loop over a match (ckanext-dcat's
    ``dcat:byteSize`` fix), which SimpleMemory's live index iterators do not allow."""

    def triples(self, triple_pattern, context=None):
        return iter(list(super().triples(triple_pattern, context)))


def _graph() -> Graph:
    """A graph for one chunk (or the head): :class:`_Store`, with only the core
    namespaces bound (rdflib's default binds some 30 on every new graph; the profiles
    bind the ones they use)."""
    return Graph(store=_Store(), bind_namespaces="core")


def _chunk(dataset: dict, builder: RDFSerializer,
           with_dqv: bool = False) -> tuple[dict[str, str], str]:
    """One dataset's graph, built alone (a fresh graph on the page's serializer, whose
    profiles are loaded once) and serialised."""
    builder.g = _graph()
    with dqv.written_as_text():
        dataset_ref = builder.graph_from_dataset(dataset)
    prefixes, body = turtle_writer.serialize(builder.g)
    metric_values = dqv.values_for(dataset) if with_dqv else None
    if metric_values:
        prefixes = {**prefixes, "dqv": str(dqv.DQV)}
        body += "\n" + dqv.turtle(turtle_writer.iri_text(str(dataset_ref)), dataset["id"],
                                  metric_values)
    return prefixes, body


def _uses_profile(profiles: list[str] | None) -> bool:
    names = profiles or (tk.config.get("ckanext.dcat.rdf.profiles") or "").split()
    return "provincialstats" in names


def catalog_page(context: dict, data_dict: dict, province: dict | None = None) -> str:
    """One catalogue page (``data_dict`` as ``dcat_catalog_show`` takes) in any RDF
    format: the site's catalogue, or with ``province`` (a province of
    :mod:`ckanext.provincialstats.vocab`) that province's catalogue (:mod:`.catalogue`).

    With the ``provincialstats`` profile the page's quality scores are read in bulk
    (:mod:`ckanext.provincialstats.quality.dqv`) and Turtle comes from the chunk cache;
    without it (ckanext-dcat's stock profiles) the site's catalogue is ckanext-dcat's own
    ``dcat_catalog_show``, unchanged."""
    tk.check_access("dcat_catalog_show", context, data_dict)
    profiles = data_dict.get("profiles")
    subcatalogs = tk.asbool(tk.config.get("ckanext.dcat.expose_subcatalogs"))
    if province is None and (subcatalogs or not _uses_profile(profiles)):
        return tk.get_action("dcat_catalog_show")(context, data_dict)
    query = _search_ckan_datasets(context, data_dict)
    datasets = query["results"]
    paging = _pagination_info(query, data_dict)
    scores = dqv.bulk_values(datasets) if _uses_profile(profiles) else {}
    with dqv.prefetched(scores):
        if data_dict.get("format") == "ttl" and not subcatalogs:
            body = _chunked_turtle(datasets, paging, profiles, province, scores)
            if body is not None:
                return body
        serializer = RDFSerializer(profiles=profiles)
        catalog_ref = catalogue.head(serializer, province)
        for dataset in datasets:
            dataset_ref = serializer.graph_from_dataset(dataset)
            if subcatalogs and serializer._add_source_catalog(catalog_ref, dataset,
                                                              dataset_ref):
                continue
            serializer.g.add((catalog_ref, DCAT.dataset, dataset_ref))
        if paging:
            serializer._add_pagination_triples(paging)
        return serializer.g.serialize(
            format=url_to_rdflib_format(data_dict.get("format") or "xml"))


def _chunked_turtle(datasets: list[dict], paging: dict, profiles: list[str] | None,
                    province: dict | None, scores: dict) -> str | None:
    """The Turtle page from chunks, cached ones where the cache has them (None: two
    chunks clash, serialise whole)."""
    builder = RDFSerializer(profiles=profiles)  # profiles loaded once for the page
    with_dqv = _uses_profile(profiles)
    builder.g = _graph()
    catalog_ref = catalogue.head(builder, province)
    for dataset in datasets:
        builder.g.add((catalog_ref, DCAT.dataset, URIRef(dataset_uri(dataset))))
    if paging:
        builder._add_pagination_triples(paging)
    prefixes, head_body = turtle_writer.serialize(builder.g)
    prefixes = dict(prefixes)

    issues = concepts.strategic_issues() if any(d.get("strategic_issue")
                                                for d in datasets) else {}
    keys = [_key(d, profiles, issues, scores.get(d["id"])) for d in datasets]
    redis = connect_to_redis() if _ttl() > 0 else None
    try:
        cached = redis.mget(keys) if keys and redis is not None else [None] * len(keys)
    except Exception as e:  # Redis down: serialise everything
        log.warning("DCAT cache not read: %s", e)
        cached, redis = [None] * len(keys), None
    bodies, fresh = [], {}
    try:
        for dataset, key, hit in zip(datasets, keys, cached):
            if hit is not None:
                chunk_prefixes, body = json.loads(hit)
            else:
                chunk_prefixes, body = _chunk(dataset, builder, with_dqv)
                fresh[key] = json.dumps([chunk_prefixes, body])
            _merge(prefixes, chunk_prefixes)
            bodies.append(body)
    except _Clash as e:
        log.warning("DCAT cache: prefix %s bound twice; page serialised whole", e)
        return None
    if fresh and redis is not None:
        try:
            with redis.pipeline() as pipe:
                for key, value in fresh.items():
                    pipe.set(key, value, ex=_ttl())
                pipe.execute()
        except Exception as e:
            log.warning("DCAT cache not written: %s", e)
    lines = [f"@prefix {p}: <{iri}> ." for p, iri in sorted(prefixes.items())]
    return "\n".join(lines) + "\n\n" + "\n\n".join([head_body] + bodies) + "\n"
