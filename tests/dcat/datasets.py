"""Datasets with every GD Catalog field their data type allows, for the DCAT tests."""
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.logic.helpers import pilot_provinces, strategic_issue

PROFILES = "euro_dcat_ap_3 provincialstats"
# The quality URL check after a create reads a table these tests do not migrate; its
# failed read (rolled back to a savepoint) also loses the dataset's search indexing.
NO_URL_CHECKS = ("ckanext.provincialstats.quality.check_on_update", False)


def _common(org, **extra):
    data = {
        "type": "dataset",
        "owner_org": org,
        "allow_harvest": "True",
        "reference_url_catalog": "https://gdcatalog.go.th/dataset/example",
        "maintainer": "กลุ่มสถิติการเกษตร",
        "maintainer_email": "stat@example.go.th",
        "tag_string": "ข้าว,rice,ผลผลิต",
        "objective": ["พันธกิจหน่วยงาน", "เพื่อการให้บริการประชาชน"],
        "update_frequency_unit": "ปี",
        "update_frequency_interval": "1",
        "geo_coverage": "จังหวัด",
        "data_source": "สำนักงานเศรษฐกิจการเกษตร",
        "data_format": ["CSV", "JSON"],
        "data_category": "ข้อมูลสาธารณะ",
        "data_classification": "เปิดเผย",
        "license_id": "Creative Commons Attributions",
        "accessible_condition": "ใช้ได้โดยอ้างอิงแหล่งที่มา",
        "url": "https://www.oae.go.th/",
        "data_language": ["ไทย", "อังกฤษ"],
        "last_updated_date": "2024-03-01",
    }
    data.update(extra)
    return data


def statistical(org, issue, **extra):
    return _common(
        org,
        name="rice-chanthaburi",
        title="ข้าวนาปี จังหวัดจันทบุรี",
        notes="เนื้อที่และผลผลิตข้าวนาปี จังหวัดจันทบุรี",
        data_type="ข้อมูลสถิติ",
        data_release_calendar="2025-01-15",
        first_year_of_data="2524",
        last_year_of_data="2558",
        disaggregate=["ไม่มี"],
        unit_of_measure="ไร่, ตัน",
        unit_of_multiplier="หน่วย",
        calculation_method="ผลผลิตต่อไร่ = ผลผลิต / เนื้อที่เก็บเกี่ยว",
        standard="มาตรฐานสถิติการเกษตร",
        official_statistics="True",
        province=["TH-22"],
        strategic_issue=[issue],
        stat_sector="11",
        resources=[{
            "url": "https://www.oae.go.th/rice.csv",
            "name": "ข้าวนาปี (CSV)",
            "description": "One row a crop year",
            "format": "CSV",
            "resource_first_year_of_data": "2524",
            "resource_last_year_of_data": "2558",
            "resource_unit_of_measure": "ไร่",
            "resource_cdp": "ไม่ใช่",
            "resource_last_updated_date": "2024-03-01",
        }, {
            "url": "https://www.oae.go.th/rice.json",
            "name": "Main-season rice (JSON)",
            "format": "JSON",
        }],
        **extra,
    )


def geospatial(org, **extra):
    return _common(
        org,
        name="land-parcels-pathum-thani",
        title="แปลงที่ดิน จังหวัดปทุมธานี",
        notes="Land parcels of Pathum Thani",
        data_type="ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
        update_frequency_unit="เดือน",
        update_frequency_interval="3",
        data_release_calendar="2025-01-15",
        geographic_data_set="ชั้นข้อมูลแปลงที่ดิน",
        equivalent_scale="1:4,000",
        west_bound_longitude="100.3",
        east_bound_longitude="100.9",
        north_bound_longitude="14.3",
        south_bound_longitude="13.9",
        positional_accuracy="1 m",
        reference_period="2566",
        data_release_date="2024-01-01",
        province=["TH-13", "TH-22"],
        stat_sector="21",
        resources=[{"url": "https://example.go.th/parcels.zip", "name": "Parcels",
                    "format": "SHP"}],
        **extra,
    )


def record(org, **extra):
    return _common(
        org,
        name="schools-chanthaburi",
        title="Schools of Chanthaburi",
        notes="ทะเบียนโรงเรียน จังหวัดจันทบุรี",
        data_type="ข้อมูลระเบียน",
        update_frequency_unit="ไม่ทราบ",
        data_support="หน่วยงานของรัฐ",
        data_collect="บุคคล",
        created_date="2020-05-01",
        high_value_dataset="True",
        reference_data="False",
        province=["TH-22"],
        stat_sector="03",
        resources=[{"url": "https://example.go.th/schools.xlsx", "name": "โรงเรียน",
                    "format": "XLSX", "resource_data_collect": "บุคคล"}],
        **extra,
    )


def create_rich_catalogue():
    """Two provinces, a strategic issue and three full datasets (one per data type
    family); returns the three dataset dicts."""
    offices = pilot_provinces(all_provinces=False)
    issue = strategic_issue()["name"]
    org = factories.Organization(name="oae", title="สำนักงานเศรษฐกิจการเกษตร")["name"]
    context = {"ignore_auth": True, "user": factories.Sysadmin()["name"]}
    del offices
    return [call_action("package_create", dict(context), **build)
            for build in (statistical(org, issue), geospatial(org), record(org))]
