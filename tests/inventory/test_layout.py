"""The inventory layout names every input field of the dataset schema, with its Thai
label, once."""
import os

import pytest
import yaml

from ckanext.provincialstats.inventory import layout

SCHEMA = os.path.join(os.path.dirname(__file__), "..", "..", "schemas", "dataset.yaml")
DERIVED = {"first_year_ce", "last_year_ce", "num_years"}


def _schema_fields():
    with open(SCHEMA, encoding="utf-8") as f:
        return yaml.safe_load(f)["dataset_fields"]


def test_every_input_field_is_a_column_with_its_schema_labels():
    fields = {f["field_name"]: f for f in _schema_fields() if f["field_name"] not in DERIVED}
    assert set(layout.FIELDS) == set(fields)
    for field, th, en in layout.COLUMNS:
        if field == "name":  # its schema label "URL" is the url field's too
            continue
        assert (th, en) == (fields[field]["label"]["th"], fields[field]["label"]["en"])


def test_headers_are_unique_and_read_back_in_any_language():
    assert len(set(layout.THAI_HEADERS)) == len(layout.COLUMNS)
    for field, th, en in layout.COLUMNS:
        assert layout.field_for_header(f" {th} ") == field
        assert layout.field_for_header(en.upper()) == field
        assert layout.field_for_header(field) == field
    assert layout.field_for_header("ไม่มีคอลัมน์นี้") is None


def test_the_spreadsheet_harvester_reads_every_header_back():
    """The harvester (harvest/sources/sheet.py) maps each inventory header to the field
    (``owner_org`` comes back as the publisher, which the mapping resolves)."""
    sheet = pytest.importorskip("ckanext.provincialstats.harvest.sources.sheet")
    for field, th, en in layout.COLUMNS:
        expected = "publisher_name" if field == "owner_org" else field
        assert sheet.column_key(th) == expected, th
        assert sheet.column_key(en) == expected, en
