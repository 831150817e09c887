"""The project's vocabularies and the province loader."""
import pytest
from ckan.tests.helpers import call_action

from ckanext.provincialstats import vocab
from ckanext.provincialstats.vocab.loader import load_provinces
from tests.logic.helpers import PLUGINS


def test_77_provinces_with_unique_iso_codes_names_and_slugs():
    provinces = vocab.provinces()
    assert len(provinces) == 77
    for key in ("iso_code", "dopa_code", "name_th", "name_en", "slug"):
        assert len({p[key] for p in provinces}) == 77, key
    assert all(p["iso_code"] == "TH-" + p["dopa_code"] for p in provinces)
    assert {p["region"] for p in provinces} == {r["value"] for r in vocab.regions()}


@pytest.mark.parametrize("typed", ["TH-22", "th-22", "22", "๒๒", " TH-22 "])
def test_province_lookup_accepts_the_usual_spellings_of_a_code(typed):
    assert vocab.province(typed)["name_en"] == "Chanthaburi"


def test_pattaya_is_not_a_province():
    assert vocab.province("TH-S") is None


def test_twenty_one_statistical_sectors():
    sectors = vocab.stat_sectors()
    assert len(sectors) == 21
    assert sectors[16]["label"] == {"th": "การท่องเที่ยวและกีฬา", "en": "Tourism and sports"}


def test_gdc_choice_values_match_the_national_schema(gdc_reference):
    """Same values, same order, as the national GD Catalog schema (v2.2.4)."""
    from ckanext.scheming.plugins import _load_schema

    ours = _load_schema("ckanext.provincialstats.schemas:dataset.yaml")
    ours_fields = {f["field_name"]: f for f in ours["dataset_fields"] + ours["resource_fields"]}
    checked = 0
    for field in gdc_reference["dataset_fields"] + gdc_reference["resource_fields"]:
        if "choices" not in field:
            continue
        mine = ours_fields[field["field_name"]]
        values = [c["value"] for c in vocab.choices(mine["provincialstats_vocabulary"])]
        assert values == [c["value"] for c in field["choices"]], field["field_name"]
        checked += 1
    assert checked >= 20


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestProvinceLoader:
    def test_loading_twice_gives_77_provinces_and_changes_nothing_the_second_time(self):
        first = load_provinces()
        second = load_provinces()
        assert first["created"] == 77
        assert second == {"created": 0, "updated": 0, "unchanged": 77}
        names = call_action("group_list", type="province", limit=1000)
        assert len(names) == 77

    def test_reload_keeps_profile_fields_and_restores_vocabulary_fields(self):
        load_provinces()
        call_action("group_patch", {"ignore_auth": True}, id="chanthaburi",
                    vision="เมืองแห่งผลไม้", title_en="Wrong name")
        assert load_provinces()["updated"] == 1
        record = call_action("group_show", id="chanthaburi")
        assert record["vision"] == "เมืองแห่งผลไม้"
        assert record["title_en"] == "Chanthaburi"
        assert record["province_code"] == "TH-22"
        assert record["region"] == "east"

    def test_vocabulary_actions_are_open_to_anonymous_users(self):
        from ckan.tests.helpers import call_auth
        context = {"user": "", "ignore_auth": False}
        assert call_auth("provincialstats_vocabulary_list", context)
        assert call_auth("provincialstats_vocabulary_show", context, name="provinces")
        names = [v["name"] for v in call_action("provincialstats_vocabulary_list")]
        expected = {"provinces", "stat_sectors", "gdc_objective", "gdc_data_classification"}
        assert expected <= set(names)
        provinces = call_action("provincialstats_vocabulary_show", name="provinces")
        assert len(provinces["items"]) == 77

    def test_province_show_by_code(self):
        load_provinces()
        record = call_action("provincialstats_province_show", code="TH-13")
        assert record["name"] == "pathum-thani"
        assert record["title"] == "ปทุมธานี"
