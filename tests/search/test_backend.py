"""package_search and friends on the PostgreSQL backend, with no Solr anywhere."""
import json

import ckan.lib.search as search
import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.search import backend, extra_fields

DURIAN = "สถิติการผลิตทุเรียนจังหวัดจันทบุรี"
MANGOSTEEN = "ข้อมูลการผลิตมังคุดจังหวัดระยอง"


def names(result):
    return sorted(d["name"] for d in result["results"])


def search_as(user, **params):
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    return call_action("package_search", context=context, **params)


@pytest.mark.ckan_config("ckan.plugins", "provincialstats_search")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestThai:
    @pytest.fixture
    def datasets(self):
        return {
            # notes set: the factory's default is random English words (Faker), which
            # now and then contain the words the English tests look for
            "durian": factories.Dataset(name="durian", title=DURIAN, notes=""),
            "mangosteen": factories.Dataset(name="mangosteen", title=MANGOSTEEN, notes=""),
            "english": factories.Dataset(name="english", title="Rice production surveys",
                                         notes="Yearly figures by district"),
        }

    @pytest.mark.parametrize("q, found", [
        ("ทุเรียน", ["durian"]),
        ("จันทบุรี", ["durian"]),
        ("ทุเรียน จันทบุรี", ["durian"]),
        ("ทุเรียนจันทบุรี", ["durian"]),
        ("ทุเรียน ระยอง", []),
        ("การผลิต", ["durian", "mangosteen"]),
        ("title:มังคุด", ["mangosteen"]),
        ("ลำไย", []),
    ])
    def test_thai_words_from_the_middle_of_a_title(self, datasets, q, found):
        assert names(call_action("package_search", q=q)) == found

    @pytest.mark.parametrize("q", ["product", "productions", "SURVEY", "districts"])
    def test_english_words_are_stemmed(self, datasets, q):
        assert names(call_action("package_search", q=q)) == ["english"]

    def test_autocomplete_finds_thai_and_english(self, datasets):
        assert [d["name"] for d in call_action("package_autocomplete", q="มังคุด")] == [
            "mangosteen"]
        assert [d["name"] for d in call_action("package_autocomplete", q="engl")] == [
            "english"]


@pytest.mark.ckan_config("ckanext.provincialstats.search.multivalued_fields",
                         "province strategic_issue stat_sector")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestFacetsAndFilters:
    @pytest.fixture
    def catalogue(self):
        orgs = [factories.Organization(name="org-%d" % i) for i in range(3)]
        provinces = [["TH-22"], ["TH-22", "TH-50"], ["TH-10"], []]
        for i in range(14):
            factories.Dataset(
                name="ds-%02d" % i, owner_org=orgs[i % 3]["id"],
                tags=[{"name": "tag-%d" % (i % 4)}, {"name": "all"}],
                extras=[{"key": "province", "value": json.dumps(provinces[i % 4])}],
                resources=[{"url": "http://x/%d.csv" % i, "format": ["CSV", "XLSX"][i % 2]}],
            )

    @pytest.mark.parametrize("field", ["tags", "organization", "res_format", "province"])
    def test_facet_counts_equal_counts_made_by_filtering(self, catalogue, field):
        result = call_action("package_search", **{"facet.field": [field], "rows": 0})
        facet = result["facets"][field]
        assert facet, field
        for value, count in facet.items():
            filtered = call_action("package_search", fq='%s:"%s"' % (field, value), rows=0)
            assert filtered["count"] == count, (field, value)

    def test_province_filter_and_facet(self, catalogue):
        result = call_action("package_search", fq="province:TH-22",
                             **{"facet.field": ["province"]})
        assert result["count"] == 8
        assert result["facets"]["province"] == {"TH-22": 8, "TH-50": 4}

    def test_facet_limit_and_mincount(self, catalogue):
        result = call_action("package_search", **{
            "facet.field": ["tags"], "facet.limit": 2, "facet.mincount": 4, "rows": 0})
        assert result["facets"]["tags"] == {"all": 14, "tag-0": 4}

    def test_paging_covers_every_match_once_in_order(self, catalogue):
        seen = []
        for start in (0, 5, 10):
            page = call_action("package_search", sort="name asc", rows=5, start=start)
            seen += [d["name"] for d in page["results"]]
        assert seen == ["ds-%02d" % i for i in range(14)]

    def test_boolean_query(self, catalogue):
        result = call_action("package_search",
                             q="tags:tag-1 OR tags:tag-2", fq="-organization:org-1")
        assert names(result) == ["ds-02", "ds-05", "ds-06", "ds-09"]

    def test_organization_page_counts(self, catalogue):
        orgs = call_action("organization_list", all_fields=True)
        assert {o["name"]: o["package_count"] for o in orgs} == {
            "org-0": 5, "org-1": 5, "org-2": 4}


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestSortingAndDates:
    def test_sort_options_of_the_dataset_page(self):
        factories.Dataset(name="bb", title="Beta")
        factories.Dataset(name="aa", title="Alpha")
        factories.Dataset(name="cc", title="Gamma")
        by_title = call_action("package_search", sort="title_string asc")
        assert [d["name"] for d in by_title["results"]] == ["aa", "bb", "cc"]
        by_name = call_action("package_search", sort="name desc")
        assert [d["name"] for d in by_name["results"]] == ["cc", "bb", "aa"]
        newest = call_action("package_search", sort="metadata_modified desc")
        assert [d["name"] for d in newest["results"]] == ["cc", "aa", "bb"]

    def test_relevance_title_above_tags_above_description(self):
        factories.Dataset(name="in-notes", notes="durian orchards")
        factories.Dataset(name="in-title", title="Durian orchards")
        factories.Dataset(name="in-tags", tags=[{"name": "durian"}])
        result = call_action("package_search", q="durian")
        assert [d["name"] for d in result["results"]] == ["in-title", "in-tags", "in-notes"]

    def test_date_ranges_with_now_and_dcat_style_dates(self):
        factories.Dataset(name="recent")
        assert call_action("package_search",
                           fq="metadata_modified:[NOW-1DAY TO NOW]")["count"] == 1
        assert call_action("package_search",
                           fq="metadata_modified:[* TO NOW-1DAY]")["count"] == 0
        assert call_action("package_search", fq="metadata_modified:"
                           "[2020-01-01T00:00:00+00:00Z TO NOW]")["count"] == 1


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestPermissions:
    def test_private_dataset_only_for_its_organization(self):
        editor, outsider = factories.User(), factories.User()
        org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
        factories.Dataset(name="secret", owner_org=org["id"], private=True)
        factories.Dataset(name="open", owner_org=org["id"])

        assert names(search_as(None, include_private=True)) == ["open"]
        assert names(search_as(outsider, include_private=True)) == ["open"]
        assert names(search_as(editor, include_private=True)) == ["open", "secret"]
        assert names(search_as(editor)) == ["open"]

    def test_drafts_only_when_asked_for_and_allowed(self):
        user = factories.User()
        factories.Dataset(name="draft", state="draft", user=user)
        assert search_as(user)["count"] == 0
        assert names(search_as(user, include_drafts=True)) == ["draft"]
        assert search_as(None, include_drafts=True)["count"] == 0


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestApi:
    def test_unsupported_syntax_is_a_search_query_error(self, app):
        response = app.get("/api/3/action/package_search", params={"q": "title:durian~2"},
                           status=400)
        error = response.json["error"]
        assert error["__type"] == "Search Query Error"
        assert "fuzzy" in error["message"]

    def test_dataset_page_and_organization_page(self, app):
        org = factories.Organization(name="nso")
        factories.Dataset(title=DURIAN, owner_org=org["id"])
        assert DURIAN in app.get("/dataset/", params={"q": "ทุเรียน"}).body
        assert DURIAN in app.get("/organization/nso").body


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestIndexMaintenance:
    def test_rebuild_restores_search_after_the_table_is_emptied(self, cli):
        factories.Dataset(name="kept", title=DURIAN)
        model.Session.execute(sa.text("DELETE FROM provincialstats_search_index"))
        model.Session.commit()
        assert call_action("package_search", q="ทุเรียน")["count"] == 0

        result = cli.invoke(ckan_command, ["search-index", "rebuild", "-q"])
        assert result.exit_code == 0, result.output
        assert names(call_action("package_search", q="ทุเรียน")) == ["kept"]

    def test_package_show_reads_the_stored_dict(self):
        dataset = factories.Dataset(name="stored", title="Stored")
        stored = search.show("stored")
        assert json.loads(stored["validated_data_dict"])["id"] == dataset["id"]
        assert search.show(dataset["id"])["name"] == "stored"
        assert call_action("package_show", id="stored")["title"] == "Stored"

    def test_stored_dict_lookup_uses_an_index(self):
        model.Session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = model.Session.execute(sa.text(
            "EXPLAIN SELECT 1 FROM provincialstats_search_index i "
            "WHERE i.id = 'x' OR i.name = 'x'")).scalars().all()
        model.Session.rollback()
        assert "Seq Scan" not in "\n".join(plan)

    def test_new_dataset_is_indexed_once_with_its_resources(self, monkeypatch):
        # CKAN notifies a new dataset twice in its commit (new, then changed through its
        # new resources); the second write would only repeat the first.
        from ckanext.provincialstats.search import index

        written = []
        real_write = index.write
        monkeypatch.setattr(index, "write", lambda docs, *a, **kw: (
            written.extend(d["id"] for d in docs), real_write(docs, *a, **kw))[-1])
        dataset = factories.Dataset(name="once", resources=[
            {"url": "http://example.com/a.csv", "name": "ผลผลิตทุเรียน"},
            {"url": "http://example.com/b.csv", "name": "second"}])
        assert written == [dataset["id"]]
        assert names(call_action("package_search", q="res_name:ผลผลิตทุเรียน")) == ["once"]

        call_action("resource_create", package_id=dataset["id"],
                    url="http://example.com/c.csv", name="third")
        call_action("package_patch", id=dataset["id"], title="Edited")
        assert written == [dataset["id"]] * 3
        assert call_action("package_search", q="res_name:third title:Edited")["count"] == 1

    def test_deleted_dataset_leaves_search(self):
        dataset = factories.Dataset(name="gone", title="Gone soon")
        call_action("package_delete", id=dataset["id"])
        assert call_action("package_search", q="Gone")["count"] == 0

    def test_harvest_source_clear_connection_deletes_only_that_source(self):
        factories.Dataset(name="harvested", extras=[
            {"key": "harvest_source_id", "value": "source-1"}])
        factories.Dataset(name="curated")
        from ckanext.harvest.logic.action import update as harvest_update

        harvest_update.make_connection().delete(
            q='+harvest_source_id:"source-1" +site_id:"test.ckan.net"', commit=True)
        assert names(call_action("package_search")) == ["curated"]


@pytest.mark.ckan_config("ckanext.provincialstats.search_backend", "solr")
@pytest.mark.ckan_config("ckanext.provincialstats.search.multivalued_fields",
                         "province strategic_issue stat_sector")
@pytest.mark.usefixtures("with_plugins")
class TestSolrMode:
    def test_stock_solr_path_is_restored(self):
        import ckan.lib.search.common as common
        import pysolr

        assert not backend.is_installed()
        assert isinstance(common.make_connection(), pysolr.Solr)

    def test_multivalued_fields_go_to_vocab_fields(self):
        doc = extra_fields.before_dataset_index(
            {"id": "x", "province": '["TH-22", "TH-50"]', "stat_sector": "agriculture"})
        assert doc == {"id": "x", "vocab_province": ["TH-22", "TH-50"],
                       "vocab_stat_sector": ["agriculture"]}

    def test_queries_and_facets_use_the_vocab_fields(self):
        params = extra_fields.before_dataset_search({
            "q": 'province:TH-22 title:"province:TH-10"', "fq": "+strategic_issue:x",
            "facet.field": '["province", "tags"]'})
        assert params["q"] == 'vocab_province:TH-22 title:"province:TH-10"'
        assert params["fq"] == "+vocab_strategic_issue:x"
        assert params["facet.field"] == ["vocab_province", "tags"]
        results = extra_fields.after_dataset_search(
            {"facets": {"vocab_province": {"TH-22": 1}},
             "search_facets": {"vocab_province": {"title": "vocab_province", "items": []}}},
            params)
        assert results["facets"] == {"province": {"TH-22": 1}}
        assert results["search_facets"]["province"]["title"] == "province"
