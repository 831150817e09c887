"""Gather, fetch and import, shared by the three harvesters.

Gather streams the source's records one at a time (``sources.<kind>.gather``) and
creates a harvest object only for a record that is new, changed, or coming back after it
was withdrawn: the SHA-256 of the record's content (with the source configuration) is
kept on the current harvest object of each record (extra ``content_hash``), so an
unchanged record costs one lookup and writes nothing. A record seen twice in one run is
gathered once. A source read page by page (DCAT) skips parsing a page whose bytes did
not change, and the profiles of a dataset described as before, when the records
concerned are imported and current (:mod:`.pagememo`): those records come as
``pagememo.Known`` and count as seen and unchanged. When the whole source was read,
records of earlier runs that the source no longer has are withdrawn once the configured
grace period has passed
(:func:`_withdraw_missing`); a source that could not be read completely changes nothing.

Import maps the record (``harvest.mapping.map_dataset``), hashes the canonical mapped
dataset (extra ``record_hash``) and writes only when it differs: ``package_create`` for a
new record, ``package_update`` in place for a changed one, resources matched by URL then
name so their ids (and DataStore tables) are kept. Datasets are only ever looked up
through this source's own harvest objects, so a harvester never touches a dataset it did
not create; new names get a suffix when another dataset (a curator's, another source's)
already has the name. A harvested dataset a curator deleted on this site stays deleted
(it is neither restored nor created again).

Withdrawal: with ``withdraw.action`` ``private`` (the default) the dataset is made
private, with ``delete`` it is deleted (not purged); either way the current harvest
object of the record gets the extra ``withdrawn`` (``<action> <UTC time>``), and when the
record returns it is imported again and the dataset made public / active.
"""
import collections
import contextlib
import datetime
import hashlib
import json
import logging
import re
import time
import uuid

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib.munge import munge_title_to_name
from ckan.lib.redis import connect_to_redis

from ckanext.harvest.model import (
    HarvestGatherError,
    HarvestJob,
    HarvestObject,
    HarvestObjectError,
    HarvestObjectExtra,
)
from ckanext.provincialstats.harvest import config as source_config
from ckanext.provincialstats.harvest import pagememo, progress, safety, warmup
from ckanext.provincialstats.harvest.sources import module as source_module

log = logging.getLogger(__name__)

# Bump when what the pipeline writes for the same record changes (forces a re-import).
RECORD_VERSION = "1"
LOOKUP_BATCH = 500
NAME_MAX = 100
LOCK_SECONDS = 600


def _bi(th, en):
    return f"{th} / {en}"


def _sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now():
    return datetime.datetime.utcnow()


def _mapping():
    from ckanext.provincialstats.harvest import mapping
    return mapping


# What every record of a job looks up the same way (the site user, the receiving
# organization, the parsed source configuration), kept per job for at most
# CACHE_SECONDS in each consumer process: {(job id, what, ...): (expiry, value)}.
CACHE_SECONDS = 60
_job_cache = {}


def _cached(key, make):
    now = time.monotonic()
    hit = _job_cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = make()
    if value is not None:
        if len(_job_cache) > 256:
            _job_cache.clear()
        _job_cache[key] = (now + CACHE_SECONDS, value)
    return value


def _site_user_name():
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def _site_user_object(name):
    """The site user's row, loaded and detached from the session (so no rollback or
    session removal of a later record expires it)."""
    user = model.User.get(name)
    if user is not None:
        model.Session.expunge(user)
    return user


def _site_context(job_id=None):
    """The site user (a sysadmin) as the writer. ``ignore_auth``: the authorization of a
    sysadmin always passes, and a consumer has no request to keep the user in, so each
    check would read the user again; validation is the same as a curator's. With
    ``job_id`` the user's name and row are looked up once per job (not once per record):
    ``auth_user_obj`` is what ``check_access`` would otherwise read for every action."""
    name = _cached((job_id, "site_user"), _site_user_name) if job_id else _site_user_name()
    context = {"user": name, "model": model, "session": model.Session, "ignore_auth": True}
    user = _cached((job_id, "site_user_object", name),
                   lambda: _site_user_object(name)) if job_id else None
    if user is not None:
        context["auth_user_obj"] = user
    return context


def _extras(obj):
    return {e.key: e for e in obj.extras}


def _set_extra(obj, key, value):
    extra = _extras(obj).get(key)
    if extra is None:
        obj.extras.append(HarvestObjectExtra(key=key, value=value))
    else:
        extra.value = value


def _del_extra(obj, key):
    extra = _extras(obj).get(key)
    if extra is not None:
        obj.extras.remove(extra)  # delete-orphan: the row goes too


def original_url(kind, harvest_object_id):
    obj = HarvestObject.get(harvest_object_id)
    if not obj:
        return None
    source = source_module(kind)
    if hasattr(source, "original_url"):
        return source.original_url(obj.source.url, obj.guid)
    return obj.guid if str(obj.guid).startswith(("http://", "https://")) else None


# ---------------------------------------------------------------- gather

def _content_salt(source):
    mapping_version = ""
    try:
        mapping_version = str(getattr(_mapping(), "VERSION", ""))
    except ImportError:
        pass
    return f"{RECORD_VERSION}\n{mapping_version}\n{source.config or ''}\n"


def _current_objects(source_id, guids):
    """{guid: (object id, package id, content_hash, missing_since, withdrawn, package
    state)} for the current objects of these guids in this source: two queries, columns
    only (never the stored contents)."""
    rows = (model.Session.query(HarvestObject.id, HarvestObject.guid,
                                HarvestObject.package_id, model.Package.state)
            .outerjoin(model.Package, model.Package.id == HarvestObject.package_id)
            .filter(HarvestObject.harvest_source_id == source_id)
            .filter(HarvestObject.current == True)  # noqa: E712
            .filter(HarvestObject.guid.in_(guids))).all()
    extras = {}
    if rows:
        for object_id, key, value in (
                model.Session.query(HarvestObjectExtra.harvest_object_id,
                                    HarvestObjectExtra.key, HarvestObjectExtra.value)
                .filter(HarvestObjectExtra.harvest_object_id.in_([r.id for r in rows]))
                .filter(HarvestObjectExtra.key.in_(
                    ["content_hash", "missing_since", "withdrawn"]))):
            extras.setdefault(object_id, {})[key] = value
    found = {}
    for row in rows:
        own = extras.get(row.id, {})
        found[row.guid] = (row.id, row.package_id, own.get("content_hash"),
                           own.get("missing_since"), own.get("withdrawn"), row.state)
    return found


def gather(kind, job):
    """The gather stage: a list of the ids of the harvest objects to fetch and import,
    or None when the source could not be read (the job then changes nothing)."""
    source = job.source
    try:
        config = source_config.parse(source.config)
    except ValueError as e:
        HarvestGatherError.create(_bi("การตั้งค่าแหล่งข้อมูลไม่ถูกต้อง",
                                      "the source configuration is invalid") + f": {e}", job)
        return None
    prune(source.id)
    salt = _content_salt(source)
    counters = progress.JobCounters(job.id)
    counters.reset()
    seen = set()
    new_ids = []
    batch = []
    known_unchanged = [0]
    module = source_module(kind)
    memo = None
    kwargs = {}
    if getattr(module, "PAGE_MEMO", False):
        memo = pagememo.PageMemo(source.id, salt + module.page_salt(),
                                 lambda records: _current_guids(source.id, records))
        kwargs["pages"] = memo

    def flush():
        current = _current_objects(source.id, [g for g, _, _ in batch]) if batch else {}
        tally = collections.Counter(seen=len(batch))
        back = []  # objects whose record is in the source again
        created = []
        for guid, content, content_hash in batch:
            known = current.get(guid)
            if known:
                object_id, package_id, old_hash, missing, withdrawn, state = known
                if missing and not withdrawn:
                    back.append(object_id)
                if state == "deleted" and not withdrawn:
                    # deleted on this site by a curator: not brought back, not duplicated
                    tally["deleted_here"] += 1
                    continue
                if old_hash == content_hash and not withdrawn and state == "active":
                    tally["unchanged"] += 1
                    continue
            new = HarvestObject(guid=guid, job=job, content=content,
                                harvest_source_id=source.id,
                                package_id=known[1] if known else None)
            new.extras.append(HarvestObjectExtra(key="content_hash", value=content_hash))
            model.Session.add(new)
            created.append(new)
        if created:
            model.Session.flush()  # one flush per batch: the INSERTs go in batches
            new_ids.extend(new.id for new in created)
        if back:
            model.Session.query(HarvestObjectExtra).filter(
                HarvestObjectExtra.harvest_object_id.in_(back),
                HarvestObjectExtra.key == "missing_since").delete(synchronize_session=False)
        model.Session.commit()
        if known_unchanged[0]:
            # records of pages not parsed (pagememo): seen, imported and current
            tally["seen"] += known_unchanged[0]
            tally["unchanged"] += known_unchanged[0]
            known_unchanged[0] = 0
        for name, n in tally.items():
            counters.incr(name, n)
        counters.heartbeat()
        batch.clear()

    try:
        for guid, content in module.gather(source.url, config, safety.fetch, **kwargs):
            guid = str(guid)
            if isinstance(content, pagememo.Known):
                if memo is not None:
                    memo.note(guid, content.content_hash)
                if guid in seen:
                    counters.incr("duplicates")
                    continue
                seen.add(guid)
                known_unchanged[0] += 1
                if known_unchanged[0] >= LOOKUP_BATCH:
                    flush()
                continue
            content_hash = _sha(salt + content)
            if memo is not None:
                memo.note(guid, content_hash)
            if guid in seen:
                counters.incr("duplicates")
                continue
            seen.add(guid)
            batch.append((guid, content, content_hash))
            if len(batch) >= LOOKUP_BATCH:
                flush()
        if batch or known_unchanged[0]:
            flush()
    except Exception as e:  # the source could not be read completely: change nothing
        model.Session.rollback()
        _discard(job, new_ids)
        message = str(e) if isinstance(e, (safety.FetchError, ValueError)) else (
            f"{type(e).__name__}: {e}")
        log.warning("Harvest gather of %s failed: %s", source.url, message)
        HarvestGatherError.create(
            _bi("อ่านแหล่งข้อมูลไม่สำเร็จ ไม่มีการเปลี่ยนแปลงชุดข้อมูลใด",
                "the source could not be read; no dataset was changed") + f": {message}",
            job)
        return None
    if memo is not None:
        memo.forget_others()
        counters.set("pages_parsed", memo.parsed)
        counters.set("pages_skipped", memo.skipped)
        counters.set("records_reused", memo.reused)
    _withdraw_missing(source, config, seen, counters)
    counters.set("gathered", len(new_ids))
    return new_ids


def _current_guids(source_id, records):
    """The guids of these ``(guid, content hash)`` that are this source's imported,
    current records with that content hash, neither missing nor withdrawn, their dataset
    active (gathering them again would change nothing)."""
    wanted = {}
    for guid, content_hash in records:
        wanted.setdefault(guid, content_hash)  # a record seen twice: the first counts
    guids = list(wanted)
    found = set()
    for i in range(0, len(guids), LOOKUP_BATCH):
        chunk = guids[i:i + LOOKUP_BATCH]
        current = _current_objects(source_id, chunk)
        for guid in chunk:
            known = current.get(guid)
            if known is None:
                continue
            _, package_id, old_hash, missing, withdrawn, state = known
            if old_hash == wanted[guid] and not missing and not withdrawn \
                    and state == "active" and package_id:
                found.add(guid)
    return found


def _discard(job, ids):
    """Delete the harvest objects a failed gather created."""
    if not ids:
        return
    for i in range(0, len(ids), LOOKUP_BATCH):
        chunk = ids[i:i + LOOKUP_BATCH]
        model.Session.query(HarvestObjectExtra).filter(
            HarvestObjectExtra.harvest_object_id.in_(chunk)).delete(synchronize_session=False)
        model.Session.query(HarvestObject).filter(
            HarvestObject.id.in_(chunk)).delete(synchronize_session=False)
    model.Session.commit()


# ---------------------------------------------------------------- withdrawal

def _withdraw_missing(source, config, seen, counters):
    policy = config["withdraw"]
    grace = datetime.timedelta(days=policy["grace_days"])
    now = _now()
    current = (model.Session.query(HarvestObject.id, HarvestObject.guid)
               .filter(HarvestObject.harvest_source_id == source.id)
               .filter(HarvestObject.current == True)  # noqa: E712
               .yield_per(5000))
    gone = [row.id for row in current if row.guid not in seen]
    for obj_id in gone:
        obj = HarvestObject.get(obj_id)
        extras = {e.key: e.value for e in obj.extras}
        if "withdrawn" in extras:
            continue
        since = extras.get("missing_since")
        if not since:
            _set_extra(obj, "missing_since", now.isoformat())
            model.Session.commit()
            since = now.isoformat()
        counters.incr("missing")
        if policy["action"] == "none":
            continue
        if now - datetime.datetime.fromisoformat(since) < grace:
            continue
        try:
            _withdraw(obj, policy["action"])
        except (tk.ValidationError, tk.ObjectNotFound) as e:
            model.Session.rollback()
            HarvestObjectError.create(
                _bi("ถอนชุดข้อมูลไม่สำเร็จ", "withdrawing the dataset failed")
                + f": {_error_text(e)}", obj, stage="Withdraw")
            continue
        _set_extra(obj, "withdrawn", f"{policy['action']} {now.isoformat()}")
        model.Session.commit()
        counters.incr("withdrawn")


def _withdraw(obj, action):
    if not obj.package_id:
        return
    context = _site_context()
    if action == "delete":
        tk.get_action("package_delete")(context, {"id": obj.package_id})
    else:
        tk.get_action("package_patch")(context, {"id": obj.package_id, "private": True})


# ---------------------------------------------------------------- fetch

FINAL_STATES = ("COMPLETE", "ERROR")
STATE_COLUMNS = ("state", "fetch_finished", "import_started")


def _defer_state_saves(obj):
    """Fewer commits of the object's own states: ckanext-harvest commits it six times per
    record (retry count, FETCH, fetch finished, IMPORT, COMPLETE or ERROR, report
    status). Called from the fetch stage, after the FETCH commit: from then on the
    object's ``save`` adds it to the session and commits only once it is final (COMPLETE
    or ERROR with its report status), so the fetch-finished and IMPORT states are
    committed with the dataset (or with the record's error, or with the final state),
    and the final state and report status in one commit. A consumer stopped in between
    leaves the object in FETCH (was IMPORT): not finished either way, so the job waits
    for it and a stalled job is detected the same (``progress.mark_stalled_jobs``: the
    FETCH commit's ``fetch_started`` is its last sign of life)."""
    pending = {}  # what the saves not committed yet said (a rollback forgets it)

    def save():
        pending.update((column, getattr(obj, column)) for column in STATE_COLUMNS)
        model.Session.add(obj)
        if obj.state in FINAL_STATES and obj.report_status:
            model.Session.commit()
            pending.clear()
    obj.save = save
    obj.provincialstats_pending_states = pending


def _rollback(obj):
    """``Session.rollback()``, then the object's states saved but not committed yet
    (:func:`_defer_state_saves`) set again: a write that failed (``package_create``
    rolls back itself on a validation error) does not take the record's fetch and
    import times with it."""
    model.Session.rollback()
    for column, value in getattr(obj, "provincialstats_pending_states", {}).items():
        setattr(obj, column, value)


def fetch(kind, obj):
    """The content was read at gather time (one request per page, not per record)."""
    _defer_state_saves(obj)
    if not obj.content:
        HarvestObjectError.create(_bi("ระเบียนไม่มีเนื้อหา", "the record has no content"),
                                  obj, stage="Fetch")
        return False
    return True


# ---------------------------------------------------------------- import

def _error_text(e):
    if isinstance(e, tk.ValidationError):
        parts = []
        for field, errors in (e.error_dict or {}).items():
            if isinstance(errors, list):
                errors = "; ".join(str(x) for x in errors)
            parts.append(f"{field}: {errors}")
        return ", ".join(parts) or str(e)
    return str(e) or type(e).__name__


def _fail(obj, stage, th, en, detail=""):
    message = _bi(th, en) + (f": {detail}" if detail else "")
    HarvestObjectError.create(message, obj, stage=stage)
    return False


def _canonical(dataset):
    return json.dumps(dataset, ensure_ascii=False, sort_keys=True, default=str)


def _states(obj):
    """In one query: whether this object is current and whether it has an error (what
    another delivery of it did), and the id of the record's current object (None when
    it has none other than this one)."""
    failed = sa.exists().where(HarvestObjectError.harvest_object_id == HarvestObject.id)
    this = (sa.select(HarvestObject.id, HarvestObject.current, failed.label("failed"))
            .where(HarvestObject.id == obj.id))
    other = (sa.select(HarvestObject.id, HarvestObject.current, sa.false())
             .where(HarvestObject.harvest_source_id == obj.harvest_source_id)
             .where(HarvestObject.guid == obj.guid)
             .where(HarvestObject.current == True)  # noqa: E712
             .where(HarvestObject.id != obj.id)
             .limit(1))
    rows = model.Session.execute(sa.union_all(this, other.subquery().select())).all()
    mine = [row for row in rows if row[0] == obj.id]
    if not mine:
        raise tk.ObjectNotFound(f"harvest object {obj.id}")
    previous_id = next((row[0] for row in rows if row[0] != obj.id), None)
    return bool(mine[0][1]), bool(mine[0][2]), previous_id


def _make_current(obj, previous, package_id, record_hash):
    """The record's new object becomes its current one (one commit)."""
    _mark_current(obj, previous, package_id, record_hash)
    model.Session.commit()


def _mark_current(obj, previous, package_id, record_hash, new_package=False):
    """The record's new object becomes its current one, not committed: done before the
    dataset's ``package_create``/``package_update``, whose commit writes it in the same
    transaction as the dataset. So the dataset is linked to its harvest object when it
    is indexed (ckanext-harvest indexes ``harvest_source_id``, by which it lists a
    source's datasets), and never without it (a consumer stopped between two commits
    left a dataset its source no longer knew, created again by the next run)."""
    if new_package:  # the dataset does not exist yet: the reference checked at the commit
        model.Session.execute(
            sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
    if previous is not None:
        previous.current = False
        model.Session.add(previous)
    obj.package_id = package_id
    obj.current = True
    if "extras" in sa.inspect(obj).unloaded:
        # not read in this import: the object has only the gather's content_hash (an
        # object gets its record_hash here, when it becomes current, and a current
        # object is not imported again), so no need to read them
        model.Session.add(HarvestObjectExtra(harvest_object_id=obj.id, key="record_hash",
                                             value=record_hash))
    else:
        _set_extra(obj, "record_hash", record_hash)
    model.Session.add(obj)


@contextlib.contextmanager
def _record_lock(obj):
    """One import of a record at a time, across consumers and hosts (a Redis lock on
    source and guid). ckanext-harvest delivers an object twice when ``harvest_jobs_run``
    re-sends "WAITING" objects a consumer has already taken."""
    redis = connect_to_redis()
    key = f"provincialstats:harvest:lock:{obj.harvest_source_id}:{_sha(obj.guid)}"
    token = str(uuid.uuid4())
    deadline = time.monotonic() + LOCK_SECONDS
    while not redis.set(key, token, nx=True, ex=LOCK_SECONDS):
        if time.monotonic() > deadline:
            raise RuntimeError("record lock not released")
        time.sleep(0.2)
    try:
        yield
    finally:
        if redis.get(key) in (token, token.encode()):
            redis.delete(key)


ASYNC_FLAG = "provincialstats_asynchronous_commit"


def _forget_asynchronous_commit(conn):
    # a rollback of the transaction that set it undoes the SET: set it again next time
    conn.info.pop(ASYNC_FLAG, None)


def _asynchronous_commit():
    """``synchronous_commit = off`` for this database connection (the consumer's) from
    now on, set once per connection: see the option's description."""
    conn = model.Session.connection()
    if conn.info.get(ASYNC_FLAG):
        return
    if not sa.event.contains(conn.engine, "rollback", _forget_asynchronous_commit):
        sa.event.listen(conn.engine, "rollback", _forget_asynchronous_commit)
    conn.execute(sa.text("SET synchronous_commit TO OFF"))
    conn.info[ASYNC_FLAG] = True


def import_(kind, obj):
    """The import stage: True (created or updated), "unchanged", or False (error)."""
    warmup.wait()
    if tk.config.get("ckanext.provincialstats.harvest.asynchronous_commit"):
        _asynchronous_commit()
    with _record_lock(obj):
        # what another delivery of this object did before this one took the lock
        current, failed, previous_id = _states(obj)
        if current:  # delivered twice: the other delivery imported it
            model.Session.refresh(obj)
            return True
        if failed:
            return False  # delivered twice: the other delivery failed (and said why)
        return _import(kind, obj, previous_id)


def _import(kind, obj, previous_id):
    if obj.content is None:
        return _fail(obj, "Import", "ระเบียนไม่มีเนื้อหา", "the record has no content")
    source = obj.source
    job_id = obj.harvest_job_id
    config = _cached((job_id, "config", source.config),
                     lambda: source_config.parse(source.config))
    try:
        pkg = source_module(kind).parse(obj.content)
    except Exception as e:  # a malformed record fails alone
        return _fail(obj, "Parse", "อ่านระเบียนไม่ได้", "the record could not be read",
                     str(e) if isinstance(e, ValueError) and str(e)
                     else f"{type(e).__name__}: {e}")
    try:
        result = _mapping().map_dataset(pkg, config)
    except Exception as e:
        log.exception("Mapping of %s failed", obj.guid)
        return _fail(obj, "Mapping", "แปลงระเบียนเข้าแบบชุดข้อมูลไม่ได้",
                     "the record could not be mapped", f"{type(e).__name__}: {e}")
    org_name = config.get("receiving_organization") or source.publisher_id
    owner_org = _cached((job_id, "organization", org_name), lambda: _receiving_org(org_name))
    if not owner_org:
        return _fail(obj, "Import", "ไม่ได้กำหนดหน่วยงานที่รับชุดข้อมูล",
                     "no receiving organization is configured")
    dataset = dict(result.dataset)
    for key in ("id", "name", "owner_org"):
        dataset.pop(key, None)
    for res in dataset.get("resources") or []:
        res.pop("id", None)
        res.pop("package_id", None)
    dataset["owner_org"] = owner_org
    record_hash = _sha(_canonical(dataset))

    previous = HarvestObject.get(previous_id) if previous_id else None
    package = model.Package.get(previous.package_id) if previous and previous.package_id \
        else None
    if package is not None and package.state == "deleted" and not (
            previous and "withdrawn" in _extras(previous)):
        return "unchanged"  # deleted on this site by a curator: left deleted
    withdrawn = previous is not None and "withdrawn" in _extras(previous)
    old_hash = _extras(previous)["record_hash"].value if previous is not None and \
        "record_hash" in _extras(previous) else None
    try:
        if package is not None and old_hash == record_hash and not withdrawn:
            _make_current(obj, previous, package.id, record_hash)
            return "unchanged"
        if package is not None:
            _update(package, dataset, withdrawn, job_id,
                    lambda: _mark_current(obj, previous, package.id, record_hash))
        else:
            _create(obj, source, pkg, dataset,
                    lambda package_id: _mark_current(obj, previous, package_id, record_hash,
                                                     new_package=True))
    except tk.ValidationError as e:
        _rollback(obj)
        return _fail(obj, "Import", "ระบบไม่รับชุดข้อมูล (การตรวจสอบเดียวกับของผู้ดูแล)",
                     "the dataset was refused by validation (the same as a curator's)",
                     _error_text(e))
    except Exception as e:
        _rollback(obj)
        log.exception("Import of %s failed", obj.guid)
        return _fail(obj, "Import", "บันทึกชุดข้อมูลไม่สำเร็จ", "saving the dataset failed",
                     f"{type(e).__name__}: {e}")
    return True


def _receiving_org(name):
    org = model.Group.get(name) if name else None
    return org.id if org is not None and org.is_organization and org.state == "active" \
        else None


def _merge_resources(existing, new):
    """Give each new resource the id of the existing one with the same URL (then the same
    name), so resources and their DataStore tables are kept."""
    unused = list(existing)
    for res in new:
        match = next((r for r in unused if r.get("url") and r.get("url") == res.get("url")),
                     None) or next(
            (r for r in unused if r.get("name") and r.get("name") == res.get("name")), None)
        if match is not None:
            res["id"] = match["id"]
            unused.remove(match)
    return new


def _update(package, dataset, withdrawn, job_id, mark_current):
    from ckanext.provincialstats.harvest.provenance import PIPELINE_FLAG
    # the record decides the provenance extras (an unmapped value may be gone)
    context = dict(_site_context(job_id), **{PIPELINE_FLAG: True})
    current = tk.get_action("package_show")(dict(context), {"id": package.id})
    data = dict(dataset)
    data["id"] = package.id
    data["name"] = current["name"]
    data["resources"] = _merge_resources(current.get("resources") or [],
                                         [dict(r) for r in dataset.get("resources") or []])
    if withdrawn:
        data["state"] = "active"
        data["private"] = False
    elif "private" not in data:
        data["private"] = current.get("private", False)
    mark_current()  # committed with the dataset
    tk.get_action("package_update")(context, data)


def _name_taken(name):
    return model.Session.query(model.Package.id).filter(model.Package.name == name).first() \
        is not None


def _base_name(obj, pkg, dataset):
    for candidate in (pkg.get("name"), dataset.get("title"), pkg.get("title")):
        if candidate:
            name = re.sub("-+", "-", munge_title_to_name(str(candidate))).strip("-")
            if len(name) >= 2 and re.search("[a-z0-9]", name):
                return name[:NAME_MAX]
    return "dataset-" + _sha(obj.guid)[:12]


def _unique_name(base, source, guid, raced=False):
    """``base``, else ``base-<source name>``, else numbered (``-2`` ... ``-20``), else
    one made from the record's guid. ``raced``: another consumer took the name this one
    chose at the same moment: the guid's name at once (two consumers walking the same
    numbers would keep colliding; a record's guid is imported by one consumer at a
    time)."""
    if not raced and not _name_taken(base):
        return base
    source_pkg = model.Package.get(source.id)
    suffix = munge_title_to_name(source_pkg.name if source_pkg else source.id[:8])[:30]
    tails = [] if raced else [f"-{suffix}"] + [f"-{suffix}-{n}" for n in range(2, 21)]
    tails.append(f"-{suffix}-{_sha(guid)[:10]}")
    for tail in tails:
        name = base[: NAME_MAX - len(tail)] + tail
        if not _name_taken(name):
            return name
    return base[: NAME_MAX - 37] + "-" + str(uuid.uuid4())


def _create(obj, source, pkg, dataset, mark_current):
    """``package_create`` under the record's base name, tried first without a lookup of
    our own (``package_create``'s validation refuses a name in use, "That URL is already
    in use"); after such a refusal, under :func:`_unique_name`."""
    base = _base_name(obj, pkg, dataset)
    checked = raced = False
    for attempt in range(4):
        data = dict(dataset)
        data["id"] = str(uuid.uuid4())
        data["name"] = _unique_name(base, source, obj.guid, raced) if checked else base
        try:
            context = dict(_site_context(obj.harvest_job_id), return_id_only=True)
            mark_current(data["id"])  # committed with the dataset (again after a rollback)
            return tk.get_action("package_create")(context, data)
        except (tk.ValidationError, sa.exc.IntegrityError) as e:
            # The name is in use: a dataset of a curator or another source (the first
            # try), or another consumer took it between the check and the write,
            # committed (validation refuses the name) or not yet (the INSERT waited for
            # that transaction and then broke the unique name)
            _rollback(obj)
            clash = isinstance(e, sa.exc.IntegrityError) or "name" in (e.error_dict or {})
            if attempt == 3 or not clash or not _name_taken(data["name"]):
                raise
            raced = checked
            checked = True
    raise RuntimeError("unreachable")


# ---------------------------------------------------------------- upkeep

def prune(source_id, keep_jobs=None):
    """Delete harvest objects of this source older than its ``keep_jobs`` latest jobs,
    except the current object of each record. Returns how many were deleted."""
    keep_jobs = keep_jobs if keep_jobs is not None else tk.config.get(
        "ckanext.provincialstats.harvest.keep_jobs")
    recent = [j.id for j in model.Session.query(HarvestJob.id)
              .filter(HarvestJob.source_id == source_id)
              .order_by(HarvestJob.created.desc()).limit(max(keep_jobs, 1))]
    old = (model.Session.query(HarvestObject.id)
           .filter(HarvestObject.harvest_source_id == source_id)
           .filter(HarvestObject.current == False)  # noqa: E712
           .filter(~HarvestObject.harvest_job_id.in_(recent)))
    ids = [row.id for row in old]
    for i in range(0, len(ids), LOOKUP_BATCH):
        chunk = ids[i:i + LOOKUP_BATCH]
        for table in (HarvestObjectExtra, HarvestObjectError):
            model.Session.query(table).filter(table.harvest_object_id.in_(chunk)).delete(
                synchronize_session=False)
        model.Session.query(HarvestObject).filter(HarvestObject.id.in_(chunk)).delete(
            synchronize_session=False)
    model.Session.commit()
    return len(ids)
