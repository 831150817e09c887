"""Progress of a running harvest job, and stalled jobs.

Records skipped at gather (unchanged) create no harvest object, so the job's counters
(seen, unchanged, duplicates, missing, withdrawn, gathered) and a heartbeat live in
Redis, one hash per job, kept 30 days. Done/total combine them with the states of the
job's harvest objects.
"""
import datetime
import logging
import time

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib.redis import connect_to_redis

from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestSource

log = logging.getLogger(__name__)
KEEP_SECONDS = 30 * 24 * 3600


class JobCounters:
    def __init__(self, job_id):
        self.key = f"provincialstats:harvest:job:{job_id}"
        self.redis = connect_to_redis()

    def reset(self):
        self.redis.delete(self.key)
        self.heartbeat()

    def incr(self, name, n=1):
        self.redis.hincrby(self.key, name, n)
        self.redis.expire(self.key, KEEP_SECONDS)

    def set(self, name, value):
        self.redis.hset(self.key, name, value)
        self.redis.expire(self.key, KEEP_SECONDS)

    def heartbeat(self):
        self.set("heartbeat", int(time.time()))

    def read(self):
        raw = self.redis.hgetall(self.key)
        return {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw.items()}


def _object_states(job_id):
    rows = (model.Session.query(HarvestObject.state, HarvestObject.report_status,
                                sa.func.count(HarvestObject.id))
            .filter(HarvestObject.harvest_job_id == job_id)
            .group_by(HarvestObject.state, HarvestObject.report_status))
    return [(state, status, n) for state, status, n in rows]


def job_progress(job):
    """A job's progress: ``done`` of ``total`` records (``total`` grows while the source
    is still being read: ``gather_finished`` says when it is final)."""
    counters = JobCounters(job.id).read()
    states = _object_states(job.id)
    objects = sum(n for _, _, n in states)
    finished = sum(n for state, _, n in states if state in ("COMPLETE", "ERROR"))
    by_status = {}
    for state, status, n in states:
        key = "errored" if state == "ERROR" else (status or state.lower())
        by_status[key] = by_status.get(key, 0) + n
    unchanged = counters.get("unchanged", 0) + counters.get("deleted_here", 0)
    return {
        "job_id": job.id,
        "source_id": job.source_id,
        "status": job.status,
        "gather_finished": job.gather_finished.isoformat() if job.gather_finished else None,
        "total": unchanged + objects,
        "done": unchanged + finished,
        "unchanged_at_gather": unchanged,
        "objects": by_status,
        "deleted_here": counters.get("deleted_here", 0),
        "duplicates": counters.get("duplicates", 0),
        "missing": counters.get("missing", 0),
        "withdrawn": counters.get("withdrawn", 0),
        # feed pages parsed, and skipped because their bytes and records were unchanged
        "pages_parsed": counters.get("pages_parsed", 0),
        "pages_skipped": counters.get("pages_skipped", 0),
        # records of parsed pages described as before: not run through the profiles
        "records_reused": counters.get("records_reused", 0),
        "gather_errors": model.Session.query(HarvestGatherError)
        .filter(HarvestGatherError.harvest_job_id == job.id).count(),
        "last_action": last_action_time(job).isoformat(),
    }


def last_action_time(job):
    """The latest sign of life of a job: ckanext-harvest's own (objects finished,
    gathered) or the gather's heartbeat (a long gather of unchanged records creates no
    objects)."""
    last = job.get_last_action_time()
    for column in (HarvestObject.fetch_started, HarvestObject.import_started):
        value = model.Session.query(sa.func.max(column)).filter(
            HarvestObject.harvest_job_id == job.id).scalar()
        if value and value > last:
            last = value
    beat = JobCounters(job.id).read().get("heartbeat")
    if beat:
        beat_time = datetime.datetime.utcfromtimestamp(beat)
        if beat_time > last:
            last = beat_time
    return last


def mark_stalled_jobs(minutes=None, source_id=None):
    """Mark running jobs of this extension's harvesters (of one source with
    ``source_id``) with no sign of life for ``minutes`` (default: the option
    ``ckanext.provincialstats.harvest.stalled_minutes``) finished, with a gather error
    saying so; their waiting objects are set to ERROR. Returns the jobs' ids. Jobs of
    other harvesters are left to ckanext-harvest (their gather shows no heartbeat)."""
    minutes = minutes or tk.config.get("ckanext.provincialstats.harvest.stalled_minutes")
    limit = datetime.timedelta(minutes=minutes)
    now = datetime.datetime.utcnow()
    stalled = []
    jobs = (model.Session.query(HarvestJob)
            .join(HarvestSource, HarvestSource.id == HarvestJob.source_id)
            .filter(HarvestJob.status == "Running")
            .filter(HarvestSource.type.like("provincialstats\\_%")))
    if source_id:
        jobs = jobs.filter(HarvestJob.source_id == source_id)
    for job in jobs:
        last = last_action_time(job)
        if now - last <= limit:
            continue
        (model.Session.query(HarvestObject)
         .filter(HarvestObject.harvest_job_id == job.id)
         .filter(HarvestObject.state.notin_(["COMPLETE", "ERROR"]))
         .update({"state": "ERROR", "report_status": "errored"},
                 synchronize_session=False))
        job.status = "Finished"
        job.finished = now
        model.Session.add(HarvestGatherError(
            job=job,
            message=(f"งานเก็บเกี่ยวหยุดนิ่ง: ไม่มีความคืบหน้า {minutes} นาที "
                     f"(ครั้งล่าสุด {last:%Y-%m-%d %H:%M} UTC) / the harvest job stalled: no "
                     f"progress for {minutes} minutes (last at {last:%Y-%m-%d %H:%M} UTC)")))
        stalled.append(job.id)
    model.Session.commit()
    return stalled


@tk.chained_action
def harvest_jobs_run(up_func, context, data_dict):
    """ckanext-harvest's ``harvest_jobs_run`` (what ``ckan harvester run`` calls, which
    sites run from cron every few minutes), first marking stalled jobs
    (:func:`mark_stalled_jobs`), so a stalled job is found within minutes without a
    cron line of its own."""
    tk.check_access("harvest_jobs_run", context, data_dict)
    try:
        for job_id in mark_stalled_jobs(source_id=data_dict.get("source_id")):
            log.warning("Harvest job %s stalled: marked finished with an error", job_id)
    except sa.exc.SQLAlchemyError:
        model.Session.rollback()
        log.exception("Checking for stalled harvest jobs failed")
    return up_func(context, data_dict)
