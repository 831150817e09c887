"""The three harvester plugins. Each is thin: the work is in
:mod:`ckanext.provincialstats.harvest.pipeline`, the source kinds in ``sources/``."""
import ckan.plugins as p

from ckanext.harvest.interfaces import IHarvester


class _ProvincialHarvester(p.SingletonPlugin):
    p.implements(IHarvester)
    p.implements(p.IActions)
    p.implements(p.IConfigurable, inherit=True)

    SOURCE = ""
    TITLE = ""
    DESCRIPTION = ""

    def info(self):
        return {"name": f"provincialstats_{self.SOURCE}", "title": self.TITLE,
                "description": self.DESCRIPTION, "form_config_interface": "Text"}

    def configure(self, config):
        # a fetch consumer builds its dictionaries while it waits for work
        from ckanext.provincialstats.harvest import warmup
        warmup.start()

    def validate_config(self, config):
        from ckanext.provincialstats.harvest.config import validate
        return validate(config)

    def get_original_url(self, harvest_object_id):
        from ckanext.provincialstats.harvest.pipeline import original_url
        return original_url(self.SOURCE, harvest_object_id)

    def get_actions(self):
        # chained once, by the first of this extension's harvesters that is enabled:
        # harvest_jobs_run checks for stalled jobs first; package_update keeps the
        # harvest provenance extras through a curator's edit
        ours = [h for h in p.PluginImplementations(IHarvester)
                if isinstance(h, _ProvincialHarvester)]
        if not ours or ours[0] is not self:
            return {}
        from ckanext.provincialstats.harvest.progress import harvest_jobs_run
        from ckanext.provincialstats.harvest.provenance import package_update
        return {"harvest_jobs_run": harvest_jobs_run, "package_update": package_update}

    def gather_stage(self, harvest_job):
        from ckanext.provincialstats.harvest.pipeline import gather
        return gather(self.SOURCE, harvest_job)

    def fetch_stage(self, harvest_object):
        from ckanext.provincialstats.harvest.pipeline import fetch
        return fetch(self.SOURCE, harvest_object)

    def import_stage(self, harvest_object):
        from ckanext.provincialstats.harvest.pipeline import import_
        return import_(self.SOURCE, harvest_object)


class CKANHarvester(_ProvincialHarvester):
    """Any CKAN action API (a ministry portal, a GD Catalog site, data.go.th)."""

    SOURCE = "ckan"
    TITLE = "CKAN (provincial statistics)"
    DESCRIPTION = ("Datasets of another CKAN site, mapped into the provincial schema; "
                   "unchanged ones are not rewritten")


class DCATHarvester(_ProvincialHarvester):
    """DCAT feeds (RDF/XML, Turtle, JSON-LD, DCAT-US data.json)."""

    SOURCE = "dcat"
    TITLE = "DCAT (provincial statistics)"
    DESCRIPTION = ("A DCAT feed (RDF/XML, Turtle, JSON-LD, data.json), mapped into the "
                   "provincial schema")


class SheetHarvester(_ProvincialHarvester):
    """A CSV or XLSX inventory, one row per dataset."""

    SOURCE = "sheet"
    TITLE = "Spreadsheet inventory (provincial statistics)"
    DESCRIPTION = "A CSV or XLSX inventory with one row per dataset (GD Catalog columns)"
