"""Dates on Thai pages are in the Buddhist Era (พ.ศ.), on English pages in the Common Era."""
import datetime

import pytest
from ckan.tests.helpers import call_action

from tests.logic.helpers import PLUGINS
from tests.schemas.test_dataset import statistical


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_metadata_dates_in_be_on_thai_pages_and_ce_on_english_ones(app):
    dataset = call_action("package_create", **statistical())
    resource = call_action("resource_create", package_id=dataset["id"], name="table",
                           url="https://example.go.th/table.csv", format="CSV")
    url = "/dataset/%s/resource/%s" % (dataset["name"], resource["id"])
    year = datetime.datetime.utcnow().year
    thai = app.get("/th" + url).body
    assert "พ.ศ. %d" % (year + 543) in thai
    assert "ค.ศ. %d" % year not in thai
    english = app.get("/en" + url).body
    assert str(year) in english and "%d" % (year + 543) not in english
