"""The Turtle catalogue page (``/catalog.ttl``, ``/province/<name>/catalog.ttl``),
streamed, built from per-dataset Turtle chunks kept in Redis, so an unchanged dataset is
not serialised again on the next crawl.

A page is streamed (:func:`catalog_page` returns a generator of text): the ``@prefix``
lines and the catalogue node with its hydra paging, then the page's datasets in batches
of :data:`BATCH` (one search, one Redis read and one quality-score read per batch,
whatever ``ckanext.dcat.datasets_per_page`` is): for each batch the ``dcat:dataset``
links of the catalogue to its datasets and one chunk per dataset. So the web process holds
one batch's search results and text, not a page's. A prefix a chunk uses that is not yet
declared (or bound to another namespace) gets its ``@prefix`` line just before the chunk
(Turtle allows a directive between any two statements).

A chunk is the dataset's own graph (its distributions, publisher, contact...) serialised
alone by :mod:`.turtle_writer` (several times faster than rdflib's Turtle serializer),
plus what the ``provincialstats`` profile writes as text (:func:`.profile.written_as_text`:
the concepts' descriptions and the GD Catalog fields) and the DQV measurements
(:func:`ckanext.provincialstats.quality.dqv.turtle`): the same triples as ckanext-dcat's
serialisation of the page (the tests compare the graphs). The profiles are loaded and
instantiated once per page, not once per dataset. Chunks are keyed on everything the
chunk is made from: the profiles, the base URI, the dataset's id and
``metadata_modified``, the organization as indexed and the labels of the strategic issues
it names, its quality scores, plus :data:`VERSION` (bumped when the profile's output
changes). Entries expire after ``ckanext.provincialstats.dcat.cache_ttl`` seconds (0: no
cache; the page is still written chunk by chunk).

The batches are searched one after the other (``start``/``rows`` within the page), as a
crawler pages through the catalogue: a dataset modified while a page is being sent can
move between batches as it can between pages.

RDF/XML and JSON-LD pages are streamed too, chunk by chunk, by :mod:`.rdf_stream` (rdflib
serialises each chunk's graph). Other formats (N3), and pages with subcatalogs, need the
whole page's graph: its datasets are read in the same batches, but the graph and rdflib's
serialisation of it are whole (:func:`_whole_page`, the same steps as ckanext-dcat's
``dcat_catalog_show`` plus the bulk quality scores and a province's catalogue node). The
site's catalogue with stock profiles only, or with ``ckanext.dcat.expose_subcatalogs``, is
ckanext-dcat's own ``dcat_catalog_show``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
from typing import Iterator

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.redis import connect_to_redis
from dateutil.parser import parse as dateutil_parse
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XMLNS, XSD
from rdflib.plugins.stores.memory import SimpleMemory

import ckanext.dcat.utils as dcat_utils
from ckanext.dcat.logic import DATASETS_PER_PAGE, _pagination_info, wrong_page_exception
from ckanext.dcat.profiles import DCAT, RDFProfile
from ckanext.dcat.utils import dataset_uri, url_to_rdflib_format
from ckanext.provincialstats.dcat import catalogue, concepts, fast, turtle_writer
from ckanext.provincialstats.dcat.profile import TextOut, written_as_text
from ckanext.provincialstats.quality import dqv

log = logging.getLogger(__name__)

VERSION = "5"
TTL_OPTION = "ckanext.provincialstats.dcat.cache_ttl"
BATCH = 100  # datasets per search, Redis read and quality-score read


def _ttl() -> int:
    return int(tk.config.get(TTL_OPTION) or 0)


def _key(dataset: dict, profiles: list[str] | None, issues: dict,
         quality: dict | None = None) -> str:
    org = dataset.get("organization") or {}
    labels = [(n, issues.get(n, {}).get("title"), issues.get(n, {}).get("title_en"))
              for n in dataset.get("strategic_issue") or []]
    parts = [VERSION, dcat_utils.catalog_uri(), ",".join(profiles or ["<config>"]),
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

    def __init__(self):
        super().__init__()
        self._indexes = (self._SimpleMemory__spo, self._SimpleMemory__pos,
                         self._SimpleMemory__osp)

    def add(self, triple, context, quoted=False):
        """SimpleMemory's ``add`` (the same three indexes), without its exception for
        every new node."""
        subject, predicate, obj = triple
        spo, pos, osp = self._indexes
        by_predicate = spo.get(subject)
        if by_predicate is None:
            by_predicate = spo[subject] = {}
        objects = by_predicate.get(predicate)
        if objects is None:
            objects = by_predicate[predicate] = {}
        objects[obj] = 1
        by_object = pos.get(predicate)
        if by_object is None:
            by_object = pos[predicate] = {}
        subjects = by_object.get(obj)
        if subjects is None:
            subjects = by_object[obj] = {}
        subjects[subject] = 1
        by_subject = osp.get(obj)
        if by_subject is None:
            by_subject = osp[obj] = {}
        predicates = by_subject.get(subject)
        if predicates is None:
            predicates = by_subject[subject] = {}
        predicates[predicate] = 1

    def triples(self, triple_pattern, context=None):
        return iter(list(super().triples(triple_pattern, context)))

    def retag(self, subject, predicate, lang_of) -> None:
        """Each plain literal (no language, no datatype) object of ``subject
        predicate`` replaced by the same text tagged ``lang_of(text)``, in the indexes
        directly (the profile's ``_tag_languages``: a match, a remove and an add per
        literal through rdflib's graph cost several times more)."""
        spo, pos, osp = self._indexes
        objects = spo.get(subject, {}).get(predicate)
        if not objects:
            return
        for obj in list(objects):
            if isinstance(obj, Literal) and not obj.language and obj.datatype is None:
                del objects[obj]
                del pos[predicate][obj][subject]
                del osp[obj][subject][predicate]
                text = str(obj)
                self.add((subject, predicate, Literal(text, lang=lang_of(text))), None)


_CORE = {"owl": str(OWL), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
         "xml": str(XMLNS)}


class _ChunkGraph(Graph):
    """A graph for one chunk (or the head): :class:`_Store`, with rdflib's core
    namespaces bound, whose :meth:`bind` keeps the prefixes in a dict: the profiles bind
    some 25 namespaces on every dataset's new graph, and rdflib's namespace manager
    (which checks each binding against the store and indexes it for prefixed names) cost
    more than the rest of the chunk's serialisation. :meth:`namespaces` is what
    :mod:`.turtle_writer` reads; a profile that binds through the graph's
    ``namespace_manager`` itself is read there too."""

    def __init__(self):
        super().__init__(store=_Store(), bind_namespaces="core")
        self._by_prefix = dict(_CORE)
        self._by_namespace = {ns: prefix for prefix, ns in _CORE.items()}

    def bind(self, prefix, namespace, override=True, replace=False):
        namespace = str(namespace)
        if not prefix or self._by_prefix.get(prefix) == namespace:
            return
        bound = self._by_namespace.get(namespace)
        if bound is not None:  # the namespace has another prefix
            if not override:
                return
            del self._by_prefix[bound]
        old = self._by_prefix.get(prefix)
        if old is not None:  # the prefix names another namespace
            if not replace:
                if bound is not None:
                    self._by_prefix[bound] = namespace
                return
            del self._by_namespace[old]
        self._by_prefix[prefix] = namespace
        self._by_namespace[namespace] = prefix

    def namespaces(self):
        found = dict(self._by_prefix)
        if self._Graph__namespace_manager is not None:
            for prefix, namespace in self._Graph__namespace_manager.namespaces():
                if prefix and prefix not in found and str(namespace) not in \
                        self._by_namespace:
                    found[prefix] = str(namespace)
        for prefix, namespace in found.items():
            yield prefix, URIRef(namespace)


def _graph() -> Graph:
    return _ChunkGraph()


class Builder:
    """A page's serializer with its profiles loaded and instantiated once (ckanext-dcat
    makes new profile objects, each asking scheming for the dataset schema, for every
    dataset)."""

    def __init__(self, profiles: list[str] | None):
        fast.cache_namespace_terms()
        self.serializer = fast.Serializer(profiles=profiles)
        self.profiles = [fast.speed_up(cls(
            None, compatibility_mode=self.serializer.compatibility_mode))
            for cls in self.serializer._profiles]
        self.with_dqv = _uses_profile(profiles)

    def dataset_graph(self, dataset: dict, out: TextOut | None) -> URIRef:
        g = self.serializer.g = _graph()
        for profile in self.profiles:
            profile.g = g
        ref = URIRef(dataset_uri(dataset))
        if out is None:
            for profile in self.profiles:
                profile.graph_from_dataset(dataset, ref)
        else:
            with dqv.written_as_text(), written_as_text(out):
                for profile in self.profiles:
                    profile.graph_from_dataset(dataset, ref)
        return ref


def _chunk(dataset: dict, builder: Builder,
           with_dqv: bool = False) -> tuple[dict[str, str], str]:
    """One dataset's graph, built alone and serialised, with what the profile wrote as
    text."""
    out = TextOut()
    dataset_ref = builder.dataset_graph(dataset, out)
    prefixes, body = turtle_writer.serialize(builder.serializer.g)
    if any(prefixes.get(p, iri) != iri for p, iri in out.prefixes.items()):
        # the graph binds a prefix of the text to another namespace: all as a graph
        dataset_ref = builder.dataset_graph(dataset, None)
        prefixes, body = turtle_writer.serialize(builder.serializer.g)
        out = TextOut()
    prefixes = {**prefixes, **out.prefixes}
    parts = [body] + out.statements
    metric_values = dqv.values_for(dataset) if with_dqv else None
    if metric_values:
        prefixes["dqv"] = str(dqv.DQV)
        parts.append(dqv.turtle(turtle_writer.iri_text(str(dataset_ref)), dataset["id"],
                                metric_values))
    return prefixes, "\n".join(parts)


def _uses_profile(profiles: list[str] | None) -> bool:
    names = profiles or (tk.config.get("ckanext.dcat.rdf.profiles") or "").split()
    return "provincialstats" in names


def _page_number(data_dict: dict) -> int:
    try:
        page = int(data_dict.get("page", 1) or 1)
    except ValueError:
        raise wrong_page_exception
    if page < 1:
        raise wrong_page_exception
    return page


def _search(context: dict, data_dict: dict, start: int, rows: int) -> dict:
    """``package_search`` as ckanext-dcat's ``_search_ckan_datasets`` asks it, for
    ``rows`` datasets from ``start``."""
    search = {"rows": rows, "start": start, "sort": "metadata_modified desc",
              "q": data_dict.get("q", "*:*"), "fq": data_dict.get("fq"),
              "fq_list": ["-dataset_type:harvest", "-dataset_type:showcase"]}
    modified_since = data_dict.get("modified_since")
    if modified_since:
        try:
            modified_since = dateutil_parse(modified_since).isoformat() + "Z"
        except (ValueError, AttributeError):
            raise tk.ValidationError("Wrong modified date format. Use ISO-8601 format")
        search["fq_list"].append(f"metadata_modified:[{modified_since} TO NOW]")
    return tk.get_action("package_search")(dict(context), search)


class _Page:
    """A catalogue page read in batches: the first batch's search (for the count and
    the hydra paging) is made at once, in the request; the others as they are asked. A
    page past the end whose search was already counted under the current search index
    generation is not searched (:func:`.fast.known_count`)."""

    def __init__(self, context: dict, data_dict: dict):
        self.context, self.data_dict = context, data_dict
        self.size = int(tk.config.get("ckanext.dcat.datasets_per_page", DATASETS_PER_PAGE))
        self.start = (_page_number(data_dict) - 1) * self.size
        generation = fast.search_generation()
        count = fast.known_count(data_dict, generation)
        if count is not None and self.start >= count:  # past the end: no search
            self.first = {"count": count, "results": []}
        else:
            self.first = _search(context, data_dict, self.start, min(BATCH, self.size))
            fast.remember_count(data_dict, generation, self.first["count"])
        self.count = self.first["count"]
        on_page = max(0, min(self.size, self.count - self.start))
        self.paging = _pagination_info({"count": self.count, "results": range(on_page)},
                                       data_dict)
        self.batches_left = math.ceil(on_page / BATCH)

    def batches(self) -> Iterator[list[dict]]:
        first, self.first = self.first, None
        for number in range(self.batches_left):
            offset = number * BATCH
            rows = min(BATCH, self.size - offset)
            query = first if number == 0 else _search(
                self.context, self.data_dict, self.start + offset, rows)
            first = None
            if not query["results"]:
                return
            yield query["results"]


def catalog_page(context: dict, data_dict: dict,
                 province: dict | None = None) -> str | Iterator[str]:
    """One catalogue page (``data_dict`` as ``dcat_catalog_show`` takes) in any RDF
    format: the site's catalogue, or with ``province`` (a province of
    :mod:`ckanext.provincialstats.vocab`) that province's catalogue (:mod:`.catalogue`).

    Turtle: a generator of the page's text (the first batch already searched, so a bad
    parameter raises here), or for a page without datasets (past the end) its whole
    text; other formats: the whole text. With the ``provincialstats``
    profile the quality scores are read in bulk per batch
    (:mod:`ckanext.provincialstats.quality.dqv`); without it (ckanext-dcat's stock
    profiles) the site's catalogue is ckanext-dcat's own ``dcat_catalog_show``,
    unchanged."""
    tk.check_access("dcat_catalog_show", context, data_dict)
    profiles = data_dict.get("profiles")
    subcatalogs = tk.asbool(tk.config.get("ckanext.dcat.expose_subcatalogs"))
    if province is None and (subcatalogs or not _uses_profile(profiles)):
        return tk.get_action("dcat_catalog_show")(context, data_dict)
    page = _Page(context, data_dict)
    if data_dict.get("format") == "ttl" and not subcatalogs:
        return _streamed_turtle(page, profiles, province)
    from ckanext.provincialstats.dcat import rdf_stream  # RDF/XML, JSON-LD: streamed
    if data_dict.get("format") in rdf_stream.FORMATS and not subcatalogs:
        return rdf_stream.catalog_page(page, profiles, province, data_dict["format"])
    return _whole_page(page, data_dict, profiles, province, subcatalogs)


def _whole_page(page: _Page, data_dict: dict, profiles: list[str] | None,
                province: dict | None, subcatalogs: bool) -> str:
    serializer = fast.Serializer(profiles=profiles)
    with fast.fixed_uris():
        catalog_ref = catalogue.head(serializer, province)
    for datasets in page.batches():
        scores = dqv.bulk_values(datasets) if _uses_profile(profiles) else {}
        with dqv.prefetched(scores), fast.fixed_uris():
            for dataset in datasets:
                dataset_ref = serializer.graph_from_dataset(dataset)
                if subcatalogs and serializer._add_source_catalog(catalog_ref, dataset,
                                                                  dataset_ref):
                    continue
                serializer.g.add((catalog_ref, DCAT.dataset, dataset_ref))
    if page.paging:
        serializer._add_pagination_triples(page.paging)
    return serializer.g.serialize(
        format=url_to_rdflib_format(data_dict.get("format") or "xml"))


def _head(builder: Builder, page: _Page,
          province: dict | None) -> tuple[URIRef, str, dict[str, str]]:
    builder.serializer.g = _graph()
    with fast.fixed_uris():
        catalog_ref = catalogue.head(builder.serializer, province)
    if page.paging:
        builder.serializer._add_pagination_triples(page.paging)
    prefixes, body = turtle_writer.serialize(builder.serializer.g)
    lines = [f"@prefix {p}: <{iri}> ." for p, iri in sorted(prefixes.items())]
    return catalog_ref, "\n".join(lines) + "\n\n" + body + "\n", prefixes


def _streamed_turtle(page: _Page, profiles: list[str] | None,
                     province: dict | None) -> str | Iterator[str]:
    builder = Builder(profiles)  # profiles loaded once for the page
    catalog_ref, head, declared = _head(builder, page, province)
    if not page.batches_left:  # past the end: the catalogue and the paging only
        return head
    catalog_text = f"<{turtle_writer.iri_text(str(catalog_ref))}>"
    link = f"<{DCAT.dataset}>"

    def generate() -> Iterator[str]:
        try:
            yield head
            issues = None
            for datasets in page.batches():
                if issues is None and any(d.get("strategic_issue") for d in datasets):
                    issues = concepts.strategic_issues()
                yield _batch_text(datasets, builder, profiles, issues or {}, declared,
                                  catalog_text, link)
        finally:
            model.Session.remove()  # the request's own session was removed before

    return generate()


_LITE_ORGANIZATION = {"include_users": False, "include_dataset_count": False,
                      "include_followers": False, "include_groups": False,
                      "include_tags": False, "include_datasets": False}


def _known_organizations(datasets: list[dict]) -> None:
    """Put the organizations of ``datasets`` that ckanext-dcat's process-wide
    ``organization_show`` cache (its publisher fallback) lacks into it, each read
    without the members, follower and dataset counts it does not use (a full
    ``organization_show`` is several times dearer: the first pages of a crawl paid one per
    organization)."""
    cache = RDFProfile._org_cache
    missing = {(d.get("organization") or {}).get("id") for d in datasets} - set(cache)
    for org_id in sorted(filter(None, missing)):
        try:
            cache[org_id] = tk.get_action("organization_show")(
                {"ignore_auth": True}, {"id": org_id, **_LITE_ORGANIZATION})
        except tk.ObjectNotFound:
            pass


def _batch_text(datasets: list[dict], builder: Builder, profiles: list[str] | None,
                issues: dict, declared: dict[str, str], catalog_text: str,
                link: str) -> str:
    """The ``dcat:dataset`` links and chunks of one batch (``declared``: the prefixes
    declared so far in the page, updated)."""
    with fast.fixed_uris():
        return _batch_text_fixed(datasets, builder, profiles, issues, declared,
                                 catalog_text, link)


def _batch_text_fixed(datasets: list[dict], builder: Builder, profiles: list[str] | None,
                      issues: dict, declared: dict[str, str], catalog_text: str,
                      link: str) -> str:
    scores = dqv.bulk_values(datasets) if builder.with_dqv else {}
    keys = [_key(d, profiles, issues, scores.get(d["id"])) for d in datasets]
    redis = connect_to_redis() if _ttl() > 0 else None
    try:
        cached = redis.mget(keys) if keys and redis is not None else [None] * len(keys)
    except Exception as e:  # Redis down: serialise everything
        log.warning("DCAT cache not read: %s", e)
        cached, redis = [None] * len(keys), None
    parts = ["%s %s %s ." % (catalog_text, link, ", ".join(
        f"<{turtle_writer.iri_text(dataset_uri(d))}>" for d in datasets))]
    _known_organizations([d for d, hit in zip(datasets, cached) if hit is None])
    fresh = {}
    with dqv.prefetched(scores), concepts.fixed_base():
        for dataset, key, hit in zip(datasets, keys, cached):
            if hit is not None:
                prefixes, body = json.loads(hit)
            else:
                prefixes, body = _chunk(dataset, builder, builder.with_dqv)
                fresh[key] = json.dumps([prefixes, body])
            for prefix, iri in sorted(prefixes.items()):
                if declared.get(prefix) != iri:
                    declared[prefix] = iri
                    parts.append(f"@prefix {prefix}: <{iri}> .")
            parts.append(body)
    if fresh and redis is not None:
        try:
            with redis.pipeline() as pipe:
                for key, value in fresh.items():
                    pipe.set(key, value, ex=_ttl())
                pipe.execute()
        except Exception as e:
            log.warning("DCAT cache not written: %s", e)
    return "\n" + "\n\n".join(parts) + "\n"
