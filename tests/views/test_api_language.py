"""Through the HTTP API: a 409 names the field, in Thai under /th/ and English under /en/;
province codes redirect to the province page."""
import pytest
from ckan.tests import factories

from ckanext.provincialstats.vocab.loader import load_provinces
from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue
from tests.schemas.test_dataset import statistical


def _post(app, lang, action, token, **data):
    return app.post(f"/{lang}/api/3/action/{action}", json=data,
                    headers={"Authorization": token}, status=409)


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestErrorsInTheRequestLanguage:
    @pytest.mark.parametrize("lang, expected", [
        ("th", 'จังหวัด: ไม่พบรหัสจังหวัด "TH-99"'),
        ("en", 'Province: unknown province code "TH-99"'),
    ])
    def test_unknown_province(self, app, lang, expected):
        token = factories.SysadminWithToken()["token"]
        body = _post(app, lang, "package_create", token,
                     **statistical(province=["TH-99"])).json
        assert body["error"]["province"] == [expected]

    @pytest.mark.parametrize("lang, words", [
        ("th", "ปีข้อมูลที่เริ่มต้นจัดทำ (สำหรับชุดข้อมูลสถิติ): ปี พ.ศ. 2600 อยู่นอกช่วง"),
        ("en", "First year of data (Statistical data): Buddhist Era year 2600 is out of range"),
    ])
    def test_be_year_out_of_range(self, app, lang, words):
        token = factories.SysadminWithToken()["token"]
        body = _post(app, lang, "package_create", token,
                     **statistical(first_year_of_data="2600")).json
        assert body["error"]["first_year_of_data"][0].startswith(words)

    def test_strategic_issue_from_another_province_in_thai(self, app):
        load_provinces()
        pathum = strategic_issue("TH-13", 1)["name"]
        token = factories.SysadminWithToken()["token"]
        body = _post(app, "th", "package_create", token,
                     **statistical(province=["TH-22"], strategic_issue=[pathum])).json
        message = body["error"]["strategic_issue"][0]
        assert message.startswith("ประเด็นยุทธศาสตร์: ")
        assert "TH-13" in message

    def test_chanthaburi_editor_gets_403_for_a_pathum_thani_issue(self, app):
        pilot = pilot_provinces()
        token = factories.APIToken(user=pilot["TH-22"]["editor"])["token"]
        app.post("/api/3/action/group_create", headers={"Authorization": token},
                 json={"type": "strategic_issue", "title": "x", "province": "TH-13",
                       "plan_period": "2566-2570", "issue_number": 1}, status=403)
        created = app.post("/api/3/action/group_create", headers={"Authorization": token},
                           json={"type": "strategic_issue", "title": "x", "province": "TH-22",
                                 "plan_period": "2566-2570", "issue_number": 1}).json
        assert created["result"]["name"] == "chanthaburi-2566-2570-1"


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestProvincePages:
    @pytest.mark.parametrize("code", ["TH-22", "th-22"])
    def test_code_redirects_to_the_province_page(self, app, code):
        load_provinces()
        response = app.get(f"/province/{code}", follow_redirects=False)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/province/chanthaburi")

    def test_province_page_shows_the_thai_name(self, app):
        load_provinces()
        page = app.get("/th/province/chanthaburi")
        assert "จันทบุรี" in page.body

    def test_unknown_code_is_404(self, app):
        load_provinces()
        app.get("/province/TH-99", status=404)
