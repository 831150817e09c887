"""The options of the DataStore loader (declared in config_declaration.yaml)."""
import ckan.plugins.toolkit as tk


def max_size_mb():
    return tk.config.get("ckanext.provincialstats.datastore.max_size_mb")


def max_size_bytes():
    return max_size_mb() * 1024 * 1024


def allow_private_urls():
    return tk.asbool(tk.config.get("ckanext.provincialstats.datastore.allow_private_urls"))


def fetch_timeout():
    return tk.config.get("ckanext.provincialstats.datastore.fetch_timeout")


def dump_page_size():
    return tk.config.get("ckanext.provincialstats.datastore.dump_page_size")


def csv_bom():
    return tk.asbool(tk.config.get("ckanext.provincialstats.datastore.csv_bom"))
