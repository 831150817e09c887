"""Plugin classes only: every interface method hands off to a module in one line."""
import ckan.plugins as p
import ckan.plugins.toolkit as tk


@tk.blanket.config_declarations
class ProvincialStatsPlugin(p.SingletonPlugin):
    """The provincial statistics data centre: schemas, vocabularies, actions, pages."""

    p.implements(p.IConfigurer)
    p.implements(p.IClick)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")

    # IClick
    def get_commands(self):
        from ckanext.provincialstats.cli import get_commands
        return get_commands()


class PostgresSearchPlugin(p.SingletonPlugin):
    """CKAN's search index and queries on PostgreSQL instead of Solr (usable alone)."""
