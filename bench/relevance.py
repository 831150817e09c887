"""Search relevance of the PostgreSQL backend on a Thai and English set: recall@10, MRR, traps.

    .venv/bin/python bench/relevance.py                  # database ckan_relevance
    .venv/bin/python bench/relevance.py --db NAME --verbose

It recreates the scratch database ``--db`` (as the postgres superuser, with the helpers of
bench/search_bench.py), creates CKAN's tables and the search tables, then, in a fresh
CKAN process with the search plugin only (CKAN's default dataset schema), creates every
dataset of ``bench/relevance_set.json`` through ``package_create`` (so the search plugin
indexes them as on a real site) and runs every query through ``package_search`` (up to
1,000 rows), and prints:

- recall@10: for each query with relevant datasets, the share of them in the first 10
  results, averaged over those queries;
- MRR: the mean over those queries of 1 / rank of the first relevant result (0 if none);
- traps returned: datasets listed as a query's traps (they hold the query's characters
  only inside other words) that the query returned at any rank, summed over all queries.

Goal: recall@10 = 1.0 and zero traps.  ``tests/search/test_thai.py`` loads the same set
and asserts that.  Nothing this touches is outside the scratch database.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Any, Callable

HERE = os.path.dirname(os.path.abspath(__file__))
SET = os.path.join(HERE, "relevance_set.json")
TOP = 10


def load_set(path: str = SET) -> dict[str, Any]:
    with open(path, encoding="utf-8") as stream:
        return json.load(stream)


def create_datasets(relevance_set: dict[str, Any], create: Callable[..., Any]) -> None:
    """``create(**data_dict)`` for every dataset (``package_create`` in a context)."""
    for dataset in relevance_set["datasets"]:
        create(name=dataset["name"], title=dataset["title"], notes=dataset["notes"],
               tags=[{"name": t} for t in dataset["tags"]])


def evaluate(relevance_set: dict[str, Any],
             search: Callable[[str], list[str]]) -> dict[str, Any]:
    """Figures for the set; ``search(q)`` returns the names of the results, best first."""
    recalls, reciprocal_ranks, traps, misses = [], [], 0, []
    for query in relevance_set["queries"]:
        found = search(query["q"])
        relevant = set(query["relevant"])
        returned_traps = sorted(set(query["traps"]) & set(found))
        traps += len(returned_traps)
        missing = sorted(relevant - set(found[:TOP]))
        if relevant:
            recalls.append(1 - len(missing) / len(relevant))
            ranks = [i for i, name in enumerate(found, 1) if name in relevant]
            reciprocal_ranks.append(1 / ranks[0] if ranks else 0.0)
        if missing or returned_traps:
            misses.append({"q": query["q"], "missing_from_top_10": missing,
                           "traps_returned": returned_traps, "results": found[:TOP]})
    return {
        "datasets": len(relevance_set["datasets"]),
        "queries": len(relevance_set["queries"]),
        "queries_with_relevant": len(recalls),
        "queries_with_traps": sum(1 for q in relevance_set["queries"] if q["traps"]),
        "recall_at_10": round(sum(recalls) / len(recalls), 4),
        "mrr": round(sum(reciprocal_ranks) / len(reciprocal_ranks), 4),
        "traps_returned": traps,
        "failures": misses,
    }


def measure(ini: str) -> dict[str, Any]:
    """Runs inside a fresh CKAN process: create the datasets, run the queries."""
    import logging

    logging.disable(logging.INFO)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    import ckan.plugins.toolkit as tk

    flask_app = app.apps["flask_app"]._wsgi_app if hasattr(app, "apps") else app._wsgi_app
    relevance_set = load_set()
    with flask_app.test_request_context():
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

        def create(**data_dict):
            tk.get_action("package_create")({"user": site_user}, data_dict)

        def search(q):
            result = tk.get_action("package_search")(
                {"user": "", "ignore_auth": False}, {"q": q, "rows": 1000})
            return [d["name"] for d in result["results"]]

        create_datasets(relevance_set, create)
        return evaluate(relevance_set, search)


def search_only(ini: str) -> str:
    """The bench configuration with only the search plugin (CKAN's default dataset
    schema, as in the tests), so the set needs no provincial metadata."""
    with open(ini, encoding="utf-8") as stream:
        lines = stream.read().splitlines()
    lines = ["ckan.plugins = provincialstats_search" if line.startswith("ckan.plugins")
             else line for line in lines]
    with open(ini, "w", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")
    return ini


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="ckan_relevance", help="database to (re)create")
    parser.add_argument("--verbose", action="store_true",
                        help="also print every query that missed or returned a trap")
    parser.add_argument("--measure", metavar="INI", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure), ensure_ascii=False))
        return

    sys.path.insert(0, HERE)
    import search_bench

    ini = search_only(search_bench.write_ini(args.db))
    search_bench.recreate_database(args.db)
    for command in (["db", "init"], ["db", "upgrade", "-p", "provincialstats_search"]):
        subprocess.run([search_bench.CKAN, "-c", ini] + command, check=True,
                       capture_output=True)
    output = subprocess.run([sys.executable, __file__, "--measure", ini], check=True,
                            stdout=subprocess.PIPE, text=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    print("relevance set: %(datasets)d datasets, %(queries)d queries "
          "(%(queries_with_relevant)d with relevant datasets, %(queries_with_traps)d with "
          "traps)" % figures)
    print("recall@10       %.4f" % figures["recall_at_10"])
    print("MRR             %.4f" % figures["mrr"])
    print("traps returned  %d" % figures["traps_returned"])
    print("queries that missed or returned a trap: %d" % len(figures["failures"]))
    if args.verbose:
        for failure in figures["failures"]:
            print(json.dumps(failure, ensure_ascii=False))


if __name__ == "__main__":
    main()
