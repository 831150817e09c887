"""The ``provincialstats_search`` plugin: CKAN's search index and queries on PostgreSQL.

Whole in this package (``search/``) and independent of the provincial plugin: its own
config declaration (``search/config_declaration.yaml``), no provincial defaults.  Other
plugins tell it which dataset fields hold several values with
:func:`ckanext.provincialstats.search.extra_fields.register_multivalued_fields`.
"""
import ckan.plugins as p
import ckan.plugins.toolkit as tk


@tk.blanket.config_declarations
class PostgresSearchPlugin(p.SingletonPlugin):
    """CKAN's search index and queries on PostgreSQL instead of Solr (usable alone)."""

    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IClick)

    # IConfigurer: runs when plugins load, before CKAN checks the Solr schema
    def update_config(self, config):
        from ckanext.provincialstats.search import backend
        backend.configure(config)

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
