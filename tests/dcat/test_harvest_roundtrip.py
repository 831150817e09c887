"""Round trip: what this catalogue publishes at ``/catalog.ttl``, harvested back by the
extension's own DCAT harvester (its source module and mapping, as the pipeline runs
them), keeps provinces, strategic issues, sector, time coverage, frequency and
resources."""
import pytest

from ckanext.provincialstats.harvest import config as harvest_config
from ckanext.provincialstats.harvest import mapping
from ckanext.provincialstats.harvest.safety import FetchResult
from ckanext.provincialstats.harvest.sources import dcat as dcat_source
from tests.dcat import datasets
from tests.logic.helpers import PLUGINS

KEYS = ["province", "strategic_issue", "stat_sector", "first_year_of_data",
        "last_year_of_data", "update_frequency_unit", "update_frequency_interval",
        "data_type", "license_id", "data_format", "data_language"]


def _same(value):
    if isinstance(value, list):
        return sorted(value)
    return None if value in (None, "") else str(value)


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", datasets.PROFILES)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_published_feed_harvested_back_keeps_the_provincial_fields(app):
    created = datasets.create_rich_catalogue()
    body = app.get("/catalog.ttl").body.encode("utf-8")

    def fetch(url, **kwargs):
        return FetchResult(body, "text/turtle", url)

    config = harvest_config.parse("")
    harvested = {}
    for guid, content in dcat_source.gather("http://feed.example/catalog.ttl", config, fetch):
        result = mapping.map_dataset(dcat_source.parse(content), config)
        harvested[result.dataset["title"]] = result
    assert set(harvested) == {d["title"] for d in created}
    wrong = []
    for original in created:
        back = harvested[original["title"]].dataset
        for key in KEYS:
            if _same(back.get(key)) != _same(original.get(key)):
                wrong.append("%s %s: published %r, harvested %r" % (
                    original["name"], key, original.get(key), back.get(key)))
        if sorted(r["url"] for r in back.get("resources", [])) != sorted(
                r["url"] for r in original["resources"]):
            wrong.append("%s resources" % original["name"])
    assert not wrong, "\n".join(wrong)
