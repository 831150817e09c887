"""A faster full rebuild: several worker processes, index rows written in batches.

``ckan search-index rebuild`` works unchanged on this backend but is serial and pays a
transaction per dataset; CKAN's ``rebuild-fast`` shares the parent's database
connections with its forked workers and fails.  This rebuild forks ``workers`` processes
after closing the parent's connections, and each one runs the same per-dataset path as
CKAN (``package_show`` then ``PackageSearchIndex.index_package``) with the index writes
collected and flushed ``batch`` at a time.

It never hangs and never hides a failure:

- a dataset whose ``package_show`` or indexing raises is recorded (id and reason) and
  the rest go on;
- a batch write that fails is written again one document at a time, so only the
  datasets whose own write fails are recorded, and the batch is never retried later;
- each worker reports every dataset it starts on its own pipe; the parent waits on
  those pipes and on the workers' process sentinels with a timeout.  A worker that dies,
  or spends more than ``timeout`` seconds on one dataset (it is then killed), has the
  dataset it was on recorded as failed, and its datasets not yet in the index are
  handed to a new worker.  Every restart removes one dataset, so it ends.
"""
from __future__ import annotations

import contextlib
import logging
import multiprocessing
import time
from multiprocessing.connection import wait
from typing import Any, Iterator, Optional

import ckan.lib.search as search
import ckan.logic as logic
import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from . import index, summary
from .model import DATE_TABLE, INDEX_TABLE

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 300.0


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return "%s: %s" % (type(error).__name__, text[0][:500]) if text else type(error).__name__


def _write_each(write: Any, docs: list[dict[str, Any]], failures: dict[str, str]) -> None:
    """Write ``docs`` in one transaction; if that fails, one at a time, recording the
    documents that fail on their own."""
    if not docs:
        return
    try:
        write(docs, durable=False)
        return
    except Exception as error:  # noqa: BLE001 - narrowed down below, per document
        if len(docs) == 1:
            failures[str(docs[0].get("id"))] = _reason(error)
            log.error("Could not index dataset %s: %s", docs[0].get("id"), error)
            return
    for doc in docs:
        _write_each(write, [doc], failures)


@contextlib.contextmanager
def batched(size: int, failures: dict[str, str]) -> Iterator[list[dict[str, Any]]]:
    """Within the block, index writes are collected and written ``size`` at a time; a
    failed write is recorded in ``failures`` (dataset id -> reason), never retried."""
    pending: list[dict[str, Any]] = []
    original = index.write

    def flush() -> None:
        docs = pending[:]
        del pending[:]  # whatever happens, a batch is written once
        _write_each(original, docs, failures)

    def write(docs: list[dict[str, Any]], durable: bool = True) -> None:
        pending.extend(docs)
        if len(pending) >= size:
            flush()

    index.write = write
    try:
        yield pending
        flush()
    finally:
        index.write = original


def _index_ids(ids: list[str], batch: int, started: Any = None) -> dict[str, Any]:
    """Index ``ids``; ``started(id)`` is called before each.  Returns the ids given and
    the failures (id -> reason)."""
    context = {"ignore_auth": True, "validate": False, "use_cache": False}
    package_index = search.index_for(model.Package)
    failures: dict[str, str] = {}
    skipped: list[str] = []
    try:
        with batched(batch, failures):
            for dataset_id in ids:
                if started is not None:
                    started(dataset_id)
                try:
                    package_index.update_dict(logic.get_action("package_show")(
                        dict(context), {"id": dataset_id}), True)
                except logic.NotFound:  # deleted since the list was taken
                    skipped.append(dataset_id)
                except Exception as error:  # noqa: BLE001 - one dataset must not stop it
                    log.error("Could not index dataset %s: %s", dataset_id, error)
                    failures[dataset_id] = _reason(error)
                finally:
                    model.Session.remove()
    finally:
        model.Session.remove()
    return {"failures": failures, "skipped": skipped}


def _worker(ids: list[str], batch: int, pipe: Any) -> None:
    def started(dataset_id: str) -> None:
        pipe.send(("start", dataset_id))

    try:
        pipe.send(("done", _index_ids(ids, batch, started)))
    finally:
        pipe.close()


def dataset_ids() -> list[str]:
    query = model.Session.query(model.Package.id)
    if tk.config.get("ckan.search.remove_deleted_packages"):
        query = query.filter(model.Package.state != "deleted")
    return [row[0] for row in query.order_by(model.Package.id)]


def _indexed_since(ids: list[str], since: Any) -> set[str]:
    if not ids:
        return set()
    with model.meta.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT id FROM %s WHERE id = ANY(:ids) AND indexed_at >= :since" % INDEX_TABLE),
            {"ids": ids, "since": since})
        return {row[0] for row in rows}


class _Worker:
    def __init__(self, ctx: Any, ids: list[str], batch: int):
        self.ids = ids
        self.current: Optional[str] = None
        self.last_news = time.monotonic()
        self.result: Optional[dict[str, Any]] = None
        self.pipe, child = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_worker, args=(ids, batch, child), daemon=True)
        self.process.start()
        child.close()

    def receive(self) -> None:
        """Read everything the worker has sent so far (EOF: it has closed its end)."""
        try:
            while self.pipe.poll():
                kind, value = self.pipe.recv()
                self.last_news = time.monotonic()
                if kind == "start":
                    self.current = value
                else:
                    self.result = value
        except (EOFError, OSError):
            pass

    def finished(self) -> bool:
        return not self.process.is_alive()

    def close(self) -> None:
        self.pipe.close()
        self.process.join(5)


def _run_workers(ids: list[str], workers: int, batch: int, timeout: float,
                 since: Any) -> dict[str, Any]:
    # forked workers must not share the parent's database connections
    model.Session.remove()
    model.meta.engine.dispose()
    ctx = multiprocessing.get_context("fork")
    failures: dict[str, str] = {}
    skipped: list[str] = []
    running = [_Worker(ctx, ids[i::workers], batch) for i in range(workers)]
    while running:
        ready = wait([w.pipe for w in running] + [w.process.sentinel for w in running],
                     timeout=min(timeout, 5.0))
        for worker in list(running):
            if worker.pipe in ready or worker.process.sentinel in ready:
                worker.receive()
            stuck = time.monotonic() - worker.last_news > timeout
            if not worker.finished() and not stuck:
                continue
            if not worker.finished():  # stuck on one dataset: stop it
                worker.process.kill()
                worker.process.join(5)
            worker.receive()
            running.remove(worker)
            worker.close()
            if worker.result is not None:
                failures.update(worker.result["failures"])
                skipped.extend(worker.result["skipped"])
                continue
            # died or killed before reporting: the dataset it was on failed, the ones
            # of its share not in the index yet go to a new worker
            if stuck:
                reason = tk._("no progress for %d s: worker stopped") % timeout
            else:
                reason = tk._("worker process died (exit code %s)") % (
                    worker.process.exitcode,)
            culprit = worker.current
            if culprit is not None:
                failures[culprit] = reason
                log.error("Could not index dataset %s: %s", culprit, reason)
            done = _indexed_since(worker.ids, since)
            rest = [i for i in worker.ids if i not in done and i != culprit
                    and i not in failures]
            model.meta.engine.dispose()
            if culprit is None and rest:  # died before its first dataset
                for dataset_id in rest:
                    failures[dataset_id] = reason
                rest = []
            if rest:
                running.append(_Worker(ctx, rest, batch))
    return {"failures": failures, "skipped": skipped}


def _vacuum() -> None:
    """Fresh planner statistics and visibility map after rewriting every row (counts are
    index-only scans only over all-visible pages)."""
    try:
        with model.meta.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM (ANALYZE) %s, %s" % (INDEX_TABLE, DATE_TABLE)))
    except sa.exc.SQLAlchemyError as error:  # not needed for correct results
        log.warning("Could not vacuum %s after the rebuild: %s", INDEX_TABLE, error)


def rebuild(workers: Optional[int] = None, batch: int = 200, clear: bool = False,
            timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Index every dataset; returns counts, seconds and the failures (id -> reason)."""
    started = time.perf_counter()
    ids = dataset_ids()
    with model.meta.engine.connect() as conn:
        since = conn.execute(sa.text("SELECT timezone('utc', now())")).scalar()
    if clear:
        search.clear_all()
    workers = max(1, min(workers or multiprocessing.cpu_count(), len(ids) or 1))
    if workers == 1:
        outcome = _index_ids(ids, batch)
    else:
        outcome = _run_workers(ids, workers, batch, timeout, since)
    failures = outcome["failures"]
    with model.meta.engine.begin() as conn:  # exact counts, whatever happened before
        summary.refresh(conn)
    _vacuum()
    seconds = time.perf_counter() - started
    return {"datasets": len(ids), "indexed": len(ids) - len(failures) - len(outcome[
        "skipped"]), "skipped": len(outcome["skipped"]), "seconds": seconds,
        "workers": workers, "failures": failures}
