"""The ``dataset`` schema: GD Catalog fields unchanged, provincial fields, strict checks."""
import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats import vocab
from ckanext.provincialstats.vocab.loader import load_provinces
from tests.logic.helpers import PLUGINS, strategic_issue


def statistical(**extra):
    """A minimal valid statistical dataset (every required GD Catalog field)."""
    data = {
        "type": "dataset",
        "name": "rice-main-season",
        "title": "ข้าวนาปี",
        "data_type": "ข้อมูลสถิติ",
        "maintainer": "กลุ่มสถิติการเกษตร",
        "maintainer_email": "stat@example.go.th",
        "tag_string": "ข้าว,rice",
        "notes": "เนื้อที่และผลผลิตข้าวนาปี",
        "objective": ["พันธกิจหน่วยงาน"],
        "update_frequency_unit": "ปี",
        "update_frequency_interval": "1",
        "geo_coverage": "จังหวัด",
        "data_source": "สำนักงานเศรษฐกิจการเกษตร",
        "data_format": ["CSV"],
        "data_category": "ข้อมูลสาธารณะ",
        "license_id": "Open Data Common",
    }
    data.update(extra)
    return data


def create(**extra):
    return call_action("package_create", {"ignore_auth": True,
                                          "user": factories.Sysadmin()["name"]},
                       **statistical(**extra))


def errors_of(**extra):
    with pytest.raises(tk.ValidationError) as raised:
        create(**extra)
    return raised.value.error_dict


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestDataset:
    def test_two_provinces_strategic_issues_and_be_years_with_ce_derived(self):
        load_provinces()
        issue_22 = strategic_issue("TH-22", 1)["name"]
        issue_13 = strategic_issue("TH-13", 1)["name"]
        created = create(province=["TH-22", "13"], strategic_issue=[issue_22, issue_13],
                         stat_sector="11", first_year_of_data="2560",
                         last_year_of_data="๒๕๖๖", official_statistics="True")
        shown = call_action("package_show", id=created["id"])
        assert shown["province"] == ["TH-22", "TH-13"]
        assert shown["strategic_issue"] == [issue_22, issue_13]
        assert shown["stat_sector"] == "11"
        assert (shown["first_year_of_data"], shown["last_year_of_data"]) == ("2560", "2566")
        assert (shown["first_year_ce"], shown["last_year_ce"]) == (2017, 2023)
        assert shown["num_years"] == 7
        assert shown["official_statistics"] == "True"

    def test_derived_years_cannot_be_typed_and_follow_updates(self):
        created = create(first_year_of_data="2565", last_year_of_data="2566",
                         first_year_ce="1900", num_years="99")
        assert created["first_year_ce"] == 2022
        assert created["num_years"] == 2  # shorter than 3 years: visible as such
        created["last_year_of_data"] = "2567"
        updated = call_action("package_update", {"ignore_auth": True}, **created)
        assert (updated["last_year_ce"], updated["num_years"]) == (2024, 3)

    def test_every_gd_catalog_field_name_is_kept(self, gdc_reference):
        from ckanext.scheming.helpers import scheming_get_dataset_schema
        ours = {f["field_name"] for f in scheming_get_dataset_schema("dataset")["dataset_fields"]}
        theirs = {f["field_name"] for f in gdc_reference["dataset_fields"]}
        assert theirs <= ours
        res_ours = {f["field_name"]
                    for f in scheming_get_dataset_schema("dataset")["resource_fields"]}
        assert {f["field_name"] for f in gdc_reference["resource_fields"]} <= res_ours

    def test_thai_words_with_vowel_and_tone_marks_are_tags(self):
        created = create(tag_string="น้ำ, การศึกษา, ผู้สูงอายุ, water")
        assert sorted(t["name"] for t in created["tags"]) == sorted(
            ["น้ำ", "การศึกษา", "ผู้สูงอายุ", "water"])
        via_list = create(name="tags-as-list", tag_string="",
                          tags=[{"name": "น้ำ"}, {"name": "ผู้สูงอายุ"}])
        assert {t["name"] for t in via_list["tags"]} == {"น้ำ", "ผู้สูงอายุ"}

    @pytest.mark.parametrize("tag", ["bad\x00tag", "tab\there", "a" * 101, "<script>"])
    def test_unsafe_tags_are_still_refused(self, tag):
        errors = errors_of(tag_string=tag)
        assert "tag_string" in errors or "tags" in errors

    @pytest.mark.parametrize("extra, field, words", [
        ({"province": ["TH-22", "TH-99"]}, "province", 'unknown province code "TH-99"'),
        ({"first_year_of_data": "2600"}, "first_year_of_data", "2600 is out of range"),
        ({"first_year_of_data": "2017"}, "first_year_of_data", "Common Era"),
        ({"first_year_of_data": "2566", "last_year_of_data": "2560"}, "last_year_of_data",
         "before the first year"),
        ({"stat_sector": "99"}, "stat_sector", "unknown statistical sector"),
        ({"data_type": "ข้อมูลลับ"}, "data_type", "not one of the allowed values"),
        ({"objective": ["อื่นๆ"]}, "objective_other", "required"),
        ({"data_support": "ไม่มี"}, "data_support", "does not apply to data type"),
        ({"strategic_issue": ["no-such-issue"]}, "strategic_issue", "no strategic issue"),
        ({"maintainer_email": ""}, "maintainer_email", "Missing value"),
        ({"tag_string": ""}, "tag_string", "at least one tag"),
    ])
    def test_bad_input_names_the_field_and_saves_nothing(self, extra, field, words):
        errors = errors_of(**extra)
        assert field in errors, errors
        assert any(words in str(m) for m in errors[field]), errors[field]
        assert call_action("package_list") == []

    def test_strategic_issue_of_another_province_is_refused(self):
        load_provinces()
        pathum = strategic_issue("TH-13", 1)["name"]
        errors = errors_of(province=["TH-22"], strategic_issue=[pathum])
        assert "belongs to province TH-13" in errors["strategic_issue"][0]
        assert call_action("package_list") == []

    @pytest.mark.parametrize("typed", ["17", "การท่องเที่ยวและกีฬา", "tourism and sports"])
    def test_stat_sector_by_code_or_name(self, typed):
        assert create(stat_sector=typed)["stat_sector"] == "17"

    def test_record_data_type_has_its_own_fields(self):
        created = create(data_type="ข้อมูลระเบียน", data_support="ไม่มี",
                         data_collect="บุคคล", high_value_dataset="False")
        assert created["data_support"] == "ไม่มี"
        errors = errors_of(name="record-with-years", data_type="ข้อมูลระเบียน",
                           first_year_of_data="2560")
        assert "first_year_of_data" in errors


def resource(**extra):
    data = {"url": "https://example.go.th/rice.csv", "name": "ข้าวนาปี (CSV)",
            "format": "CSV"}
    data.update(extra)
    return data


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestResourceFieldsByDataType:
    """Resource fields the GD Catalog shows only for some data types are refused on a
    dataset of another data type, like the dataset's own fields."""

    def test_data_types_of_each_field_are_the_gd_catalogs(self, gdc_reference):
        from ckanext.scheming.helpers import scheming_get_dataset_schema
        ours = scheming_get_dataset_schema("dataset")
        every_type = {c["value"] for c in vocab.gdc_choices("data_type")}
        for group in ("dataset_fields", "resource_fields"):
            by_name = {f["field_name"]: f for f in ours[group]}
            for theirs in gdc_reference[group]:
                mine = by_name[theirs["field_name"]].get("form_data_type") or every_type
                assert set(mine) == set(theirs.get("form_data_type") or every_type), \
                    theirs["field_name"]

    def test_fields_of_the_data_type_are_kept(self):
        created = create(resources=[resource(
            resource_first_year_of_data="๒๕๖๐", resource_disaggregate=["เพศ"],
            resource_official_statistics="True", resource_cdp="ไม่ใช่")])
        shown = call_action("package_show", id=created["id"])["resources"][0]
        assert shown["resource_first_year_of_data"] == "2560"
        assert shown["resource_disaggregate"] == ["เพศ"]
        assert (shown["resource_official_statistics"], shown["resource_cdp"]) == (
            "True", "ไม่ใช่")

    @pytest.mark.parametrize("data_type, field, value", [
        ("ข้อมูลสถิติ", "resource_geographic_data_set", "ชั้นข้อมูลแปลงที่ดิน"),
        ("ข้อมูลสถิติ", "resource_data_collect", "บุคคล"),
        ("ข้อมูลสถิติ", "resource_created_date", "2024-01-31"),
        ("ข้อมูลระเบียน", "resource_first_year_of_data", "2560"),
        ("ข้อมูลระเบียน", "resource_disaggregate", ["เพศ"]),
        ("ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "resource_official_statistics", "True"),
    ])
    def test_package_create_names_the_resource_field_and_saves_nothing(
            self, data_type, field, value):
        errors = errors_of(data_type=data_type, resources=[
            resource(), resource(**{field: value})])
        assert set(errors) == {"resources"}, errors
        assert not errors["resources"][0]
        messages = errors["resources"][1][field]
        assert any('does not apply to data type "%s"' % data_type in m
                   for m in messages), messages
        assert call_action("package_list") == []

    def test_resource_create_is_refused_and_the_resource_not_added(self):
        dataset = create(name="record-list", data_type="ข้อมูลระเบียน",
                         resources=[resource(resource_data_collect="บุคคล")])
        with pytest.raises(tk.ValidationError) as raised:
            call_action("resource_create", {"ignore_auth": True}, package_id=dataset["id"],
                        **resource(name="ปีข้อมูล", resource_last_year_of_data="2566"))
        messages = raised.value.error_dict["resource_last_year_of_data"]
        assert messages == ['Last year of data: does not apply to data type "ข้อมูลระเบียน"']
        assert [r["name"] for r in call_action("package_show", id=dataset["id"])[
            "resources"]] == ["ข้าวนาปี (CSV)"]

    def test_resource_update_is_refused_and_the_resource_unchanged(self):
        dataset = create(resources=[resource(resource_unit_of_measure="ตัน")])
        res = dataset["resources"][0]
        with pytest.raises(tk.ValidationError) as raised:
            call_action("resource_patch", {"ignore_auth": True}, id=res["id"],
                        resource_positional_accuracy="10 m")
        assert "resource_positional_accuracy" in raised.value.error_dict
        shown = call_action("resource_show", id=res["id"])
        assert "resource_positional_accuracy" not in shown
        assert shown["resource_unit_of_measure"] == "ตัน"

    def test_changing_the_data_type_checks_the_resources_too(self):
        dataset = create(resources=[resource(resource_first_year_of_data="2560")])
        with pytest.raises(tk.ValidationError) as raised:
            call_action("package_patch", {"ignore_auth": True}, id=dataset["id"],
                        data_type="ข้อมูลระเบียน")
        assert "resource_first_year_of_data" in raised.value.error_dict["resources"][0]
        assert call_action("package_show", id=dataset["id"])["data_type"] == "ข้อมูลสถิติ"


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestResourceFieldErrorInTheRequestLanguage:
    @pytest.mark.parametrize("lang, expected", [
        ("th", 'ชุดข้อมูลภูมิศาสตร์: ใช้ไม่ได้กับประเภทชุดข้อมูล "ข้อมูลสถิติ"'),
        ("en", 'Geographic dataset: does not apply to data type "ข้อมูลสถิติ"'),
    ])
    def test_resource_create_over_http(self, app, lang, expected):
        sysadmin = factories.SysadminWithToken()
        dataset = call_action("package_create", {"user": sysadmin["name"]}, **statistical())
        body = app.post(f"/{lang}/api/3/action/resource_create", headers={
            "Authorization": sysadmin["token"]}, status=409, json=dict(
                resource(resource_geographic_data_set="ชั้นข้อมูลแปลงที่ดิน"),
                package_id=dataset["id"])).json
        assert body["error"]["resource_geographic_data_set"] == [expected]
        assert call_action("package_show", id=dataset["id"])["resources"] == []
