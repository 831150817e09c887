"""The SKOS concept schemes the catalogue publishes (provinces with their regions,
statistical sectors, strategic issues), their URIs, and the mappings of the catalogue's
own codes to the EU vocabularies DCAT-AP expects (frequency, language, data theme, file
type, access right).

URIs hang off the catalogue's base URI (``ckanext.dcat.base_uri``, else
``ckan.site_url``): ``{base}/vocab/provinces/TH-22``, ``{base}/vocab/regions/east``,
``{base}/vocab/stat-sectors/11``, ``{base}/vocab/strategic-issues/<name>``; each scheme
is ``{base}/vocab/<scheme>`` and its document ``{base}/vocab/<scheme>.ttl`` (also
``.rdf``, ``.jsonld``). The parser reads them back from any base, so a feed of another
catalogue running this extension is understood too.
"""
from __future__ import annotations

import contextlib
import contextvars
import re
from typing import Iterator

from ckan import model
from rdflib import Graph, Literal, URIRef

from ckanext.dcat.profiles import DCT, RDF, SKOS
from ckanext.dcat.utils import catalog_uri
from ckanext.provincialstats import vocab

EU = "http://publications.europa.eu/resource/authority/"
FREQUENCY_SCHEME = URIRef(EU + "frequency")
LANGUAGE_SCHEME = URIRef(EU + "language")
DATA_THEME_SCHEME = URIRef(EU + "data-theme")
FILE_TYPE_SCHEME = URIRef(EU + "file-type")
ACCESS_RIGHT_SCHEME = URIRef(EU + "access-right")

SCHEMES = ("provinces", "stat-sectors", "strategic-issues")


_BASE: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "provincialstats_dcat_base", default=None)


def base() -> str:
    fixed = _BASE.get()
    return fixed if fixed is not None else catalog_uri().rstrip("/")


@contextlib.contextmanager
def fixed_base() -> Iterator[str]:
    """Within the block :func:`base` is read once (ckanext-dcat's ``catalog_uri`` reads
    the config and asks every plugin each time; a page's chunks ask it thousands of
    times)."""
    token = _BASE.set(catalog_uri().rstrip("/"))
    try:
        yield _BASE.get()
    finally:
        _BASE.reset(token)


def scheme_uri(scheme: str) -> URIRef:
    return URIRef(f"{base()}/vocab/{scheme}")


def province_uri(code: str) -> URIRef:
    return URIRef(f"{base()}/vocab/provinces/{code}")


def region_uri(code: str) -> URIRef:
    return URIRef(f"{base()}/vocab/regions/{code}")


def sector_uri(code: str) -> URIRef:
    return URIRef(f"{base()}/vocab/stat-sectors/{code}")


def issue_uri(name: str) -> URIRef:
    return URIRef(f"{base()}/vocab/strategic-issues/{name}")


_CONCEPT = re.compile(r"/vocab/(provinces|stat-sectors|strategic-issues)/([^/#?]+)$")


def concept_of(uri) -> tuple[str, str] | None:
    """``(scheme, code)`` of a concept URI of this extension (any catalogue's base)."""
    match = _CONCEPT.search(str(uri))
    return (match.group(1), match.group(2)) if match else None


# --- EU vocabularies --------------------------------------------------------------

# (GD Catalog update_frequency_unit, interval) -> EU frequency code. A unit with any
# other interval maps to the unit's entry under None, if any, else OTHER. Codes of the
# Publications Office's frequency table (http://publications.europa.eu/resource/
# authority/frequency), by its definitions: BIWEEKLY is every two weeks and BIMONTHLY
# every two months (twice a week / a month are WEEKLY_2 / MONTHLY_2), ANNUAL_2 twice a
# year, ANNUAL_3 three times a year, 12HRS every twelve hours, 1MIN ... 30MIN every so
# many minutes, UPDATE_CONT continuously updated, NEVER not updated.
_FREQUENCIES = {
    ("ปี", 1): "ANNUAL", ("ปี", 2): "BIENNIAL", ("ปี", 3): "TRIENNIAL",
    ("ปี", 4): "QUADRENNIAL", ("ปี", 5): "QUINQUENNIAL", ("ปี", 10): "DECENNIAL",
    ("ปี", 20): "BIDECENNIAL", ("ปี", 30): "TRIDECENNIAL",
    ("ครึ่งปี", 1): "ANNUAL_2", ("ครึ่งปี", 2): "ANNUAL",
    ("ไตรมาส", 1): "QUARTERLY", ("ไตรมาส", 2): "ANNUAL_2", ("ไตรมาส", 4): "ANNUAL",
    ("ไตรมาส", 8): "BIENNIAL",
    ("เดือน", 1): "MONTHLY", ("เดือน", 2): "BIMONTHLY", ("เดือน", 3): "QUARTERLY",
    ("เดือน", 4): "ANNUAL_3", ("เดือน", 6): "ANNUAL_2", ("เดือน", 12): "ANNUAL",
    ("เดือน", 24): "BIENNIAL",
    ("สัปดาห์", 1): "WEEKLY", ("สัปดาห์", 2): "BIWEEKLY",
    ("วัน", 1): "DAILY", ("วัน", 7): "WEEKLY", ("วัน", 14): "BIWEEKLY",
    ("วันทำการ", 1): "DAILY", ("วันทำการ", 5): "WEEKLY",
    ("ชั่วโมง", 1): "HOURLY", ("ชั่วโมง", 2): "BIHOURLY", ("ชั่วโมง", 3): "TRIHOURLY",
    ("ชั่วโมง", 12): "12HRS", ("ชั่วโมง", 24): "DAILY",
    ("นาที", 1): "1MIN", ("นาที", 5): "5MIN", ("นาที", 10): "10MIN",
    ("นาที", 15): "15MIN", ("นาที", 30): "30MIN", ("นาที", 60): "HOURLY",
    ("นาที", None): "UPDATE_CONT", ("ตามเวลาจริง", None): "UPDATE_CONT",
    ("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", None): "NEVER",
    ("ไม่ทราบ", None): "UNKNOWN", ("อื่นๆ", None): "OTHER",
}
# EU code -> (unit, interval), for feeds that carry only the EU frequency.
_FREQUENCY_BACK = {
    "ANNUAL": ("ปี", 1), "BIENNIAL": ("ปี", 2), "TRIENNIAL": ("ปี", 3),
    "QUADRENNIAL": ("ปี", 4), "QUINQUENNIAL": ("ปี", 5), "DECENNIAL": ("ปี", 10),
    "BIDECENNIAL": ("ปี", 20), "TRIDECENNIAL": ("ปี", 30),
    "ANNUAL_2": ("ครึ่งปี", 1), "ANNUAL_3": ("เดือน", 4), "QUARTERLY": ("ไตรมาส", 1),
    "MONTHLY": ("เดือน", 1), "BIMONTHLY": ("เดือน", 2), "WEEKLY": ("สัปดาห์", 1),
    "BIWEEKLY": ("สัปดาห์", 2), "DAILY": ("วัน", 1), "HOURLY": ("ชั่วโมง", 1),
    "BIHOURLY": ("ชั่วโมง", 2), "TRIHOURLY": ("ชั่วโมง", 3), "12HRS": ("ชั่วโมง", 12),
    "1MIN": ("นาที", 1), "5MIN": ("นาที", 5), "10MIN": ("นาที", 10),
    "15MIN": ("นาที", 15), "30MIN": ("นาที", 30),
    "UPDATE_CONT": ("ตามเวลาจริง", None), "CONT": ("ตามเวลาจริง", None),
    "NEVER": ("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", None),
    "UNKNOWN": ("ไม่ทราบ", None), "OTHER": ("อื่นๆ", None), "IRREG": ("อื่นๆ", None),
}

def frequency_uri(unit: str | None, interval) -> URIRef | None:
    """The EU frequency of a GD Catalog unit and interval (None without a unit)."""
    if not unit:
        return None
    try:
        number = int(interval) if interval not in (None, "") else 1
    except (TypeError, ValueError):
        number = 1
    code = _FREQUENCIES.get((unit, number)) or _FREQUENCIES.get((unit, None)) or "OTHER"
    return URIRef(f"{EU}frequency/{code}")


def frequency_fields(uri) -> tuple[str, int | None] | None:
    """``(unit, interval)`` of an EU frequency URI, or None."""
    text = str(uri)
    if not text.startswith(EU + "frequency/"):
        return None
    return _FREQUENCY_BACK.get(text.rsplit("/", 1)[1])


# GD Catalog data_language -> EU language (ISO 639-3 based) code.
LANGUAGES = {
    "ไทย": "THA", "อังกฤษ": "ENG", "จีน": "ZHO", "มลายู": "MSA", "พม่า": "MYA",
    "ลาว": "LAO", "เขมร": "KHM", "ญี่ปุ่น": "JPN", "เกาหลี": "KOR", "ฝรั่งเศส": "FRA",
    "เยอรมัน": "DEU", "อารบิก": "ARA", "เวียดนาม": "VIE", "รัสเซีย": "RUS",
    "สเปน": "SPA",
}
_LANGUAGE_BACK = {code: name for name, code in LANGUAGES.items()}


def language_uri(value: str) -> URIRef | None:
    code = LANGUAGES.get(value)
    return URIRef(f"{EU}language/{code}") if code else None


def language_value(uri) -> str | None:
    text = str(uri)
    if not text.startswith(EU + "language/"):
        return None
    return _LANGUAGE_BACK.get(text.rsplit("/", 1)[1])


# NSO statistical sector -> EU data theme (so DCAT-AP portals can file the dataset).
SECTOR_THEMES = {
    "01": "SOCI", "02": "ECON", "03": "EDUC", "04": "EDUC", "05": "HEAL", "06": "SOCI",
    "07": "SOCI", "08": "ECON", "09": "JUST", "10": "ECON", "11": "AGRI", "12": "ECON",
    "13": "ENER", "14": "ECON", "15": "TRAN", "16": "TECH", "17": "ECON", "18": "ECON",
    "19": "GOVE", "20": "TECH", "21": "ENVI",
}
DATA_THEME_LABELS = {
    "AGRI": "Agriculture, fisheries, forestry and food", "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport", "ENER": "Energy", "ENVI": "Environment",
    "GOVE": "Government and public sector", "HEAL": "Health",
    "JUST": "Justice, legal system and public safety", "SOCI": "Population and society",
    "TECH": "Science and technology", "TRAN": "Transport",
}

# GD Catalog data_category -> EU access right.
ACCESS_RIGHTS = {
    "ข้อมูลสาธารณะ": "PUBLIC", "ข้อมูลใช้ภายใน": "RESTRICTED",
    "ข้อมูลส่วนบุคคล": "NON_PUBLIC", "ข้อมูลความมั่นคง": "NON_PUBLIC",
    "ข้อมูลความลับทางราชการ": "NON_PUBLIC",
}

# Resource format (as CKAN stores it, upper-cased) -> EU file type and IANA media type.
FILE_TYPES = {
    "CSV": ("CSV", "text/csv"), "XLSX": ("XLSX", None), "XLS": ("XLS", None),
    "JSON": ("JSON", "application/json"), "XML": ("XML", "application/xml"),
    "PDF": ("PDF", "application/pdf"), "HTML": ("HTML", "text/html"),
    "TXT": ("TXT", "text/plain"), "ZIP": ("ZIP", "application/zip"),
    "GEOJSON": ("GEOJSON", "application/geo+json"), "SHP": ("SHP", None),
    "KML": ("KML", None), "DOCX": ("DOCX", None), "DOC": ("DOC", None),
    "ODS": ("ODS", None), "RDF": ("RDF", "application/rdf+xml"),
    "TTL": ("RDF_TURTLE", "text/turtle"), "API": None,
}


def ckan_format(file_type: str) -> str:
    """The CKAN resource format of an EU file-type code (``RDF_TURTLE`` -> ``TTL``)."""
    for ckan, known in FILE_TYPES.items():
        if known and known[0] == file_type:
            return ckan
    return file_type


def add_eu_concept(g: Graph, uri: URIRef, scheme: URIRef, rdf_class=None,
                   label: str | None = None) -> None:
    """Type an EU authority concept and name its scheme in ``g``, as the EU
    vocabulary itself says, so a validator needs no copy of the vocabulary. Typed
    ``skos:Concept`` only with a label (DCAT-AP requires a concept's ``skos:prefLabel``)."""
    g.add((uri, SKOS.inScheme, scheme))
    if rdf_class is not None:
        g.add((uri, RDF.type, rdf_class))
    if label:
        g.add((uri, RDF.type, SKOS.Concept))
        g.add((uri, SKOS.prefLabel, Literal(label, lang="en")))


# --- The schemes --------------------------------------------------------------------

def _scheme(g: Graph, scheme: str, title_th: str, title_en: str) -> URIRef:
    ref = scheme_uri(scheme)
    g.add((ref, RDF.type, SKOS.ConceptScheme))
    g.add((ref, DCT.title, Literal(title_th, lang="th")))
    g.add((ref, DCT.title, Literal(title_en, lang="en")))
    g.add((ref, SKOS.prefLabel, Literal(title_th, lang="th")))
    g.add((ref, SKOS.prefLabel, Literal(title_en, lang="en")))
    return ref


def add_province(g: Graph, code: str, with_region: bool = True) -> URIRef | None:
    """A province concept (also a ``dct:Location``) with its labels, code and region."""
    entry = vocab.province(code)
    if entry is None:
        return None
    ref = province_uri(entry["iso_code"])
    g.add((ref, RDF.type, SKOS.Concept))
    g.add((ref, RDF.type, DCT.Location))
    g.add((ref, SKOS.prefLabel, Literal(entry["name_th"], lang="th")))
    g.add((ref, SKOS.prefLabel, Literal(entry["name_en"], lang="en")))
    g.add((ref, SKOS.notation, Literal(entry["iso_code"])))
    g.add((ref, SKOS.inScheme, scheme_uri("provinces")))
    if with_region and entry.get("region"):
        g.add((ref, SKOS.broader, region_uri(entry["region"])))
    return ref


def provinces_graph() -> Graph:
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("dct", DCT)
    scheme = _scheme(g, "provinces", "จังหวัดของประเทศไทย",
                     "Provinces of Thailand (ISO 3166-2:TH)")
    for region in vocab.regions():
        ref = region_uri(region["value"])
        g.add((ref, RDF.type, SKOS.Concept))
        g.add((ref, SKOS.prefLabel, Literal(region["label"]["th"], lang="th")))
        g.add((ref, SKOS.prefLabel, Literal(region["label"]["en"], lang="en")))
        g.add((ref, SKOS.notation, Literal(region["value"])))
        g.add((ref, SKOS.inScheme, scheme))
        g.add((ref, SKOS.topConceptOf, scheme))
        g.add((scheme, SKOS.hasTopConcept, ref))
    for entry in vocab.provinces():
        ref = add_province(g, entry["iso_code"])
        g.add((region_uri(entry["region"]), SKOS.narrower, ref))
    return g


def add_sector(g: Graph, code: str) -> URIRef | None:
    code = vocab.normalise_sector_code(code)
    entry = next((s for s in vocab.stat_sectors() if s["value"] == code), None)
    if entry is None:
        return None
    ref = sector_uri(code)
    g.add((ref, RDF.type, SKOS.Concept))
    g.add((ref, SKOS.prefLabel, Literal(entry["label"]["th"], lang="th")))
    g.add((ref, SKOS.prefLabel, Literal(entry["label"]["en"], lang="en")))
    g.add((ref, SKOS.notation, Literal(code)))
    g.add((ref, SKOS.inScheme, scheme_uri("stat-sectors")))
    return ref


def stat_sectors_graph() -> Graph:
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("dct", DCT)
    scheme = _scheme(g, "stat-sectors", "สาขาสถิติ (สำนักงานสถิติแห่งชาติ)",
                     "Statistical sectors (National Statistical Office of Thailand)")
    for entry in vocab.stat_sectors():
        ref = add_sector(g, entry["value"])
        g.add((ref, SKOS.topConceptOf, scheme))
        g.add((scheme, SKOS.hasTopConcept, ref))
        theme = URIRef(f"{EU}data-theme/{SECTOR_THEMES[entry['value']]}")
        g.add((ref, SKOS.closeMatch, theme))
    return g


def strategic_issues() -> dict[str, dict]:
    """Every active strategic issue record: name -> title, title_en, province."""
    rows = (model.Session.query(model.Group)
            .filter(model.Group.type == "strategic_issue")
            .filter(model.Group.state == "active")
            .order_by(model.Group.name))
    return {g.name: {"title": g.title, "title_en": g.extras.get("title_en"),
                     "province": g.extras.get("province"),
                     "plan_period": g.extras.get("plan_period")}
            for g in rows}


def add_issue(g: Graph, name: str, record: dict | None) -> URIRef:
    ref = issue_uri(name)
    g.add((ref, RDF.type, SKOS.Concept))
    g.add((ref, SKOS.inScheme, scheme_uri("strategic-issues")))
    g.add((ref, SKOS.notation, Literal(name)))
    record = record or {}
    g.add((ref, SKOS.prefLabel, Literal(record.get("title") or name, lang="th")))
    if record.get("title_en"):
        g.add((ref, SKOS.prefLabel, Literal(record["title_en"], lang="en")))
    return ref


def strategic_issues_graph() -> Graph:
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("dct", DCT)
    scheme = _scheme(g, "strategic-issues", "ประเด็นยุทธศาสตร์ของจังหวัด",
                     "Provincial strategic issues")
    for name, record in strategic_issues().items():
        ref = add_issue(g, name, record)
        g.add((ref, SKOS.topConceptOf, scheme))
        g.add((scheme, SKOS.hasTopConcept, ref))
        if record.get("province") and vocab.province(record["province"]):
            g.add((ref, DCT.spatial, province_uri(vocab.province(record["province"])["iso_code"])))
        if record.get("plan_period"):
            g.add((ref, SKOS.note, Literal(f"แผนพัฒนาจังหวัด พ.ศ. {record['plan_period']}",
                                           lang="th")))
    return g


def scheme_graph(scheme: str) -> Graph | None:
    return {"provinces": provinces_graph, "stat-sectors": stat_sectors_graph,
            "strategic-issues": strategic_issues_graph}.get(scheme, lambda: None)()


def theme_taxonomies() -> list[URIRef]:
    return [scheme_uri(s) for s in ("stat-sectors", "strategic-issues")] + [DATA_THEME_SCHEME]

