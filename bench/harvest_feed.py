"""The DCAT source of ``bench/harvest_bench.py``: a plain DCAT-AP feed (Turtle, one file)
of ``count`` datasets written to a directory that a loopback HTTP server serves.

The feed knows nothing of the GD Catalog: title, description, keywords, publisher,
contact point, licence, modified date, one CSV distribution; Thai and English titles
naming provinces (so the province mapping has something to do). ``changed`` rewrites the
description of every ``step``-th dataset, as the CKAN source's ``--change`` does.
"""
from __future__ import annotations

import os

PLACES = [("จันทบุรี", "Chanthaburi"), ("ลพบุรี", "Lop Buri"), ("ปทุมธานี", "Pathum Thani"),
          ("เชียงใหม่", "Chiang Mai"), ("ขอนแก่น", "Khon Kaen"), ("สงขลา", "Songkhla")]
TOPICS = [("ผลผลิตทุเรียน", "Durian output"), ("ประชากรกลางปี", "Mid-year population"),
          ("ผู้ป่วยนอก", "Outpatients"), ("ปริมาณน้ำฝน", "Rainfall"),
          ("นักท่องเที่ยว", "Tourists"), ("แรงงานนอกระบบ", "Informal workers"),
          ("อุบัติเหตุทางถนน", "Road accidents"), ("ราคายางพารา", "Rubber prices")]
BASE = "https://agency.example.go.th"
FILE = "catalog.ttl"
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _literal(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def _dataset(i, notes):
    th_place, en_place = PLACES[i % len(PLACES)]
    th_topic, en_topic = TOPICS[i % len(TOPICS)]
    title = (f"{th_topic} จังหวัด{th_place} ชุดที่ {i}" if i % 2 == 0
             else f"{en_topic}, {en_place} (set {i})")
    return f"""<{BASE}/ds/{i}> a dcat:Dataset ;
  dct:identifier {_literal(f"bench-{i:06d}")} ;
  dct:title {_literal(title)} ;
  dct:description {_literal(notes)} ;
  dcat:keyword {_literal(th_topic)}, "statistics" ;
  dct:modified "2024-03-01"^^xsd:date ;
  dct:publisher [ a foaf:Agent ; foaf:name "สำนักงานสถิติจังหวัด{th_place}" ] ;
  dcat:contactPoint [ a vcard:Kind ; vcard:fn "กลุ่มสถิติ" ;
                      vcard:hasEmail <mailto:stat{i % 10}@example.go.th> ] ;
  dcat:distribution <{BASE}/ds/{i}/csv> .
<{BASE}/ds/{i}/csv> a dcat:Distribution ;
  dct:title "CSV" ; dct:format "CSV" ;
  dct:license <http://opendefinition.org/licenses/odc-by/> ;
  dcat:downloadURL <{BASE}/files/{i}.csv> .
"""


def write(directory, count, changed_round=None, step=20):
    """Write the feed; with ``changed_round``, every ``step``-th description says so.
    Returns how many datasets differ from the unchanged feed."""
    os.makedirs(directory, exist_ok=True)
    changed = 0
    path = os.path.join(directory, FILE)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(PREFIXES)
        f.write(f"<{BASE}/catalog> a dcat:Catalog ;\n  dct:title \"bench feed\" ;\n"
                "  dcat:dataset " + ",\n    ".join(f"<{BASE}/ds/{i}>" for i in range(count))
                + " .\n")
        for i in range(count):
            notes = f"รายงานรายปี ชุดที่ {i}"
            if changed_round is not None and i % step == 0:
                notes = f"แก้ไขรอบที่ {changed_round}: ชุดที่ {i}"
                changed += 1
            f.write(_dataset(i, notes))
    os.replace(path + ".tmp", path)
    return changed
