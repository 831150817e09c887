"""Plugin classes only: every interface method hands off to a module in one line."""
import importlib
import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

# Dataset fields holding several values, indexed as multi-valued by the search plugin.
MULTIVALUED_FIELDS = ["province", "strategic_issue", "stat_sector"]


@tk.blanket.config_declarations
class ProvincialStatsPlugin(p.SingletonPlugin, DefaultTranslation):
    """The provincial statistics data centre: schemas, vocabularies, actions, pages."""

    p.implements(p.IConfigurer)
    p.implements(p.IClick)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IFacets, inherit=True)

    # IConfigurer
    def update_config(self, config):
        from ckanext.provincialstats.search import extra_fields
        extra_fields.register_multivalued_fields(MULTIVALUED_FIELDS)
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "provincialstats")

    # IClick
    def get_commands(self):
        from ckanext.provincialstats.cli import get_commands
        return get_commands()

    # IActions
    def get_actions(self):
        from ckanext.provincialstats.logic.action import get_actions
        from ckanext.provincialstats.logic.group_form import get_actions as group_form_actions
        return {**get_actions(), **group_form_actions()}

    # IAuthFunctions
    def get_auth_functions(self):
        from ckanext.provincialstats.logic.auth import get_auth_functions
        return get_auth_functions()

    # IValidators
    def get_validators(self):
        from ckanext.provincialstats.logic.validators import get_validators
        return get_validators()

    # ITemplateHelpers
    def get_helpers(self):
        from ckanext.provincialstats.datastore.helpers import get_helpers as datastore_helpers
        from ckanext.provincialstats.harvest.report import get_helpers as harvest_helpers
        from ckanext.provincialstats.helpers import get_helpers
        return {**get_helpers(), **datastore_helpers(), **harvest_helpers()}

    # IBlueprint
    def get_blueprint(self):
        from ckanext.provincialstats.datastore.views import blueprint as datastore_blueprint
        from ckanext.provincialstats.harvest.views import blueprint as harvest_blueprint
        from ckanext.provincialstats.views import get_blueprints
        return get_blueprints() + [datastore_blueprint, harvest_blueprint]

    # ITranslation
    def i18n_directory(self):
        return os.path.dirname(importlib.import_module("ckanext.provincialstats.i18n").__file__)

    def i18n_domain(self):
        return "ckanext-provincialstats"

    # IPackageController (DataStore loading: queue a job when a table file changes)
    def after_dataset_create(self, context, pkg_dict):
        from ckanext.provincialstats.datastore.hooks import dataset_changed
        dataset_changed(pkg_dict)
        from ckanext.provincialstats.quality.jobs import dataset_changed as quality_changed
        quality_changed(pkg_dict)

    def after_dataset_update(self, context, pkg_dict):
        from ckanext.provincialstats.datastore.hooks import dataset_changed
        dataset_changed(pkg_dict)
        from ckanext.provincialstats.quality.jobs import dataset_changed as quality_changed
        quality_changed(pkg_dict)

    def after_dataset_search(self, search_results, search_params):
        from ckanext.provincialstats.facets import label_search_facets
        return label_search_facets(search_results)

    # IFacets (the extension's fields with schema labels, on every dataset list)
    def dataset_facets(self, facets_dict, package_type):
        from ckanext.provincialstats.facets import facet_titles
        return facet_titles(facets_dict, package_type)

    def group_facets(self, facets_dict, group_type, package_type):
        from ckanext.provincialstats.facets import facet_titles
        return facet_titles(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        from ckanext.provincialstats.facets import facet_titles
        return facet_titles(facets_dict)

    # IMiddleware (the DataStore dump: Thai-safe CSV, XLSX, JSON, keyset paging; the CSP)
    def make_middleware(self, app, config):
        from ckanext.provincialstats import csp
        from ckanext.provincialstats.datastore.views import install_dump
        from ckanext.provincialstats.views.pages import install as install_pages
        return install_pages(csp.install(install_dump(app)))
