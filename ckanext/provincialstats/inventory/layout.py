"""The metadata inventory layout: one row per dataset, one column per field, Thai headers.

This module is the contract between the inventory export (``inventory/export.py``) and
the spreadsheet harvester (``harvest/sources/sheet.py``): a file written by the export is
read back by the harvester through the same ``COLUMNS``.

Layout (XLSX and CSV alike):

- XLSX: one worksheet named ``SHEET_NAME``, every cell text, an empty value an empty
  cell (readers may return rows shorter than the header: pad them); CSV: UTF-8 with a
  byte-order mark, CRLF line ends. A CSV cell that a spreadsheet would run as a formula
  (starting with ``=``, ``@``, or ``+``/``-`` not followed by a number) is written with
  a leading apostrophe: read CSV cells through ``unescape_cell``.
- Row 1 (``HEADER_ROW``) holds the Thai headers of ``COLUMNS`` in that order; data rows
  follow, one per dataset. No other rows, no merged cells.
- Column order follows the GD Catalog import template (``Temp2_Meta_Record`` /
  ``Temp2_Meta_Stat`` of the national GD Catalog extension): the fields every data type
  has, then the statistical fields, then the geoinformatics fields, then the GD Catalog
  harvest fields, then this catalogue's provincial fields. A field that does not apply to
  a dataset's data type is left empty.
- Headers are the Thai field labels of ``schemas/dataset.yaml``; the only exception is
  ``name``, whose schema label ("URL") is the same as the ``url`` field's, so it gets
  its own header here. A reader should also accept the English header or the field name
  (``field_for_header``).

Cell values are the stored values of the dataset schema, unchanged, so they validate
again on the way back in:

- choice fields: the GD Catalog choice value (Thai text, e.g. ``ข้อมูลสถิติ``; the yes/no
  and ``allow_harvest`` fields ``True``/``False``);
- several values (``MULTI_VALUED``): joined with ``SEPARATOR`` (``", "``); the schema's
  validators split a comma-separated string again (no choice value contains a comma);
- ``owner_org``: the organization's name (URL name, e.g. ``chanthaburi-stats``);
- ``province``: ISO 3166-2:TH codes (``TH-22``); ``strategic_issue``: record names;
  ``stat_sector``: the two-digit sector code;
- years of data (``first_year_of_data``, ``last_year_of_data``): Buddhist Era years as the
  curator typed them (``2566``), never converted; dates (``*_date``,
  ``data_release_calendar``): ISO 8601 as stored (``2023-05-01``);
- numbers (``update_frequency_interval``, bounding box): as stored, text in CSV and text
  in XLSX (no float rounding).

The derived CE years (``first_year_ce``, ``last_year_ce``, ``num_years``) are not
columns: the catalogue computes them from the BE years.
"""
from __future__ import annotations

SHEET_NAME = "ชุดข้อมูล"
HEADER_ROW = 1
SEPARATOR = ", "

# (field_name, thai_header, english_header), in column order.
COLUMNS: list[tuple[str, str, str]] = [
    ("name", "ชื่อ URL", "URL name"),
    ("data_type", "ประเภทชุดข้อมูล", "Data Type"),
    ("data_type_other", "อื่นๆ โปรดระบุ (ประเภทชุดข้อมูล)", "Other, please specify (Data Type)"),
    ("title", "ชื่อชุดข้อมูล", "Dataset Name"),
    ("owner_org", "หน่วยงาน", "Organization"),
    ("maintainer", "ชื่อฝ่ายงานสำหรับติดต่อ", "Contact Person"),
    ("maintainer_email", "อีเมลสำหรับติดต่อ", "Contact Email"),
    ("tag_string", "คำสำคัญ", "Tags"),
    ("notes", "คำอธิบายชุดข้อมูล", "Description"),
    ("objective", "วัตถุประสงค์", "Objective"),
    ("objective_other", "อื่นๆ โปรดระบุ (วัตถุประสงค์)", "Other, please specify (Objective)"),
    ("update_frequency_unit", "หน่วยความถี่ของการปรับปรุงข้อมูล", "Update Frequency Unit"),
    ("update_frequency_unit_other", "อื่นๆ โปรดระบุ (หน่วยความถี่ของการปรับปรุงข้อมูล)",
     "Other, please specify (Update Frequency Unit)"),
    ("update_frequency_interval", "ค่าความถี่ของการปรับปรุงข้อมูล (ความถี่น้อยที่สุด)",
     "Update Frequency Interval"),
    ("geo_coverage", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "Geo Coverage"),
    ("geo_coverage_other", "อื่นๆ โปรดระบุ (ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่)",
     "Other, please specify (Geo Coverage)"),
    ("data_source", "แหล่งที่มา", "Data Source"),
    ("data_format", "รูปแบบการเก็บข้อมูล", "Data Format"),
    ("data_format_other", "อื่นๆ โปรดระบุ (รูปแบบการเก็บข้อมูล)",
     "Other, please specify (Data Format)"),
    ("data_category", "หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ", "Data Category"),
    ("data_classification", "ระดับชั้นข้อมูล", "Data Classification"),
    ("license_id", "สัญญาอนุญาต", "License"),
    ("license_id_other", "อื่นๆ โปรดระบุ (สัญญาอนุญาต)", "Other, please specify (License)"),
    ("accessible_condition", "เงื่อนไขในการเข้าถึงข้อมูล", "Accessible Condition"),
    ("created_date", "วันที่เริ่มต้นสร้าง", "Created date"),
    ("last_updated_date", "วันที่ปรับปรุงข้อมูลล่าสุด", "Last updated date"),
    ("url", "URL", "URL"),
    ("data_support", "ผู้สนับสนุนหรือผู้ร่วมดำเนินการ", "Data Support"),
    ("data_support_other", "อื่นๆ โปรดระบุ (ผู้สนับสนุนหรือผู้ร่วมดำเนินการ)",
     "Other, please specify (Data Support)"),
    ("data_collect", "หน่วยที่ย่อยที่สุดของการจัดเก็บข้อมูล", "Data Collect"),
    ("data_collect_other", "อื่นๆ โปรดระบุ (หน่วยที่ย่อยที่สุดของการจัดเก็บข้อมูล)",
     "Other, please specify (Data Collect)"),
    ("data_language", "ภาษาที่ใช้", "Data Language"),
    ("data_language_other", "อื่นๆ โปรดระบุ (ภาษาที่ใช้)",
     "Other, please specify (Data Language)"),
    ("high_value_dataset", "ชุดข้อมูลที่มีคุณค่าสูง", "High Value Dataset"),
    ("reference_data", "ข้อมูลอ้างอิง", "Reference Data"),
    # statistical data (ข้อมูลสถิติ)
    ("first_year_of_data", "ปีข้อมูลที่เริ่มต้นจัดทำ (สำหรับชุดข้อมูลสถิติ)",
     "First year of data (Statistical data)"),
    ("last_year_of_data", "ปีข้อมูลล่าสุดที่เผยแพร่ (สำหรับชุดข้อมูลสถิติ)",
     "Last year of data (Statistical data)"),
    ("data_release_calendar", "วันที่กำหนดเผยแพร่ข้อมูล", "Data release calendar"),
    ("disaggregate", "การจัดจำแนก (สำหรับชุดข้อมูลสถิติ)", "Disaggregate (Statistical data)"),
    ("disaggregate_other", "อื่นๆ โปรดระบุ (การจัดจำแนก (สำหรับชุดข้อมูลสถิติ))",
     "Other, please specify (Disaggregate (Statistical data))"),
    ("unit_of_measure", "หน่วยวัด (สำหรับชุดข้อมูลสถิติ)", "Unit of measure (Statistical data)"),
    ("unit_of_multiplier", "หน่วยตัวคูณ (สำหรับชุดข้อมูลสถิติ)",
     "Unit of multiplier (Statistical data)"),
    ("unit_of_multiplier_other", "อื่นๆ โปรดระบุ (หน่วยตัวคูณ (สำหรับชุดข้อมูลสถิติ))",
     "Other, please specify (Unit of multiplier (Statistical data))"),
    ("calculation_method", "วิธีการคำนวณ (สำหรับชุดข้อมูลสถิติ)",
     "Calculation method (Statistical data)"),
    ("standard", "มาตรฐานการจัดทำข้อมูล (สำหรับชุดข้อมูลสถิติ)", "Standard (Statistical data)"),
    ("official_statistics", "สถิติทางการ", "Official Statistics"),
    # geoinformatics data (ข้อมูลภูมิสารสนเทศเชิงพื้นที่)
    ("geographic_data_set", "ชุดข้อมูลภูมิศาสตร์ (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)",
     "Geographic dataset (Geoinformatics data)"),
    ("equivalent_scale", "มาตราส่วน (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)",
     "Equivalent scale (Geoinformatics data)"),
    ("equivalent_scale_other", "อื่นๆ โปรดระบุ (มาตราส่วน (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ))",
     "Other, please specify (Equivalent scale (Geoinformatics data))"),
    ("west_bound_longitude",
     "ค่าพิกัดกรอบพื้นที่ด้านทิศตะวันตก (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)",
     "West bound longitude (Geoinformatics data)"),
    ("east_bound_longitude",
     "ค่าพิกัดกรอบพื้นที่ด้านทิศตะวันออก (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)",
     "East bound longitude (Geoinformatics data)"),
    ("north_bound_longitude",
     "ค่าพิกัดกรอบพื้นที่ด้านทิศเหนือ (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)",
     "North bound longitude (Geoinformatics data)"),
    ("south_bound_longitude",
     "ค่าพิกัดกรอบพื้นที่ด้านทิศใต้ (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)",
     "South bound longitude (Geoinformatics data)"),
    ("positional_accuracy", "ความถูกต้องของตำแหน่ง (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)",
     "Positional accuracy (Geoinformatics data)"),
    ("reference_period", "เวลาอ้างอิง (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)",
     "Reference period (Geoinformatics data)"),
    ("data_release_date", "วันที่เผยแพร่ข้อมูล (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)",
     "Data release date (Geoinformatics data)"),
    # GD Catalog harvest
    ("allow_harvest", "ยินยอมให้นำชื่อชุดข้อมูลไปใช้ที่ GD-Catalog",
     "Allow for harvest to GD-Catalog"),
    ("reference_url_catalog", "อ้างอิง URL Catalog", "Reference URL Catalog"),
    # provincial fields
    ("province", "จังหวัด", "Province"),
    ("strategic_issue", "ประเด็นยุทธศาสตร์", "Strategic issue"),
    ("stat_sector", "สาขาสถิติ", "Statistical sector"),
]

FIELDS: list[str] = [field for field, _th, _en in COLUMNS]
THAI_HEADERS: list[str] = [th for _field, th, _en in COLUMNS]
ENGLISH_HEADERS: list[str] = [en for _field, _th, en in COLUMNS]

# Fields holding several values (lists in the dataset dict, joined in a cell).
MULTI_VALUED: frozenset[str] = frozenset({
    "tag_string", "objective", "data_format", "data_language", "disaggregate",
    "province", "strategic_issue",
})


def field_for_header(header: str) -> str | None:
    """The field of a header cell: the Thai header, the English header or the field name
    itself (surrounding spaces ignored, English case-insensitive); ``None`` if unknown."""
    text = " ".join(str(header or "").split())
    for field, th, en in COLUMNS:
        if text == th or text.lower() == en.lower() or text == field:
            return field
    return None


def unescape_cell(text: str) -> str:
    """A CSV cell as written by the export: the apostrophe that keeps a spreadsheet from
    running a formula (``'=x``, ``'@x``, ``'-x``) removed."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=@+-":
        return text[1:]
    return text
