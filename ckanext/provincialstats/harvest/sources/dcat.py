"""DCAT feeds as a harvest source: RDF/XML, Turtle, N-Triples, JSON-LD (DCAT-AP 2 and 3,
Hydra paging) and DCAT-US ``data.json``.

RDF is parsed with ckanext-dcat's own parser and profiles (``euro_dcat_ap_3``, which
reads DCAT-AP 2 as well), plus a small profile of this module for what those leave out
and a provincial catalogue needs (a licence on the dataset itself, every spatial label).
``data.json`` goes through ckanext-dcat's DCAT-US converter (``converters.dcat_to_ckan``,
what its ``dcat_json`` harvester uses), completed with the contact point, licence,
spatial and temporal coverage, periodicity and access level it does not read.

``gather`` fetches one page at a time (``hydra:next`` / ``hydra:nextPage``, at most
``MAX_PAGES`` pages, never the same page twice) and yields ``(guid, content)`` per
dataset: guid is the dataset URI, else its ``dct:identifier``, else its title; content is
the parsed package dict as canonical JSON (blank-node ids, which change on every parse,
removed, so an unchanged record gives the same content on every run).

Safety: RDF/XML is checked by :mod:`..xmlsafe` first (no entity declarations, no
external DTD); a JSON-LD ``@context`` given as a URL is fetched through the harvest's
safe ``fetch`` and inlined, so rdflib never opens a URL itself; a feed that is not what
it claims to be fails the gather with a :class:`SourceError` naming the page and the
reason, before any record is imported.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import re
import urllib.parse
import xml.sax
from typing import Any, Iterator

import rdflib
import rdflib.plugin
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from ckanext.dcat import converters
from ckanext.dcat.processors import RDFParser
from ckanext.dcat.profiles import DCT, RDFProfile
from ckanext.provincialstats.harvest import xmlsafe
from ckanext.provincialstats.harvest.errors import SourceError
from ckanext.provincialstats.harvest.pagememo import Known

# DCAT-AP 3, then this catalogue's own profile (dcat/profile.py: provinces, strategic
# issues, sector, time coverage, frequency and the GD Catalog fields another provincial
# catalogue publishes; a feed without them is read by DCAT-AP alone).
PROFILES = ["euro_dcat_ap_3", "provincialstats"]
MAX_PAGES = 1000
CONTEXT_MAX_BYTES = 1 << 20
ACCEPT = ("text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.9, "
          "application/json;q=0.8, application/n-triples;q=0.5, */*;q=0.1")
LOCN = "http://www.w3.org/ns/locn#"
_BNODE = re.compile(r"^(?:_:)?N[0-9a-f]{32}$")
_CONTENT_TYPES = {
    "application/rdf+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/turtle": "turtle", "application/x-turtle": "turtle", "text/n3": "n3",
    "application/n-triples": "nt", "application/ld+json": "json-ld",
    "application/json": "json",
}
# The pipeline gives gather a PageMemo (pages whose bytes did not change are not parsed).
PAGE_MEMO = True
_EXTENSIONS = {".rdf": "xml", ".xml": "xml", ".owl": "xml", ".ttl": "turtle",
               ".n3": "n3", ".nt": "nt", ".jsonld": "json-ld", ".json": "json"}


class ProvincialHarvestProfile(RDFProfile):
    """What ckanext-dcat's DCAT-AP profiles do not read and the mapping uses."""

    def parse_dataset(self, dataset_dict, dataset_ref):
        extras = dataset_dict.setdefault("extras", [])
        have = {e["key"] for e in extras}
        licence = self._object(dataset_ref, DCT.license) or self._object(dataset_ref,
                                                                         DCT.rights)
        if licence is not None and "license" not in have:
            title = self._object_value(licence, DCT.title) if isinstance(
                licence, URIRef) else ""
            value = str(licence) if isinstance(licence, (URIRef, Literal)) else title
            if value or title:
                extras.append({"key": "license", "value": value or title})
        labels = []
        for spatial in self.g.objects(dataset_ref, DCT.spatial):
            if isinstance(spatial, Literal):
                labels.append(str(spatial))
                continue
            for predicate in (SKOS.prefLabel, RDFS.label, DCT.title,
                              URIRef(LOCN + "geographicName")):
                labels.extend(str(o) for o in self.g.objects(spatial, predicate))
            if isinstance(spatial, URIRef):
                labels.append(str(spatial))
        if labels:
            extras.append({"key": "spatial_label",
                           "value": json.dumps(list(dict.fromkeys(labels)),
                                               ensure_ascii=False)})
        return dataset_dict


@functools.lru_cache(maxsize=None)
def _code_salt() -> str:
    """What, besides a page's bytes, decides the records parsing it yields: this module,
    the catalogue's DCAT profile and vocabularies (the code and data files), the
    versions of ckanext-dcat and rdflib. A deployment that changes any of them parses
    every page again."""
    here = os.path.dirname(os.path.abspath(__file__))
    package = os.path.dirname(os.path.dirname(here))
    h = hashlib.sha256()
    files = [os.path.join(here, "dcat.py")]
    for folder in ("dcat", "vocab"):
        directory = os.path.join(package, folder)
        files += sorted(os.path.join(directory, name) for name in os.listdir(directory)
                        if name.endswith((".py", ".csv", ".json")))
    for path in files:
        h.update(os.path.relpath(path, package).encode() + b"\0")
        with open(path, "rb") as f:
            h.update(f.read())
    for dist in ("ckanext-dcat", "rdflib"):
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist}=?".encode())
    return "dcat-pages-1:" + h.hexdigest()


def page_salt() -> str:
    """:func:`_code_salt` and the ckanext-dcat options that change what it parses."""
    from ckan.plugins import toolkit
    options = [f"{name}={toolkit.config.get(name)}" for name in (
        "ckanext.dcat.compatibility_mode", "ckanext.dcat.expose_subcatalogs")]
    return _code_salt() + "\n" + "\n".join(options)


# -- formats --------------------------------------------------------------------------

def detect_format(content: bytes, content_type: str = "", url: str = "") -> str:
    """``xml``, ``turtle``, ``n3``, ``nt``, ``json-ld`` or ``data.json``."""
    media = (content_type or "").split(";")[0].strip().lower()
    fmt = _CONTENT_TYPES.get(media)
    if fmt is None:
        path = urllib.parse.urlsplit(url or "").path.lower()
        fmt = next((f for ext, f in _EXTENSIONS.items() if path.endswith(ext)), None)
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if fmt is None or (fmt == "xml" and not head.startswith(b"<")):
        if head.startswith(b"<"):
            fmt = "xml"
        elif head.startswith((b"{", b"[")):
            fmt = "json"
        else:
            fmt = fmt if fmt not in (None, "xml") else "turtle"
    if fmt in ("json", "json-ld"):
        return "json-ld" if _looks_json_ld(content) else "data.json"
    return fmt


def _looks_json_ld(content: bytes) -> bool:
    head = content[:65536]
    return b'"@graph"' in head or (b'"@context"' in head and b'"@type"' in head
                                   and b"project-open-data" not in head)


def _text(content: bytes, where: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SourceError(
            f"{where}: เนื้อหาไม่ใช่ข้อความ UTF-8 (ไบต์ที่ {e.start}) จึงไม่ใช่ฟีด DCAT",
            f"{where}: the content is not UTF-8 text (byte {e.start}), so not a DCAT "
            "feed") from None


# -- RDF pages ------------------------------------------------------------------------

def _parser() -> RDFParser:
    parser = RDFParser(profiles=PROFILES)
    # ckanext-dcat loads profiles by entry point name only; this one is the harvest's
    # own and applies after the DCAT-AP profile.
    parser._profiles.append(ProvincialHarvestProfile)
    # A plain graph: a feed is one graph, and ConjunctiveGraph's context bookkeeping
    # costs a quarter of the parse.
    parser.g = rdflib.Graph()
    return parser


def _inline_contexts(doc: Any, fetch, where: str, budget: list[int]) -> Any:
    """Replace every ``@context`` URL by the context it names, fetched safely."""
    if isinstance(doc, list):
        return [_inline_contexts(d, fetch, where, budget) for d in doc]
    if not isinstance(doc, dict):
        return doc
    out = {}
    for key, value in doc.items():
        if key == "@context":
            out[key] = _resolve_context(value, fetch, where, budget)
        else:
            out[key] = _inline_contexts(value, fetch, where, budget)
    return out


def _resolve_context(value: Any, fetch, where: str, budget: list[int]) -> Any:
    if isinstance(value, list):
        return [_resolve_context(v, fetch, where, budget) for v in value]
    if isinstance(value, dict):
        if isinstance(value.get("@import"), str):
            raise SourceError(f"{where}: JSON-LD @import ไม่รองรับ",
                              f"{where}: JSON-LD @import is not supported")
        return value
    if not isinstance(value, str):
        return value
    budget[0] -= 1
    if budget[0] < 0:
        raise SourceError(f"{where}: JSON-LD อ้างถึง @context ภายนอกมากเกินไป",
                          f"{where}: the JSON-LD refers to too many remote @context")
    result = fetch(value, accept="application/ld+json, application/json",
                   max_bytes=CONTEXT_MAX_BYTES)
    try:
        context = json.loads(result.content)["@context"]
    except (ValueError, KeyError, TypeError):
        raise SourceError(f"{where}: @context {value[:200]} ไม่ใช่ JSON-LD context",
                          f"{where}: @context {value[:200]} is not a JSON-LD context") \
            from None
    if isinstance(context, str) or (isinstance(context, list)
                                    and any(isinstance(c, str) for c in context)):
        raise SourceError(f"{where}: @context {value[:200]} อ้างถึง context อื่นต่อ",
                          f"{where}: @context {value[:200]} refers to further contexts")
    return context


def _parse_rdf(content: bytes, fmt: str, page_url: str, fetch) -> RDFParser:
    """The page parsed; ``parser.remote_contexts``: how many JSON-LD contexts were
    fetched for it."""
    where = page_url[:200]
    text = _text(content, where)
    budget = [5]
    if fmt == "xml":
        xmlsafe.check(content, where)
    if fmt == "json-ld":
        try:
            text = json.dumps(_inline_contexts(json.loads(text), fetch, where, budget))
        except SourceError:
            raise
        except (ValueError, RecursionError) as e:
            raise SourceError(f"{where}: JSON ไม่ถูกต้อง ({e})",
                              f"{where}: invalid JSON ({e})") from None
    parser = _parser()
    parser.remote_contexts = 5 - budget[0]
    try:
        # As RDFParser.parse, with the page as base: relative IRIs (a relative
        # hydra:next) resolve against the page, not against the worker's directory.
        parser.g.parse(data=text, format=fmt, publicID=page_url)
    except (SyntaxError, xml.sax.SAXParseException, rdflib.plugin.PluginException,
            TypeError, ValueError, AttributeError, IndexError, KeyError,
            RecursionError) as e:
        raise SourceError(
            f"{where}: อ่านเป็น RDF ({fmt}) ไม่ได้: {str(e)[:500]}",
            f"{where}: cannot be read as RDF ({fmt}): {str(e)[:500]}") from None
    return parser


def _clean(value: Any) -> Any:
    """Blank-node ids and empty values removed, recursively."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "extras" and isinstance(item, list):
                item = [e for e in item if not _BNODE.match(str(e.get("value", "")))
                        and e.get("value") not in (None, "")]
            item = _clean(item)
            if item in (None, "") or (isinstance(item, str) and _BNODE.match(item)):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_clean(v) for v in value
                if not (isinstance(v, str) and _BNODE.match(v))]
    return value


def _extra(pkg: dict, key: str) -> Any:
    return next((e.get("value") for e in pkg.get("extras") or [] if e.get("key") == key),
                None)


def guid_of(pkg: dict) -> str:
    """The dataset URI, else its identifier, else a digest of its title."""
    for value in (_extra(pkg, "uri"), _extra(pkg, "identifier"), pkg.get("identifier")):
        if value:
            return str(value)
    title = str(pkg.get("title") or json.dumps(pkg, sort_keys=True, ensure_ascii=False))
    return "title:" + hashlib.sha1(title.encode("utf-8")).hexdigest()


def _content(pkg: dict) -> str:
    return json.dumps(pkg, ensure_ascii=False, sort_keys=True)


# -- data.json (DCAT-US) --------------------------------------------------------------

def _data_json_datasets(text: str, where: str) -> list[dict]:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise SourceError(f"{where}: JSON ไม่ถูกต้อง ({e})",
                          f"{where}: invalid JSON ({e})") from None
    datasets = doc if isinstance(doc, list) else (
        doc.get("dataset") if isinstance(doc, dict) else None)
    if not isinstance(datasets, list):
        raise SourceError(
            f"{where}: ไม่ใช่ data.json ของ DCAT-US (ไม่มีรายการ \"dataset\")",
            f"{where}: not a DCAT-US data.json (no \"dataset\" list)")
    return [d for d in datasets if isinstance(d, dict)]


def from_data_json(record: dict) -> dict:
    """One DCAT-US dataset -> a package dict in the RDF parser's terms."""
    record = dict(record)
    if isinstance(record.get("language"), str):
        record["language"] = [record["language"]]
    if isinstance(record.get("keyword"), str):
        record["keyword"] = [k.strip() for k in record["keyword"].split(",")]
    pkg = converters.dcat_to_ckan(record)
    renamed = {"dcat_publisher_name": "publisher_name",
               "dcat_publisher_email": "publisher_email",
               "dcat_publisher_id": "publisher_identifier", "dcat_issued": "issued",
               "dcat_modified": "modified", "guid": "identifier",
               "dcat_creator_name": "creator_name"}
    extras = [{"key": renamed.get(e["key"], e["key"]), "value": e["value"]}
              for e in pkg.get("extras", []) if e.get("value") not in (None, "")]
    contact = record.get("contactPoint") or {}
    if isinstance(contact, dict):
        extras.append({"key": "contact_name", "value": contact.get("fn")})
        extras.append({"key": "contact_email",
                       "value": str(contact.get("hasEmail") or "").replace("mailto:", "")})
    temporal = str(record.get("temporal") or "")
    if "/" in temporal:
        start, end = temporal.split("/", 1)
        extras += [{"key": "temporal_start", "value": start},
                   {"key": "temporal_end", "value": end}]
    for key, source in (("license", "license"), ("spatial_text", "spatial"),
                        ("frequency", "accrualPeriodicity"), ("access_rights", "accessLevel"),
                        ("rights", "rights"), ("uri", "@id")):
        if isinstance(record.get(source), str):
            extras.append({"key": key, "value": record[source]})
    for key in ("theme", "references", "programCode", "bureauCode"):
        if record.get(key):
            extras.append({"key": key, "value": json.dumps(record[key], ensure_ascii=False)})
    pkg["extras"] = [e for e in extras if e.get("value") not in (None, "")]
    for resource, distribution in zip(pkg.get("resources", []),
                                      record.get("distribution") or []):
        if isinstance(distribution, dict) and distribution.get("mediaType"):
            resource["mimetype"] = distribution["mediaType"]
        if not resource.get("format") and resource.get("mimetype"):
            resource["format"] = resource["mimetype"]
    return pkg


# -- the source API -------------------------------------------------------------------

def _profiles(parser: RDFParser) -> list:
    """The profiles, instantiated once for a page's graph (``RDFParser.datasets`` makes
    new ones for every dataset; each asks scheming for the dataset schema, and DCAT-AP's
    builds its licence lookup, again). They keep nothing of one dataset for the next."""
    return [profile_class(parser.g, dataset_type=parser.dataset_type,
                          compatibility_mode=parser.compatibility_mode)
            for profile_class in parser._profiles]


def _parse_dataset(dataset_ref, profiles: list) -> dict:
    """One dataset of the graph through every profile (:func:`_profiles`), as
    ``RDFParser.datasets``."""
    dataset_dict: dict = {}
    for profile in profiles:
        profile.parse_dataset(dataset_dict, dataset_ref)
    return dataset_dict


def describable() -> bool:
    """Whether a dataset's record depends only on what the graph says about it (its
    description, :func:`description`): not when ckanext-dcat reads the catalog that
    lists it (``ckanext.dcat.expose_subcatalogs``)."""
    from ckan.plugins import toolkit
    return not toolkit.asbool(toolkit.config.get("ckanext.dcat.expose_subcatalogs"))


def description(g: rdflib.Graph, node, cache: dict, _stack: set | None = None) -> str | None:
    """A digest of everything the graph says about ``node``: its triples, and those of
    every node it refers to (blank nodes and URIs the graph describes), recursively; the
    same for the same description whatever the blank-node ids. None when the description
    refers back to itself (a cycle) or is too deep: such a dataset is always parsed."""
    if node in cache:
        return cache[node]
    stack = _stack if _stack is not None else set()
    if node in stack or len(stack) > 50:
        return None
    stack.add(node)
    try:
        parts = []
        for predicate, obj in g.predicate_objects(node):
            if isinstance(obj, Literal):
                parts.append(f"{predicate.n3()} {obj.n3()}")
                continue
            inner = ""
            if (obj, None, None) in g:
                inner = description(g, obj, cache, stack)
                if inner is None:
                    return None
            name = obj.n3() if isinstance(obj, URIRef) else "_"
            parts.append(f"{predicate.n3()} {name} {inner}")
    finally:
        stack.discard(node)
    parts.sort()
    head = node.n3() if isinstance(node, URIRef) else "_"
    digest = hashlib.sha256(("\n".join([head] + parts)).encode("utf-8")).hexdigest()
    cache[node] = digest
    return digest


def _next_url(parser: RDFParser, page_url: str) -> str | None:
    following = parser.next_page()
    return urllib.parse.urljoin(page_url, following) if following else None


def _known(skipped):
    """Yield the records of a page the memo skips; return the next page's URL."""
    records, following = skipped
    for guid, content_hash in records:
        yield guid, Known(content_hash)
    return following


def gather(url: str, config: dict, fetch, pages=None) -> Iterator[tuple[str, Any]]:
    """Yield ``(guid, content)`` for every dataset of the feed, page after page. With
    ``pages`` (a :class:`..pagememo.PageMemo`), a page whose bytes are unchanged and
    whose records are all imported and current is not parsed: its records are yielded
    as ``(guid, Known(content hash))``. On a page that is parsed, a dataset whose
    :func:`description` is the one its imported, current record was made from is not run
    through the profiles either (``PageMemo.reusable``)."""
    seen_pages = set()
    page_url: str | None = url
    pages_read = 0
    while page_url and page_url not in seen_pages:
        pages_read += 1
        if pages_read > MAX_PAGES:
            raise SourceError(
                f"{url}: ฟีดมีมากกว่า {MAX_PAGES} หน้า (hydra:next) จึงหยุดอ่าน",
                f"{url}: the feed has more than {MAX_PAGES} pages (hydra:next); stopped")
        seen_pages.add(page_url)
        validators = pages.validators(page_url) if pages is not None else None
        result = fetch(page_url, accept=ACCEPT, **validators) if validators else \
            fetch(page_url, accept=ACCEPT)
        if result.not_modified:
            known = pages.lookup_not_modified(page_url, result.final_url)
            if known is not None:
                page_url = yield from _known(known)
                continue
            result = fetch(page_url, accept=ACCEPT)  # the records need the page itself
        where = page_url[:200]
        digest = None
        if pages is not None:
            digest = pages.digest(page_url, result.content, result.content_type,
                                  result.final_url)
            known = pages.lookup(page_url, digest)
            if known is not None:
                page_url = yield from _known(known)
                continue
        fmt = detect_format(result.content, result.content_type, result.final_url)
        if fmt == "data.json":
            text = _text(result.content, where)
            datasets = _data_json_datasets(text, where)
            if pages is not None:
                pages.start(page_url, digest, result.final_url, result.etag,
                            result.last_modified)
            for record in datasets:
                pkg = _clean(from_data_json(record))
                yield guid_of(pkg), _content(pkg)
            if pages is not None:
                pages.finish(None)
            return
        parser = _parse_rdf(result.content, fmt, result.final_url or page_url, fetch)
        refs = list(parser._datasets())
        descriptions: dict = {}
        reuse: dict = {}
        if pages is not None:
            if parser.remote_contexts:  # the parse depends on more than the page's bytes
                pages.parsed_without_memo()
            else:
                if describable():
                    # before any profile runs (one of ckanext-dcat's edits the graph)
                    cache: dict = {}
                    descriptions = {ref: description(parser.g, ref, cache) for ref in refs}
                    reuse = pages.reusable(page_url, descriptions)
                pages.start(page_url, digest, result.final_url, result.etag,
                            result.last_modified)
        count = 0
        profiles = None
        for ref in refs:
            count += 1
            if pages is not None:
                pages.describe(descriptions.get(ref))
            if ref in reuse:  # described exactly as when its imported record was made
                guid, content_hash = reuse[ref]
                yield guid, Known(content_hash)
                continue
            if profiles is None:
                profiles = _profiles(parser)
            pkg = _clean(_parse_dataset(ref, profiles))
            yield guid_of(pkg), _content(pkg)
        following = _next_url(parser, result.final_url or page_url)
        if count == 0 and pages_read == 1 and not following:
            raise SourceError(f"{where}: ไม่พบ dcat:Dataset ในฟีด ({fmt})",
                              f"{where}: no dcat:Dataset found in the feed ({fmt})")
        if pages is not None:
            pages.finish(following)
        page_url = following


def parse(content: str) -> dict:
    """The package dict of one gathered dataset."""
    try:
        pkg = json.loads(content)
    except (TypeError, ValueError) as e:
        raise SourceError(f"ระเบียนไม่ใช่ JSON ที่ถูกต้อง ({e})",
                          f"the record is not valid JSON ({e})") from None
    if not isinstance(pkg, dict):
        raise SourceError("ระเบียนไม่ใช่ออบเจ็กต์ JSON", "the record is not a JSON object")
    return pkg


def original_url(source_url: str, guid: str) -> str | None:
    """The record's own page: its URI when it is a web address."""
    return guid if str(guid).startswith(("http://", "https://")) else None
