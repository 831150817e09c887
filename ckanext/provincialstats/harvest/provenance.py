"""What the harvest pipeline recorded on a dataset (``harvest_derived``,
``harvest_defaulted``, ``harvest_unmapped``: free extras, see ``harvest.mapping``) is kept
when a curator edits the dataset.

The dataset form shows no free extras, and ``package_update`` replaces a dataset's extras
with the ones it is given, so an edit through the form, or through the API without
``extras``, used to drop them. :func:`package_update` (chained onto CKAN's) carries each
stored provenance extra over when the update does not name it; an update that names one
(with a value, or ``"deleted": true``) decides. The pipeline's own updates say so in the
context (:data:`PIPELINE_FLAG`) and write what the record maps to now. Which harvest
source owns the dataset is ckanext-harvest's harvest object (``package_id``), which no
edit changes, so the harvester still knows the dataset as its own.
"""
import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from ckanext.provincialstats.harvest.mapping import (
    EXTRA_DEFAULTED,
    EXTRA_DERIVED,
    EXTRA_UNMAPPED,
)

KEYS = (EXTRA_DERIVED, EXTRA_DEFAULTED, EXTRA_UNMAPPED)
PIPELINE_FLAG = "provincialstats_harvest_import"


def stored(ref):
    """``{key: value}`` of the provenance extras of the dataset ``ref`` (id or name)."""
    rows = (model.Session.query(model.PackageExtra.key, model.PackageExtra.value)
            .join(model.Package, model.Package.id == model.PackageExtra.package_id)
            .filter(sa.or_(model.Package.id == ref, model.Package.name == ref))
            .filter(model.PackageExtra.key.in_(KEYS))
            .filter(model.PackageExtra.state == "active"))
    return dict(rows.all())


def with_provenance(context, data_dict):
    """``data_dict`` with the stored provenance extras it does not name added."""
    if context.get(PIPELINE_FLAG) or not isinstance(data_dict, dict):
        return data_dict
    ref = data_dict.get("id") or data_dict.get("name")
    if not ref:
        return data_dict
    # Not even a partial update (the form's) keeps them: scheming turns the schema's
    # fields into extras, and CKAN then replaces the dataset's extras with those.
    extras = data_dict.get("extras")
    found = stored(str(ref))
    if not found:
        return data_dict
    extras = extras if isinstance(extras, list) else []
    named = {e.get("key") for e in extras if isinstance(e, dict)}
    missing = [{"key": key, "value": value} for key, value in sorted(found.items())
               if key not in named]
    if not missing:
        return data_dict
    return dict(data_dict, extras=extras + missing)


@tk.chained_action
def package_update(up_func, context, data_dict):
    """CKAN's ``package_update``, keeping a harvested dataset's provenance extras when
    the update does not name them (a curator's edit through the form or the API)."""
    return up_func(context, with_provenance(context, data_dict))
