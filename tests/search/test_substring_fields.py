"""Substring wildcards (``text:*ทุเรียน*``, as the Thai GD Catalog builds its searches)
search what CKAN's Solr schema copies into ``text``: not only title, description and
tags but resource names and descriptions, author, maintainer and extras too."""
import ckan.plugins as plugins
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.search import backend

PLUGIN = "provincialstats_search"


@pytest.fixture
def catalogue(reset_db, reset_index):
    loaded_here = not plugins.plugin_loaded(PLUGIN)
    if loaded_here:
        plugins.load(PLUGIN)
    backend.install()
    reset_db()
    reset_index()
    factories.Dataset(name="in-resource", title="Orchard survey", notes="By district",
                      resources=[{"url": "http://example.com/a.csv",
                                  "name": "ผลผลิตทุเรียนรายอำเภอ"}])
    factories.Dataset(name="in-author", title="Farm survey", notes="",
                      author="สำนักงานเกษตรจังหวัดจันทบุรี")
    factories.Dataset(name="in-extra", title="Market survey", notes="",
                      extras=[{"key": "data_source", "value": "ตลาดกลางผลไม้จันทบุรี"}])
    factories.Dataset(name="elsewhere", title="Hotel guests", notes="Tourism")
    yield
    if loaded_here:
        plugins.unload(PLUGIN)


def names(q):
    return {d["name"] for d in call_action("package_search", q=q, rows=50)["results"]}


@pytest.mark.usefixtures("catalogue")
def test_substring_wildcards_search_every_field_solr_copies_into_text():
    assert names("text:*ทุเรียน*") == {"in-resource"}
    assert names("text:*เกษตรจังหวัด*") == {"in-author"}
    assert names("text:*ตลาดกลาง*") == {"in-extra"}
    # the same words without wildcards (dismax over qf, text included) agree
    assert names("ทุเรียน") == {"in-resource"}
    # title: and notes: wildcards stay limited to their own field
    assert names("title:*ทุเรียน*") == set()
    assert names("title:*survey*") == {"in-resource", "in-author", "in-extra"}
