"""Back to back: (old statements, old indexes) against (new statements, new indexes), in
interleaved batches; the old indexes are put back inside a transaction that is rolled
back.  Statements saved by ``bench/plans/explain.py`` (DUMP=...).  Prints medians and
p95 in ms of the statements alone; not a test.

    .venv/bin/python bench/plans/compare.py DB RUNS BATCHES OLD.jsonl NEW.jsonl
"""
import json
import re
import statistics
import sys
import time

import psycopg2

NEW_INDEXES = ["modified_asc", "modified_desc", "title_asc", "title_desc", "filters"]
OLD_INDEXES = [
    "CREATE INDEX provincialstats_search_index_metadata_modified_idx "
    "ON provincialstats_search_index (metadata_modified)",
    "CREATE INDEX provincialstats_search_index_title_string_idx "
    "ON provincialstats_search_index (title_string)",
]


def load(path):
    with open(path, encoding="utf-8") as stream:
        return {d["label"]: d for d in map(json.loads, stream)}


def batch(conn, kind, statements, runs, times):
    cur = conn.cursor()
    cur.execute("SET LOCAL work_mem = '32MB'; SET LOCAL random_page_cost = 1.1")
    if kind == "old":
        for name in NEW_INDEXES:
            cur.execute("DROP INDEX provincialstats_search_index_%s_idx" % name)
        for create in OLD_INDEXES:
            cur.execute(create)
    for label, d in statements.items():
        sql = re.sub(r":(p\d+|cfg)\b", r"%(\1)s", d["sql"])
        cur.execute(sql, d["params"])
        cur.fetchall()  # warm-up
        for _ in range(runs):
            started = time.perf_counter()
            cur.execute(sql, d["params"])
            cur.fetchall()
            times.setdefault((label, kind), []).append((time.perf_counter() - started) * 1000)
    conn.rollback()


def main(db, runs, batches, old_path, new_path):
    old, new = load(old_path), load(new_path)
    conn = psycopg2.connect("dbname=%s user=ckan_default password=pass host=localhost" % db)
    times = {}
    for _ in range(batches):
        batch(conn, "old", old, runs, times)
        batch(conn, "new", new, runs, times)
    for label in new:
        row = [label]
        for kind in ("old", "new"):
            t = sorted(times[(label, kind)])
            row.append("%s median %.1f p95 %.1f" % (
                kind, statistics.median(t), t[max(0, round(0.95 * len(t)) - 1)]))
        print(" | ".join(row))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
