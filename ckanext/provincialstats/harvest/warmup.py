"""A fetch consumer's one-time costs paid when it starts, not on its first records.

The first Thai text a process indexes builds PyThaiNLP's word dictionary and the
compound lexicon (:mod:`ckanext.provincialstats.search.thai`): seconds of CPU. A fetch
consumer (``ckan harvester fetch-consumer``) otherwise pays them inside its first
harvest job, while the job's records wait; here a background thread pays them as soon
as the consumer has loaded, while it waits for work. The import of a record waits for
that thread (:func:`wait`), so the dictionaries are never built twice at once.
"""
from __future__ import annotations

import logging
import sys
import threading
import time

log = logging.getLogger(__name__)

# Thai words as harvested titles have them (a province, a compound, a topic)
SAMPLE = "จำนวนนักท่องเที่ยว จังหวัดลพบุรี ผลผลิตทุเรียน ปริมาณน้ำฝน Tourists"

_lock = threading.Lock()
_thread: threading.Thread | None = None


def is_fetch_consumer(argv: list[str] | None = None) -> bool:
    """Whether this process is ``ckan harvester fetch-consumer``."""
    argv = sys.argv if argv is None else argv
    return "harvester" in argv and "fetch-consumer" in argv


def _warm() -> None:
    started = time.perf_counter()
    try:
        import ckan.plugins as p
        if p.plugin_loaded("provincialstats_search"):
            from ckanext.provincialstats.search import thai
            thai.index_text(SAMPLE)
        from ckanext.provincialstats.harvest import mapping  # noqa: F401  (its tables)
    except Exception:  # a warm-up that fails costs the first record instead
        log.exception("Harvest consumer warm-up failed")
        return
    log.info("Harvest fetch consumer warmed up in %.1f s", time.perf_counter() - started)


def start(argv: list[str] | None = None) -> threading.Thread | None:
    """Start the warm-up thread once, in a fetch consumer only (web workers and other
    commands are left as they are). Returns the thread, or None."""
    global _thread
    if not is_fetch_consumer(argv):
        return None
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_warm, name="harvest-warm-up", daemon=True)
            _thread.start()
        return _thread


def wait() -> None:
    """Wait for a warm-up still under way (at most once per process in practice)."""
    thread = _thread
    if thread is not None and thread.is_alive():
        thread.join()
