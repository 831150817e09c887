"""`ckan provincialstats demo load`, which `make run` calls on every start."""
import pytest
from ckan.tests.helpers import call_action

from ckanext.provincialstats.demo import content
from ckanext.provincialstats.demo.loader import load
from ckanext.provincialstats.vocab.loader import load_provinces
from tests.logic.helpers import PLUGINS


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_demo_loads_through_the_schemas_and_a_second_run_changes_nothing():
    load_provinces()
    first = load()
    assert first == {"organizations": len(content.ORGANIZATIONS),
                     "strategic_issues": len(content.STRATEGIC_ISSUES),
                     "datasets": len(content.DATASETS), "charts": len(content.CHARTS)}

    rice = call_action("package_show", id="main-season-rice-chanthaburi")
    assert rice["province"] == ["TH-22"]
    assert (rice["first_year_ce"], rice["num_years"]) == (1981, 35)
    assert rice["resources"][0]["url_type"] == "upload"
    found = call_action("package_search", q="จันทบุรี", fq="dataset_type:dataset")
    assert found["count"] == 2
    chart = call_action("provincialstats_chart_show", id="chart-chanthaburi-2566-2570")
    assert (chart["summary"]["as_is"], chart["summary"]["to_be"]) == (2, 3)
    office = call_action("provincialstats_province_show", code="TH-22")["stats_office_org"]
    assert office == "nso-chanthaburi"

    call_action("package_patch", id=rice["id"], title="แก้ไขโดยเจ้าหน้าที่")
    assert load() == dict.fromkeys(first, 0)
    assert call_action("package_show", id=rice["id"])["title"] == "แก้ไขโดยเจ้าหน้าที่"
