"""The strategic issue form's repeating fields (sub-issues, indicators) through the real
pages: a curator logs in, opens /strategic_issue/new or /strategic_issue/edit/<name>,
types, presses the form's Add and Remove buttons (applied to the post as scheming's
``scheming-repeating-subfields`` module applies them to the page) and saves; what is
stored is exactly what the form showed."""
import pytest
from ckan.tests.helpers import call_action

from ckanext.provincialstats.logic.group_form import expand_form_rows
from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue
from tests.views.browser import Page
from tests.views.test_csrf import _browser, _curator

ISSUE = {"title": "เกษตรมูลค่าสูง", "title_en": "High-value agriculture",
         "province": "TH-22", "plan_period": "2566-2570", "issue_number": "1"}
NAME = "chanthaburi-2566-2570-1"
TEMPLATE_ROW = "REPEATING-INDEX0"
SAVE = ("save", None)


def _save(browser, url, values, add=(), remove=(), status=200):
    """Open the form at ``url``, type ``values``, press Add once per ``(field, row)`` of
    ``add`` (a new panel from the page's hidden template, numbered after the last one,
    filled with ``row``), press Remove on each ``(field, index)`` of ``remove`` (the
    panel's fields are emptied out of the page) and save."""
    form = browser.page(url).form()
    pairs = form.fill(values, button=SAVE)
    for field, index in remove:
        prefix = "%s-%d-" % (field, index)
        assert any(name.startswith(prefix) for name, _v in pairs), "no panel " + prefix
        pairs = [(name, value) for name, value in pairs if not name.startswith(prefix)]
    for field, row in add:
        pairs = _add_panel(form, pairs, field, row)
    return browser.post(form.action or url, pairs, status=status)


def _add_panel(form, pairs, field, row):
    template = "%s-%s-" % (field, TEMPLATE_ROW)
    subfields = [c.name[len(template):] for c in form.controls
                 if c.in_template and c.name and c.name.startswith(template)]
    assert subfields, "the form has no template panel for " + field
    assert set(row) <= set(subfields), (sorted(row), subfields)
    shown = [int(name.split("-")[1]) for name, _v in pairs
             if name.startswith(field + "-") and name.split("-")[1].isdigit()]
    index = max(shown, default=-1) + 1
    added = [("%s-%d-%s" % (field, index, sub), row.get(sub, "")) for sub in subfields]
    return pairs[:-1] + added + pairs[-1:]  # the button stays last


def _issue(name=NAME):
    return call_action("group_show", id=name)


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestNewStrategicIssueForm:
    def test_sub_issues_and_indicators_typed_and_added_are_saved(self, app):
        browser = _browser(app, _curator(pilot_provinces(all_provinces=False)))
        values = dict(ISSUE, **{
            "sub_issues-0-number": "1.1", "sub_issues-0-title": "ทุเรียนคุณภาพ",
            "sub_issues-0-title_en": "Quality durian",
            "indicators-0-name": "มูลค่าการส่งออกทุเรียน", "indicators-0-unit": "ล้านบาท",
            "indicators-0-baseline": "1250.5", "indicators-0-target": "เพิ่มขึ้นร้อยละ 5",
            "indicators-0-year": "2570"})
        response = _save(browser, "/strategic_issue/new", values, add=[
            ("sub_issues", {"number": "1.2", "title": "มังคุด"}),
            ("indicators", {"name": "พื้นที่ปลูกผลไม้", "unit": "ไร่"})])
        assert response.request.path == "/strategic_issue/" + NAME
        issue = _issue()
        assert issue["sub_issues"] == [
            {"number": "1.1", "title": "ทุเรียนคุณภาพ", "title_en": "Quality durian"},
            {"number": "1.2", "title": "มังคุด"}]
        assert [(i["name"], i.get("unit"), i.get("year")) for i in issue["indicators"]] == [
            ("มูลค่าการส่งออกทุเรียน", "ล้านบาท", "2570"), ("พื้นที่ปลูกผลไม้", "ไร่", None)]
        assert float(issue["indicators"][0]["baseline"]) == 1250.5
        about = browser.get("/strategic_issue/about/" + NAME).body
        assert "ทุเรียนคุณภาพ" in about and "พื้นที่ปลูกผลไม้" in about

    def test_blank_panels_left_untouched_add_nothing(self, app):
        browser = _browser(app, _curator(pilot_provinces(all_provinces=False)))
        form = browser.page("/strategic_issue/new").form()
        assert {"sub_issues-0-title", "indicators-0-name"} <= form.names()
        _save(browser, "/strategic_issue/new", ISSUE)
        issue = _issue()
        assert issue["title_en"] == "High-value agriculture"
        assert not issue.get("sub_issues") and not issue.get("indicators")

    def test_rows_keep_their_order_past_ten(self, app):
        browser = _browser(app, _curator(pilot_provinces(all_provinces=False)))
        values = dict(ISSUE, **{"sub_issues-0-number": "1.1",
                                "sub_issues-0-title": "ประเด็นย่อย 1"})
        added = [("sub_issues", {"number": "1.%d" % n, "title": "ประเด็นย่อย %d" % n})
                 for n in range(2, 13)]
        _save(browser, "/strategic_issue/new", values, add=added)
        assert [s["number"] for s in _issue()["sub_issues"]] == [
            "1.%d" % n for n in range(1, 13)]

    def test_a_sub_issue_without_its_title_is_refused_and_stays_on_the_form(self, app):
        browser = _browser(app, _curator(pilot_provinces(all_provinces=False)))
        values = dict(ISSUE, **{"sub_issues-0-number": "1.1", "sub_issues-0-title": "ก"})
        response = _save(browser, "/strategic_issue/new", values,
                         add=[("sub_issues", {"number": "1.2"})])
        assert call_action("group_list", type="strategic_issue") == []
        assert "Missing value" in response.body
        shown = {c.name: c.values() for c in Page(response.body).form().controls
                 if c.name and not c.in_template}
        assert shown["sub_issues-0-title"] == ["ก"]
        assert shown["sub_issues-1-number"] == ["1.2"]


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestEditStrategicIssueForm:
    SUB_ISSUES = [{"number": "1.1", "title": "ทุเรียน", "title_en": "Durian"},
                  {"number": "1.2", "title": "มังคุด"},
                  {"number": "1.3", "title": "เงาะ", "title_en": "Rambutan"}]
    INDICATORS = [{"name": "มูลค่าการส่งออกทุเรียน", "unit": "ล้านบาท",
                   "baseline": "1250.5", "target": "เพิ่มขึ้นร้อยละ 5", "year": "2570"},
                  {"name": "พื้นที่ปลูกผลไม้", "unit": "ไร่"}]

    def _open(self, app):
        browser = _browser(app, _curator(pilot_provinces(all_provinces=False)))
        issue = strategic_issue("TH-22", 1, sub_issues=self.SUB_ISSUES,
                                indicators=self.INDICATORS)
        return browser, issue["name"], _issue(issue["name"])

    def test_saving_unchanged_keeps_every_row(self, app):
        browser, name, before = self._open(app)
        _save(browser, "/strategic_issue/edit/" + name, {})
        after = _issue(name)
        assert after["sub_issues"] == before["sub_issues"] == self.SUB_ISSUES
        assert after["indicators"] == before["indicators"]
        assert len(after["indicators"]) == 2

    def test_editing_one_sub_issue_changes_exactly_that_one(self, app):
        browser, name, before = self._open(app)
        _save(browser, "/strategic_issue/edit/" + name,
              {"sub_issues-1-title": "มังคุดคุณภาพ", "sub_issues-1-title_en": "Mangosteen"})
        after = _issue(name)
        expected = [dict(row) for row in self.SUB_ISSUES]
        expected[1].update(title="มังคุดคุณภาพ", title_en="Mangosteen")
        assert after["sub_issues"] == expected
        assert after["indicators"] == before["indicators"]
        assert (after["title"], after["title_en"]) == (before["title"], before["title_en"])

    def test_removing_one_sub_issue_removes_exactly_that_one(self, app):
        browser, name, before = self._open(app)
        _save(browser, "/strategic_issue/edit/" + name, {}, remove=[("sub_issues", 1)])
        after = _issue(name)
        assert after["sub_issues"] == [self.SUB_ISSUES[0], self.SUB_ISSUES[2]]
        assert after["indicators"] == before["indicators"]

    def test_adding_an_indicator_keeps_the_others(self, app):
        browser, name, before = self._open(app)
        _save(browser, "/strategic_issue/edit/" + name, {},
              add=[("indicators", {"name": "ผลผลิตต่อไร่", "unit": "กิโลกรัม"})])
        after = _issue(name)
        assert after["indicators"] == before["indicators"] + [
            {"name": "ผลผลิตต่อไร่", "unit": "กิโลกรัม"}]
        assert after["sub_issues"] == self.SUB_ISSUES

    def test_removing_every_panel_empties_the_field(self, app):
        browser, name, _before = self._open(app)
        _save(browser, "/strategic_issue/edit/" + name, {},
              remove=[("indicators", 0), ("indicators", 1)])
        after = _issue(name)
        assert not after.get("indicators")
        assert after["sub_issues"] == self.SUB_ISSUES


class TestExpandFormRows:
    """The expansion itself, on the dict the group views build from a post."""

    def test_rows_grouped_in_numeric_order_and_blank_rows_dropped(self):
        data = {"title": "x", "sub_issues-10-title": "k", "sub_issues-2-title": "b",
                "sub_issues-2-number": "2", "sub_issues-3-title": "",
                "sub_issues-3-number": "", "indicators-0-name": "n"}
        expand_form_rows(data, {"sub_issues"})
        assert data == {"title": "x", "indicators-0-name": "n",
                        "sub_issues": [{"title": "b", "number": "2"}, {"title": "k"}]}

    def test_a_field_given_as_a_list_is_left_alone(self):
        data = {"sub_issues": [{"title": "a"}], "sub_issues-0-title": "b"}
        expand_form_rows(data, {"sub_issues"})
        assert data["sub_issues"] == [{"title": "a"}]
