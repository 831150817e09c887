"""Facets counted in one pass (GROUPING SETS) and multi-valued fields read from the
narrow table: the answers stay exact, whatever mix of fields is asked for."""
import json

import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.search import query


@pytest.mark.ckan_config("ckanext.provincialstats.search.multivalued_fields",
                         "province stat_sector")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestFacetPass:
    @pytest.fixture
    def catalogue(self):
        orgs = [factories.Organization(name="org-%d" % i) for i in range(2)]
        provinces = [["TH-22"], ["TH-22", "TH-50"], ["TH-10"], []]
        for i in range(10):
            extras = [{"key": "province", "value": json.dumps(provinces[i % 4])},
                      {"key": "source_kind", "value": ["survey", "register"][i % 2]}]
            if i % 3:
                extras.append({"key": "stat_sector", "value": "1%d" % (i % 3)})
            factories.Dataset(
                name="ds-%02d" % i, owner_org=orgs[i % 2]["id"],
                tags=[{"name": "tag-%d" % (i % 3)}, {"name": "all"}],
                extras=extras,
                resources=[{"url": "http://x/%d.csv" % i, "format": ["CSV", "PDF"][i % 2]}])

    FIELDS = ["organization", "tags", "res_format", "province", "stat_sector",
              "source_kind", "tags"]

    def test_many_fields_at_once_equal_counts_made_by_filtering(self, catalogue):
        result = call_action("package_search", rows=0, fq="-province:TH-10",
                             **{"facet.field": self.FIELDS})
        assert result["count"] == 8
        assert result["facets"]["province"] == {"TH-22": 6, "TH-50": 3}
        for field in set(self.FIELDS):
            facet = result["facets"][field]
            assert facet, field
            for value, count in facet.items():
                filtered = call_action("package_search", rows=0,
                                       fq='-province:TH-10 +%s:"%s"' % (field, value))
                assert filtered["count"] == count, (field, value)

    def test_no_match_counts_zero_with_empty_facets(self, catalogue):
        result = call_action("package_search", q="name:nothing-like-this",
                             **{"facet.field": ["tags", "province"]})
        assert result["count"] == 0
        assert result["facets"] == {"tags": {}, "province": {}}

    def test_more_fields_than_one_grouping_pass_holds(self, catalogue, monkeypatch):
        monkeypatch.setattr(query, "GROUPING_MAX", 2)
        result = call_action("package_search", rows=0, **{"facet.field": self.FIELDS})
        assert result["count"] == 10
        assert result["facets"]["tags"]["all"] == 10
        assert result["facets"]["province"] == {"TH-22": 6, "TH-50": 3, "TH-10": 2}
        assert result["facets"]["source_kind"] == {"survey": 5, "register": 5}

    def test_page_order_with_facets_same_as_without(self, catalogue):
        plain = call_action("package_search", sort="title_string desc", rows=4)
        faceted = call_action("package_search", sort="title_string desc", rows=4,
                              **{"facet.field": ["tags"]})
        assert [d["name"] for d in faceted["results"]] == [
            d["name"] for d in plain["results"]]

    def test_province_filter_reads_only_the_narrow_table(self, catalogue):
        comp = query.compiler()
        where_sql = query.where_for({"q": "*:*", "fq": "province:TH-22"}, comp)
        plan = "\n".join(model.Session.execute(sa.text(
            "EXPLAIN SELECT count(*) FROM provincialstats_search_index i "
            "LEFT JOIN provincialstats_search_doc d ON d.id = i.id WHERE " + where_sql),
            comp.params).scalars())
        model.Session.rollback()
        assert "provincialstats_search_doc" not in plan
