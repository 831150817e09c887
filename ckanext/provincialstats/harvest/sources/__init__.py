"""Source kinds: each module has ``gather(url, config, fetch)`` yielding
``(guid, content)`` pairs one at a time (bounded memory) and ``parse(content)`` giving a
CKAN-style package dict for :func:`ckanext.provincialstats.harvest.mapping.map_dataset`."""
import importlib


def module(kind):
    """The source module of a harvester kind (``ckan``, ``dcat``, ``sheet``)."""
    return importlib.import_module(f"ckanext.provincialstats.harvest.sources.{kind}")
