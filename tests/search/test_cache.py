"""The search result cache: a repeated search is answered from Redis, and never with an
answer older than the index or meant for someone with other permissions."""
import contextlib
import threading

import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.tests import factories
from ckan.tests.helpers import call_action
from sqlalchemy import event

from ckanext.provincialstats.search import cache

FACETS = {"facet.field": ["organization", "tags", "res_format"]}


@contextlib.contextmanager
def searches_run():
    """How many search statements (the count/page/facet statement) reached PostgreSQL."""
    ran = []
    me = threading.get_ident()

    def record(conn, cursor, statement, *args):
        if threading.get_ident() == me and "AS hits" in statement:
            ran.append(statement)

    event.listen(model.meta.engine, "before_cursor_execute", record)
    try:
        yield lambda: len(ran)
    finally:
        event.remove(model.meta.engine, "before_cursor_execute", record)


@pytest.mark.ckan_config("ckanext.provincialstats.search.cache_min_ms", "0")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestSearchCache:
    @pytest.fixture
    def catalogue(self):
        org = factories.Organization(name="cache-org")
        for i in range(3):
            factories.Dataset(name="cached-%d" % i, owner_org=org["id"],
                              tags=[{"name": "rice"}],
                              resources=[{"url": "http://x/%d.csv" % i, "format": "CSV"}])
        return org

    def test_the_same_search_again_is_not_run_again(self, catalogue):
        with searches_run() as ran:
            first = call_action("package_search", q="rice", **FACETS)
            second = call_action("package_search", q="rice", **FACETS)
        assert ran() == 1
        assert second["count"] == first["count"] == 3
        assert second["facets"] == first["facets"]
        assert [d["name"] for d in second["results"]] == [d["name"] for d in first["results"]]

    def test_a_search_of_the_same_shape_with_other_words_is_its_own(self, catalogue):
        factories.Dataset(name="durian-only", tags=[{"name": "durian"}])
        assert call_action("package_search", q="tags:rice")["count"] == 3
        result = call_action("package_search", q="tags:durian")
        assert [d["name"] for d in result["results"]] == ["durian-only"]

    def test_an_edit_is_seen_by_the_next_search(self, catalogue):
        call_action("package_search", **FACETS)
        dataset = call_action("package_show", id="cached-0")
        call_action("package_patch", id=dataset["id"], tags=[{"name": "durian"}])
        with searches_run() as ran:
            after = call_action("package_search", **FACETS)
        assert ran() == 1
        assert after["facets"]["tags"] == {"rice": 2, "durian": 1}

    def test_a_deleted_dataset_leaves_the_next_answer(self, catalogue):
        assert call_action("package_search", q="rice")["count"] == 3
        call_action("package_delete", id="cached-1")
        result = call_action("package_search", q="rice")
        assert result["count"] == 2
        assert "cached-1" not in [d["name"] for d in result["results"]]

    def test_a_member_s_answer_is_not_given_to_a_visitor(self, catalogue):
        member = factories.User()
        call_action("organization_member_create", id=catalogue["id"],
                    username=member["name"], role="editor")
        factories.Dataset(name="private-rice", owner_org=catalogue["id"], private=True,
                          tags=[{"name": "rice"}])
        as_member = call_action(
            "package_search", context={"user": member["name"], "ignore_auth": False},
            q="rice", include_private=True)
        as_visitor = call_action(
            "package_search", context={"user": "", "ignore_auth": False},
            q="rice", include_private=True)
        assert as_member["count"] == 4
        assert as_visitor["count"] == 3
        assert "private-rice" not in [d["name"] for d in as_visitor["results"]]

    @pytest.mark.ckan_config("ckanext.provincialstats.search.cache_ttl", "0")
    def test_a_ttl_of_zero_turns_it_off(self, catalogue):
        with searches_run() as ran:
            call_action("package_search", q="rice")
            call_action("package_search", q="rice")
        assert ran() == 2

    def test_a_search_quicker_than_cache_min_ms_is_not_stored(self, catalogue, ckan_config,
                                                               monkeypatch):
        monkeypatch.setitem(ckan_config, "ckanext.provincialstats.search.cache_min_ms", 60000)
        with searches_run() as ran:
            call_action("package_search", q="rice")
            call_action("package_search", q="rice")
        assert ran() == 2

    def test_searches_work_when_redis_is_unreachable(self, catalogue, monkeypatch):
        def unreachable():
            raise ConnectionError("redis down")

        monkeypatch.setattr(cache, "_redis", unreachable)
        with searches_run() as ran:
            assert call_action("package_search", q="rice")["count"] == 3
            assert call_action("package_search", q="rice")["count"] == 3
        assert ran() == 2

    def test_without_the_state_table_searches_run_uncached(self, catalogue):
        rename = "ALTER TABLE %s RENAME TO %s"
        model.Session.commit()
        with model.meta.engine.begin() as conn:
            conn.execute(sa.text(rename % ("provincialstats_search_state", "state_gone")))
        try:
            with searches_run() as ran:
                assert call_action("package_search", q="rice")["count"] == 3
                factories.Dataset(name="cached-new", tags=[{"name": "rice"}])
                assert call_action("package_search", q="rice")["count"] == 4
            assert ran() == 2
        finally:
            model.Session.rollback()
            with model.meta.engine.begin() as conn:
                conn.execute(sa.text(rename % ("state_gone", "provincialstats_search_state")))
