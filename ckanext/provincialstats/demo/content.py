"""The demo catalogue: two pilot provinces, their statistics offices, a few agencies,
datasets with real CSV resources, strategic issues and an official statistics chart.

Figures in ``data/*.csv`` are facts taken from the Ministry of Tourism and Sports'
monthly domestic tourism series and the Office of Agricultural Economics' main-season
rice series (the pilot provinces' rows only, re-laid out by this project).
"""

# Organizations: one statistics office per pilot province, plus producing agencies.
ORGANIZATIONS = [
    {
        "name": "nso-chanthaburi",
        "title": "สำนักงานสถิติจังหวัดจันทบุรี",
        "description": "Chanthaburi Provincial Statistical Office: the provincial data "
        "centre (ศูนย์ข้อมูลกลางจังหวัดจันทบุรี).",
    },
    {
        "name": "nso-pathum-thani",
        "title": "สำนักงานสถิติจังหวัดปทุมธานี",
        "description": "Pathum Thani Provincial Statistical Office: the provincial data "
        "centre (ศูนย์ข้อมูลกลางจังหวัดปทุมธานี).",
    },
    {
        "name": "mots",
        "title": "กระทรวงการท่องเที่ยวและกีฬา",
        "description": "Ministry of Tourism and Sports.",
    },
    {
        "name": "oae",
        "title": "สำนักงานเศรษฐกิจการเกษตร",
        "description": "Office of Agricultural Economics, Ministry of Agriculture and "
        "Cooperatives.",
    },
    {
        "name": "customs",
        "title": "กรมศุลกากร",
        "description": "The Customs Department, Ministry of Finance.",
    },
]

_COMMON = {
    "data_type": "ข้อมูลสถิติ",
    "objective": ["พันธกิจหน่วยงาน", "เพื่อการให้บริการประชาชน"],
    "geo_coverage": "จังหวัด",
    "data_format": ["CSV"],
    "data_category": "ข้อมูลสาธารณะ",
    "data_classification": "เปิดเผย",
    "license_id": "Open Data Common",
    "data_language": ["ไทย"],
    "official_statistics": "True",
}

_TOURISM_NOTES = (
    "สถิติผู้เยี่ยมเยือน อัตราการเข้าพัก และรายได้จากการท่องเที่ยวภายในประเทศ "
    "รายเดือน จังหวัด{province_th} มกราคม 2562 ถึง กุมภาพันธ์ 2566 "
    "(Monthly domestic tourism statistics for {province_en}: visitors, "
    "occupancy rate and tourism revenue, January 2019 to February 2023.)"
)
_RICE_NOTES = (
    "เนื้อที่เพาะปลูก เนื้อที่เก็บเกี่ยว ผลผลิต และผลผลิตต่อไร่ ของข้าวนาปี "
    "จังหวัด{province_th} ปีเพาะปลูก 2524 ถึง 2558 "
    "(Main-season rice in {province_en}: planted and harvested area, production and "
    "yield per rai, crop years 1981 to 2015.)"
)


def _tourism(slug, code, province_th, province_en, issue):
    return {
        **_COMMON,
        "name": f"domestic-tourism-{slug}-monthly",
        "title": f"สถิติการท่องเที่ยวภายในประเทศ จังหวัด{province_th} รายเดือน พ.ศ. 2562-2566",
        "owner_org": "mots",
        "notes": _TOURISM_NOTES.format(province_th=province_th, province_en=province_en),
        "tags": ["การท่องเที่ยว", "ผู้เยี่ยมเยือน", "รายได้", "tourism"],
        "maintainer": "กองเศรษฐกิจการท่องเที่ยวและกีฬา",
        "maintainer_email": "data@mots.go.th",
        "data_source": "กระทรวงการท่องเที่ยวและกีฬา",
        "update_frequency_unit": "เดือน",
        "update_frequency_interval": "1",
        "unit_of_measure": "คน, ร้อยละ, บาท",
        "first_year_of_data": "2562",
        "last_year_of_data": "2566",
        "province": [code],
        "strategic_issue": [issue] if issue else [],
        "stat_sector": "17",
        "resources": [
            {
                "file": f"tourism-{slug}-monthly.csv",
                "name": f"ท่องเที่ยวภายในประเทศ จังหวัด{province_th} รายเดือน (CSV)",
                "description": "One row a month; Thai column headers; UTF-8 with BOM.",
            }
        ],
    }


def _rice(slug, code, province_th, province_en, issue):
    return {
        **_COMMON,
        "name": f"main-season-rice-{slug}",
        "title": f"ข้าวนาปี จังหวัด{province_th} ปีเพาะปลูก 2524-2558",
        "owner_org": "oae",
        "notes": _RICE_NOTES.format(province_th=province_th, province_en=province_en),
        "tags": ["ข้าว", "ข้าวนาปี", "เกษตร", "rice"],
        "maintainer": "ศูนย์สารสนเทศการเกษตร",
        "maintainer_email": "data@oae.go.th",
        "data_source": "สำนักงานเศรษฐกิจการเกษตร",
        "update_frequency_unit": "ปี",
        "update_frequency_interval": "1",
        "unit_of_measure": "ไร่, ตัน, กิโลกรัมต่อไร่",
        "first_year_of_data": "2524",
        "last_year_of_data": "2558",
        "province": [code],
        "strategic_issue": [issue] if issue else [],
        "stat_sector": "11",
        "resources": [
            {
                "file": f"rice-main-season-{slug}.csv",
                "name": f"ข้าวนาปี จังหวัด{province_th} รายปี (CSV)",
                "description": "One row a crop year (BE and CE); UTF-8 with BOM.",
            }
        ],
    }


# Strategic issues of the pilot provinces' development plans (2566-2570).
STRATEGIC_ISSUES = [
    {
        "name": "chanthaburi-2566-2570-1",
        "province": "TH-22",
        "issue_number": 1,
        "title": "เกษตรมูลค่าสูงและผลไม้คุณภาพ (ทุเรียน มังคุด ลำไย) และประมงชายฝั่ง",
        "title_en": "High-value agriculture, quality fruit (durian, mangosteen, longan) "
        "and coastal shrimp farming",
        "sub_issues": [
            {"number": "1.1", "title": "ผลไม้คุณภาพเพื่อการส่งออก",
             "title_en": "Export-quality fruit"},
            {"number": "1.2", "title": "การเลี้ยงกุ้งและประมงชายฝั่ง",
             "title_en": "Shrimp farming and coastal fisheries"},
        ],
        "indicators": [
            {"name": "ผลผลิตทุเรียน", "unit": "ตัน", "year": "2570"},
            {"name": "ผลผลิตข้าวนาปีต่อไร่", "unit": "กิโลกรัมต่อไร่", "year": "2570"},
        ],
    },
    {
        "name": "chanthaburi-2566-2570-2",
        "province": "TH-22",
        "issue_number": 2,
        "title": "การท่องเที่ยว อัญมณีและเครื่องประดับ และการค้าชายแดน",
        "title_en": "Tourism, gems and jewellery, and border trade",
        "sub_issues": [
            {"number": "2.1", "title": "การท่องเที่ยวเชิงเกษตรและชุมชน",
             "title_en": "Agro- and community tourism"},
            {"number": "2.2", "title": "การค้าชายแดนไทย-กัมพูชา",
             "title_en": "Thai-Cambodian border trade"},
        ],
        "indicators": [
            {"name": "รายได้จากการท่องเที่ยว", "unit": "บาท", "year": "2570"},
            {"name": "มูลค่าการค้าชายแดน", "unit": "ล้านบาท", "year": "2570"},
        ],
    },
    {
        "name": "pathum-thani-2566-2570-1",
        "province": "TH-13",
        "issue_number": 1,
        "title": "เมืองน่าอยู่คู่อุตสาหกรรม: เมืองสะอาด เชื่อมโยง ปลอดภัย",
        "title_en": "A livable city with industry: clean, connected, safe",
        "sub_issues": [
            {"number": "1.1", "title": "เมืองสะอาด", "title_en": "Clean city"},
            {"number": "1.2", "title": "เมืองเชื่อมโยง", "title_en": "Connected city"},
            {"number": "1.3", "title": "เมืองปลอดภัย", "title_en": "Safe city"},
        ],
        "indicators": [
            {"name": "รายได้จากการท่องเที่ยว", "unit": "บาท", "year": "2570"},
        ],
    },
]

# Which organization is each pilot province's statistics office (set on the province).
STATS_OFFICES = {"TH-22": "nso-chanthaburi", "TH-13": "nso-pathum-thani"}

# The provincial official statistics chart of Chanthaburi: AS-IS items linked to the
# catalogue, TO-BE items still to be developed.
CHARTS = [
    {
        "name": "chart-chanthaburi-2566-2570",
        "title": "ผังสถิติทางการ จังหวัดจันทบุรี พ.ศ. 2566-2570",
        "owner_org": "nso-chanthaburi",
        "province": "TH-22",
        "plan_period": "2566-2570",
        "notes": "Chanthaburi's provincial official statistics chart for the 2566-2570 "
        "development plan.",
        "chart_items": [
            {"strategic_issue": "chanthaburi-2566-2570-1", "sub_issue": "1.1",
             "indicator": "ผลผลิตข้าวนาปีต่อไร่", "statistic": "เนื้อที่และผลผลิตข้าวนาปี",
             "agency": "สำนักงานเศรษฐกิจการเกษตร", "frequency": "ปี", "availability": "as_is",
             "official_statistics": "True", "dataset": "main-season-rice-chanthaburi"},
            {"strategic_issue": "chanthaburi-2566-2570-1", "sub_issue": "1.1",
             "indicator": "ผลผลิตทุเรียน", "statistic": "เนื้อที่ให้ผลและผลผลิตทุเรียนรายอำเภอ",
             "agency": "สำนักงานเกษตรจังหวัดจันทบุรี", "frequency": "ปี",
             "availability": "to_be", "official_statistics": "False"},
            {"strategic_issue": "chanthaburi-2566-2570-1", "sub_issue": "1.2",
             "indicator": "ผลผลิตกุ้งทะเล", "statistic": "ผลผลิตกุ้งทะเลเพาะเลี้ยง",
             "agency": "สำนักงานประมงจังหวัดจันทบุรี", "frequency": "ปี",
             "availability": "to_be", "official_statistics": "False"},
            {"strategic_issue": "chanthaburi-2566-2570-2", "sub_issue": "2.1",
             "indicator": "รายได้จากการท่องเที่ยว", "statistic": "ผู้เยี่ยมเยือนและรายได้รายเดือน",
             "agency": "กระทรวงการท่องเที่ยวและกีฬา", "frequency": "เดือน",
             "availability": "as_is", "official_statistics": "True",
             "dataset": "domestic-tourism-chanthaburi-monthly"},
            {"strategic_issue": "chanthaburi-2566-2570-2", "sub_issue": "2.2",
             "indicator": "มูลค่าการค้าชายแดน", "statistic": "มูลค่าการค้าชายแดนรายด่าน",
             "agency": "กรมศุลกากร", "frequency": "เดือน", "availability": "to_be",
             "official_statistics": "True"},
        ],
    },
]

DATASETS = [
    _tourism("chanthaburi", "TH-22", "จันทบุรี", "Chanthaburi", "chanthaburi-2566-2570-2"),
    _tourism("pathum-thani", "TH-13", "ปทุมธานี", "Pathum Thani", "pathum-thani-2566-2570-1"),
    _rice("chanthaburi", "TH-22", "จันทบุรี", "Chanthaburi", "chanthaburi-2566-2570-1"),
    _rice("pathum-thani", "TH-13", "ปทุมธานี", "Pathum Thani", None),
]
