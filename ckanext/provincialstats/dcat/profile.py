"""The ``provincialstats`` RDF profile, used after ckanext-dcat's ``euro_dcat_ap_3``
(``ckanext.dcat.rdf.profiles = euro_dcat_ap_3 provincialstats``), for serialising and for
parsing.

Out: provinces as ``dct:spatial`` concepts of the catalogue's province scheme, strategic
issues and the statistical sector as ``dcat:theme`` concepts (plus the EU data theme of
the sector), the BE time coverage as a CE ``dct:temporal``, the update frequency as an EU
``dct:accrualPeriodicity``, languages, access rights and file types from the EU
vocabularies, Thai and English text as language-tagged literals, every other GD
Catalog field in the extension's own namespace (:mod:`.fields`), and the quality score as
DQV measurements (:mod:`ckanext.provincialstats.quality.dqv`). Every node a DCAT-AP 3
shape checks is typed and labelled in the output itself, so the feed validates with the
DCAT-AP 3.0.1 shapes without outside vocabularies.

In: the same graph read back gives the same province, strategic issue, sector, years,
frequency and GD Catalog fields.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime
import re
from typing import Callable, Iterator

from ckan.plugins import toolkit
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import Namespace
from rdflib.plugins.stores.memory import SimpleMemory

from ckanext.dcat.profiles import (
    DCAT,
    DCT,
    FOAF,
    RDF,
    RDFS,
    SKOS,
    VCARD,
    XSD,
    RDFProfile,
)
from ckanext.dcat.utils import resource_uri
from ckanext.provincialstats import vocab
from ckanext.provincialstats.dcat import concepts, fields, turtle_writer
from ckanext.provincialstats.quality import dqv

GSP = Namespace("http://www.opengis.net/ont/geosparql#")
BE_OFFSET = 543

# CKAN's licence ids of the GD Catalog licence names.
LICENSES = {
    "Creative Commons Attributions": "https://creativecommons.org/licenses/by/4.0/",
    "Creative Commons Attribution Non-Commercial":
        "https://creativecommons.org/licenses/by-nc/4.0/",
    "Creative Commons Attribution Share-Alike":
        "https://creativecommons.org/licenses/by-sa/4.0/",
    "Creative Commons Attribution Non-Commercial Share-Alike":
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "Creative Commons Attribution Non-Commercial No-Derivs":
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    "Creative Commons Attribution No-Derivs":
        "https://creativecommons.org/licenses/by-nd/4.0/",
}


class TextOut:
    """What the profile wrote as Turtle text instead of adding it to the graph (see
    :func:`written_as_text`): statements, the prefixes they use, the concepts written."""

    def __init__(self):
        self.statements: list[str] = []
        self.prefixes: dict[str, str] = {}
        self.seen: set = set()


_TEXT: contextvars.ContextVar[TextOut | None] = contextvars.ContextVar(
    "provincialstats_dcat_text", default=None)


@contextlib.contextmanager
def written_as_text(out: TextOut) -> Iterator[TextOut]:
    """Within the block, :meth:`ProvincialStatsProfile.graph_from_dataset` writes the
    parts it adds that nothing else reads (the concepts' descriptions: labels, notations,
    schemes, classes; the GD Catalog fields of the own namespace) as Turtle text into
    ``out`` instead of the graph; the links from the dataset to the concepts stay in the
    graph. For the Turtle chunks of :mod:`.turtle_cache`: the same triples, less rdflib
    work. The concepts' text is made once per process by :mod:`.turtle_writer` from the
    same functions that add them to a graph."""
    token = _TEXT.set(out)
    try:
        yield out
    finally:
        _TEXT.reset(token)


_CONCEPT_TEXT: dict = {}


def _concept_text(key: tuple, add: Callable[[Graph], URIRef | None]):
    """``(ref, prefixes, text)`` of what ``add`` puts in an empty graph, made once per
    ``key`` (which names everything ``add`` writes, and the base URI)."""
    found = _CONCEPT_TEXT.get(key)
    if found is None:
        g = Graph(store=SimpleMemory(), bind_namespaces="core")
        g.bind("skos", SKOS)
        g.bind("dct", DCT)
        ref = add(g)
        prefixes, text = turtle_writer.serialize(g)
        if len(_CONCEPT_TEXT) > 10000:  # strategic issues renamed over a long life
            _CONCEPT_TEXT.clear()
        found = _CONCEPT_TEXT[key] = (ref, prefixes, text)
    return found


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if v not in (None, "")]
    if isinstance(value, str) and value.startswith("["):
        import json
        try:
            return [v for v in json.loads(value) if v not in (None, "")]
        except ValueError:
            pass
    return [value]


class ProvincialStatsProfile(RDFProfile):
    """Provincial statistics on top of DCAT-AP 3 (see the module docstring)."""

    # ---- out ---------------------------------------------------------------------

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        g = self.g
        ns = fields.namespace()
        g.bind("pstat", ns)
        g.bind("skos", SKOS)
        self._tag_languages(dataset_ref, (DCT.title, DCT.description, DCAT.keyword))
        self._spatial_out(dataset_dict, dataset_ref)
        self._themes_out(dataset_dict, dataset_ref)
        self._temporal_out(dataset_dict, dataset_ref)
        self._frequency_out(dataset_dict, dataset_ref)
        self._languages_out(dataset_dict, dataset_ref)
        self._access_rights_out(dataset_dict, dataset_ref)
        if dataset_dict.get("created_date"):
            g.add((dataset_ref, DCT.created,
                   Literal(str(dataset_dict["created_date"])[:10], datatype=XSD.date)))
        self._own_fields_out(dataset_dict, dataset_ref, fields.own_fields())
        self._agents_out(dataset_ref)
        for resource in dataset_dict.get("resources", []):
            self._distribution_out(dataset_dict, resource)
        metric_values = None if dqv.as_text() else dqv.values_for(dataset_dict)
        if metric_values:
            dqv.add_measurements(g, dataset_ref, metric_values)

    def _describe(self, key: tuple, add: Callable[[Graph], URIRef | None]):
        """``add(graph)`` (a concept's description; returns the concept), or in
        :func:`written_as_text` mode the same triples as text, once per chunk."""
        out = _TEXT.get()
        if out is None:
            return add(self.g)
        key = (concepts.base(),) + key
        ref, prefixes, text = _concept_text(key, add)
        if key not in out.seen and text:
            out.seen.add(key)
            out.statements.append(text)
            out.prefixes.update(prefixes)
        return ref

    def _eu_concept(self, uri, scheme, rdf_class=None, label=None):
        self._describe(("eu", str(uri), str(scheme), rdf_class, label),
                       lambda g: concepts.add_eu_concept(g, uri, scheme, rdf_class, label))

    def _typed(self, ref, rdf_class):
        self._describe(("typed", str(ref), str(rdf_class)),
                       # not ``g.add(...) and None``: a graph's truth is its length,
                       # counted triple by triple (quadratic on a page's graph)
                       lambda g: (g.add((ref, RDF.type, rdf_class)), None)[1])

    def _tag_languages(self, subject, predicates):
        retag = getattr(self.g.store, "retag", None)  # a Turtle chunk's store
        if retag is not None:
            for predicate in predicates:
                retag(subject, predicate, fields.lang_of)
            return
        for predicate in predicates:
            for obj in list(self.g.objects(subject, predicate)):
                if isinstance(obj, Literal) and not obj.language and obj.datatype is None:
                    self.g.remove((subject, predicate, obj))
                    text = str(obj)
                    self.g.add((subject, predicate, Literal(text, lang=fields.lang_of(text))))

    def _spatial_out(self, dataset_dict, dataset_ref):
        for code in _as_list(dataset_dict.get("province")):
            ref = self._describe(("province", code), lambda g, code=code: concepts.add_province(
                g, code, with_region=False))
            if ref is not None:
                self.g.add((dataset_ref, DCT.spatial, ref))
        bounds = [dataset_dict.get(k) for k in ("west_bound_longitude", "south_bound_longitude",
                                                 "east_bound_longitude", "north_bound_longitude")]
        if all(b not in (None, "") for b in bounds):
            w, s, e, n = (float(b) for b in bounds)
            box = BNode()
            wkt = f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"
            self.g.add((box, RDF.type, DCT.Location))
            self.g.add((box, DCAT.bbox, Literal(wkt, datatype=GSP.wktLiteral)))
            self.g.add((dataset_ref, DCT.spatial, box))

    def _themes_out(self, dataset_dict, dataset_ref):
        g = self.g
        for code in _as_list(dataset_dict.get("stat_sector")):
            ref = self._describe(("sector", code),
                                 lambda g, code=code: concepts.add_sector(g, code))
            if ref is None:
                continue
            g.add((dataset_ref, DCAT.theme, ref))
            theme = concepts.SECTOR_THEMES[vocab.normalise_sector_code(code)]
            eu = URIRef(f"{concepts.EU}data-theme/{theme}")
            self._eu_concept(eu, concepts.DATA_THEME_SCHEME,
                             label=concepts.DATA_THEME_LABELS[theme])
            g.add((dataset_ref, DCAT.theme, eu))
        names = _as_list(dataset_dict.get("strategic_issue"))
        if names:
            records = self._issue_records()
            for name in names:
                record = records.get(name)
                key = ("issue", name) + tuple(sorted((record or {}).items()))
                g.add((dataset_ref, DCAT.theme, self._describe(
                    key, lambda g, name=name, record=record: concepts.add_issue(
                        g, name, record))))

    def _issue_records(self):
        # One query per serializer graph (ckanext-dcat's path: a new profile object per
        # dataset) or per profile object (the Turtle chunks: one per page), not one per
        # dataset.
        cache = getattr(self, "_issues", None)
        if cache is None:
            cache = getattr(self.g, "_provincialstats_issues", None)
        if cache is None:
            cache = concepts.strategic_issues()
            self.g._provincialstats_issues = cache
        self._issues = cache
        return cache

    def _temporal_out(self, dataset_dict, dataset_ref):
        first, last = dataset_dict.get("first_year_ce"), dataset_dict.get("last_year_ce")
        if first in (None, "") and last in (None, ""):
            return
        period = BNode()
        self.g.add((period, RDF.type, DCT.PeriodOfTime))
        if first not in (None, ""):
            self.g.add((period, DCAT.startDate,
                        Literal(f"{int(first):04d}-01-01", datatype=XSD.date)))
        if last not in (None, ""):
            self.g.add((period, DCAT.endDate,
                        Literal(f"{int(last):04d}-12-31", datatype=XSD.date)))
        self.g.add((dataset_ref, DCT.temporal, period))

    def _frequency_out(self, dataset_dict, dataset_ref):
        uri = concepts.frequency_uri(dataset_dict.get("update_frequency_unit"),
                                     dataset_dict.get("update_frequency_interval"))
        self.g.remove((dataset_ref, DCT.accrualPeriodicity, None))
        if uri is not None:
            self.g.add((dataset_ref, DCT.accrualPeriodicity, uri))
            self._eu_concept(uri, concepts.FREQUENCY_SCHEME, DCT.Frequency)

    def _languages_out(self, dataset_dict, dataset_ref):
        self.g.remove((dataset_ref, DCT.language, None))
        for value in _as_list(dataset_dict.get("data_language")):
            uri = concepts.language_uri(value)
            if uri is not None:
                self.g.add((dataset_ref, DCT.language, uri))
                self._eu_concept(uri, concepts.LANGUAGE_SCHEME, DCT.LinguisticSystem)

    def _access_rights_out(self, dataset_dict, dataset_ref):
        code = concepts.ACCESS_RIGHTS.get(dataset_dict.get("data_category"))
        if code:
            uri = URIRef(f"{concepts.EU}access-right/{code}")
            self.g.remove((dataset_ref, DCT.accessRights, None))
            self.g.add((dataset_ref, DCT.accessRights, uri))
            self._eu_concept(uri, concepts.ACCESS_RIGHT_SCHEME, DCT.RightsStatement)

    def _own_fields_out(self, data, subject, own):
        ns = fields.namespace()
        out = _TEXT.get()
        if out is not None and isinstance(subject, URIRef):
            text = fields.turtle(data, own, ns, out.prefixes)
            if text:
                out.statements.append(f"<{turtle_writer.iri_text(str(subject))}> {text} .")
            return
        for field in own:
            values = _as_list(data.get(field.name)) if field.kind == "list" \
                else [data.get(field.name)]
            for item in values:
                lit = fields.literal(field, item)
                if lit is not None:
                    self.g.add((subject, ns[field.local], lit))

    def _agents_out(self, dataset_ref):
        """Contact points typed ``vcard:Kind`` (DCAT-AP's range); names stay plain
        ``xsd:string`` literals (DCAT-US 3 requires that of ``vcard:fn`` and
        ``foaf:name``); publisher mailboxes as ``mailto:`` IRIs."""
        g = self.g
        for contact in g.objects(dataset_ref, DCAT.contactPoint):
            g.add((contact, RDF.type, VCARD.Kind))
        for publisher in g.objects(dataset_ref, DCT.publisher):
            for mbox in list(g.objects(publisher, FOAF.mbox)):
                if isinstance(mbox, Literal):
                    g.remove((publisher, FOAF.mbox, mbox))
                    g.add((publisher, FOAF.mbox, URIRef("mailto:" + str(mbox).replace(
                        "mailto:", ""))))

    def _distribution_out(self, dataset_dict, resource):
        g = self.g
        ref = URIRef(resource_uri(resource))
        self._tag_languages(ref, (DCT.title, DCT.description))
        fmt = (resource.get("format") or "").strip().upper().lstrip(".")
        known = concepts.FILE_TYPES.get(fmt)
        g.remove((ref, DCT["format"], None))
        g.remove((ref, DCAT.mediaType, None))
        if known:
            file_type, media_type = known
            uri = URIRef(f"{concepts.EU}file-type/{file_type}")
            g.add((ref, DCT["format"], uri))
            self._eu_concept(uri, concepts.FILE_TYPE_SCHEME, DCT.MediaTypeOrExtent)
            if media_type:
                media = URIRef(f"https://www.iana.org/assignments/media-types/{media_type}")
                g.add((ref, DCAT.mediaType, media))
                self._typed(media, DCT.MediaType)
        license_url = LICENSES.get(dataset_dict.get("license_id"))
        g.remove((ref, DCT.license, None))
        if license_url:
            g.add((ref, DCT.license, URIRef(license_url)))
            self._typed(URIRef(license_url), DCT.LicenseDocument)
        elif dataset_dict.get("license_id"):
            doc = BNode()
            g.add((ref, DCT.license, doc))
            g.add((doc, RDF.type, DCT.LicenseDocument))
            g.add((doc, RDFS.label, Literal(dataset_dict.get("license_title")
                                            or dataset_dict["license_id"])))
        for lang in g.objects(ref, DCT.language):
            g.add((lang, RDF.type, DCT.LinguisticSystem))
        self._own_fields_out(resource, ref, fields.own_fields(resource=True))

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        g = self.g
        g.bind("pstat", fields.namespace())
        self._tag_languages(catalog_ref, (DCT.title, DCT.description))
        if not any(g.objects(catalog_ref, DCT.description)):
            g.add((catalog_ref, DCT.description, Literal(
                toolkit.config.get("ckan.site_description") or
                toolkit.config.get("ckan.site_title") or "CKAN", lang="en")))
        if not any(g.objects(catalog_ref, DCT.publisher)):
            publisher = URIRef(f"{concepts.base()}/#publisher")
            g.add((catalog_ref, DCT.publisher, publisher))
            g.add((publisher, RDF.type, FOAF.Agent))
            name = toolkit.config.get("ckan.site_title") or "CKAN"
            g.add((publisher, FOAF.name, Literal(name)))
        for homepage in g.objects(catalog_ref, FOAF.homepage):
            g.add((homepage, RDF.type, FOAF.Document))
        for scheme in concepts.theme_taxonomies():
            g.add((catalog_ref, DCAT.themeTaxonomy, scheme))
            g.add((scheme, RDF.type, SKOS.ConceptScheme))
        titles = {"stat-sectors": ("สาขาสถิติ", "Statistical sectors"),
                  "strategic-issues": ("ประเด็นยุทธศาสตร์ของจังหวัด",
                                       "Provincial strategic issues")}
        for scheme, (th, en) in titles.items():
            ref = concepts.scheme_uri(scheme)
            g.add((ref, DCT.title, Literal(th, lang="th")))
            g.add((ref, DCT.title, Literal(en, lang="en")))
        g.add((concepts.DATA_THEME_SCHEME, DCT.title, Literal("Data theme", lang="en")))
        for lang in list(g.objects(catalog_ref, DCT.language)):
            g.remove((catalog_ref, DCT.language, lang))
        for code in ("THA", "ENG"):
            uri = URIRef(f"{concepts.EU}language/{code}")
            g.add((catalog_ref, DCT.language, uri))
            concepts.add_eu_concept(g, uri, concepts.LANGUAGE_SCHEME, DCT.LinguisticSystem)

    # ---- in ----------------------------------------------------------------------

    def parse_dataset(self, dataset_dict, dataset_ref):
        g = self.g
        provinces, sectors, issues = [], [], []
        for obj in g.objects(dataset_ref, DCT.spatial):
            code = self._concept_code(obj, "provinces")
            if code and vocab.province(code):
                provinces.append(vocab.province(code)["iso_code"])
        for obj in g.objects(dataset_ref, DCAT.theme):
            sector = self._concept_code(obj, "stat-sectors")
            issue = self._concept_code(obj, "strategic-issues")
            if sector:
                sectors.append(vocab.normalise_sector_code(sector))
            elif issue:
                issues.append(issue)
        if provinces:
            dataset_dict["province"] = sorted(set(provinces))
            self._drop_stock_spatial(dataset_dict)
        if sectors:
            dataset_dict["stat_sector"] = sectors[0]
        if issues:
            dataset_dict["strategic_issue"] = sorted(set(issues))
        if sectors or issues:
            self._drop_theme_values(dataset_dict)
        self._temporal_in(dataset_dict, dataset_ref)
        self._own_fields_in(dataset_dict, dataset_ref, fields.own_fields())
        self._frequency_in(dataset_dict, dataset_ref)
        if not dataset_dict.get("data_language"):
            languages = [concepts.language_value(o)
                         for o in g.objects(dataset_ref, DCT.language)]
            if any(languages):
                dataset_dict["data_language"] = [v for v in languages if v]
        created = self._object_value(dataset_ref, DCT.created)
        if created:
            dataset_dict["created_date"] = created[:10]
        for resource in dataset_dict.get("resources", []):
            self._distribution_in(resource)
        return dataset_dict

    def _distribution_in(self, resource):
        fmt = str(resource.get("format") or "")
        if fmt.startswith(concepts.EU + "file-type/"):
            resource["format"] = concepts.ckan_format(fmt.rsplit("/", 1)[1])
        mimetype = str(resource.get("mimetype") or "")
        if "iana.org/assignments/media-types/" in mimetype:
            resource["mimetype"] = mimetype.split("/media-types/", 1)[1]
        if resource.get("uri"):
            self._own_fields_in(resource, URIRef(resource["uri"]),
                                fields.own_fields(resource=True))

    def _concept_code(self, obj, scheme):
        """The code of a concept of ``scheme``: from its URI, else its notation when it
        says it is in a scheme of that name."""
        found = concepts.concept_of(obj)
        if found and found[0] == scheme:
            return found[1]
        in_scheme = [str(s) for s in self.g.objects(obj, SKOS.inScheme)]
        if any(s.rstrip("/").endswith("/vocab/" + scheme) for s in in_scheme):
            notation = self.g.value(obj, SKOS.notation)
            return str(notation) if notation else None
        return None

    def _own_fields_in(self, data, subject, own):
        # one pass over the subject's triples (not one per field): the objects of each
        # ``.../vocab/provincialstats#<local>`` predicate, by local name
        marker = "/vocab/provincialstats#"
        found = {}
        for p, o in self.g.predicate_objects(subject):
            text = str(p)
            at = text.rfind(marker)
            if at >= 0:
                found.setdefault(text[at + len(marker):], []).append(o)
        if not found:
            return
        for field in own:
            objects = found.get(field.local)
            if not objects:
                continue
            values = [fields.value(field, o) for o in objects]
            data[field.name] = sorted(values) if field.kind == "list" else values[0]
            self._drop_extra(data, field.name)

    def _temporal_in(self, dataset_dict, dataset_ref):
        for period in self.g.objects(dataset_ref, DCT.temporal):
            start = self.g.value(period, DCAT.startDate) or \
                self.g.value(period, URIRef("http://schema.org/startDate"))
            end = self.g.value(period, DCAT.endDate) or \
                self.g.value(period, URIRef("http://schema.org/endDate"))
            first, last = _year(start), _year(end)
            if first:
                dataset_dict["first_year_of_data"] = str(first + BE_OFFSET)
            if last:
                dataset_dict["last_year_of_data"] = str(last + BE_OFFSET)
            if first or last:
                for key in ("temporal_start", "temporal_end"):
                    dataset_dict.pop(key, None)
                    self._drop_extra(dataset_dict, key)
                dataset_dict.pop("temporal_coverage", None)
                return

    def _frequency_in(self, dataset_dict, dataset_ref):
        if dataset_dict.get("update_frequency_unit"):
            dataset_dict.pop("frequency", None)
            self._drop_extra(dataset_dict, "frequency")
            return
        uri = self.g.value(dataset_ref, DCT.accrualPeriodicity)
        found = concepts.frequency_fields(uri) if uri is not None else None
        if found:
            unit, interval = found
            dataset_dict["update_frequency_unit"] = unit
            if interval:
                dataset_dict["update_frequency_interval"] = str(interval)
            dataset_dict.pop("frequency", None)
            self._drop_extra(dataset_dict, "frequency")

    @staticmethod
    def _drop_extra(dataset_dict, key):
        extras = dataset_dict.get("extras")
        if extras:
            dataset_dict["extras"] = [e for e in extras if e.get("key") != key]

    def _drop_stock_spatial(self, dataset_dict):
        for key in ("spatial_uri", "spatial_text", "spatial", "spatial_coverage"):
            dataset_dict.pop(key, None)
            self._drop_extra(dataset_dict, key)

    def _drop_theme_values(self, dataset_dict):
        dataset_dict.pop("theme", None)
        self._drop_extra(dataset_dict, "theme")


def _year(value) -> int | None:
    if value is None:
        return None
    match = re.match(r"^(\d{4})", str(value))
    if match:
        return int(match.group(1))
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.year
    return None
