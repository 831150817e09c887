"""Harvest errors and progress through the API: every error row of a source (not a top
20), paged, and the progress of its latest job.

Error messages are stored in Thai and English ("ไทย / English"): the consumers that
write them have no request language.
"""
import datetime

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.harvest.model import (
    HarvestGatherError,
    HarvestJob,
    HarvestObject,
    HarvestObjectError,
    HarvestSource,
)
from ckanext.provincialstats.harvest import progress

MAX_LIMIT = 1000
CSV_COLUMNS = ("job_id", "created", "stage", "guid", "dataset_id", "harvest_object_id",
               "message")


def _source(data_dict):
    source_id = data_dict.get("id") or data_dict.get("source_id")
    if not source_id:
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    source = HarvestSource.get(source_id)
    if source is None:
        pkg = model.Package.get(source_id)
        source = HarvestSource.get(pkg.id) if pkg is not None else None
    if source is None:
        raise tk.ObjectNotFound(tk._("Harvest source not found"))
    return source


def _int(data_dict, key, default, maximum=None):
    value = data_dict.get(key, default)
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise tk.ValidationError({key: [tk._("Must be a whole number")]})
    if value < 0 or (maximum is not None and value > maximum):
        raise tk.ValidationError({key: [tk._("Must be between 0 and {maximum}").format(
            maximum=maximum)]})
    return value


def _job(source, job_id):
    if job_id:
        job = HarvestJob.get(job_id)
        if job is None or job.source_id != source.id:
            raise tk.ObjectNotFound(tk._("Harvest job not found"))
        return job
    return (model.Session.query(HarvestJob).filter(HarvestJob.source_id == source.id)
            .order_by(HarvestJob.created.desc()).first())


def _error_query(source, job):
    object_errors = (
        model.Session.query(
            HarvestObject.harvest_job_id.label("job_id"),
            HarvestObjectError.created.label("created"),
            HarvestObjectError.stage.label("stage"),
            HarvestObject.guid.label("guid"),
            HarvestObject.package_id.label("dataset_id"),
            HarvestObject.id.label("harvest_object_id"),
            HarvestObjectError.message.label("message"),
            HarvestObjectError.id.label("error_id"))
        .join(HarvestObject, HarvestObject.id == HarvestObjectError.harvest_object_id)
        .filter(HarvestObject.harvest_source_id == source.id))
    gather_errors = (
        model.Session.query(
            HarvestGatherError.harvest_job_id.label("job_id"),
            HarvestGatherError.created.label("created"),
            model.sa.literal("Gather").label("stage"),
            model.sa.literal(None).label("guid"),
            model.sa.literal(None).label("dataset_id"),
            model.sa.literal(None).label("harvest_object_id"),
            HarvestGatherError.message.label("message"),
            HarvestGatherError.id.label("error_id"))
        .join(HarvestJob, HarvestJob.id == HarvestGatherError.harvest_job_id)
        .filter(HarvestJob.source_id == source.id))
    if job is not None:
        object_errors = object_errors.filter(HarvestObject.harvest_job_id == job.id)
        gather_errors = gather_errors.filter(HarvestGatherError.harvest_job_id == job.id)
    query = object_errors.union_all(gather_errors).subquery()
    return model.Session.query(query).order_by(query.c.created, query.c.error_id)


def error_rows(source, job, limit=None, offset=0):
    query = _error_query(source, job)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    for row in query.yield_per(500):
        yield {
            "job_id": row.job_id,
            "created": row.created.isoformat() if row.created else None,
            "stage": row.stage,
            "guid": row.guid,
            "dataset_id": row.dataset_id,
            "harvest_object_id": row.harvest_object_id,
            "message": row.message,
        }


def resolve(context, data_dict):
    """Source and job of an errors request, access checked."""
    source = _source(data_dict)
    tk.check_access("provincialstats_harvest_errors", context, {"id": source.id})
    if tk.asbool(data_dict.get("all_jobs", False)):
        return source, None
    return source, _job(source, data_dict.get("job_id"))


@tk.side_effect_free
def provincialstats_harvest_errors(context, data_dict):
    """Every error of a harvest source's job: each failed record with its source record
    id (``guid``), the stage and the reason in Thai and English, and the errors of the
    gather stage (``stage`` ``Gather``, no guid). All rows, in pages.

    :param id: the harvest source (id or name)
    :type id: string
    :param job_id: a job of the source (optional; default: its latest job)
    :type job_id: string
    :param all_jobs: errors of every kept job of the source (optional, default false)
    :type all_jobs: bool
    :param limit: rows per page (optional, default 100, at most 1000)
    :type limit: int
    :param offset: rows to skip (optional, default 0)
    :type offset: int
    :returns: ``{"count": n, "job_id": ..., "results": [{"job_id", "created", "stage",
        "guid", "dataset_id", "harvest_object_id", "message"}, ...]}``
    :rtype: dict
    """
    source, job = resolve(context, data_dict)
    limit = _int(data_dict, "limit", 100, MAX_LIMIT)
    offset = _int(data_dict, "offset", 0)
    if job is None and not tk.asbool(data_dict.get("all_jobs", False)):
        return {"count": 0, "job_id": None, "results": []}
    count = _error_query(source, job).count()
    return {"count": count, "job_id": job.id if job else None,
            "results": list(error_rows(source, job, limit, offset))}


@tk.side_effect_free
def provincialstats_harvest_progress(context, data_dict):
    """Progress of a harvest source's latest job (or of ``job_id``): ``done`` of
    ``total`` records, what became of them, and whether the job has stalled
    (no sign of life for ``ckanext.provincialstats.harvest.stalled_minutes``).

    :param id: the harvest source (id or name)
    :type id: string
    :param job_id: a job of the source (optional; default: its latest job)
    :type job_id: string
    :returns: ``{"job_id", "status", "done", "total", "gather_finished", "stalled",
        ...}``, or ``{"job_id": null}`` when the source never ran
    :rtype: dict
    """
    source = _source(data_dict)
    tk.check_access("provincialstats_harvest_progress", context, {"id": source.id})
    job = _job(source, data_dict.get("job_id"))
    if job is None:
        return {"job_id": None, "source_id": source.id}
    result = progress.job_progress(job)
    minutes = tk.config.get("ckanext.provincialstats.harvest.stalled_minutes")
    result["stalled"] = job.status == "Running" and (
        datetime.datetime.utcnow() - progress.last_action_time(job)
        > datetime.timedelta(minutes=minutes))
    return result


def helper_errors(source_id, limit=100):
    """The errors and progress of a source's latest job for its page (first ``limit``
    rows; the CSV has them all)."""
    context = {"user": tk.g.user, "auth_user_obj": tk.g.userobj}
    try:
        errors = tk.get_action("provincialstats_harvest_errors")(
            dict(context), {"id": source_id, "limit": limit})
        progress_ = tk.get_action("provincialstats_harvest_progress")(
            dict(context), {"id": source_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    return {"errors": errors, "progress": progress_}


def get_helpers():
    return {"provincialstats_harvest_report": helper_errors}


def _can_see_source(context, data_dict):
    return tk.check_access("harvest_source_show", context, {"id": data_dict.get("id")})


@tk.auth_allow_anonymous_access
def provincialstats_harvest_errors_auth(context, data_dict):
    """Whoever may see the harvest source may see its errors."""
    try:
        _can_see_source(context, data_dict)
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized to see this harvest source")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def provincialstats_harvest_progress_auth(context, data_dict):
    """Whoever may see the harvest source may see its progress."""
    return provincialstats_harvest_errors_auth(context, data_dict)


def get_actions():
    return {
        "provincialstats_harvest_errors": provincialstats_harvest_errors,
        "provincialstats_harvest_progress": provincialstats_harvest_progress,
    }


def get_auth_functions():
    return {
        "provincialstats_harvest_errors": provincialstats_harvest_errors_auth,
        "provincialstats_harvest_progress": provincialstats_harvest_progress_auth,
    }
