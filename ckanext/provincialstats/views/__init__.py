"""Blueprints of ckanext-provincialstats."""
from ckanext.provincialstats.views.province import province


def get_blueprints():
    return [province]
