"""`make test` runs pytest-xdist workers in parallel: each must get a configuration that
shares no database, Redis database or storage directory with another worker or with a
single-process run (otherwise one worker's ``clean_db`` empties another's tables)."""
import configparser
import pathlib

from tests.conftest import worker_ini

TEST_INI = pathlib.Path(__file__).resolve().parents[1] / "test.ini"
SHARED_STATE = ("sqlalchemy.url", "ckan.datastore.write_url", "ckan.datastore.read_url",
                "ckan.redis.url", "ckan.storage_path", "ckan.harvest.mq.redis_db")


def _options(text: str) -> dict[str, str]:
    parser = configparser.RawConfigParser(strict=False)
    parser.read_string(text)
    return dict(parser["app:main"])


def test_each_worker_has_its_own_databases_redis_and_storage():
    base_text = TEST_INI.read_text(encoding="utf-8")
    base = _options(base_text)
    workers = {w: _options(worker_ini(base_text, w)) for w in ("gw0", "gw1", "gw3")}
    for option in SHARED_STATE:
        values = [base[option]] + [options[option] for options in workers.values()]
        assert len(set(values)) == len(values), (option, values)
    assert workers["gw0"]["sqlalchemy.url"].endswith("/ckan_test_gw0")
    assert workers["gw1"]["ckan.datastore.read_url"].startswith("postgresql://datastore_ro:")
    assert workers["gw1"]["ckan.datastore.read_url"].endswith("/datastore_test_gw1")
    assert workers["gw3"]["ckan.redis.url"].endswith("/13")
    assert workers["gw3"]["ckan.harvest.mq.redis_db"] == "13"


def test_a_worker_configuration_changes_nothing_else():
    base_text = TEST_INI.read_text(encoding="utf-8")
    base = _options(base_text)
    worker = _options(worker_ini(base_text, "gw1"))
    assert worker.keys() == base.keys()
    assert {k: v for k, v in worker.items() if k not in SHARED_STATE} == \
        {k: v for k, v in base.items() if k not in SHARED_STATE}
    # the rest of the file (loggers, sections) is untouched
    assert len(worker_ini(base_text, "gw1").splitlines()) == len(base_text.splitlines())
