"""The OpenAPI document at /api/provincialstats/openapi.json against the live API: every
documented action is called through the real action API with the document's example
parameters, and its answer validated against the documented schema (JSON Schema
2020-12); documented error answers are provoked and validated too."""
import json

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from jsonschema import Draft202012Validator

from ckanext.provincialstats.logic.action import get_actions
from tests.logic.helpers import PLUGINS, pilot_provinces, strategic_issue
from tests.schemas.test_dataset import statistical

ACTION_PREFIX = "/api/3/action/"
# the harvest actions need ckanext-harvest and a harvester to have a source to report on
OPENAPI_PLUGINS = PLUGINS + " harvest ckan_harvester"


def _validator(doc, schema):
    root = {**schema, "components": doc["components"]}
    Draft202012Validator.check_schema(root)
    return Draft202012Validator(root)


def _operations(doc):
    for path, item in doc["paths"].items():
        if path.startswith(ACTION_PREFIX):
            for method, op in item.items():
                yield path, method, op


def _schema(op, status):
    response = op["responses"][status]
    return response.get("content", {}).get("application/json", {}).get("schema")


def _resolve(doc, response):
    if "$ref" in response:
        return doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


@pytest.fixture
def site():
    pilot = pilot_provinces(all_provinces=False)
    editor, org = pilot["TH-22"]["editor"], pilot["TH-22"]["org"]
    issue = strategic_issue("TH-22", 1)["name"]
    context = {"user": editor, "ignore_auth": False}
    rice = call_action("package_create", context, **statistical(
        owner_org=org, province=["TH-22"], strategic_issue=[issue],
        first_year_of_data="2560", last_year_of_data="2566",
        resources=[{"name": "ข้อมูล", "url": "https://example.org/rice.csv",
                    "format": "CSV"}]))
    call_action("package_create", context, type="stats_chart",
                name="chart-chanthaburi-2566-2570", title="ผังสถิติทางการ จันทบุรี",
                province="TH-22", plan_period="2566-2570", owner_org=org,
                chart_items=[{"strategic_issue": issue, "indicator": "ผลผลิต",
                              "statistic": "ผลผลิตข้าว", "availability": "as_is",
                              "dataset": rice["name"]},
                             {"strategic_issue": issue, "indicator": "ต้นทุน",
                              "statistic": "ต้นทุนการผลิต", "availability": "to_be"}])
    source = call_action("harvest_source_create", {"user": factories.Sysadmin()["name"]},
                         name="my-source", title="แหล่งข้อมูล", url="https://example.org/",
                         source_type="ckan", frequency="MANUAL")
    call_action("harvest_job_create", {"ignore_auth": True}, source_id=source["id"],
                run=False)
    return {"editor": editor, "token": factories.APIToken(user=editor)["token"]}


def _call(app, path, method, op, token, params=None, status=None):
    if method == "get":
        if params is None:
            params = {p["name"]: p["example"] for p in op.get("parameters", [])
                      if "example" in p}
        headers = {"Authorization": token} if op.get("security") else {}
        return app.get(path, query_string=params, status=status, headers=headers)
    body = op["requestBody"]["content"]["application/json"]["example"] \
        if params is None else params
    return app.post(path, data=json.dumps(body), status=status,
                    headers={"Authorization": token, "Content-Type": "application/json"})


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    reset_db()
    migrate_db_for("harvest")
    migrate_db_for("provincialstats")


@pytest.mark.ckan_config("ckan.plugins", OPENAPI_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestOpenAPI:
    def test_every_action_of_the_extension_is_documented(self, app):
        doc = app.get("/api/provincialstats/openapi.json").json
        assert doc["openapi"].startswith("3.")
        assert doc["servers"][0]["url"] == "http://test.ckan.net"
        documented = {op["operationId"] for _p, _m, op in _operations(doc)}
        ours = {name for name in get_actions() if name.startswith("provincialstats_")}
        assert documented == ours
        for path, _m, op in _operations(doc):
            assert path == ACTION_PREFIX + op["operationId"]

    def test_live_answers_match_the_documented_schemas(self, app, site):
        doc = app.get("/api/provincialstats/openapi.json").json
        checked = []
        for path, method, op in _operations(doc):
            response = _call(app, path, method, op, site["token"])
            assert response.status_code == 200, (op["operationId"], response.json)
            answer = response.json
            errors = sorted(_validator(doc, _schema(op, "200")).iter_errors(answer),
                            key=str)
            assert not errors, (op["operationId"], [e.message for e in errors[:3]])
            checked.append(op["operationId"])
        assert len(checked) == 13
        # the answers are about the data set up, not empty shells
        shown = app.get(ACTION_PREFIX + "provincialstats_province_show",
                        query_string={"code": "TH-22"}).json["result"]
        assert shown["dataset_count"] == 1 and len(shown["charts"]) == 1
        quality = app.get(ACTION_PREFIX + "provincialstats_quality_show",
                          query_string={"id": "rice-main-season"}).json["result"]
        assert quality["dimensions"]["provincial"]["checks"][2]["score"] == 30

    def test_documented_errors_match_the_error_schema(self, app, site):
        doc = app.get("/api/provincialstats/openapi.json").json
        provoked = 0
        for path, method, op in _operations(doc):
            responses = op["responses"]
            cases = []
            if "409" in responses:
                required = [p["name"] for p in op.get("parameters", []) if p["required"]]
                bad = {"region": "atlantis", "province": "TH-99", "by": "colour"}
                params = ({} if required or method == "post" else
                          {p["name"]: bad[p["name"]] for p in op.get("parameters", [])
                           if p["name"] in bad})
                if params or required or method == "post":
                    cases.append(("409", params))
            if "404" in responses:
                names = [p["name"] for p in op.get("parameters", [])]
                required = [p["name"] for p in op.get("parameters", []) if p["required"]]
                key = next(iter(required), None) or next(
                    (k for k in ("code", "organization") if k in names), "id")
                cases.append(("404", {key: "no-such-thing"}))
            for status, params in cases:
                response = _call(app, path, method, op, site["token"], params=params)
                assert response.status_code == int(status), (op["operationId"], params,
                                                              response.json)
                answer = response.json
                schema = _resolve(doc, responses[status])["content"]["application/json"]
                assert not list(_validator(doc, schema["schema"]).iter_errors(answer))
                assert answer["success"] is False
                provoked += 1
        assert provoked >= 12
