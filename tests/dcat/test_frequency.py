"""Update frequencies as EU frequency authority table URIs (dct:accrualPeriodicity)."""
import pathlib

import pytest
import rdflib
from rdflib.namespace import SKOS

from ckanext.provincialstats import vocab
from ckanext.provincialstats.dcat import concepts

EU = "http://publications.europa.eu/resource/authority/frequency/"
SCHEME = rdflib.URIRef(EU.rstrip("/"))
REFERENCE = pathlib.Path(__file__).resolve().parents[3] / "shared" / "reference"


def schema_units():
    return [c["value"] for c in vocab.choices("gdc_update_frequency_unit")]


def mapped(unit, interval):
    uri = concepts.frequency_uri(unit, interval)
    assert uri is not None and str(uri).startswith(EU), (unit, interval, uri)
    return str(uri)[len(EU):]


def authority_codes():
    """Codes of the EU frequency table, from a SKOS copy of it under ../shared/reference
    (any RDF file whose concepts are ``skos:inScheme`` the frequency scheme)."""
    codes = set()
    if REFERENCE.exists():
        for path in REFERENCE.rglob("*"):
            if path.suffix not in (".rdf", ".ttl", ".xml", ".nt", ".jsonld") or \
                    "authority/frequency" not in path.read_text(errors="ignore"):
                continue
            try:
                g = rdflib.Graph().parse(path)
            except Exception:  # not RDF, or a format rdflib does not guess
                continue
            codes |= {str(c)[len(EU):] for c in g.subjects(SKOS.inScheme, SCHEME)}
    if not codes:
        pytest.skip("no copy of the EU frequency table in ../shared/reference")
    return codes


def test_every_unit_of_the_schema_maps_for_common_intervals():
    assert len(schema_units()) == 13
    for unit in schema_units():
        for interval in (None, "", 1, 2, 3, 7, 12, 99):
            mapped(unit, interval)


def test_codes_follow_the_tables_definitions():
    assert mapped("สัปดาห์", 2) == "BIWEEKLY"  # every two weeks, not twice a week
    assert mapped("เดือน", 2) == "BIMONTHLY"  # every two months
    assert mapped("เดือน", 4) == "ANNUAL_3"  # three times a year
    assert mapped("ครึ่งปี", 1) == mapped("เดือน", 6) == mapped("ไตรมาส", 2) == "ANNUAL_2"
    assert mapped("ชั่วโมง", 12) == "12HRS"
    assert mapped("นาที", 15) == "15MIN"
    assert mapped("นาที", 7) == "UPDATE_CONT"  # no code for every 7 minutes
    assert mapped("ปี", 7) == "OTHER"
    assert mapped("ตามเวลาจริง", None) == "UPDATE_CONT"
    assert mapped("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", None) == "NEVER"


def test_a_code_read_back_gives_a_frequency_that_maps_to_the_same_code():
    for code, (unit, interval) in concepts._FREQUENCY_BACK.items():
        assert unit in schema_units(), code
        if code not in ("CONT", "IRREG"):  # read as the nearest value, not written
            assert mapped(unit, interval) == code, (code, unit, interval)


def test_every_code_used_is_in_the_authority_table():
    codes = authority_codes()
    used = {mapped(unit, interval) for unit in schema_units()
            for interval in [None] + list(range(1, 61))}
    used |= set(concepts._FREQUENCY_BACK)
    assert used <= codes, sorted(used - codes)
