"""Blueprints of ckanext-provincialstats."""
from ckanext.provincialstats.views.api import api
from ckanext.provincialstats.views.catalog import catalog
from ckanext.provincialstats.views.pages import pages
from ckanext.provincialstats.views.province import province
from ckanext.provincialstats.views.vocab import vocab


def get_blueprints():
    return [province, pages, vocab, catalog, api]
