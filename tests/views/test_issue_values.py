"""The strategic issue page shows each indicator's latest value from the DataStore table
of the dataset the official statistics chart links to it (real tables, loaded by the
extension's loader)."""
import re

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.chartview import latest
from tests.datastore.conftest import DS_PLUGINS, clean_datastore, queue, upload  # noqa: F401
from tests.logic.helpers import pilot_provinces, strategic_issue
from tests.schemas.test_dataset import statistical

# Two provinces in one table, BE years, the latest year not in the last row; a row with
# no value in a later year is not "the latest value".
RICE = ("\ufeffปี พ.ศ.,จังหวัด,เนื้อที่เพาะปลูก (ไร่),ผลผลิตต่อไร่ (กก.),ผลผลิต (ตัน)\n"
        "2564,จันทบุรี,150000,400,60000\n"
        "2566,จันทบุรี,160000,452,72320\n"
        "2566,ระยอง,90000,999,81000\n"
        "2565,จันทบุรี,155000,430,66650\n"
        "2567,จันทบุรี,,,\n")
# Monthly rows, CE months and a BE year column.
TOURISM = ("\ufeffเดือน (ค.ศ.),ปี พ.ศ.,จังหวัด,รายได้จากผู้เยี่ยมเยือน (บาท)\n"
           "2024-11,2567,จันทบุรี,900000\n"
           "2024-12,2567,จันทบุรี,1250000\n"
           "2023-12,2566,จันทบุรี,800000\n")


def _indicators_table(body):
    part = body.split('id="indicators-heading"')[1].split("</table>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))


@pytest.mark.ckan_config("ckan.plugins", DS_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_datastore")
def test_issue_page_shows_latest_values_of_linked_tables(app, tmp_path, queue):  # noqa: F811
    latest.clear_cache()
    pilot = pilot_provinces()
    sysadmin = factories.Sysadmin()
    issue = strategic_issue("TH-22", 1, indicators=[
        {"name": "ผลผลิตข้าวต่อไร่", "unit": "กิโลกรัมต่อไร่", "year": "2570"},
        {"name": "รายได้จากการท่องเที่ยว", "unit": "บาท", "year": "2570"},
        {"name": "ผลผลิตทุเรียน", "unit": "ตัน", "year": "2570"}])
    rice = call_action("package_create", **statistical(name="rice-22", province=["TH-22"]))
    tourism = call_action("package_create", **statistical(name="tour-22",
                                                          province=["TH-22"]))
    no_table = call_action("package_create", **statistical(name="durian-22",
                                                           province=["TH-22"]))
    for dataset, text, name in ((rice, RICE, "rice.csv"), (tourism, TOURISM, "tour.csv")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        upload(dataset, path, sysadmin)
    queue.run()
    call_action("package_create", type="stats_chart", name="chart-22", title="ผังสถิติ",
                province="TH-22", plan_period="2566-2570",
                owner_org=pilot["TH-22"]["org"], chart_items=[
                    {"strategic_issue": issue["name"], "indicator": "ผลผลิตข้าวต่อไร่",
                     "statistic": "ผลผลิตข้าว", "availability": "as_is",
                     "dataset": rice["name"]},
                    {"strategic_issue": issue["name"], "indicator": "รายได้จากการท่องเที่ยว",
                     "statistic": "รายได้", "availability": "as_is",
                     "dataset": tourism["name"]},
                    {"strategic_issue": issue["name"], "indicator": "ผลผลิตทุเรียน",
                     "statistic": "ทุเรียน", "availability": "as_is",
                     "dataset": no_table["name"]}])

    th = _indicators_table(app.get("/th/strategic_issue/" + issue["name"]).body)
    # Rice per rai: Chanthaburi's row of the latest year with a value (2566, not
    # Rayong's 999, not the empty 2567 row), the column's own unit and label.
    assert "452 กก." in th and "พ.ศ. 2566" in th and "ผลผลิตต่อไร่ (กก.)" in th
    assert "999" not in th and "72,320" not in th
    # Tourism income: the latest month, shown in the Buddhist Era on Thai pages.
    assert "1,250,000 บาท" in th and "12/2567" in th
    en = _indicators_table(app.get("/en/strategic_issue/" + issue["name"]).body)
    assert "452 กก." in en and "2023" in en and "12/2024" in en
    assert "Latest value" in en
    # A link to the table's resource page.
    resource = call_action("package_show", id=rice["id"])["resources"][0]
    assert f"/dataset/rice-22/resource/{resource['id']}" in app.get(
        "/en/strategic_issue/" + issue["name"]).body
    # The durian dataset has no table: its row shows no value and the page is fine.
    durian_row = en.split("ผลผลิตทุเรียน")[1]  # the last row of the table
    assert "Year / period" not in durian_row and "ตัน 2570" in durian_row


@pytest.mark.ckan_config("ckan.plugins", DS_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_datastore")
def test_private_tables_give_no_value_to_visitors(app, tmp_path, queue):  # noqa: F811
    latest.clear_cache()
    pilot = pilot_provinces()
    sysadmin = factories.Sysadmin()
    issue = strategic_issue("TH-22", 1, indicators=[{"name": "ผลผลิตข้าวต่อไร่"}])
    rice = call_action("package_create", **statistical(
        name="rice-private", province=["TH-22"], private=True,
        owner_org=pilot["TH-22"]["org"]))
    path = tmp_path / "rice.csv"
    path.write_text(RICE, encoding="utf-8")
    upload(rice, path, sysadmin)
    queue.run()
    call_action("package_create", type="stats_chart", name="chart-22", title="ผังสถิติ",
                province="TH-22", plan_period="2566-2570",
                owner_org=pilot["TH-22"]["org"], chart_items=[
                    {"strategic_issue": issue["name"], "indicator": "ผลผลิตข้าวต่อไร่",
                     "statistic": "ผลผลิตข้าว", "availability": "as_is",
                     "dataset": rice["name"]}])
    assert "452" not in _indicators_table(
        app.get("/en/strategic_issue/" + issue["name"]).body)
    headers = {"Authorization": factories.SysadminWithToken()["token"]}
    assert "452" in _indicators_table(
        app.get("/en/strategic_issue/" + issue["name"], headers=headers).body)


def test_the_column_that_names_the_indicator_is_chosen():
    fields = [{"id": "ปี พ.ศ.", "type": "int"},
              {"id": "เนื้อที่เพาะปลูก (ไร่)", "type": "numeric"},
              {"id": "ผลผลิต (ตัน)", "type": "numeric"},
              {"id": "ผลผลิตต่อไร่ (กก.)", "type": "numeric"}]
    pick = latest.value_column
    assert pick(fields, {"name": "ผลผลิตข้าวต่อไร่", "unit": "กิโลกรัมต่อไร่"})[1][
        "id"] == "ผลผลิตต่อไร่ (กก.)"
    assert pick(fields, {"name": "ผลผลิตทุเรียน", "unit": "ตัน"})[1]["id"] == "ผลผลิต (ตัน)"
    # No word in common and several numeric columns: no value rather than a guess.
    assert pick(fields, {"name": "รายได้จากการท่องเที่ยว", "unit": "บาท"}) is None
    assert pick(fields[:2], {"name": "รายได้"})[1]["id"] == "เนื้อที่เพาะปลูก (ไร่)"
