"""What a DataStore table suggests for a chart: the demo tables' real headers and types
as the loader writes them, and tables in English or with CE years."""
from ckanext.provincialstats.chartview import columns

RICE = [  # rice-main-season-*.csv as loaded (tests/chartview/test_view.py loads it)
    {"id": "ปี พ.ศ.", "type": "int8"}, {"id": "ปี ค.ศ.", "type": "int8"},
    {"id": "จังหวัด", "type": "text"}, {"id": "เนื้อที่เพาะปลูก (ไร่)", "type": "int8"},
    {"id": "ผลผลิต (ตัน)", "type": "int8"},
]
TOURISM = [
    {"id": "เดือน (ค.ศ.)", "type": "text"}, {"id": "ปี พ.ศ.", "type": "int8"},
    {"id": "จังหวัด", "type": "text"}, {"id": "ผู้เยี่ยมเยือนทั้งหมด (คน)", "type": "int8"},
    {"id": "อัตราการเข้าพัก (ร้อยละ)", "type": "numeric"},
]


def test_thai_year_table_suggests_be_year_over_time_by_province():
    assert columns.defaults([{"id": "_id", "type": "int"}] + RICE) == {
        "time_column": "ปี พ.ศ.", "series_column": "จังหวัด",
        "value_column": "เนื้อที่เพาะปลูก (ไร่)", "aggregate": "sum", "chart_type": "line"}
    assert columns.year_kind(RICE[0]) == "be" and columns.year_kind(RICE[1]) == "ce"


def test_monthly_table_prefers_the_year_column_and_a_rate_is_averaged():
    suggested = columns.defaults(TOURISM)
    assert suggested["time_column"] == "ปี พ.ศ."
    assert suggested["value_column"] == "ผู้เยี่ยมเยือนทั้งหมด (คน)"
    rate_first = [TOURISM[0], TOURISM[4], TOURISM[3]]
    assert columns.defaults(rate_first) == {
        "time_column": "เดือน (ค.ศ.)", "series_column": "", "chart_type": "line",
        "value_column": "อัตราการเข้าพัก (ร้อยละ)", "aggregate": "mean"}
    assert columns.era_kind(TOURISM[0]) == "ce"


def test_english_table_and_labels():
    fields = [{"id": "yr", "type": "int4", "info": {"label": "Year"}},
              {"id": "prov", "type": "text"}, {"id": "population", "type": "numeric"}]
    assert columns.defaults(fields) == {
        "time_column": "yr", "series_column": "prov", "value_column": "population",
        "aggregate": "sum", "chart_type": "line"}
    assert columns.year_kind(fields[0]) == "auto"
    assert columns.label(fields[0]) == "Year"


def test_table_without_time_or_numbers_suggests_nothing():
    assert columns.defaults([{"id": "name", "type": "text"}])["time_column"] == ""
    assert columns.defaults([{"id": "ปี", "type": "int4"}])["value_column"] == ""


def test_province_names_in_the_page_language():
    th, en = columns.province_names("th"), columns.province_names("en")
    for key in ("th-22", "22", "จันทบุรี", "chanthaburi", "จังหวัดจันทบุรี"):
        assert th[key] == "จันทบุรี" and en[key] == "Chanthaburi"
    assert len({v for v in th.values()}) == 77
