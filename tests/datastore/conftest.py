"""DataStore loading fixtures: a clean DataStore database, the load jobs captured (run
in the test, synchronously, as the worker would), real Thai files re-encoded."""
import pathlib

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from werkzeug.datastructures import FileStorage

import ckanext.provincialstats.demo as demo_package
from ckanext.provincialstats.datastore import jobs
from tests.conftest import REFERENCE
from tests.logic.helpers import PLUGINS
from tests.schemas.test_dataset import statistical

DS_PLUGINS = PLUGINS + " datastore"
DEMO = pathlib.Path(demo_package.__file__).parent / "data"


@pytest.fixture
def clean_datastore(clean_db, clean_index):
    import ckanext.datastore.tests.helpers as ds_helpers
    from sqlalchemy import orm
    engine = ds_helpers.db.get_write_engine()
    ds_helpers.rebuild_all_dbs(orm.scoped_session(orm.sessionmaker(bind=engine)))


class Queue(list):
    def run(self):
        """Run the queued loads in order, as ``ckan jobs worker`` would; empty the queue."""
        done = list(self)
        self.clear()
        for resource_id, force in done:
            jobs.load_resource(resource_id, force=force)
        return [r for r, _ in done]


@pytest.fixture
def queue(monkeypatch):
    q = Queue()
    monkeypatch.setattr(jobs, "enqueue", lambda rid, force=False: q.append((rid, force)))
    return q


def reference(name):
    path = REFERENCE / "stats" / name
    if not path.exists():
        pytest.skip(f"reference material not found at {path} (../shared/reference)")
    return path


def reencode(src, dst, codec="tis_620", src_codec="utf-8-sig"):
    """Copy a UTF-8 file to ``dst`` in ``codec``; returns dst."""
    dst.write_bytes(src.read_text(encoding=src_codec).encode(codec))
    return dst


@pytest.fixture
def sysadmin():
    return factories.Sysadmin()


@pytest.fixture
def dataset(sysadmin):
    org = factories.Organization(user=sysadmin)
    return call_action("package_create", {"user": sysadmin["name"]},
                       **statistical(owner_org=org["id"]))


def upload(dataset, path, user, fmt="CSV", name=None):
    with open(path, "rb") as f:
        return call_action(
            "resource_create", {"user": user["name"]}, package_id=dataset["id"],
            name=name or path.name, format=fmt, url=path.name,
            upload=FileStorage(stream=f, filename=path.name))


def search(resource_id, **kw):
    return call_action("datastore_search", resource_id=resource_id, **kw)
