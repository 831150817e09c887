"""Facet labels are added to every package_search, also where there is no web request
(background jobs, CLI commands, harvest consumers): the strategic issue facet must not
need the request's language."""
import pytest
from ckan.tests.helpers import call_action

from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue
from tests.schemas.test_dataset import statistical


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_strategic_issue_facet_labelled_without_a_request():
    pilot_provinces(all_provinces=False)
    issue = strategic_issue("TH-22", 1)
    call_action("package_create", **statistical(province=["TH-22"],
                                                strategic_issue=[issue["name"]]))
    result = call_action("package_search", {"ignore_auth": True},
                         **{"facet.field": '["strategic_issue", "province"]'})
    items = {i["name"]: i["display_name"]
             for i in result["search_facets"]["strategic_issue"]["items"]}
    # the site's default language (English in test.ini): the issue's English title
    assert items == {issue["name"]: "High-value agriculture"}
    provinces = {i["name"]: i["display_name"]
                 for i in result["search_facets"]["province"]["items"]}
    assert provinces == {"TH-22": "Chanthaburi"}
