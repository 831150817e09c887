"""The options of the DataStore loader (declared in config_declaration.yaml)."""
import ckan.plugins.toolkit as tk

PREFIX = "ckanext.provincialstats.datastore."


def max_size_bytes():
    return tk.config.get(PREFIX + "max_size_mb") * 1024 * 1024


def max_size_mb():
    return tk.config.get(PREFIX + "max_size_mb")


def allow_private_urls():
    return tk.asbool(tk.config.get(PREFIX + "allow_private_urls"))


def fetch_timeout():
    return tk.config.get(PREFIX + "fetch_timeout")


def dump_page_size():
    return tk.config.get(PREFIX + "dump_page_size")


def csv_bom():
    return tk.asbool(tk.config.get(PREFIX + "csv_bom"))
