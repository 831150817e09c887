"""Counts of searches with words on tokenised fields (``author:statistical``) and of
searches with no words and no facets, made without the index table
(``query._signature_count``): each doc row carries its dataset's signature key.  They
must equal what joining every match to the index table counts, for every user, after
every kind of write."""
import ckan.lib.search as search_index
import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.search import query, summary

QUERIES = ["author:statistical", "res_name:xlsx", "author:statistical OR res_name:xlsx",
           "author:statistical -res_name:xlsx", "author:stat*", "*:*"]
# ranked by the text (``_doc_ranked_statement``)
RANKED = ["durian", "ทุเรียน", "durian rainfall", "ทุเรียน OR rainfall", "durian -rubber",
          '"durian harvest"']


def search(user=None, joined=False, **params):
    """package_search as ``user`` (no facets); ``joined``: counted the old way."""
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    params.setdefault("rows", 2)
    if not joined:
        return call_action("package_search", context=context, **params)
    original = query._signature_count, query._doc_ranked_statement
    query._signature_count = lambda comp: None
    query._doc_ranked_statement = lambda *args: None
    try:
        return call_action("package_search", context=context, **params)
    finally:
        query._signature_count, query._doc_ranked_statement = original


def both(user=None, **params):
    fast, joined = search(user, **params), search(user, joined=True, **params)
    assert fast["count"] == joined["count"], params
    assert [d["id"] for d in fast["results"]] == [d["id"] for d in joined["results"]]
    return fast["count"]


@pytest.mark.ckan_config("ckan.plugins", "provincialstats_search")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestSignatureCount:
    @pytest.fixture
    def catalogue(self):
        member = factories.User(name="member")
        orgs = [factories.Organization(name="org-a", users=[
                    {"name": member["name"], "capacity": "editor"}]),
                factories.Organization(name="org-b")]
        datasets = []
        for i in range(8):
            # authors: 0, 2, 4, 6 statistical; resources: odd ones have an XLSX table;
            # private: 0, 3, 6 (org-a: 0, 6; org-b: 3)
            datasets.append(factories.Dataset(
                name="ds-%d" % i, owner_org=orgs[i % 2]["id"], private=(i % 3 == 0),
                author="Statistical Office" if i % 2 == 0 else "Agriculture Office",
                # ranks: 0-2 "durian" more often than the others; ties among 3-7
                title=["Durian harvest ทุเรียน", "Durian durian rainfall", "Durian rubber",
                       "Rainfall", "Durian", "Durian", "ทุเรียน durian", "Rubber"][i],
                notes="durian " * (3 - i) if i < 3 else "Provincial statistics",
                resources=[{"url": "http://x/%d.csv" % i, "name": "CSV table"}]
                + ([{"url": "http://x/%d.xlsx" % i, "name": "XLSX table"}] if i % 2 else [])))
        return {"member": member, "orgs": orgs, "datasets": datasets,
                "outsider": factories.User(name="outsider"),
                "sysadmin": factories.Sysadmin(name="admin")}

    def test_counted_without_the_index_table(self, catalogue, monkeypatch):
        used = []
        real = query._signature_count
        monkeypatch.setattr(query, "_signature_count",
                            lambda comp: used.append(1) or real(comp))
        # anonymous: datasets 1, 2, 4, 5, 7 are public
        assert search(q="author:statistical")["count"] == 2  # 2, 4
        assert search(q="res_name:xlsx")["count"] == 3  # 1, 5, 7
        assert search(q="author:statistical OR res_name:xlsx")["count"] == 5
        assert search()["count"] == 5
        assert all(used) and len(used) == 4
        # the member also sees org-a's private datasets 0 and 6
        assert search(catalogue["member"], q="author:statistical",
                      include_private=True)["count"] == 4
        assert search(catalogue["outsider"], q="author:statistical",
                      include_private=True)["count"] == 2

    @pytest.mark.parametrize("who", [None, "member", "outsider", "sysadmin"])
    def test_every_user_gets_the_joined_count(self, catalogue, who):
        user = catalogue[who] if who else None
        for q in QUERIES:
            both(user, q=q)
            both(user, q=q, include_private=True)
            both(user, q=q, include_private=True,
                 fq='owner_org:"%s"' % catalogue["orgs"][0]["id"])
            both(user, q=q, include_private=True, fq="-capacity:private")

    def test_ranked_pages_read_the_index_table_only_for_their_rows(self, catalogue,
                                                                     monkeypatch):
        used = []
        real = query._doc_ranked_statement
        monkeypatch.setattr(query, "_doc_ranked_statement",
                            lambda *args: used.append(1) or real(*args))
        found = search(q="durian", rows=10)
        assert used
        # public: 1, 2, 4, 5, 7; "durian" in 1, 2, 4, 5 (1 and 2 also in the notes)
        assert found["count"] == 4
        assert [d["name"] for d in found["results"]][:2] == ["ds-1", "ds-2"]

    @pytest.mark.parametrize("who", [None, "member", "sysadmin"])
    def test_ranked_searches_give_the_joined_pages(self, catalogue, who):
        user = catalogue[who] if who else None
        for q in RANKED:
            for page in ({"rows": 2}, {"rows": 2, "start": 1}, {"rows": 3, "start": 2},
                         {"rows": 0}, {"rows": 5, "start": 20},
                         {"rows": 3, "sort": "score desc, title_string asc"},
                         {"rows": 3, "sort": "score asc, metadata_modified desc"}):
                both(user, q=q, include_private=True, **page)
                both(user, q=q, fq='owner_org:"%s"' % catalogue["orgs"][0]["id"],
                     include_private=True, **page)

    def test_counts_follow_permission_edits_deletes_and_removals(self, catalogue):
        datasets = catalogue["datasets"]
        assert both(q="author:statistical") == 2
        call_action("package_patch", id=datasets[2]["id"], private=True)
        assert both(q="author:statistical") == 1
        call_action("package_patch", id=datasets[6]["id"], private=False)
        assert both(q="author:statistical") == 2
        call_action("package_patch", id=datasets[4]["id"],
                    owner_org=catalogue["orgs"][1]["id"])
        assert both(q="author:statistical", fq='owner_org:"%s"'
                    % catalogue["orgs"][1]["id"]) == 1
        call_action("package_delete", id=datasets[4]["id"])
        assert both(q="author:statistical") == 1
        search_index.clear(datasets[6]["name"])
        assert both(q="author:statistical") == 0
        assert both(catalogue["sysadmin"], q="author:statistical", include_private=True,
                    include_drafts=True) == 2  # 0 and 2 (private), not 4 (deleted)
        assert both() == 3  # 1, 5, 7: public, active and indexed
        both(catalogue["member"], include_private=True)

    def test_every_doc_row_carries_its_current_signature(self, catalogue):
        call_action("package_patch", id=catalogue["datasets"][1]["id"], private=True)
        call_action("package_delete", id=catalogue["datasets"][3]["id"])
        stale = model.Session.execute(sa.text(
            "SELECT count(*) FROM provincialstats_search_doc d "
            "JOIN provincialstats_search_index i ON i.id = d.id "
            "WHERE d.sig_key IS DISTINCT FROM " + summary.SIG_KEY)).scalar()
        keyed, rows = model.Session.execute(sa.text(
            "SELECT count(sig_key), count(*) FROM provincialstats_search_doc")).one()
        assert (stale, keyed, rows) == (0, 7, 7)  # the deleted dataset left the index
