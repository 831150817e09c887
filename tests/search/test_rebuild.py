"""``ckan provincialstats-search rebuild``: a broken dataset is named, the rest indexed,
the command exits non-zero, and nothing hangs (one worker or several)."""
import os
import time

import ckan.logic as logic
import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.search import index

PARENT = os.getpid()


def indexed_names():
    model.Session.remove()
    return sorted(d["name"] for d in call_action("package_search", rows=100)["results"])


def empty_index():
    model.Session.execute(sa.text("DELETE FROM provincialstats_search_index"))
    model.Session.commit()
    assert indexed_names() == []


def rebuild(cli, *args):
    return cli.invoke(ckan_command, ["provincialstats-search", "rebuild", *args])


@pytest.fixture
def datasets():
    return {name: factories.Dataset(name=name, title="Dataset " + name)
            for name in ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
                         "hotel")}


def break_write(monkeypatch, dataset_id):
    """The index write of one dataset fails (as a database error would)."""
    original = index.row_for

    def row_for(doc, engine):
        if doc["id"] == dataset_id:
            raise ValueError("cannot write this one")
        return original(doc, engine)

    monkeypatch.setattr(index, "row_for", row_for)


def break_show(monkeypatch, dataset_id, action):
    """package_show of one dataset does ``action()`` (raise, kill the process, hang)."""
    original = logic.get_action

    def get_action(name):
        found = original(name)
        if name != "package_show":
            return found

        def package_show(context, data_dict):
            if data_dict.get("id") == dataset_id:
                action()
            return found(context, data_dict)
        return package_show

    monkeypatch.setattr(logic, "get_action", get_action)


def fail():
    raise RuntimeError("package_show exploded")


def die():
    if os.getpid() != PARENT:  # only ever in a forked worker
        os._exit(3)


def hang():
    if os.getpid() != PARENT:
        time.sleep(120)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestRebuild:
    def test_everything_indexed_exits_zero(self, cli, datasets):
        empty_index()
        result = rebuild(cli, "-w", "2")
        assert result.exit_code == 0, result.output
        assert "Indexed 8 of 8 datasets" in result.output
        assert indexed_names() == sorted(datasets)

    @pytest.mark.parametrize("workers", ["1", "2"])
    def test_failed_write_is_named_and_the_rest_indexed(self, cli, datasets, monkeypatch,
                                                        workers):
        empty_index()
        broken = datasets["charlie"]["id"]
        break_write(monkeypatch, broken)
        result = rebuild(cli, "-w", workers, "--batch", "3")
        assert result.exit_code == 1, result.output
        assert "Could not index dataset %s: ValueError: cannot write this one" % broken \
            in result.output
        assert "1 datasets could not be indexed" in result.output
        assert indexed_names() == sorted(set(datasets) - {"charlie"})

    @pytest.mark.parametrize("workers", ["1", "2"])
    def test_package_show_error_is_named_and_the_rest_indexed(self, cli, datasets,
                                                              monkeypatch, workers):
        empty_index()
        broken = datasets["echo"]["id"]
        break_show(monkeypatch, broken, fail)
        result = rebuild(cli, "-w", workers)
        assert result.exit_code == 1, result.output
        assert "Could not index dataset %s: RuntimeError: package_show exploded" % broken \
            in result.output
        assert indexed_names() == sorted(set(datasets) - {"echo"})

    def test_dead_worker_is_detected_and_its_other_datasets_indexed(
            self, cli, datasets, monkeypatch):
        empty_index()
        broken = datasets["bravo"]["id"]
        break_show(monkeypatch, broken, die)
        started = time.monotonic()
        result = rebuild(cli, "-w", "2", "--batch", "2")
        assert time.monotonic() - started < 60
        assert result.exit_code == 1, result.output
        assert "Could not index dataset %s: worker process died (exit code 3)" % broken \
            in result.output
        assert indexed_names() == sorted(set(datasets) - {"bravo"})

    def test_stuck_worker_is_stopped_after_the_timeout(self, cli, datasets, monkeypatch):
        empty_index()
        broken = datasets["golf"]["id"]
        break_show(monkeypatch, broken, hang)
        started = time.monotonic()
        result = rebuild(cli, "-w", "2", "--timeout", "2")
        assert time.monotonic() - started < 60
        assert result.exit_code == 1, result.output
        assert "Could not index dataset %s: no progress for 2 s" % broken in result.output
        assert indexed_names() == sorted(set(datasets) - {"golf"})

    def test_several_failures_in_one_batch_all_named(self, cli, datasets, monkeypatch):
        empty_index()
        write_broken, show_broken = datasets["alpha"]["id"], datasets["delta"]["id"]
        break_write(monkeypatch, write_broken)
        break_show(monkeypatch, show_broken, fail)
        result = rebuild(cli, "-w", "1", "--batch", "100")
        assert result.exit_code == 1, result.output
        assert write_broken in result.output and show_broken in result.output
        assert "2 datasets could not be indexed" in result.output
        assert indexed_names() == sorted(set(datasets) - {"alpha", "delta"})
