"""The dataset form carries, per field, the schema's rules the form's JavaScript applies
(which data types a field is for, which value of its parent asks for a ``*_other``
field), and the dataset page shows only the fields that have a value."""
import json
from html.parser import HTMLParser

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.logic.checks import OTHER_VALUES
from tests.logic.helpers import PLUGINS
from tests.schemas.test_dataset import statistical


class FieldWrappers(HTMLParser):
    """``{field name: {"attrs": wrapper attributes, "inputs": input names inside}}`` of
    the ``data-provincialstats-field`` wrappers, and the ``data-module`` names."""

    def __init__(self, html):
        super().__init__()
        self.fields, self.modules, self._open = {}, [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-module" in attrs:
            self.modules.append(attrs["data-module"])
        if tag == "div":
            for wrapper in self._open:
                wrapper["depth"] += 1
            if "data-provincialstats-field" in attrs:
                wrapper = {"attrs": attrs, "inputs": set(), "depth": 1}
                self.fields[attrs["data-provincialstats-field"]] = wrapper
                self._open.append(wrapper)
        elif tag in ("input", "select", "textarea"):
            for wrapper in self._open:
                wrapper["inputs"].add(attrs.get("name"))

    def handle_endtag(self, tag):
        if tag != "div":
            return
        for wrapper in self._open:
            wrapper["depth"] -= 1
        self._open = [w for w in self._open if w["depth"] > 0]


def _json_attr(wrapper, name):
    value = wrapper["attrs"].get(name)
    return None if value is None else json.loads(value)


def _form_fields():
    schema = tk.h.scheming_get_dataset_schema("dataset")
    return [f for f in schema["dataset_fields"]
            if f.get("form_snippet", "text.html") is not None]


def _additional_info_rows(html):
    table = html[html.index('class="additional-info"'):]
    table = table[:table.index("</table>")]
    return table


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestDatasetForm:
    @pytest.mark.parametrize("lang", ["th", "en"])
    def test_each_field_says_which_data_types_it_applies_to(self, app, lang):
        sysadmin = factories.SysadminWithToken()
        page = FieldWrappers(app.get("/%s/dataset/new" % lang,
                                     headers={"Authorization": sysadmin["token"]}).body)
        assert "provincialstats-dataset-form" in page.modules
        for field in _form_fields():
            name = field["field_name"]
            wrapper = page.fields[name]
            assert _json_attr(wrapper, "data-provincialstats-data-types") == \
                field.get("form_data_type"), name
            # the wrapper holds the field's input (what the module disables when hidden)
            assert name in wrapper["inputs"], name
            # without JavaScript every field shows
            assert "hidden" not in wrapper["attrs"], name

    def test_other_fields_name_their_parent_and_its_other_values(self, app):
        sysadmin = factories.SysadminWithToken()
        page = FieldWrappers(app.get("/en/dataset/new",
                                     headers={"Authorization": sysadmin["token"]}).body)
        by_name = {f["field_name"]: f for f in _form_fields()}
        companions = [name for name in by_name if name.endswith("_other")]
        assert "data_type_other" in companions and "disaggregate_other" in companions
        for name in companions:
            parent = by_name[name[:-6]]
            others = [c["value"] for c in tk.h.scheming_field_choices(parent)
                      if c["value"] in OTHER_VALUES]
            wrapper = page.fields[name]
            assert wrapper["attrs"].get("data-provincialstats-other-of") == parent["field_name"]
            # the values the server asks the *_other text for (checks.OTHER_VALUES)
            assert _json_attr(wrapper, "data-provincialstats-other-values") == others, name
            assert others, "%s: its parent has no 'other' value to show it" % name
        assert "data-provincialstats-other-of" not in page.fields["disaggregate"]["attrs"]

    def test_edit_form_carries_the_same_rules(self, app):
        sysadmin = factories.SysadminWithToken()
        dataset = call_action("package_create", **statistical(unit_of_measure="ตัน"))
        page = FieldWrappers(app.get("/en/dataset/edit/" + dataset["name"],
                                     headers={"Authorization": sysadmin["token"]}).body)
        assert "provincialstats-dataset-form" in page.modules
        assert _json_attr(page.fields["unit_of_measure"],
                          "data-provincialstats-data-types") == ["ข้อมูลสถิติ"]


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestDatasetPage:
    def test_additional_info_shows_only_fields_with_a_value(self, app):
        dataset = call_action("package_create", **statistical(
            disaggregate=["อื่นๆ"], disaggregate_other="ตำบล", unit_of_measure="ตัน",
            accessible_condition=""))
        table = _additional_info_rows(app.get("/en/dataset/" + dataset["name"]).body)
        for shown in ("Data Type", "Unit of measure (Statistical data)",
                      "Other, please specify (Disaggregate (Statistical data))", "ตำบล"):
            assert shown in table
        for empty in ("Other, please specify (Objective)",
                      "Other, please specify (Data Type)",
                      "West bound longitude (Geoinformatics data)",
                      "Data Support", "Accessible Condition",
                      "Calculation method (Statistical data)"):
            assert empty not in table
