"""A curator creates a statistical dataset through the form in Chromium, in Thai, under
the extension's Content-Security-Policy: the URL name is proposed from the Thai title,
the strategic issues are listed from the chosen province, a Common Era year is refused
with a Thai message next to its field, fixed, saved; the resource form then shows the
statistical fields only. No console error, no CSP violation (the ``page`` fixture fails
the test on any)."""
import re

import pytest
from ckan.tests.helpers import call_action
from playwright.sync_api import expect

from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue

PASSWORD = "RandomPassword123"  # CKAN's user factory's


@pytest.fixture
def curator():
    from ckan.tests import factories
    pilot = pilot_provinces(all_provinces=False)
    issues = [strategic_issue("TH-22", 1)["name"],
              strategic_issue("TH-22", 2, title="ท่องเที่ยวเชิงสุขภาพ")["name"],
              strategic_issue("TH-13", 1, title="อุตสาหกรรม")["name"]]
    user = factories.User(password=PASSWORD, image_url="")  # no remote image (CSP)
    call_action("organization_member_create", {"ignore_auth": True},
                id=pilot["TH-22"]["org"], username=user["name"], role="editor")
    return {"user": user, "org": pilot["TH-22"]["org"], "issues": issues}


def field(page, name):
    """The wrapper of a form field."""
    return page.locator('[data-provincialstats-field="%s"]' % name)


def log_in(page, live_server, user):
    page.goto(live_server("/th/user/login"))
    page.fill("#field-login", user["name"])
    page.fill("#field-password", PASSWORD)
    page.click("form.form-horizontal button[type=submit], form button.btn-primary")
    page.wait_for_load_state("networkidle")


def fill_statistical_dataset(page, org_name):
    page.select_option("#field-data_type", "ข้อมูลสถิติ")
    page.fill("#field-title", "สถิติการผลิตทุเรียน")
    page.fill("#field-notes", "ผลผลิตทุเรียนรายปี จังหวัดจันทบุรี")
    page.locator("#field-tag_string").evaluate("(el) => { el.value = 'ทุเรียน,ผลไม้'; }")
    page.fill("#field-maintainer", "กลุ่มสถิติการเกษตร")
    page.fill("#field-maintainer_email", "stat@example.go.th")
    field(page, "objective").locator("input[type=checkbox]").first.check()
    page.select_option("#field-update_frequency_unit", "ปี")
    page.fill("#field-update_frequency_interval", "1")
    page.select_option("#field-geo_coverage", "จังหวัด")
    page.fill("#field-data_source", "สำนักงานเศรษฐกิจการเกษตร")
    field(page, "data_format").locator('input[value="CSV"]').check()
    page.select_option("#field-data_category", "ข้อมูลสาธารณะ")
    page.select_option("#field-license_id", "Open Data Common")


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.ckan_config("ckanext.provincialstats.quality.check_on_update", False)
# CKAN's default avatar comes from gravatar.com, which the CSP does not allow (as in
# deploy/ckan.ini.template).
@pytest.mark.ckan_config("ckan.gravatar_default", "disabled")
@pytest.mark.usefixtures("clean_db")
def test_curator_creates_a_statistical_dataset(page, live_server, curator, shoot, check_a11y):
    log_in(page, live_server, curator["user"])
    page.goto(live_server("/th/dataset/new"))

    # Sections with Thai headings; the statistical section hidden until the type says so
    assert page.locator("fieldset[data-provincialstats-section] > legend").first \
        .inner_text() == "ชุดข้อมูล"
    # (expect waits for the form's script, which may run after the page has loaded)
    expect(field(page, "first_year_of_data")).to_be_hidden()
    fill_statistical_dataset(page, curator["org"])
    expect(field(page, "first_year_of_data")).to_be_visible()
    expect(field(page, "geographic_data_set")).to_be_hidden()
    expect(page.locator("#section-geo")).to_be_hidden()

    # the name proposed from the Thai title, romanised
    page.wait_for_function(
        "() => document.querySelector('#field-name').value === 'sathiti-kanplit-thurian'")

    # strategic issues: the chosen province's records, picked from a list
    assert page.locator("#field-strategic_issue option").count() == 0
    page.select_option("#field-province", ["TH-22"])
    page.wait_for_function(
        "() => document.querySelectorAll('#field-strategic_issue option').length === 2")
    offered = page.locator("#field-strategic_issue option").all_inner_texts()
    assert offered == ["เกษตรมูลค่าสูง (2566-2570)", "ท่องเที่ยวเชิงสุขภาพ (2566-2570)"]
    page.select_option("#field-strategic_issue", [curator["issues"][1]])

    # a Common Era year: refused, the Thai message next to its field
    page.fill("#field-first_year_of_data", "2017")
    page.fill("#field-last_year_of_data", "2566")
    page.click("button[name=save]")
    page.wait_for_load_state("networkidle")
    message = field(page, "first_year_of_data").locator(".error-block, .invalid-feedback")
    assert message.count() >= 1
    text = message.first.inner_text()
    assert "2017 น่าจะเป็นปี ค.ศ. กรุณาระบุเป็นปี พ.ศ. (2560)" in text, text
    assert "ปีข้อมูลที่เริ่มต้นจัดทำ" in text  # the field's own label
    # the summary above the form links to the field and names it once
    summary = page.locator('.error-explanation a[href="#field-first_year_of_data"]')
    assert summary.inner_text().count("ปีข้อมูลที่เริ่มต้นจัดทำ") == 1
    shoot(page, "dataset-form-error")
    # CKAN's own tag widget (select2 3.x): its chips' remove links have no text
    check_a11y(page, exclude=[".select2-search-choice-close"])
    # what was typed is kept, the proposal too
    assert page.input_value("#field-name") == "sathiti-kanplit-thurian"
    assert page.locator("#field-strategic_issue option:checked").all_inner_texts() == [
        "ท่องเที่ยวเชิงสุขภาพ (2566-2570)"]

    # fixed and saved: on to the resource stage
    page.fill("#field-first_year_of_data", "2560")
    page.click("button[name=save]")
    page.wait_for_url(re.compile(r"/dataset/sathiti-kanplit-thurian/resource/new"))
    dataset = call_action("package_show", id="sathiti-kanplit-thurian")
    assert dataset["first_year_of_data"] == "2560" and dataset["first_year_ce"] == 2017
    assert dataset["province"] == ["TH-22"]
    assert dataset["strategic_issue"] == [curator["issues"][1]]

    # the resource form shows the statistical resource fields only
    page.wait_for_load_state("networkidle")
    assert field(page, "resource_first_year_of_data").is_visible()
    assert field(page, "resource_geographic_data_set").is_hidden()
    shoot(page, "dataset-form-resource")

    # a link added with the Link button (no inline handler: CSP), then finished
    page.click("#resource-link-button")
    assert page.is_checked("#resource-url-link")
    page.fill("#field-resource-url", "https://example.go.th/durian.csv")
    page.fill("#field-name", "ผลผลิตทุเรียน (CSV)")
    page.locator("#field-format").evaluate("(el) => { el.value = 'CSV'; }")
    page.fill("#field-resource_first_year_of_data", "2560")
    page.click("button[name=save][value=go-metadata]")
    page.wait_for_url(re.compile(r"/dataset/sathiti-kanplit-thurian$"))
    shown = page.locator(".additional-info .provincialstats-year").all_inner_texts()
    assert shown == ["พ.ศ. 2560", "พ.ศ. 2566"]
    shoot(page, "dataset-page-th")
    page.goto(live_server("/en/dataset/sathiti-kanplit-thurian"))
    shown = page.locator(".additional-info .provincialstats-year").all_inner_texts()
    assert shown == ["2017", "2023"]
    resource = call_action("package_show", id="sathiti-kanplit-thurian")["resources"][0]
    assert resource["resource_first_year_of_data"] == "2560"
