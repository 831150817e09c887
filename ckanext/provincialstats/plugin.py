"""Plugin classes only: every interface method hands off to a module in one line."""
import importlib
import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation


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

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "provincialstats")

    # IClick
    def get_commands(self):
        from ckanext.provincialstats.cli import get_commands
        return get_commands()

    # IActions
    def get_actions(self):
        from ckanext.provincialstats.logic.action import get_actions
        return get_actions()

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
        from ckanext.provincialstats.helpers import get_helpers
        return get_helpers()

    # IBlueprint
    def get_blueprint(self):
        from ckanext.provincialstats.views import get_blueprints
        return get_blueprints()

    # ITranslation
    def i18n_directory(self):
        return os.path.dirname(importlib.import_module("ckanext.provincialstats.i18n").__file__)

    def i18n_domain(self):
        return "ckanext-provincialstats"


class PostgresSearchPlugin(p.SingletonPlugin):
    """CKAN's search index and queries on PostgreSQL instead of Solr (usable alone)."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IClick)

    # IConfigurer: runs when plugins load, before CKAN checks the Solr schema
    def update_config(self, config):
        from ckanext.provincialstats.search import backend
        backend.configure(config)

    # IConfigDeclaration
    def declare_config_options(self, declaration, key):
        from ckanext.provincialstats.search import backend
        backend.declare_options(declaration, key)

    # IClick
    def get_commands(self):
        from ckanext.provincialstats.search import cli
        return cli.get_commands()

    # IPackageController
    def before_dataset_index(self, pkg_dict):
        from ckanext.provincialstats.search import extra_fields
        return extra_fields.before_dataset_index(pkg_dict)

    def before_dataset_search(self, search_params):
        from ckanext.provincialstats.search import extra_fields
        return extra_fields.before_dataset_search(search_params)

    def after_dataset_search(self, search_results, search_params):
        from ckanext.provincialstats.search import extra_fields
        return extra_fields.after_dataset_search(search_results, search_params)
