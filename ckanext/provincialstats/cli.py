"""`ckan provincialstats ...` commands."""
import click


@click.group(short_help="Provincial statistics data centre commands.")
def provincialstats():
    """Commands of ckanext-provincialstats."""


@provincialstats.group()
def vocab():
    """Reference vocabularies (provinces, statistical sectors)."""


@vocab.command("load")
def vocab_load():
    """Create the 77 province records from the project's vocabulary, or refresh their
    code, names and region (profile fields are kept). Safe to run again."""
    from ckanext.provincialstats.vocab.loader import load_provinces

    counts = load_provinces()
    click.secho(
        "Provinces: {created} created, {updated} updated, {unchanged} unchanged".format(
            **counts), fg="green")


@provincialstats.group()
def demo():
    """Demo content for a development or pilot catalogue."""


@demo.command("load")
def demo_load():
    """Create the demo organizations, strategic issues, datasets and chart.

    Needs the provinces (`ckan provincialstats vocab load`). Records that already exist
    are left untouched, so it can be run again safely.
    """
    from ckanext.provincialstats.demo.loader import load

    report = load()
    click.secho(
        "Demo content: {organizations} organization(s), {strategic_issues} strategic "
        "issue(s), {datasets} dataset(s), {charts} chart(s) created; existing records "
        "kept.".format(**report),
        fg="green",
    )


def get_commands():
    from ckanext.provincialstats.harvest.cli import register as register_harvest
    register_harvest(provincialstats)
    from ckanext.provincialstats.quality.cli import register as register_quality
    register_quality(provincialstats)
    return [provincialstats]
