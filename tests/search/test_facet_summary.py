"""Facet counts kept per signature (search/summary.py): the dataset page's count and facets
are added up from them, and must equal what counting the matched datasets gives, for every
user, after every kind of write."""
import json

import ckan.lib.search as search_index
import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.search import query, summary

FACETS = ["organization", "tags", "res_format", "license_id", "groups", "province"]


def search(user=None, counted=False, **params):
    """package_search as ``user``; ``counted``: with the summary path switched off."""
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    params.setdefault("facet.field", json.dumps(FACETS))
    params.setdefault("facet.limit", -1)
    params.setdefault("rows", 3)
    if not counted:
        return call_action("package_search", context=context, **params)
    original = summary.answers
    summary.answers = lambda *a, **kw: False
    try:
        return call_action("package_search", context=context, **params)
    finally:
        summary.answers = original


def both(user=None, **params):
    summed, counted = search(user, **params), search(user, counted=True, **params)
    assert summed["count"] == counted["count"]
    assert summed["facets"] == counted["facets"]
    assert [d["id"] for d in summed["results"]] == [d["id"] for d in counted["results"]]
    return summed


def stored_counts():
    return sorted(model.Session.execute(sa.text(
        "SELECT s.site_id, s.state, s.dataset_type, s.capacity, s.owner_org, "
        "s.permission_labels, f.field, f.value, f.n FROM provincialstats_search_facet f "
        "JOIN provincialstats_search_sig s ON s.id = f.sig WHERE f.n <> 0")).all())


@pytest.mark.ckan_config("ckan.plugins", "provincialstats_search")
@pytest.mark.ckan_config("ckanext.provincialstats.search.multivalued_fields",
                         "province strategic_issue stat_sector")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestFacetSummary:
    @pytest.fixture
    def catalogue(self):
        member, other = factories.User(name="member"), factories.User(name="outsider")
        orgs = [factories.Organization(name="org-a", users=[
                    {"name": member["name"], "capacity": "editor"}]),
                factories.Organization(name="org-b")]
        group = factories.Group(name="group-x")
        provinces = [["TH-22"], ["TH-22", "TH-50"], []]
        datasets = []
        for i in range(9):
            datasets.append(factories.Dataset(
                name="ds-%d" % i, owner_org=orgs[i % 2]["id"], private=(i % 3 == 0),
                license_id=["cc-by", "odc-odbl", "cc-by"][i % 3],
                groups=[{"name": group["name"]}] if i % 4 == 0 else [],
                tags=[{"name": "tag-%d" % (i % 3)}, {"name": "ทดสอบ"}],
                extras=[{"key": "province", "value": json.dumps(provinces[i % 3])}],
                # two CSV resources: a dataset counts once under CSV, as in Solr
                resources=[{"url": "http://x/%d.csv" % i, "format": "CSV"},
                           {"url": "http://x/%d-b.csv" % i, "format": "CSV"}]
                + ([{"url": "http://x/%d.xlsx" % i, "format": "XLSX"}] if i % 2 else [])))
        return {"member": member, "outsider": other, "orgs": orgs, "datasets": datasets,
                "sysadmin": factories.Sysadmin(name="admin")}

    def test_dataset_page_facets_come_from_the_summary(self, catalogue, monkeypatch):
        used = []
        real = query._summary_statement
        monkeypatch.setattr(query, "_summary_statement",
                            lambda *a, **kw: used.append(1) or real(*a, **kw))
        result = search()
        assert used
        assert result["count"] == 6  # the three private datasets are not shown
        assert result["facets"]["res_format"] == {"CSV": 6, "XLSX": 3}
        assert result["facets"]["tags"]["ทดสอบ"] == 6
        assert result["facets"]["province"] == {"TH-22": 3, "TH-50": 3}

    @pytest.mark.parametrize("who", [None, "member", "outsider", "sysadmin"])
    def test_every_user_sees_the_counts_of_what_they_may_see(self, catalogue, who):
        user = catalogue[who] if who else None
        both(user)
        both(user, include_private=True)
        both(user, fq='owner_org:"%s"' % catalogue["orgs"][0]["id"], include_private=True)
        both(user, fq="-capacity:private", include_private=True)

    def test_member_sees_private_counts_of_their_organization(self, catalogue):
        assert search(catalogue["member"], include_private=True)["count"] == 8
        assert search(catalogue["outsider"], include_private=True)["count"] == 6

    def test_counts_follow_edits_deletes_and_removals(self, catalogue):
        first, second = catalogue["datasets"][1], catalogue["datasets"][2]
        call_action("package_patch", id=first["id"], tags=[{"name": "ทดลอง"}],
                    private=True, license_id="odc-by")
        call_action("package_patch", id=second["id"], owner_org=catalogue["orgs"][0]["id"])
        call_action("resource_create", package_id=second["id"], url="http://x/n.json",
                    format="JSON")
        call_action("package_delete", id=catalogue["datasets"][4]["id"])
        # a dataset taken out of the index (``ckan search-index clear <id>``)
        search_index.clear(catalogue["datasets"][5]["name"])
        result = both()
        assert result["count"] == 3
        assert result["facets"]["res_format"] == {"CSV": 3, "JSON": 1, "XLSX": 1}
        both(catalogue["member"], include_private=True)
        both(catalogue["sysadmin"], include_private=True, include_drafts=True)

    def test_stored_counts_equal_a_recount_from_the_index(self, catalogue):
        call_action("package_patch", id=catalogue["datasets"][3]["id"], private=False)
        call_action("package_delete", id=catalogue["datasets"][6]["id"])
        kept = stored_counts()
        with model.meta.engine.begin() as conn:
            summary.refresh(conn)
        assert stored_counts() == kept

    def test_searches_with_words_or_other_filters_count_the_matches(self, catalogue,
                                                                    monkeypatch):
        monkeypatch.setattr(query, "_summary_statement", None)  # must not be reached
        assert search(q="tags:tag-1")["count"] == 3
        assert search(fq="province:TH-50")["count"] == 3
        assert search(fq="groups:group-x")["facets"]["groups"] == {"group-x": 2}
        assert search(**{"facet.field": json.dumps(["metadata_modified"])})["count"] == 6

    def test_concurrent_writers_of_the_same_datasets_keep_exact_counts(self, catalogue):
        # two writers re-indexing the same datasets at once, with different values:
        # each reads what it replaces only once it holds the datasets' lock
        import threading

        package_index = search_index.index_for(model.Package)
        shown = [call_action("package_show", id=d["id"]) for d in catalogue["datasets"]]
        errors = []

        def writer(tag):
            try:
                for _ in range(3):
                    for pkg in shown:
                        package_index.index_package(dict(pkg, tags=[{"name": tag}]))
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                model.Session.remove()

        threads = [threading.Thread(target=writer, args=(t,)) for t in ("one", "two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors
        kept = stored_counts()
        with model.meta.engine.begin() as conn:
            summary.refresh(conn)
        assert stored_counts() == kept
        tags = search(include_private=True, user=catalogue["sysadmin"])["facets"]["tags"]
        assert sum(tags.values()) == 9
