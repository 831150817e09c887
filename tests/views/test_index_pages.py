"""The index pages of the extension (provinces, strategic issues, official statistics
charts): titles, breadcrumbs, and only the facets a chart has."""
import pytest
from ckan.tests.helpers import call_action

from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestIndexPages:
    def test_province_and_issue_indexes(self, app):
        pilot_provinces()
        issue = strategic_issue("TH-22", 1)
        page = app.get("/en/province/").body
        assert "<title>Provinces" in page and '<h1 class="heading">Provinces</h1>' in page
        assert 'aria-current="page">Provinces</a>' in page
        assert "All 77 provinces by region" in page
        page = app.get("/en/strategic_issue/").body
        assert '<h1 class="heading">Strategic issues</h1>' in page
        assert "<title>Strategic issues" in page
        assert issue["title_en"] in page and "/en/province/chanthaburi" in page

    def test_chart_list_is_titled_by_type_and_has_only_chart_facets(self, app):
        pilot = pilot_provinces()
        call_action("package_create", type="stats_chart", name="chart-22", title="ผังสถิติ",
                    province="TH-22", plan_period="2566-2570",
                    owner_org=pilot["TH-22"]["org"], chart_items=[])
        page = app.get("/en/stats_chart/").body
        assert "Stats_Chart" not in page
        assert "<title>Official statistics charts" in page
        filters = page.split('class="filters"')[1].split("</aside>")[0]
        assert "Province" in filters and "Organizations" in filters
        for other in ("Data Type", "Statistical sector", "Formats", "Tags"):
            assert other not in filters, other
        chart = app.get("/en/stats_chart/chart-22").body
        assert "Stats_Chart" not in chart and "Official statistics chart - " in chart

    # what deploy/ckan.ini.template and test.ini set
    @pytest.mark.ckan_config("ckan.search.show_all_types", "false")
    def test_the_dataset_list_counts_datasets_not_charts(self, app):
        pilot = pilot_provinces()
        call_action("package_create", type="stats_chart", name="chart-22",
                    title="Chart of Chanthaburi", province="TH-22", plan_period="2566-2570",
                    owner_org=pilot["TH-22"]["org"], chart_items=[])
        page = app.get("/en/dataset/").body
        assert "Chart of Chanthaburi" not in page
        assert "No datasets found" in page
        assert "Chart of Chanthaburi" in app.get("/en/stats_chart/").body


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_resource_page_sidebar_has_resources_and_social_links_not_a_table_row(app):
    from tests.schemas.test_dataset import statistical
    dataset = call_action("package_create", **statistical(name="side"))
    res = call_action("resource_create", package_id=dataset["id"], name="a",
                      url="http://example.com/a.csv")
    body = app.get(f"/en/dataset/side/resource/{res['id']}").body
    sidebar = body.split('class="secondary')[1].split("</aside>")[0]
    assert "<tr" not in sidebar
    assert "Resources" in sidebar and "Social" in sidebar
    # the licence is still in the table of the resource's information
    main = body.split('role="main"')[1]
    assert "License" in main and "Open Data Common" in main


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.ckan_config("ckan.site_title", "ศูนย์ข้อมูลกลางจังหวัด")
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestMasthead:
    def test_the_data_centre_s_name_replaces_ckan_s_logo(self, app):
        for lang, tagline in (("th", "สถิติทางการและข้อมูลเปิดของจังหวัด"),
                              ("en", "Provincial official statistics and open data")):
            page = app.get("/%s/" % lang).body
            brand = page.split('class="provincialstats-brand"')[1].split("</a>")[0]
            assert "ศูนย์ข้อมูลกลางจังหวัด" in brand and tagline in brand
            assert "ckan-logo" not in page

    @pytest.mark.ckan_config("ckan.site_logo", "/images/office-logo.png")
    def test_a_site_s_own_logo_is_kept(self, app):
        page = app.get("/en/").body
        assert "/images/office-logo.png" in page
        assert 'class="provincialstats-brand"' not in page
