"""Any CKAN-style package dict -> a dataset of the provincial schema (``schemas/dataset.yaml``).

``map_dataset(pkg, config)`` takes what a source gives:

- a remote CKAN package; GD Catalog field names (a catalogue on the Thai GD Catalog
  extension, data.go.th) map one to one;
- what ckanext-dcat's RDF parser makes of a DCAT record (``extras`` such as
  ``contact_name``, ``publisher_name``, ``spatial_uri``, ``temporal_start``,
  ``frequency``), or the same in ckanext-dcat's scheming form (``contact``,
  ``publisher``, ``temporal_coverage``, ``spatial_coverage`` lists);
- a spreadsheet row (``sources/sheet.py``: GD Catalog field names already).

and returns a :class:`MappingResult` whose ``dataset`` is ready for ``package_create``
(without ``name``, ``owner_org`` and ``id``, which the pipeline decides).

Required GD Catalog fields come from the record where it says them (contact point ->
maintainer and maintainer_email, publisher -> data_source, keywords -> tags, formats
-> data_format, licence, accrual periodicity -> update frequency, access rights ->
data category, spatial coverage -> geo coverage and provinces, temporal coverage ->
first and last year of data in BE, dataset URI -> reference URL catalog) and otherwise
from the source configuration's ``defaults``; objective, update frequency, geographic
coverage and data format, whose GD Catalog lists have "unknown" (ไม่ทราบ), fall back to it
when neither says them (recorded as defaulted too). What cannot be mapped is never
dropped: it is kept in ``unmapped``.

Stored on the dataset as extras (free keys the schema accepts), JSON text:

- ``harvest_derived``: names of the fields derived from other source fields;
- ``harvest_defaulted``: names of the fields filled from the source configuration;
- ``harvest_unmapped``: ``{source key: source value}`` for everything the record said
  that has no place in the schema or whose value is not recognised.
"""
from __future__ import annotations

import dataclasses
import functools
import importlib.resources
import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
import yaml

from ckanext.provincialstats import vocab
from ckanext.provincialstats.harvest import mapping_places as places
from ckanext.provincialstats.harvest import mapping_values as values
from ckanext.provincialstats.logic.converters import to_int
from ckanext.provincialstats.logic.validation import as_list, is_empty

# Part of the pipeline's record hash: a change of the mapping re-imports every record.
VERSION = "3"

EXTRA_DERIVED = "harvest_derived"
EXTRA_DEFAULTED = "harvest_defaulted"
EXTRA_UNMAPPED = "harvest_unmapped"

# What a source record carries about itself, not about the data: never mapped, never
# reported (the pipeline keeps the source id and decides name and organization).
IGNORED = {
    "id", "name", "owner_org", "type", "state", "private", "metadata_created",
    "metadata_modified", "revision_id", "creator_user_id", "num_resources", "num_tags",
    "relationships_as_object", "relationships_as_subject", "tracking_summary", "isopen",
    "harvest", "harvest_object_id", "harvest_source_id", "harvest_source_title",
    "first_year_ce", "last_year_ce", "num_years", "homepage", "license_title",
    "dataset_uri", "resource_count", EXTRA_DERIVED, EXTRA_DEFAULTED, EXTRA_UNMAPPED,
}
RESOURCE_IGNORED = {
    "id", "package_id", "position", "created", "metadata_modified", "last_modified",
    "state", "revision_id", "cache_url", "cache_last_updated", "url_type",
    "datastore_active", "datastore_contains_all_records_of_source_file", "tracking_summary",
    "distribution_ref", "hash", "mimetype_inner", "webstore_url", "webstore_last_updated",
    "has_views", "on_same_domain", "original_url",
}
# Dataset fields mapping fills itself (not one to one).
_OWN_FIELDS = {"name", "owner_org", "province", "strategic_issue", "tag_string",
               "license_id"}
# EU data themes (DCAT-AP dcat:theme) -> a keyword.
EU_THEMES = {
    "AGRI": "agriculture", "ECON": "economy", "EDUC": "education", "ENER": "energy",
    "ENVI": "environment", "GOVE": "government", "HEAL": "health",
    "INTR": "international", "JUST": "justice", "REGI": "regions", "SOCI": "society",
    "TECH": "science and technology", "TRAN": "transport",
}
# Required fields whose GD Catalog list has "unknown" (ไม่ทราบ): what a record that does
# not say them gets when the source configuration gives no default either.
UNKNOWN_FALLBACKS = {
    "objective": ["ไม่ทราบ"],
    "update_frequency_unit": "ไม่ทราบ",
    "geo_coverage": "ไม่ทราบ",
    "data_format": ["ไม่ทราบ"],
}
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


@dataclasses.dataclass
class MappingResult:
    """The mapped dataset and an account of where each value came from."""

    dataset: dict[str, Any]
    derived: list[str] = dataclasses.field(default_factory=list)
    defaulted: list[str] = dataclasses.field(default_factory=list)
    unmapped: dict[str, Any] = dataclasses.field(default_factory=dict)
    # Required fields still empty after mapping and defaults (validation will refuse).
    missing: list[str] = dataclasses.field(default_factory=list)


# -- the schema, read once ------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _schema() -> dict[str, Any]:
    path = importlib.resources.files("ckanext.provincialstats.schemas") / "dataset.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _fields(kind: str = "dataset_fields") -> dict[str, dict[str, Any]]:
    return {f["field_name"]: f for f in _schema()[kind]}


def _choice_lookup(field: dict[str, Any]) -> dict[str, str] | None:
    """value / Thai label / English label (case-folded) -> value, for choice fields."""
    name = field.get("provincialstats_vocabulary")
    if not name or name in ("provinces", "stat_sectors"):
        return None
    lookup = {}
    for choice in vocab.choices(name):
        labels = choice.get("label") or {}
        for text in [choice["value"]] + list(labels.values() if isinstance(labels, dict)
                                              else [labels]):
            lookup.setdefault(str(text).casefold().strip(), choice["value"])
    return lookup


def _applies(field: dict[str, Any], data_type: str | None) -> bool:
    applies_to = field.get("form_data_type")
    return not applies_to or not data_type or data_type in applies_to


def required_fields(data_type: str | None = None) -> list[str]:
    """The dataset fields the schema requires (for ``data_type``), minus the pipeline's."""
    return [name for name, f in _fields().items()
            if f.get("required") and name not in ("name", "owner_org")
            and _applies(f, data_type)]


# -- the mapper -----------------------------------------------------------------------

class _Mapper:
    def __init__(self, pkg: dict[str, Any], config: dict[str, Any]):
        self.config = config or {}
        self.src = _flatten(pkg or {})
        self.resources = list((pkg or {}).get("resources") or [])
        self.used: set[str] = set()
        self.out: dict[str, Any] = {"type": "dataset"}
        self.derived: list[str] = []
        self.defaulted: list[str] = []
        self.unmapped: dict[str, Any] = {}

    # reading the source
    def take(self, *keys: str) -> Any:
        """The first non-empty source value among ``keys``; only that key is marked as
        used (the others, if they say something, end up unmapped)."""
        for key in keys:
            value = self.src.get(key)
            if not is_empty(value):
                self.used.add(key)
                return value
        return None

    def fill(self, field: str, *keys: str, transform=None, derived: bool = True) -> None:
        """``field`` from the first of ``keys`` whose value ``transform`` accepts (None =
        refused; a refused value is kept as unmapped). Nothing is read when the field
        is already set: the source values then stay for the unmapped report."""
        if not is_empty(self.out.get(field)):
            return
        for key in keys:
            raw = self.src.get(key)
            if is_empty(raw):
                continue
            value = transform(raw) if transform else raw
            self.used.add(key)
            if is_empty(value):
                self.keep(key, raw)
                continue
            self.put(field, value, derived=derived)
            return

    def take_all(self, *keys: str) -> list[Any]:
        """Every non-empty value of ``keys``, JSON lists and lists flattened."""
        found = []
        for key in keys:
            self.used.add(key)
            found.extend(_as_values(self.src.get(key)))
        return found

    def keep(self, key: str, value: Any) -> None:
        """A source value that could not be mapped: reported, kept on the dataset."""
        if is_empty(value):
            return
        if key in self.unmapped and self.unmapped[key] != value:
            previous = self.unmapped[key]
            value = (previous if isinstance(previous, list) else [previous]) + [value]
        self.unmapped[key] = value

    def put(self, field: str, value: Any, derived: bool = True) -> None:
        if is_empty(value) or not is_empty(self.out.get(field)):
            return
        self.out[field] = value
        if derived and field not in self.derived:
            self.derived.append(field)

    # the steps
    def run(self) -> MappingResult:
        self.one_to_one()
        self.derive_text_fields()
        self.derive_tags()
        self.derive_formats()
        self.derive_licence()
        self.derive_frequency()
        self.derive_dates_and_years()
        self.derive_language_and_access()
        self.derive_provinces()
        self.apply_rules()
        self.apply_defaults()
        self.drop_not_applicable()
        self.out["resources"] = [r for r in (self.map_resource(i, r)
                                             for i, r in enumerate(self.resources)) if r]
        self.collect_unmapped()
        return self.result()

    def one_to_one(self) -> None:
        """GD Catalog (and provincial) field names of the record, values checked."""
        for name, field in _fields().items():
            if name in _OWN_FIELDS or field.get("preset") == "provincialstats_derived":
                continue
            raw = self.take(name)
            if raw is None:
                continue
            value = _field_value(field, raw)
            if value is None:
                self.keep(name, raw)
            else:
                self.out[name] = value
                if isinstance(value, list) and isinstance(raw, (list, str)):
                    wrong = [v for v in (raw if isinstance(raw, list) else as_list(raw))
                             if _field_value(field, [v]) is None]
                    if wrong:
                        self.keep(name, wrong)

    def derive_text_fields(self) -> None:
        self.fill("title", "title_translated", transform=_translated, derived=False)
        self.fill("notes", "description", derived=False)
        self.fill("notes", "notes_translated", transform=_translated, derived=False)
        self.fill("maintainer", "contact_name", "author", "publisher_name", "creator_name")
        self.fill("maintainer_email", "contact_email", "author_email", "publisher_email",
                  transform=_email)
        self.fill("data_source", "publisher_name", "creator_name", "organization", "author",
                  transform=_agent_name)
        self.fill("reference_url_catalog", "uri", transform=_web_address)
        self.fill("url", "landing_page", "landingPage", transform=_web_address,
                  derived=False)
        if is_empty(self.out.get("notes")) and self.out.get("title"):
            self.put("notes", self.out["title"])

    def derive_tags(self) -> None:
        names = []
        for tag in self.take_all("tags", "keywords", "keyword"):
            names.append(tag.get("name") if isinstance(tag, dict) else tag)
        for theme in self.take_all("theme"):
            code = str(theme).rstrip("/").rsplit("/", 1)[-1]
            if code in EU_THEMES:
                names.append(EU_THEMES[code])
            else:
                self.keep("theme", theme)
        tag_string = self.take("tag_string")
        if tag_string:
            names.extend(tag_string if isinstance(tag_string, list)
                         else str(tag_string).split(","))
        longest = int(tk.config.get("ckanext.provincialstats.tags.max_length") or 100)
        tags, dropped = [], []
        for name in names:
            clean = values.clean_tag(name, longest) if name else ""
            if len(clean) >= 2 and clean not in tags:
                tags.append(clean)
            elif name and len(clean) < 2:
                dropped.append(name)
        if dropped:
            self.keep("tags", dropped)
        if tags:
            self.out["tag_string"] = ",".join(tags)
            self.tags = tags
        else:
            self.tags = []

    def derive_formats(self) -> None:
        if not is_empty(self.out.get("data_format")):
            return
        known, other = [], []
        for resource in self.resources:
            gdc = _resource_format(resource)
            if gdc and gdc not in known:
                known.append(gdc)
            elif not gdc and resource.get("format"):
                other.append(str(resource["format"]))
        if other:
            known.append("อื่นๆ")
            self.put("data_format_other", ", ".join(dict.fromkeys(other)))
        if known:
            self.put("data_format", known)

    def derive_licence(self) -> None:
        if not is_empty(self.out.get("license_id")):
            return
        candidates = [self.take("license_id"), self.take("license_url"),
                      self.take("license"), self.take("license_title"),
                      self.take("rights")]
        candidates += [r.get("license") for r in self.resources]
        unknown = []
        for candidate in candidates:
            if is_empty(candidate) or values.license_unspecified(candidate):
                continue
            gdc, other = values.map_license(candidate)
            if gdc:
                self.put("license_id", gdc)
                if other:
                    self.put("license_id_other", other)
                return
            unknown.append(str(candidate))
        if unknown:
            # A licence the record names but no one recognises: said as "other", with
            # its own words, and reported.
            self.put("license_id", values.LICENSE_OTHER)
            self.put("license_id_other", unknown[0][:500])
            self.keep("license", unknown[0])

    def derive_frequency(self) -> None:
        if not is_empty(self.out.get("update_frequency_unit")):
            return
        raw = self.take("frequency", "accrualPeriodicity", "accrual_periodicity",
                        "update_frequency")
        if raw is None:
            return
        found = values.map_frequency(raw)
        if found is None:
            self.keep("frequency", raw)
            return
        unit, interval = found
        self.put("update_frequency_unit", unit)
        if interval:
            self.put("update_frequency_interval", str(interval))

    def derive_dates_and_years(self) -> None:
        self.fill("last_updated_date", "modified", "dcat_modified", transform=_iso_date)
        self.fill("created_date", "issued", "dcat_issued", transform=_iso_date)
        self.fill("first_year_of_data", "temporal_start", transform=_be_year)
        self.fill("last_year_of_data", "temporal_end", transform=_be_year)

    def derive_language_and_access(self) -> None:
        if is_empty(self.out.get("data_language")):
            languages, unknown = [], []
            for raw in self.take_all("language", "languages"):
                gdc = values.map_language(raw)
                if gdc and gdc not in languages:
                    languages.append(gdc)
                elif not gdc:
                    unknown.append(raw)
            self.put("data_language", languages or None)
            if unknown:
                self.keep("language", unknown)
        self.fill("data_category", "access_rights", "accessLevel", "access_level",
                  transform=_data_category)

    # provinces
    def _texts(self, field: str) -> list[str]:
        """The record's text for a rule field (title, keywords, spatial, publisher)."""
        src = self.src
        if field == "title":
            found = [src.get("title")] + _translations(src.get("title_translated"))
        elif field == "keywords":
            found = list(getattr(self, "tags", []))
        elif field == "spatial":
            found = (_as_values(src.get("spatial_text")) + _as_values(src.get("spatial_uri"))
                     + _as_values(src.get("spatial_label")))
        elif field == "publisher":
            org = src.get("organization")
            found = [src.get("publisher_name"), src.get("creator_name"),
                     self.out.get("data_source"), self.out.get("maintainer"),
                     org.get("title") if isinstance(org, dict) else None]
        else:
            found = [t for f in ("title", "keywords", "spatial", "publisher")
                     for t in self._texts(f)]
        return [str(t) for t in found if not is_empty(t)]

    def derive_provinces(self) -> None:
        explicit = self.take_all("province", "provinces")
        codes = []
        for raw in explicit:
            code = places.province_of_value(raw)
            if code:
                codes.append(code)
            else:
                self.keep("province", raw)
        spatial = []
        for key in ("spatial_text", "spatial_uri", "spatial_label"):
            for value in self.take_all(key):
                found = places.provinces_in_values([value])
                spatial.extend(found)
                if not found and not re.search(
                        r"(?i)\bthailand\b|ประเทศไทย|/THA$|/TH$", str(value)):
                    self.keep(key, value)
        spatial = places._unique(spatial)
        if spatial and is_empty(self.out.get("geo_coverage")):
            self.put("geo_coverage", "จังหวัด")
        elif is_empty(self.out.get("geo_coverage")) and any(
                re.search(r"(?i)\bthailand\b|ประเทศไทย|/THA$|/TH$", t)
                for t in self._texts("spatial")):
            self.put("geo_coverage", "ประเทศ")
        found = (codes + spatial + places.provinces_in_values(self._texts("keywords"))
                 + places.provinces_in_text(" | ".join(self._texts("title")))
                 + places.provinces_in_text(" | ".join(self._texts("publisher"))))
        self.provinces = places._unique(found)
        self.explicit_provinces = len(places._unique(codes))
        issues = self.take_all("strategic_issue")
        self.issues: list[str] = []
        for issue in issues:
            self._add_issue(issue, "strategic_issue")

    def _add_issue(self, ref: Any, source_key: str) -> None:
        from ckanext.provincialstats.logic.references import (
            find_strategic_issue,
            issue_province,
        )
        group = find_strategic_issue(ref)
        if group is None:
            self.keep(source_key, ref)
            return
        if group.name not in self.issues:
            self.issues.append(group.name)
        province = issue_province(group)
        if province and province not in self.provinces:
            self.provinces.append(province)

    def apply_rules(self) -> None:
        for number, rule in enumerate(self.config.get("rules") or []):
            needle = str(rule.get("match") or "").casefold().strip()
            texts = self._texts(rule.get("field") or "any")
            if not needle or not any(needle in t.casefold() for t in texts):
                continue
            if rule.get("province"):
                code = vocab.normalise_province_code(rule["province"])
                if code not in self.provinces:
                    self.provinces.append(code)
            if rule.get("strategic_issue"):
                self._add_issue(rule["strategic_issue"], "rules[%d].strategic_issue" % number)
        if self.provinces:
            self.out["province"] = self.provinces
            if not self.explicit_provinces or len(self.provinces) > self.explicit_provinces:
                self.derived.append("province")
        if self.issues:
            self.out["strategic_issue"] = self.issues
            self.derived.append("strategic_issue")

    def apply_defaults(self) -> None:
        defaults = dict(self.config.get("defaults") or {})
        if not self.provinces and self.config.get("default_provinces"):
            self.out["province"] = [vocab.normalise_province_code(c)
                                    for c in self.config["default_provinces"]]
            self.defaulted.append("province")
        fields = _fields()
        for field, value in defaults.items():
            if field in ("name", "owner_org", "province") or field not in fields:
                continue
            if is_empty(self.out.get(field)) and not is_empty(value):
                self.out[field] = value
                self.defaulted.append(field)
        for field, value in UNKNOWN_FALLBACKS.items():
            if is_empty(self.out.get(field)):
                self.out[field] = value
                self.defaulted.append(field)

    def drop_not_applicable(self) -> None:
        """Fields the GD Catalog shows only for other data types are kept as unmapped."""
        data_type = self.out.get("data_type")
        for name, field in _fields().items():
            if name in self.out and not _applies(field, data_type):
                self.keep(name, self.out.pop(name))
                for listing in (self.derived, self.defaulted):
                    if name in listing:
                        listing.remove(name)

    # resources
    def map_resource(self, index: int, resource: dict[str, Any]) -> dict[str, Any] | None:
        prefix = "resources[%d]." % index
        used = set()

        def take(*keys):
            used.update(keys)
            return next((resource[k] for k in keys if not is_empty(resource.get(k))), None)

        url = take("download_url", "url", "access_url", "downloadURL", "accessURL")
        if not url:
            self.keep(prefix[:-1], resource)
            return None
        url = str(url)
        out: dict[str, Any] = {"url": url}
        data_type = self.out.get("data_type")
        for name, field in _fields("resource_fields").items():
            if name in ("url", "name", "format") or name not in resource:
                continue
            used.add(name)
            value = _field_value(field, resource[name])
            if value is None or not _applies(field, data_type):
                self.keep(prefix + name, resource[name])
            else:
                out[name] = value
        out["name"] = str(take("name", "title") or url.rstrip("/").rsplit("/", 1)[-1]
                          or url)[:300]
        description = take("description")
        if description:
            out["description"] = description
        fmt = take("format", "mimetype", "media_type", "mediaType")
        defaults = self.config.get("defaults") or {}
        out["format"] = _format_label(fmt) or values.format_from_url(url) or \
            defaults.get("resource_format") or "ไม่ทราบ"
        for key, field in (("modified", "resource_last_updated_date"),
                           ("issued", "resource_created_date")):
            date = values.parse_date(take(key))
            if date and _applies(_fields("resource_fields")[field], data_type):
                out.setdefault(field, date.isoformat())
        used.update({"license", "mimetype", "size", "uri", "rights"})
        for key, value in resource.items():
            if key not in used and key not in RESOURCE_IGNORED and not is_empty(value):
                self.keep(prefix + key, value)
        for key in ("uri", "size"):
            if not is_empty(resource.get(key)):
                out[key] = resource[key]
        for name, field in _fields("resource_fields").items():
            if is_empty(out.get(name)) and not is_empty(defaults.get(name)) \
                    and _applies(field, data_type):
                out[name] = defaults[name]
        return out

    def collect_unmapped(self) -> None:
        fields = set(_fields())
        for key, value in self.src.items():
            if key in self.used or key in IGNORED or key in fields or is_empty(value):
                continue
            self.keep(key, _compact(value))

    def result(self) -> MappingResult:
        data_type = self.out.get("data_type")
        missing = [f for f in required_fields(data_type) if is_empty(self.out.get(f))]
        extras = [{"key": EXTRA_DERIVED, "value": json.dumps(self.derived)},
                  {"key": EXTRA_DEFAULTED, "value": json.dumps(self.defaulted)}]
        if self.unmapped:
            extras.append({"key": EXTRA_UNMAPPED, "value": json.dumps(
                self.unmapped, ensure_ascii=False, sort_keys=True, default=str)})
        self.out["extras"] = extras
        return MappingResult(self.out, list(self.derived), list(self.defaulted),
                             dict(self.unmapped), missing)


def map_dataset(pkg: dict[str, Any], config: dict[str, Any]) -> MappingResult:
    """Map one source record (a CKAN-style package dict) into the provincial schema."""
    return _Mapper(pkg, config).run()


# -- helpers --------------------------------------------------------------------------

def _flatten(pkg: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys, then extras (not overriding), then ckanext-dcat's scheming lists
    (contact, publisher, creator, temporal and spatial coverage) as flat keys."""
    src = {k: v for k, v in pkg.items() if k not in ("extras", "resources")}
    for extra in pkg.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") and extra["key"] not in src:
            src[extra["key"]] = extra.get("value")
    for agent in ("contact", "publisher", "creator"):
        first = _first_dict(src.get(agent))
        if first is not None:
            src.pop(agent)
            for key, value in first.items():
                src.setdefault("%s_%s" % (agent, key), value)
    for key, (start, end) in {"temporal_coverage": ("start", "end")}.items():
        first = _first_dict(src.get(key))
        if first is not None:
            src.pop(key)
            src.setdefault("temporal_start", first.get(start))
            src.setdefault("temporal_end", first.get(end))
    first = _first_dict(src.get("spatial_coverage"))
    if first is not None:
        src.pop("spatial_coverage")
        src.setdefault("spatial_uri", first.get("uri"))
        src.setdefault("spatial_text", first.get("text"))
        if first.get("geom"):
            src.setdefault("spatial", first.get("geom"))
    return src


def _first_dict(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return None


def _as_values(value: Any) -> list[Any]:
    """A list, a JSON list in text, or one value -> list of non-empty values."""
    if is_empty(value):
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if not is_empty(v)]
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            loaded = json.loads(value)
        except ValueError:
            loaded = None
        if isinstance(loaded, list):
            return [v for v in loaded if not is_empty(v)]
    return [value]


def _translated(value: Any) -> str | None:
    if isinstance(value, dict):
        for lang in ("th", "en"):
            if value.get(lang):
                return value[lang]
        return next((v for v in value.values() if v), None)
    return None


def _translations(value: Any) -> list[str]:
    return [v for v in value.values() if v] if isinstance(value, dict) else []


def _compact(value: Any) -> Any:
    """A remote CKAN's organization or groups as their names and titles, not their
    whole records."""
    if isinstance(value, dict) and "name" in value and ("title" in value or "id" in value):
        return {k: value[k] for k in ("name", "title") if value.get(k)}
    if isinstance(value, list) and value and all(isinstance(v, dict) and "name" in v
                                                 for v in value):
        return [_compact(v) for v in value]
    return value


def _web_address(value: Any) -> str | None:
    return str(value).strip() if re.match(r"https?://", str(value).strip()) else None


def _agent_name(value: Any) -> str | None:
    """A publisher's name; an organization dict (remote CKAN) by its title."""
    if isinstance(value, dict):
        return value.get("title") or value.get("name") or None
    return str(value).strip() or None


def _iso_date(value: Any) -> str | None:
    date = values.parse_date(value)
    return date.isoformat() if date else None


def _be_year(value: Any) -> str | None:
    year = values.year_of(value)
    return str(values.be_year(year)) if year else None


def _data_category(value: Any) -> str | None:
    """Access rights (EU access-right URI, DCAT-US accessLevel) -> GD data category."""
    word = str(value).rstrip("/").rsplit("/", 1)[-1].casefold()
    return {"public": "ข้อมูลสาธารณะ", "non_public": "ข้อมูลใช้ภายใน",
            "non-public": "ข้อมูลใช้ภายใน", "restricted": "ข้อมูลใช้ภายใน",
            "restricted public": "ข้อมูลใช้ภายใน"}.get(word)


def _email(value: Any) -> str | None:
    if not value:
        return None
    found = _EMAIL.search(str(value).replace("mailto:", " "))
    return found[0] if found else None


def _field_value(field: dict[str, Any], raw: Any) -> Any:
    """A source value in the form ``field`` takes, or None if it does not fit."""
    preset = field.get("preset", "")
    lookup = _choice_lookup(field)
    if preset == "provincialstats_multiple_choice" and lookup is not None:
        whole = lookup.get(str(raw).casefold().strip()) if not isinstance(raw, list) else None
        items = [whole] if whole else as_list(raw)
        mapped = [lookup.get(str(v).casefold().strip())
                  or (values.map_format(v) if field["field_name"] == "data_format" else None)
                  for v in items]
        mapped = [v for v in dict.fromkeys(mapped) if v]
        return mapped or None
    if isinstance(raw, (list, dict)):
        if isinstance(raw, list) and len(raw) == 1 and not isinstance(raw[0], (list, dict)):
            raw = raw[0]
        else:
            return None
    if lookup is not None:
        return lookup.get(str(raw).casefold().strip())
    if preset == "provincialstats_be_year":
        year = values.parse_year(raw)
        return str(values.be_year(year)) if year else None
    if preset == "date":
        date = values.parse_date(raw)
        return date.isoformat() if date else None
    if preset == "provincialstats_positive_int":
        number = to_int(raw)
        return str(number) if number and number > 0 else None
    if preset == "provincialstats_url":
        return str(raw).strip() if re.match(r"https?://", str(raw).strip()) else None
    if preset == "provincialstats_stat_sector":
        code = vocab.normalise_sector_code(raw)
        for sector in vocab.stat_sectors():
            if code == sector["value"] or str(raw).strip().casefold() in (
                    label.casefold() for label in sector["label"].values()):
                return sector["value"]
        return None
    if field["field_name"] == "maintainer_email":
        return _email(raw)
    return str(raw).strip() or None


def _resource_format(resource: dict[str, Any]) -> str | None:
    for key in ("format", "mimetype", "media_type", "mediaType"):
        gdc = values.map_format(resource.get(key))
        if gdc:
            return gdc
    return values.map_format(values.format_from_url(
        resource.get("download_url") or resource.get("url") or resource.get("access_url")))


def _format_label(value: Any) -> str | None:
    """A resource's own format as a short label: ``XLSX`` as given; a file-type URI's
    code (``.../file-type/CSV`` -> ``CSV``); a media type as its format (``CSV``)."""
    if is_empty(value):
        return None
    text = str(value).strip()
    if text.startswith("http"):
        text = text.rstrip("/").rsplit("/", 1)[-1]
    if "/" in text:
        text = values.map_format(text) or text
    return text[:100] or None
