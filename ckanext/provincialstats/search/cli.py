"""``ckan provincialstats-search``: commands of the PostgreSQL search backend."""
import click


@click.group(name="provincialstats-search", short_help="PostgreSQL search backend")
def provincialstats_search():
    """Commands of the PostgreSQL search backend (CKAN's `search-index` commands work
    too)."""


@provincialstats_search.command()
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per CPU core).")
@click.option("--batch", type=click.IntRange(min=1), default=200, show_default=True,
              help="Index rows written per transaction.")
@click.option("--clear", is_flag=True, help="Empty the index before rebuilding.")
@click.option("--timeout", type=click.FloatRange(min=1), default=300, show_default=True,
              help="Seconds a worker may spend on one dataset before it is stopped and "
                   "the dataset reported as failed.")
def rebuild(workers, batch, clear, timeout):
    """Rebuild the whole search index in parallel, in batches.  Every dataset that
    cannot be indexed is named with the reason; the others are indexed, and the command
    then exits with status 1."""
    import ckan.plugins.toolkit as tk

    from ckanext.provincialstats.search import rebuild as rebuilding

    result = rebuilding.rebuild(workers=workers, batch=batch, clear=clear, timeout=timeout)
    for dataset_id, reason in sorted(result["failures"].items()):
        click.secho(tk._("Could not index dataset %(id)s: %(reason)s")
                    % {"id": dataset_id, "reason": reason}, fg="red", err=True)
    click.secho(tk._("Indexed %(indexed)d of %(datasets)d datasets in %(seconds).1f s "
                     "with %(workers)d workers") % result,
                fg="yellow" if result["failures"] else "green")
    if result["failures"]:
        raise click.ClickException(
            tk._("%(count)d datasets could not be indexed (listed above)")
            % {"count": len(result["failures"])})


def get_commands():
    return [provincialstats_search]
