"""The DataStore fixtures (clean DataStore, the load queue run in the test, a
statistical dataset and its sysadmin) shared with tests/datastore."""
from tests.datastore.conftest import clean_datastore, dataset, queue, sysadmin  # noqa: F401
