"""The dataset form carries, per field, the schema's rules the form's JavaScript applies
(which data types a field is for, which value of its parent asks for a ``*_other``
field), and the dataset page shows only the fields that have a value."""
import json
import re
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


def _wrapper_html(html, name):
    """The HTML inside the wrapper of field ``name``."""
    start = html.index('data-provincialstats-field="%s"' % name)
    depth, i = 0, html.rindex("<div", 0, start)
    for match in re.finditer(r"<(/?)div\b", html[i:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return html[i:i + match.end()]
    raise AssertionError("unclosed wrapper of %s" % name)


class Sections(HTMLParser):
    """``sections``: [(legend, [field names])] of the form's sections, in order."""

    def __init__(self, html):
        super().__init__()
        self.sections, self._depth, self._legend = [], 0, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            if "data-provincialstats-section" in attrs:
                self.sections.append(["", []])
                self._depth = 1
            elif self._depth:
                self._depth += 1
        elif tag == "legend" and self._depth == 1:
            self._legend = True
        elif self._depth and "data-provincialstats-field" in attrs:
            self.sections[-1][1].append(attrs["data-provincialstats-field"])

    def handle_endtag(self, tag):
        if tag == "fieldset" and self._depth:
            self._depth -= 1
        elif tag == "legend":
            self._legend = False

    def handle_data(self, data):
        if self._legend:
            self.sections[-1][0] += data.strip()


def _sections(html):
    return [tuple(section) for section in Sections(html).sections]


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestFormSections:
    @pytest.mark.parametrize("lang,first,statistics", [
        ("th", "ชุดข้อมูล", "สำหรับชุดข้อมูลสถิติ"), ("en", "Dataset", "Statistical data")])
    def test_fields_in_sections_with_headings(self, app, lang, first, statistics):
        sysadmin = factories.SysadminWithToken()
        html = app.get("/%s/dataset/new" % lang,
                       headers={"Authorization": sysadmin["token"]}).body
        sections = _sections(html)
        legends = [legend for legend, _names in sections]
        assert legends[0] == first and statistics in legends
        by_legend = dict(sections)
        assert by_legend[first][:3] == ["data_type", "data_type_other", "title"]
        assert {"first_year_of_data", "last_year_of_data", "official_statistics"} <= set(
            by_legend[statistics])
        # every field of the form is in exactly one section
        placed = [name for _legend, names in sections for name in names]
        assert sorted(placed) == sorted(f["field_name"] for f in _form_fields())
        # help in the page's language where the schema gives none
        help_text = _wrapper_html(html, "first_year_of_data")
        assert ("ปีพุทธศักราช" if lang == "th" else "in the Buddhist Era") in help_text

    def test_no_inline_style_or_script_in_the_form(self, app):
        sysadmin = factories.SysadminWithToken()
        html = app.get("/th/dataset/new", headers={"Authorization": sysadmin["token"]}).body
        form = html[html.index('id="dataset-edit"'):]
        form = form[:form.index("</form>")]
        assert "style=" not in form and "<style" not in form
        assert "<script" not in form.replace('<script type="application/json"', "")


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestYearsDisplayed:
    @pytest.mark.parametrize("lang,first,last", [
        ("th", "พ.ศ. 2560", "พ.ศ. 2566"), ("en", "2017", "2023")])
    def test_be_years_in_thai_ce_in_english(self, app, lang, first, last):
        dataset = call_action("package_create", **statistical(
            first_year_of_data="2560", last_year_of_data="2566"))
        table = _additional_info_rows(app.get("/%s/dataset/%s" % (lang, dataset["name"])).body)
        years = re.findall(r'class="provincialstats-year"[^>]*>([^<]+)<', table)
        assert years == [first, last]
        # the derived CE rows (for the API) are not repeated on the page
        assert "(CE)" not in table and "(ค.ศ.)" not in table


PASSWORD = "RandomPassword123"


def _suggest(app, title, token=None, status=200, **extra):
    headers = {"Authorization": token} if token else {}
    response = app.get("/api/3/action/provincialstats_name_suggest",
                       query_string={"title": title, **extra}, headers=headers, status=status)
    return response.json


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestDatasetName:
    def test_thai_title_gives_a_romanised_free_name(self):
        first = call_action("package_create", **statistical(name="", title="ทุเรียน"))
        assert first["name"] == "thurian"
        second = call_action("package_create", **{**statistical(title="ทุเรียน"), "name": None})
        assert second["name"] == "thurian-2"
        long = call_action("package_create", **statistical(
            name="", title="สถิติการผลิตทุเรียน จังหวัดจันทบุรี ปี ๒๕๖๖ (Durian)"))
        assert long["name"] == "sathiti-kanplit-thurian-changwat-chantburi-pi-2566-durian"

    def test_a_typed_name_is_kept_and_a_title_without_letters_gives_none(self):
        assert call_action("package_create", **statistical(
            name="my-rice", title="ทุเรียน"))["name"] == "my-rice"
        with pytest.raises(tk.ValidationError) as e:
            call_action("package_create", **statistical(name="", title="!!!"))
        assert "name" in e.value.error_dict

    def test_suggestion_endpoint(self, app):
        sysadmin = factories.SysadminWithToken()
        assert _suggest(app, "ทุเรียน", status=403)["success"] is False  # anonymous
        assert _suggest(app, "ทุเรียน", sysadmin["token"])["result"]["name"] == "thurian"
        dataset = call_action("package_create", **statistical(name="thurian"))
        assert _suggest(app, "ทุเรียน", sysadmin["token"])["result"]["name"] == "thurian-2"
        # the dataset being edited keeps its own name
        assert _suggest(app, "ทุเรียน", sysadmin["token"],
                        id=dataset["id"])["result"]["name"] == "thurian"
        assert _suggest(app, "###", sysadmin["token"])["result"]["name"] is None

    def test_form_proposes_with_its_own_module_and_saves_without_javascript(self, app):
        from tests.views.browser import Browser
        user = factories.Sysadmin(password=PASSWORD)
        browser = Browser(app)
        browser.log_in(user["name"], PASSWORD)
        html = browser.get("/th/dataset/new").body
        name_input = _wrapper_html(html, "name")
        assert 'data-module="provincialstats-name-suggest"' in name_input
        assert "slug-preview-slug" not in html
        values = {k: v for k, v in statistical(title="ทุเรียนจันทบุรี", name="").items()
                  if k != "type"}
        values["owner_org"] = factories.Organization()["id"]
        browser.submit("/th/dataset/new", values, form={"id": "dataset-edit"},
                       button=("save", None), status=200)
        assert call_action("package_show", id="thurian-chantburi")["title"] == "ทุเรียนจันทบุรี"


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestStrategicIssueChoices:
    @pytest.fixture
    def issues(self):
        from tests.logic.helpers import pilot_provinces, strategic_issue
        pilot_provinces(all_provinces=False)
        return {
            "second": strategic_issue("TH-22", 2, title="ท่องเที่ยวเชิงสุขภาพ",
                                      title_en="Wellness tourism")["name"],
            "first": strategic_issue("TH-22", 1)["name"],
            "pathum": strategic_issue("TH-13", 1, title="อุตสาหกรรม")["name"],
        }

    def test_action_lists_the_provinces_issues_in_order(self, app, issues):
        result = call_action("provincialstats_strategic_issue_options", province="22")
        assert [i["name"] for i in result] == [issues["first"], issues["second"]]
        assert result[1]["title_en"] == "Wellness tourism"
        both = call_action("provincialstats_strategic_issue_options",
                           province=["TH-13", "TH-22"])
        assert [i["name"] for i in both] == [issues["pathum"], issues["first"], issues["second"]]
        response = app.get("/en/api/3/action/provincialstats_strategic_issue_options",
                           query_string={"province": "TH-99"}, status=409)
        assert 'unknown province code "TH-99"' in response.json["error"]["province"][0]

    @pytest.mark.parametrize("lang,title", [("th", "ท่องเที่ยวเชิงสุขภาพ (2566-2570)"),
                                            ("en", "Wellness tourism (2566-2570)")])
    def test_edit_form_offers_the_provinces_issues_as_a_list(self, app, issues, lang, title):
        sysadmin = factories.SysadminWithToken()
        dataset = call_action("package_create", **statistical(
            province=["TH-22"], strategic_issue=[issues["first"]]))
        html = app.get("/%s/dataset/edit/%s" % (lang, dataset["name"]),
                       headers={"Authorization": sysadmin["token"]}).body
        field = _wrapper_html(html, "strategic_issue")
        assert '<select multiple' in field and 'type="text"' not in field
        options = re.findall(r'<option value="([^"]+)"( selected)?>([^<]*)</option>', field)
        assert [(v, bool(s)) for v, s, _t in options] == [
            (issues["first"], True), (issues["second"], False)]
        assert options[1][2] == title

    def test_new_form_lists_none_until_a_province_is_chosen(self, app, issues):
        sysadmin = factories.SysadminWithToken()
        html = app.get("/th/dataset/new", headers={"Authorization": sysadmin["token"]}).body
        field = _wrapper_html(html, "strategic_issue")
        assert "<option" not in field
        assert "provincialstats-strategic-issues-empty" in field


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestResourcePage:
    @pytest.mark.parametrize("lang,year", [("th", "พ.ศ. 2560"), ("en", "2017")])
    def test_only_resource_fields_with_a_value_in_the_pages_calendar(self, app, lang, year):
        dataset = call_action("package_create", **statistical(resources=[{
            "url": "https://example.go.th/rice.csv", "name": "ข้าว", "format": "CSV",
            "resource_first_year_of_data": "2560", "resource_unit_of_measure": "ตัน"}]))
        resource = dataset["resources"][0]
        html = app.get("/%s/dataset/%s/resource/%s" % (
            lang, dataset["name"], resource["id"])).body
        table = html[html.index("<tbody", html.index("additional-info")
                                if "additional-info" in html else 0):]
        table = table[:table.index("</table>")]
        assert re.findall(r'class="provincialstats-year"[^>]*>([^<]+)<', table) == [year]
        assert "ตัน" in table
        for empty in ("Geographic dataset", "ชุดข้อมูลภูมิศาสตร์", "Equivalent scale",
                      "Last year of data", "ปีข้อมูลล่าสุดที่เผยแพร่"):
            assert empty not in table
