"""Queries that read an index instead of every row (migration e5f7a9b1c3d4): tokenised
fields from the per-field word vector, autocomplete and wildcards from trigram indexes,
``*_date`` fields from the date table, an OR over both tables split per table.  The
results must be what the per-row expressions gave (and, for Thai tokenised fields, what
text search gives: whole words and parts of compounds, never the inside of a word)."""
import os

import ckan.model as model
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.search import model as search_model

PREVIOUS_REVISION = "d4e6f8a0b2c3"


def found(q=None, **params):
    if q is not None:
        params["q"] = q
    result = call_action("package_search", rows=100, **params)
    return sorted(d["name"] for d in result["results"])


def autocomplete(q):
    return sorted(d["name"] for d in call_action("package_autocomplete", q=q, limit=20))


@pytest.mark.ckan_config("ckan.plugins", "provincialstats_search")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestIndexedFields:
    @pytest.fixture
    def datasets(self):
        return {d["name"]: d for d in [
            factories.Dataset(
                name="thai-agri", title="สถิติการผลิตมังคุดจังหวัดจันทบุรี",
                author="สำนักงานเกษตรจังหวัดจันทบุรี",
                extras=[{"key": "source_agency", "value": "กรมส่งเสริมการเกษตร"},
                        {"key": "last_updated_date", "value": "2024-03-01T10:00:00"}]),
            factories.Dataset(
                name="thai-health", title="ผู้ป่วยโรคไข้เลือดออก",
                notes="ข้อมูลเกษตร", author="สำนักงานสาธารณสุขจังหวัดระยอง",
                extras=[{"key": "last_updated_date", "value": "2022-01-15"}]),
            factories.Dataset(
                name="rubber", title="Rubber prices", author="ผู้ผลิตยางพารา",
                extras=[{"key": "last_updated_date", "value": "not a date"}]),
            factories.Dataset(
                name="durian-yields", title="Mangosteen and durian harvest",
                author="Provincial Statistical Office of Rayong",
                resources=[{"name": "Durian yields XLSX", "url": "http://x.org/a.xlsx"}]),
        ]}

    @pytest.mark.parametrize("q, expected", [
        ("author:เกษตร", ["thai-agri"]),  # a word of the author, not of the notes
        ("author:จันทบุรี", ["thai-agri"]),
        ("author:สำนักงานเกษตร", ["thai-agri"]),  # two words in a row
        ("author:ยางพารา", ["rubber"]),
        ("author:ยา", []),  # inside ยางพารา: never the inside of a word
        ("author:ระยอง", ["thai-health"]),
        ("author:rayong", ["durian-yields"]),
        ("author:statistical", ["durian-yields"]),
        ("author:statistics", ["durian-yields"]),  # stemmed as before
        ('author:"statistical office"', ["durian-yields"]),
        ('author:"office statistical"', []),
        ("author:stat*", ["durian-yields"]),
        ("maintainer:statistical", []),  # another field's words
        ("res_name:xlsx", ["durian-yields"]),
        ('res_name:"durian yields"', ["durian-yields"]),
        ("extras_source_agency:ส่งเสริม", ["thai-agri"]),
        ("author:เกษตร OR author:rayong", ["durian-yields", "thai-agri"]),
        ("author:เกษตร -title:มังคุด", []),
    ])
    def test_tokenised_fields(self, datasets, q, expected):
        assert found(q) == expected

    def test_tokenised_field_follows_updates(self, datasets):
        call_action("package_patch", id="durian-yields", author="Somchai")
        assert found("author:statistical") == []
        assert found("author:somchai") == ["durian-yields"]

    @pytest.mark.parametrize("q, expected", [
        ("ngost", ["durian-yields"]),  # inside a title word
        ("ian-yi", ["durian-yields"]),  # inside a name
        ("ผลิตมัง", ["thai-agri"]),  # across Thai words of a title
        ("ไข้เลือด", ["thai-health"]),
        ("rubber", ["rubber"]),
        ("xyzzy", []),
    ])
    def test_autocomplete_substrings(self, datasets, q, expected):
        assert autocomplete(q) == expected

    def test_wildcards_match_substrings_of_the_title(self, datasets):
        titles = {name: d["title"].lower() for name, d in datasets.items()}
        for pattern in ("ngost", "ice", "มังคุด", "ป่วย"):
            expected = sorted(n for n, t in titles.items() if pattern in t)
            assert found("title:*%s*" % pattern) == expected, pattern

    def test_or_over_both_tables(self, datasets):
        # name (narrow table) OR title words (doc table)
        assert found("name:rubber OR title:mangosteen") == ["durian-yields", "rubber"]
        assert found("name:rubber OR title:mangosteen", fq="author:rayong") == [
            "durian-yields"]
        assert found("name_ngram:ubbe OR title:มังคุด") == ["rubber", "thai-agri"]
        assert found("-(name:rubber OR title:mangosteen)", fq="name:*") == [
            "thai-agri", "thai-health"]

    def test_date_fields(self, datasets):
        assert found(fq="last_updated_date:[* TO *]") == ["thai-agri", "thai-health"]
        assert found(fq="last_updated_date:[2023-01-01T00:00:00Z TO *]") == ["thai-agri"]
        assert found(fq='last_updated_date:"2022-01-15T00:00:00Z"') == ["thai-health"]
        result = call_action("package_search", sort="last_updated_date desc", rows=10)
        names = [d["name"] for d in result["results"]]
        assert names[:2] == ["thai-agri", "thai-health"]
        assert sorted(names[2:]) == ["durian-yields", "rubber"]
        call_action("package_patch", id="thai-agri",
                    extras=[{"key": "last_updated_date", "value": "2020-05-05"}])
        assert found(fq="last_updated_date:[2023-01-01T00:00:00Z TO *]") == []
        call_action("package_patch", id="thai-agri", extras=[])
        assert found(fq="last_updated_date:[* TO *]") == ["thai-health"]

    @pytest.mark.parametrize("direction", ["desc", "asc"])
    def test_date_sort_pages(self, datasets, direction):
        """Page by page (the dated datasets from the date index, then those without a
        date by id, NULLS LAST as Solr sorts): the same order as the whole list, which is
        the dates' order then the ids'."""
        factories.Dataset(name="late", extras=[
            {"key": "last_updated_date", "value": "2024-03-01T10:00:00"}])  # a tie
        result = call_action("package_search", sort="last_updated_date " + direction,
                             rows=100)
        whole = [(d["name"], {e["key"]: e["value"] for e in d["extras"]}.get(
            "last_updated_date"), d["id"]) for d in result["results"]]
        dated = sorted((w for w in whole if w[1]), key=lambda w: w[2])
        dated.sort(key=lambda w: w[1][:19], reverse=direction == "desc")
        undated = sorted((w for w in whole if not w[1] or w[1] == "not a date"),
                         key=lambda w: w[2])
        dated = [w for w in dated if w[1] != "not a date"]
        assert [w[0] for w in whole] == [w[0] for w in dated + undated]
        assert len(dated) == 3 and len(undated) == 2
        for rows in (1, 2, 3):
            paged = []
            for start in range(0, len(whole), rows):
                paged += [d["name"] for d in call_action(
                    "package_search", sort="last_updated_date " + direction, rows=rows,
                    start=start)["results"]]
            assert paged == [w[0] for w in whole], rows

    def test_migration_fills_an_existing_index(self, datasets):
        """Down to the revision before, up again: the field vectors and dates are
        rebuilt from the stored fields, with Thai segmented."""
        directory = search_model.migration_directory()
        config = Config(os.path.join(directory, "alembic.ini"))
        config.set_main_option("script_location", directory)
        config.set_main_option("sqlalchemy.url", model.meta.engine.url.render_as_string(
            hide_password=False).replace("%", "%%"))
        model.Session.remove()
        command.downgrade(config, PREVIOUS_REVISION)
        with model.meta.engine.connect() as connection:
            assert not sa.inspect(connection).has_table(search_model.DATE_TABLE)
        command.upgrade(config, "head")
        assert found("author:เกษตร") == ["thai-agri"]
        assert found("res_name:xlsx") == ["durian-yields"]
        assert found(fq="last_updated_date:[2023-01-01T00:00:00Z TO *]") == ["thai-agri"]
