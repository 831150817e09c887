"""A fetch consumer builds PyThaiNLP's dictionaries when it starts, not on its first
record; other processes are left alone."""
import pytest

from ckanext.provincialstats.harvest import warmup
from ckanext.provincialstats.search import thai

CONSUMER = ["/venv/bin/ckan", "-c", "ckan.ini", "harvester", "fetch-consumer"]


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(warmup, "_thread", None)
    thai._lexicon.cache_clear()
    thai._split_short_run.cache_clear()


@pytest.mark.ckan_config("ckan.plugins", "provincialstats_search")
@pytest.mark.usefixtures("with_plugins", "fresh")
def test_a_fetch_consumer_warms_up_in_the_background():
    thread = warmup.start(CONSUMER)
    assert thread is not None
    assert warmup.start(CONSUMER) is thread  # once per process
    warmup.wait()
    assert not thread.is_alive()
    # the compound lexicon and a segmentation are built: the first record's index
    # text does not pay for them
    assert thai._lexicon.cache_info().currsize == 1
    assert thai._split_short_run.cache_info().currsize > 0


@pytest.mark.usefixtures("fresh")
@pytest.mark.parametrize("argv", [
    ["/venv/bin/ckan", "-c", "ckan.ini", "run"],
    ["/venv/bin/ckan", "-c", "ckan.ini", "harvester", "gather-consumer"],
    ["/venv/bin/pytest", "tests/harvest"],
])
def test_other_processes_do_not_warm_up(argv):
    assert warmup.start(argv) is None
    warmup.wait()  # nothing to wait for
    assert thai._lexicon.cache_info().currsize == 0
