"""`ckan provincialstats harvest-prune` and `ckan provincialstats harvest-check`."""
import click


@click.command("harvest-prune")
@click.option("--source", "source_id", default=None,
              help="Only this harvest source (id); default: every source.")
@click.option("--keep-jobs", type=int, default=None,
              help="Keep the objects of this many latest jobs per source (default: the "
                   "option ckanext.provincialstats.harvest.keep_jobs). The current object "
                   "of every record is always kept.")
def harvest_prune(source_id, keep_jobs):
    """Delete old harvest objects (and their extras and errors), so the harvest tables
    stay a small multiple of the catalogue."""
    import ckan.model as model

    from ckanext.harvest.model import HarvestSource
    from ckanext.provincialstats.harvest.pipeline import prune

    ids = [source_id] if source_id else [s.id for s in model.Session.query(HarvestSource.id)]
    total = sum(prune(i, keep_jobs) for i in ids)
    click.secho(f"Pruned {total} harvest object(s) of {len(ids)} source(s).", fg="green")


@click.command("harvest-check")
@click.option("--minutes", type=int, default=None,
              help="A running job with no progress for this long is stalled (default: "
                   "the option ckanext.provincialstats.harvest.stalled_minutes).")
def harvest_check(minutes):
    """Mark stalled harvest jobs finished (with an error saying so), then mark finished
    jobs whose records are all done. `ckan harvester run` (from cron every few minutes)
    does both already; this command checks with another --minutes."""
    import ckan.plugins.toolkit as tk

    from ckanext.provincialstats.harvest.progress import mark_stalled_jobs

    stalled = mark_stalled_jobs(minutes)
    for job_id in stalled:
        click.secho(f"Stalled job marked finished: {job_id}", fg="yellow")
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.get_action("harvest_jobs_run")({"user": site_user["name"]}, {})
    click.secho(f"{len(stalled)} stalled job(s); finished jobs marked.", fg="green")


def register(group):
    group.add_command(harvest_prune)
    group.add_command(harvest_check)
