"""The extension as a whole: plugins load, schemas resolve by package path, options are
declared."""
import importlib.util
import pathlib
import re

import pytest
from ckan.tests.helpers import call_action

ROOT = pathlib.Path(__file__).resolve().parents[1]
PLUGINS = "provincialstats_search provincialstats scheming_datasets scheming_groups"


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins")
def test_status_show_lists_the_extension_plugins():
    extensions = call_action("status_show")["extensions"]
    assert "provincialstats" in extensions
    assert "provincialstats_search" in extensions


@pytest.mark.parametrize(
    "path, kind",
    [
        ("ckanext.provincialstats.schemas:dataset.yaml", "dataset_type"),
        ("ckanext.provincialstats.schemas:stats_chart.yaml", "dataset_type"),
        ("ckanext.provincialstats.schemas:province.yaml", "group_type"),
        ("ckanext.provincialstats.schemas:strategic_issue.yaml", "group_type"),
    ],
)
def test_schemas_resolve_through_the_package_path(path, kind):
    from ckanext.scheming.plugins import _load_schema

    schema = _load_schema(path)
    assert schema[kind] == path.split(":")[1].removesuffix(".yaml")


def test_thai_translation_catalogue_is_compiled_in_the_package():
    import ckanext.provincialstats.i18n as i18n

    mo = pathlib.Path(i18n.__file__).parent / "th" / "LC_MESSAGES"
    assert (mo / "ckanext-provincialstats.mo").stat().st_size > 0


def test_every_option_read_in_code_is_declared():
    import yaml

    declared = set()
    for path in ("ckanext/provincialstats/config_declaration.yaml",
                 "ckanext/provincialstats/search/config_declaration.yaml"):
        decl = yaml.safe_load((ROOT / path).read_text())
        for group in decl["groups"]:
            declared.update(option["key"] for option in group["options"])
    used = set()
    for path in (ROOT / "ckanext/provincialstats").rglob("*.py"):
        used.update(re.findall(r"[\"'](ckanext\.provincialstats\.[a-z0-9_.]+)[\"']",
                               path.read_text(encoding="utf-8")))
    # Module paths in strings (import_module("ckanext.provincialstats.x")) are not options.
    used = {key for key in used if not _is_module(key)}
    assert used, "no option found: the scan is broken"
    assert used <= declared, f"undeclared options: {sorted(used - declared)}"


def test_search_plugin_stands_alone():
    """The search plugin's options are its own file, it lists no multi-valued fields of
    its own (the provincial plugin registers them), and its entry point is its module."""
    import yaml

    text = (ROOT / "ckanext/provincialstats/search/config_declaration.yaml").read_text()
    keys = {o["key"]: o for g in yaml.safe_load(text)["groups"] for o in g["options"]}
    assert keys["ckanext.provincialstats.search.multivalued_fields"]["default"] == ""
    assert "provincialstats_search" in (ROOT / "setup.py").read_text()
    from ckanext.provincialstats.search.plugin import PostgresSearchPlugin
    assert PostgresSearchPlugin.__module__ == "ckanext.provincialstats.search.plugin"


def _is_module(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.parametrize("lang", ["th", "en"])
def test_catalogues_build_into_ckan_javascript_translations(lang, tmp_path):
    """`ckan run` builds the JavaScript translations from every extension's catalogue
    (ours listed first); a catalogue without a Plural-Forms header stops the server."""
    import json

    from ckan.lib.i18n import _build_js_translation

    import ckanext.provincialstats.i18n as i18n

    po = pathlib.Path(i18n.__file__).parent / lang / "LC_MESSAGES" / "ckanext-provincialstats.po"
    dest = tmp_path / f"{lang}.js"
    _build_js_translation(lang, [str(po)], {"anything"}, str(dest))
    assert json.loads(dest.read_text())[""]["lang"] == lang
