"""A harvest source's configuration (JSON), checked when the source is saved.

Every key is optional::

    {
      "receiving_organization": "nso-chanthaburi",  # name or id; default: the
                                                # source's own organization
      "default_provinces": ["TH-22"],           # province(s) of a record that names
                                                # none: ISO, DOPA code, Thai/English name
      "rules": [                                # source value -> province / issue
        {"match": "จันทบุรี", "field": "any", "province": "TH-22"},
        {"match": "durian", "field": "keywords",
         "strategic_issue": "chanthaburi-2566-2570-1"}
      ],
      "withdraw": {"action": "private", "grace_days": 7},
      "defaults": {"data_category": "...", "license_id": "..."},  # required GD Catalog
                                                # fields missing from a record (and
                                                # "resource_format" for resources)
      "fq": "organization:ministry-x"           # CKAN sources: filter on the remote side
    }

``provinces`` is accepted as another name of ``default_provinces``, ``organization`` of
``receiving_organization`` (saved under the long names: ckanext-harvest copies every
configuration key into the source's dict, where ``organization`` would hide the
source's own organization and break its pages).
``rules[].field`` is one of ``any``, ``title``, ``keywords``, ``spatial``,
``publisher``; ``match`` is compared case-insensitively as a substring.
``withdraw.action``: ``private`` (default: the dataset is made private, so the public no
longer sees it, and the organization's curators still do), ``delete`` (the dataset is
deleted, not purged, and restored if the record returns), ``none`` (kept as it is, only
reported). A record missing from the source longer than ``grace_days`` (default 7; 0 =
on the first run it is missing) is withdrawn.

Whether sources may point at private addresses is a SITE option
(``ckanext.provincialstats.harvest.allow_private_urls``), never a source's.
"""
import json

import ckan.model as model

from ckanext.provincialstats import vocab

RULE_FIELDS = ("any", "title", "keywords", "spatial", "publisher")
WITHDRAW_ACTIONS = ("private", "delete", "none")
KEYS = ("receiving_organization", "organization", "default_provinces", "provinces", "rules",
        "withdraw", "defaults", "fq")
DEFAULT_GRACE_DAYS = 7


class ConfigError(ValueError):
    """A configuration error; the message is "Thai / English"."""

    def __init__(self, th, en):
        super().__init__(f"{th} / {en}")
        self.th = th
        self.en = en


def parse(text):
    """The configuration of a source as a dict, with defaults filled (no checks of
    records in the database: use :func:`validate` for that)."""
    config = json.loads(text) if text and text.strip() else {}
    withdraw = dict(config.get("withdraw") or {})
    withdraw.setdefault("action", "private")
    withdraw.setdefault("grace_days", DEFAULT_GRACE_DAYS)
    config["withdraw"] = withdraw
    if "provinces" in config:
        config.setdefault("default_provinces", config.pop("provinces"))
    if "organization" in config:
        config.setdefault("receiving_organization", config.pop("organization"))
    config.setdefault("default_provinces", [])
    config.setdefault("rules", [])
    config.setdefault("defaults", {})
    return config


def validate(text):
    """Check a source configuration; return it as normalised JSON text.

    Raises :class:`ConfigError` naming what is wrong.
    """
    if not text or not text.strip():
        return ""
    try:
        config = json.loads(text)
    except ValueError as e:
        raise ConfigError(f"การตั้งค่าไม่ใช่ JSON ที่ถูกต้อง: {e}",
                          f"the configuration is not valid JSON: {e}")
    if not isinstance(config, dict):
        raise ConfigError("การตั้งค่าต้องเป็นออบเจ็กต์ JSON ({...})",
                          "the configuration must be a JSON object ({...})")
    unknown = sorted(set(config) - set(KEYS))
    if unknown:
        raise ConfigError(
            f"ไม่รู้จักคีย์ {', '.join(unknown)} (ใช้ได้: {', '.join(KEYS)})",
            f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(KEYS)})")
    if "organization" in config:
        config.setdefault("receiving_organization", config.pop("organization"))
    if "receiving_organization" in config:
        config["receiving_organization"] = _organization(config["receiving_organization"])
    if "provinces" in config:
        config.setdefault("default_provinces", config.pop("provinces"))
    if "default_provinces" in config:
        config["default_provinces"] = _provinces(config["default_provinces"])
    if "rules" in config:
        config["rules"] = [_rule(i, r) for i, r in enumerate(_list(config["rules"], "rules"))]
    if "withdraw" in config:
        config["withdraw"] = _withdraw(config["withdraw"])
    if "defaults" in config:
        config["defaults"] = _defaults(config["defaults"])
    if "fq" in config and not isinstance(config["fq"], str):
        raise ConfigError("fq ต้องเป็นข้อความ", "fq must be a string")
    return json.dumps(config, ensure_ascii=False, sort_keys=True)


def _list(value, key):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{key} ต้องเป็นรายการ", f"{key} must be a list")
    return value


def province_code(value, where="default_provinces"):
    """The ISO code of a province given as ISO/DOPA code or Thai/English name."""
    text = str(value).strip()
    found = vocab.province(text)
    if not found:
        folded = text.casefold().replace(" ", "").replace("-", "")
        for p in vocab.provinces():
            if folded in (p["name_th"], p["name_en"].casefold().replace(" ", "")
                          .replace("-", "")):
                found = p
                break
    if not found:
        raise ConfigError(f"{where}: ไม่รู้จักจังหวัด {text!r} (ใช้รหัส ISO เช่น TH-22 "
                          "รหัส DOPA หรือชื่อจังหวัด)",
                          f"{where}: unknown province {text!r} (use an ISO code such as "
                          "TH-22, a DOPA code or the province name)")
    return found["iso_code"]


def _provinces(value):
    return [province_code(v) for v in _list(value, "default_provinces")]


def _organization(value):
    org = model.Group.get(str(value)) if value else None
    if not org or not org.is_organization or org.state != "active":
        raise ConfigError(f"receiving_organization: ไม่พบหน่วยงาน {value!r}",
                          f"receiving_organization: organization {value!r} not found")
    return org.name


def _rule(index, rule):
    where = f"rules[{index}]"
    if not isinstance(rule, dict) or not str(rule.get("match") or "").strip():
        raise ConfigError(f"{where}: ต้องมี \"match\" (ข้อความที่จะจับคู่)",
                          f"{where}: needs \"match\" (the text to look for)")
    field = rule.get("field", "any")
    if field not in RULE_FIELDS:
        raise ConfigError(f"{where}: field ต้องเป็นหนึ่งใน {', '.join(RULE_FIELDS)}",
                          f"{where}: field must be one of {', '.join(RULE_FIELDS)}")
    if not rule.get("province") and not rule.get("strategic_issue"):
        raise ConfigError(f"{where}: ต้องระบุ province หรือ strategic_issue",
                          f"{where}: needs a province or a strategic_issue")
    out = {"match": str(rule["match"]).strip(), "field": field}
    if rule.get("province"):
        out["province"] = province_code(rule["province"], where)
    if rule.get("strategic_issue"):
        issue = model.Group.get(str(rule["strategic_issue"]))
        if not issue or issue.type != "strategic_issue" or issue.state != "active":
            raise ConfigError(
                f"{where}: ไม่พบประเด็นยุทธศาสตร์ {rule['strategic_issue']!r}",
                f"{where}: strategic issue {rule['strategic_issue']!r} not found")
        out["strategic_issue"] = issue.name
    return out


def _withdraw(value):
    if not isinstance(value, dict):
        raise ConfigError("withdraw ต้องเป็นออบเจ็กต์ เช่น {\"action\": \"private\", "
                          "\"grace_days\": 7}",
                          "withdraw must be an object such as {\"action\": \"private\", "
                          "\"grace_days\": 7}")
    action = value.get("action", "private")
    if action not in WITHDRAW_ACTIONS:
        raise ConfigError(f"withdraw.action ต้องเป็นหนึ่งใน {', '.join(WITHDRAW_ACTIONS)}",
                          f"withdraw.action must be one of {', '.join(WITHDRAW_ACTIONS)}")
    grace = value.get("grace_days", DEFAULT_GRACE_DAYS)
    if isinstance(grace, bool) or not isinstance(grace, (int, float)) or grace < 0:
        raise ConfigError("withdraw.grace_days ต้องเป็นจำนวนวันตั้งแต่ 0 ขึ้นไป",
                          "withdraw.grace_days must be a number of days, 0 or more")
    return {"action": action, "grace_days": grace}


def _schema_fields():
    from ckanext.scheming.helpers import scheming_get_dataset_schema
    schema = scheming_get_dataset_schema("dataset") or {}
    fields = {f["field_name"]: f for f in schema.get("resource_fields", [])}
    fields.update({f["field_name"]: f for f in schema.get("dataset_fields", [])})
    fields.setdefault("resource_format", {})
    return fields


def _defaults(value):
    if not isinstance(value, dict):
        raise ConfigError("defaults ต้องเป็นออบเจ็กต์ {ชื่อฟิลด์: ค่า}",
                          "defaults must be an object {field name: value}")
    fields = _schema_fields()
    for key, default in value.items():
        if fields and key not in fields:
            raise ConfigError(f"defaults: ไม่มีฟิลด์ {key!r} ในแบบชุดข้อมูล",
                              f"defaults: the dataset schema has no field {key!r}")
        vocabulary = (fields.get(key) or {}).get("provincialstats_vocabulary")
        if vocabulary and isinstance(default, str):
            allowed = {c["value"] for c in vocab.choices(vocabulary)}
            if allowed and default not in allowed:
                raise ConfigError(
                    f"defaults.{key}: ค่า {default!r} ไม่อยู่ในรายการที่เลือกได้",
                    f"defaults.{key}: {default!r} is not one of the allowed choices")
    return value
