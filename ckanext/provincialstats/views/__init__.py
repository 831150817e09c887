"""Blueprints of ckanext-provincialstats."""
from ckanext.provincialstats.views.api import api
from ckanext.provincialstats.views.pages import pages
from ckanext.provincialstats.views.province import province


def get_blueprints():
    return [province, pages, api]
