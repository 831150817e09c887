"""The catalogue node of a catalogue page: the site's, or a province's own.

A province's catalogue (``/province/<name>/catalog.<fmt>``) is a ``dcat:Catalog`` of its
own, ``{base}/province/<slug>/catalog`` (that URI answers 303 to the document in the
format asked): Thai and English titles and descriptions naming the province,
``dct:spatial`` the province's concept of ``/vocab/provinces``, ``foaf:homepage`` the
province page, the site catalogue's publisher, languages and theme taxonomies, and
``dct:isPartOf`` the site's catalogue (which the document also describes, with
``dct:hasPart`` back, so that both nodes are complete DCAT-AP catalogues). Its
``dcat:dataset`` links are the page's datasets; the hydra paging is the province
catalogue's own.
"""
from __future__ import annotations

from rdflib import Literal, URIRef

from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles import DCAT, DCT, FOAF, RDF
from ckanext.provincialstats.dcat import concepts

# Properties of the site catalogue that a province's catalogue shares.
_SHARED = (DCT.publisher, DCT.language, DCAT.themeTaxonomy, DCT.license, DCT.rights)


def province_catalog_uri(province: dict) -> URIRef:
    return URIRef(f"{concepts.base()}/province/{province['slug']}/catalog")


def _names(province: dict) -> tuple[str, str]:
    """"จังหวัดจันทบุรี", "Chanthaburi province"; Bangkok is not a จังหวัด."""
    if province["iso_code"] == "TH-10":
        return province["name_th"], province["name_en"]
    return f"จังหวัด{province['name_th']}", f"{province['name_en']} province"


def head(serializer: RDFSerializer, province: dict | None) -> URIRef:
    """Add the catalogue node(s) to ``serializer.g``; the node the page's datasets
    belong to."""
    site = serializer.graph_from_catalog({})
    if province is None:
        return site
    g = serializer.g
    ref = province_catalog_uri(province)
    g.add((ref, RDF.type, DCAT.Catalog))
    th, en = _names(province)
    g.add((ref, DCT.title, Literal(f"บัญชีข้อมูล{th}", lang="th")))
    g.add((ref, DCT.title, Literal(f"{en} data catalogue", lang="en")))
    g.add((ref, DCT.description, Literal(
        f"ชุดข้อมูลเกี่ยวกับ{th} ({province['iso_code']}) ในบัญชีข้อมูลนี้", lang="th")))
    g.add((ref, DCT.description, Literal(
        f"The datasets of this catalogue about {en} ({province['iso_code']}).",
        lang="en")))
    spatial = concepts.add_province(g, province["iso_code"], with_region=False)
    g.add((ref, DCT.spatial, spatial))
    homepage = URIRef(f"{concepts.base()}/province/{province['slug']}")
    g.add((ref, FOAF.homepage, homepage))
    g.add((homepage, RDF.type, FOAF.Document))
    for predicate in _SHARED:
        for value in g.objects(site, predicate):
            g.add((ref, predicate, value))
    g.add((ref, DCT.isPartOf, site))
    g.add((site, DCT.hasPart, ref))
    return ref
