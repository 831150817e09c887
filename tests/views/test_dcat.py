"""The dataset schema keeps working with ckanext-dcat (as enabled on the dev site)."""
import pytest
from ckan.tests.helpers import call_action

from tests.logic.helpers import PLUGINS
from tests.schemas.test_dataset import statistical


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_dataset_is_published_as_dcat(app):
    dataset = call_action("package_create", **statistical(
        province=["TH-22"], first_year_of_data="2560", last_year_of_data="2566"))
    turtle = app.get(f"/dataset/{dataset['name']}.ttl").body
    assert "dcat:Dataset" in turtle
    assert dataset["title"] in turtle
    catalog = app.get("/catalog.ttl").body
    assert dataset["id"] in catalog and dataset["title"] in catalog
