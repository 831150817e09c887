"""Queue a load when a CSV/TSV/XLSX resource is created or its file changes, by any path
(the dataset form, ``resource_create``/``resource_update``, ``package_create``/
``package_update`` from a harvester).

The jobs are queued after the transaction commits (a worker must not look for a resource
that is not committed yet), and only for resources whose fingerprint (link, upload time,
size) differs from the one last queued; the job itself then compares the file's hash, so
an unchanged file is not reloaded.
"""
import ckan.model as model
import ckan.plugins as p
import sqlalchemy as sa

from ckanext.provincialstats.datastore import reader, status

_PENDING = "provincialstats_datastore_pending"
_listening = False


def fingerprint(resource):
    return "|".join(str(resource.get(k) or "") for k in
                    ("url_type", "url", "last_modified", "size"))


def _after_commit(session):
    pending = session.info.pop(_PENDING, None)
    if pending:
        from ckanext.provincialstats.datastore import jobs
        for resource_id in pending:
            jobs.enqueue(resource_id)


def _after_rollback(session):
    session.info.pop(_PENDING, None)


def _listen():
    global _listening
    if not _listening:
        sa.event.listen(model.Session, "after_commit", _after_commit)
        # A savepoint rolled back (begin_nested) leaves the transaction, and the
        # loads it will commit, alive.
        sa.event.listen(model.Session, "after_soft_rollback",
                        lambda session, previous: None if previous.nested
                        else _after_rollback(session))
        _listening = True


def dataset_changed(pkg_dict):
    """After package_create/package_update: note the resources to load."""
    if not p.plugin_loaded("datastore") or not pkg_dict.get("id"):
        return
    package = model.Package.get(pkg_dict["id"])
    if package is None:
        return
    _listen()
    session = model.Session()
    for res in package.resources:
        resource = {"id": res.id, "url": res.url, "url_type": res.url_type,
                    "format": res.format, "last_modified": res.last_modified,
                    "size": res.size}
        if reader.sniff_format(resource) is None:
            continue
        mark = fingerprint(resource)
        previous = status.get(res.id)
        if previous and previous.get("fingerprint") == mark:
            continue
        status.save(res.id, commit=False, state="pending", fingerprint=mark, error=None)
        session.info.setdefault(_PENDING, []).append(res.id)
