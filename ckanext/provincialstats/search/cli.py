"""``ckan provincialstats-search``: commands of the PostgreSQL search backend."""
import click


@click.group(name="provincialstats-search", short_help="PostgreSQL search backend")
def provincialstats_search():
    """Commands of the PostgreSQL search backend (CKAN's `search-index` commands work
    too)."""


@provincialstats_search.command()
@click.option("--workers", "-w", type=int, default=None,
              help="Worker processes (default: one per CPU core).")
@click.option("--batch", type=int, default=200, show_default=True,
              help="Index rows written per transaction.")
@click.option("--clear", is_flag=True, help="Empty the index before rebuilding.")
def rebuild(workers, batch, clear):
    """Rebuild the whole search index in parallel, in batches."""
    from ckanext.provincialstats.search import rebuild as rebuilding

    result = rebuilding.rebuild(workers=workers, batch=batch, clear=clear)
    click.secho("Indexed %(indexed)d of %(datasets)d datasets in %(seconds).1f s "
                "with %(workers)d workers" % result, fg="green")
    if result["indexed"] != result["datasets"]:
        raise click.ClickException("some datasets could not be indexed: see the log")


def get_commands():
    return [provincialstats_search]
