"""The background job that loads one resource into the DataStore.

Two streaming passes over the file, so memory stays bounded whatever its size: the first
decodes every row (a wrong encoding fails here, not half-way through a load) and narrows
down each column's type; the second converts the values and streams them into
PostgreSQL with ``COPY``. The table itself (types, the full Thai headers as labels,
the full-text trigger, ``datastore_active``) is made by CKAN's ``datastore_create``.
The original file is only read, never changed.
"""
import csv
import io
import logging
import time

import ckan.plugins.toolkit as tk

from ckanext.provincialstats.datastore import columns, encoding, fetch, reader, status, types
from ckanext.provincialstats.datastore.messages import LoadError

log = logging.getLogger(__name__)
BATCH_ROWS = 5000


def enqueue(resource_id, force=False):
    """Queue a load on CKAN's RQ worker (``ckan jobs worker``)."""
    return tk.enqueue_job(load_resource, [resource_id], {"force": force},
                          title=f"provincialstats DataStore load {resource_id}",
                          rq_kwargs={"timeout": 3600})


def _context():
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return {"user": user, "ignore_auth": True}


def _drop_table(resource_id):
    try:
        tk.get_action("datastore_delete")(_context(), {"resource_id": resource_id,
                                                       "force": True})
    except tk.ObjectNotFound:
        pass


class _ByteStream:
    """A read()-able file over a generator of byte chunks (what COPY FROM STDIN reads)."""

    def __init__(self, chunks):
        self._chunks = chunks
        self._buf = b""

    def read(self, size=-1):
        while size < 0 or len(self._buf) < size:
            try:
                self._buf += next(self._chunks)
            except StopIteration:
                break
        if size < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:size], self._buf[size:]
        return out


def _csv_chunks(body, convert):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    n = 0
    for row in body:
        writer.writerow([c(v) for c, v in zip(convert, row)])
        n += 1
        if n % BATCH_ROWS == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def _copy(resource_id, ids, chunks):
    """COPY the rows in, with the full-text trigger off and the secondary indexes (CKAN
    makes a GiST full-text index per text column) dropped: maintaining them row by row
    is what makes loads slow. Committed here, so the table is queryable (types, _id)
    before ``_finish`` fills ``_full_text`` and rebuilds the indexes in bulk.
    Returns (rows, index definitions to rebuild)."""
    from ckanext.datastore.backend.postgres import get_write_engine, identifier
    table = identifier(resource_id)
    cols = ", ".join(identifier(i) for i in ids)
    connection = get_write_engine().raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary", (table,))
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {identifier(name)}")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER zfulltext")
        cursor.copy_expert(
            f"COPY {table} ({cols}) FROM STDIN "
            f"WITH (FORMAT csv, ENCODING 'UTF8', FORCE_NULL ({cols}))",
            _ByteStream(chunks), size=1 << 20)
        count = cursor.rowcount
        connection.commit()
        return count, [definition for _, definition in indexes]
    except LoadError:
        connection.rollback()
        raise
    except Exception as e:  # psycopg2.Error: the first line says what was refused
        connection.rollback()
        detail = (getattr(e, "pgerror", None) or str(e)).strip().splitlines()[0]
        raise LoadError("database", detail=detail[:300])
    finally:
        connection.close()


FULL_TEXT_BATCH = 200000


def _finish(resource_id, ids, indexes):
    """Fill ``_full_text`` as CKAN's trigger would (the row's values joined, the default
    text search configuration), in batches of ``_id``; switch the trigger back on;
    rebuild the indexes in bulk; ANALYZE."""
    from ckanext.datastore.backend.postgres import get_write_engine, identifier
    table = identifier(resource_id)
    values = ", ".join(f"{identifier(i)}::text" for i in ids)
    connection = get_write_engine().raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(f'SELECT coalesce(max("_id"), 0) FROM {table}')
        top = cursor.fetchone()[0]
        for start in range(0, top, FULL_TEXT_BATCH):
            cursor.execute(
                f"UPDATE {table} SET \"_full_text\" = to_tsvector(concat_ws(' ', {values})) "
                'WHERE "_id" > %s AND "_id" <= %s', (start, start + FULL_TEXT_BATCH))
            connection.commit()
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER zfulltext")
        for definition in indexes:
            cursor.execute(definition)
        connection.commit()
        connection.set_isolation_level(0)  # VACUUM runs outside a transaction
        cursor.execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.close()


def load_file(path, fmt, resource_id, on_queryable=None):
    """Load the file at ``path`` into the DataStore table of ``resource_id`` (replacing
    it). Returns a summary dict. Raises LoadError."""
    codec = None if fmt == "xlsx" else encoding.detect_file(path)
    header, body = reader.rows(path, fmt, codec)
    ids = columns.column_ids(header)
    guesser = types.Guesser(len(header))
    for row in body:
        guesser.observe(row)
    col_types = guesser.types()
    fields = []
    for (cid, label), col_type in zip(ids, col_types):
        info = {"label": label}
        fields.append({"id": cid, "type": col_type, "info": info})
    _drop_table(resource_id)
    try:
        tk.get_action("datastore_create")(
            _context(), {"resource_id": resource_id, "force": True, "fields": fields})
    except tk.ValidationError as e:
        raise LoadError("database", detail=str(e.error_dict)[:300])
    _, body = reader.rows(path, fmt, codec)
    column_ids = [cid for cid, _ in ids]
    try:
        rows, indexes = _copy(resource_id, column_ids,
                              _csv_chunks(body, types.converters(col_types)))
    except LoadError:
        _drop_table(resource_id)
        raise
    queryable = time.monotonic()
    if on_queryable:
        on_queryable(rows)
    _finish(resource_id, column_ids, indexes)
    return {"rows": rows, "encoding": codec,
            "seconds_full_text": round(time.monotonic() - queryable, 2),
            "columns": [{"id": f["id"], "type": f["type"]} for f in fields]}


def load_resource(resource_id, force=False):
    """The RQ job: load the resource's file unless it is unchanged since the last load."""
    started = time.monotonic()
    try:
        resource = tk.get_action("resource_show")(_context(), {"id": resource_id})
    except tk.ObjectNotFound:
        log.warning("DataStore load: resource %s no longer exists", resource_id)
        return
    fmt = reader.sniff_format(resource)
    if fmt is None:
        status.save(resource_id, state="skipped", error=None)
        return
    previous = status.get(resource_id) or {}
    status.save(resource_id, state="running", error=None)
    try:
        with fetch.resource_file(resource) as (path, size, digest):
            # "hash" is the file last loaded completely (an error clears it).
            if not force and previous.get("hash") == digest and resource.get("datastore_active"):
                status.save(resource_id, state="unchanged")
                log.info("DataStore load: %s unchanged (sha256 %s)", resource_id, digest)
                return
            summary = load_file(path, fmt, resource_id, on_queryable=lambda rows: status.save(
                resource_id, state="indexing", rows=rows,
                seconds_queryable=round(time.monotonic() - started, 2)))
    except LoadError as e:
        log.info("DataStore load of %s failed: %s", resource_id, e.english())
        status.save(resource_id, state="error", error=e.as_dict(), hash=None)
        return
    except Exception as e:
        log.exception("DataStore load of %s failed", resource_id)
        error = LoadError("unexpected", detail=type(e).__name__)
        status.save(resource_id, state="error", error=error.as_dict(), hash=None)
        return
    seconds = round(time.monotonic() - started, 2)
    status.save(resource_id, state="complete", error=None, hash=digest, size=size,
                seconds=seconds, **summary)
    log.info("DataStore load of %s: %s rows in %s s", resource_id, summary["rows"], seconds)
    create_datastore_views(resource_id)


def create_datastore_views(resource_id):
    """The site's default views that need the table (``ckan.views.default_views``, e.g.
    the DataStore table and chart views), now that it is loaded; a view type the
    resource already has is not added again. A view that fails is logged, the load
    stays done."""
    try:
        resource = tk.get_action("resource_show")(_context(), {"id": resource_id})
        tk.get_action("resource_create_default_resource_views")(
            _context(), {"resource": resource, "create_datastore_views": True})
    except Exception:
        log.exception("DataStore load of %s: default views not created", resource_id)


def enqueue_unloaded():
    """Queue every active CSV/TSV/XLSX resource that was never queued (resources made
    before this loader existed, e.g. an existing dev catalogue). Returns their ids."""
    import ckan.model as model
    queued = []
    rows = (model.Session.query(model.Resource)
            .join(model.Package, model.Package.id == model.Resource.package_id)
            .filter(model.Resource.state == "active", model.Package.state == "active"))
    for res in rows:
        resource = {"id": res.id, "url": res.url, "format": res.format}
        if reader.sniff_format(resource) and status.get(res.id) is None:
            enqueue(res.id)
            queued.append(res.id)
    return queued
