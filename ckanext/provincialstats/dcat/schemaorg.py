"""``provincialstats_schemaorg``: what ckanext-dcat's ``schemaorg`` profile cannot see in
this schema, for the schema.org JSON-LD of dataset pages (``structured_data`` plugin,
``ckanext.dcat.structured_data.profiles = schemaorg provincialstats_schemaorg``): the
provinces as ``schema:spatialCoverage`` places (Thai and English names, ISO code, the
province concept), the CE time coverage as ``schema:temporalCoverage``, the languages as
``schema:inLanguage`` and Thai/English text language-tagged."""
from __future__ import annotations

from rdflib import BNode, Literal

from ckanext.dcat.profiles import RDF, SCHEMA, RDFProfile
from ckanext.provincialstats import vocab
from ckanext.provincialstats.dcat import concepts, fields
from ckanext.provincialstats.dcat.profile import _as_list

_BCP47 = {"ไทย": "th", "อังกฤษ": "en", "จีน": "zh", "มลายู": "ms", "พม่า": "my",
          "ลาว": "lo", "เขมร": "km", "ญี่ปุ่น": "ja", "เกาหลี": "ko"}


class ProvincialStatsSchemaOrgProfile(RDFProfile):
    """schema.org additions for the provincial fields (see the module docstring)."""

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        g = self.g
        for predicate in (SCHEMA.name, SCHEMA.description):
            for obj in list(g.objects(dataset_ref, predicate)):
                if isinstance(obj, Literal) and not obj.language:
                    g.remove((dataset_ref, predicate, obj))
                    g.add((dataset_ref, predicate,
                           Literal(str(obj), lang=fields.lang_of(str(obj)))))
        for code in _as_list(dataset_dict.get("province")):
            entry = vocab.province(code)
            if entry is None:
                continue
            place = BNode()
            g.add((place, RDF.type, SCHEMA.Place))
            g.add((place, SCHEMA.name, Literal(entry["name_th"], lang="th")))
            g.add((place, SCHEMA.name, Literal(entry["name_en"], lang="en")))
            g.add((place, SCHEMA.identifier, Literal(entry["iso_code"])))
            g.add((place, SCHEMA.sameAs, concepts.province_uri(entry["iso_code"])))
            g.add((dataset_ref, SCHEMA.spatialCoverage, place))
        first, last = dataset_dict.get("first_year_ce"), dataset_dict.get("last_year_ce")
        if first not in (None, "") or last not in (None, ""):
            span = f"{first or '..'}/{last or '..'}"
            g.remove((dataset_ref, SCHEMA.temporalCoverage, None))
            g.add((dataset_ref, SCHEMA.temporalCoverage, Literal(span)))
        for value in _as_list(dataset_dict.get("data_language")):
            if value in _BCP47:
                g.add((dataset_ref, SCHEMA.inLanguage, Literal(_BCP47[value])))
