"""Template helpers for the load status on the resource page."""
from ckanext.provincialstats.datastore import reader, status


def load_status(resource):
    """The load status of a resource dict, or None if it is not a CSV/TSV/XLSX."""
    if not resource or not resource.get("id") or reader.sniff_format(resource) is None:
        return None
    return status.get(resource["id"]) or {"state": "none"}


def get_helpers():
    return {"provincialstats_datastore_status": load_status}
