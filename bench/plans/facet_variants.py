"""Other ways to count the five facets of ``bench/search_bench.py`` ("five facets, no q"),
timed in interleaved rounds against the statement the backend sends (issue #7's study
of the cold facet path; prints medians and p95 in ms of the statements alone, not a
test).  Everything it creates is a temporary table of its own session.

    .venv/bin/python bench/plans/facet_variants.py ckan_bench [ROUNDS]

Variants:
- ``grouping sets``: what ``search/query.py`` sends (one scan, one hash table per field
  over the whole values; arrays expanded afterwards per distinct array);
- ``narrow copy``: the same over a copy with only the filter and facet columns (how much
  the width of the index rows costs);
- ``int ids``: the same over the copy with every value dictionary-encoded to integers
  (how much hashing text costs);
- ``unnest one key``: one ``int[]`` of (field, value) ids per dataset, unnested and
  grouped by one key, serial and with two parallel workers (the only shape PostgreSQL
  15 can aggregate in parallel).
"""
import statistics
import sys
import time

import psycopg2

FILTER = ("capacity = 'public' AND state = 'active' AND permission_labels @> '{public}'")
VARIANTS = {
    "grouping sets": (
        "SELECT count(*) FROM (SELECT count(*) FROM provincialstats_search_index i "
        "WHERE {f} GROUP BY GROUPING SETS ((), (organization), (groups), (tags), "
        "(res_format), (license_id))) x"),
    "narrow copy": (
        "SELECT count(*) FROM (SELECT count(*) FROM fv WHERE {f} GROUP BY GROUPING SETS "
        "((), (organization), (groups), (tags), (res_format), (license_id))) x"),
    "int ids": (
        "SELECT count(*) FROM (SELECT count(*) FROM fv WHERE {f} GROUP BY GROUPING SETS "
        "((), (orgi), (grpi), (tagi), (fmti), (lici))) x"),
    "unnest one key, serial": (
        "SELECT count(*) FROM (SELECT k, count(*) FROM fv, unnest(fk) k WHERE {f} "
        "GROUP BY k) x"),
    "unnest one key, 2 workers": (
        "SELECT count(*) FROM (SELECT k, count(*) FROM fv, unnest(fk) k WHERE {f} "
        "GROUP BY k) x"),
}
SETUP = """
CREATE TEMP TABLE fv AS SELECT id, site_id, state, capacity, permission_labels,
    organization, groups, tags, res_format, license_id FROM provincialstats_search_index;
CREATE TEMP TABLE fdict AS SELECT v, CAST(row_number() OVER () AS int) AS k FROM (
    SELECT DISTINCT unnest(tags) AS v FROM fv UNION SELECT DISTINCT unnest(groups) FROM fv
    UNION SELECT DISTINCT unnest(res_format) FROM fv
    UNION SELECT DISTINCT organization FROM fv UNION SELECT DISTINCT license_id FROM fv) x
    WHERE v IS NOT NULL;
CREATE UNIQUE INDEX ON fdict (v);
CREATE TEMP TABLE fv2 AS SELECT fv.*,
    (SELECT k FROM fdict WHERE v = fv.organization) AS orgi,
    (SELECT k FROM fdict WHERE v = fv.license_id) AS lici,
    ARRAY(SELECT k FROM fdict, unnest(fv.groups) t WHERE v = t ORDER BY k) AS grpi,
    ARRAY(SELECT k FROM fdict, unnest(fv.tags) t WHERE v = t ORDER BY k) AS tagi,
    ARRAY(SELECT k FROM fdict, unnest(fv.res_format) t WHERE v = t ORDER BY k) AS fmti
    FROM fv;
DROP TABLE fv;
ALTER TABLE fv2 RENAME TO fv;
ALTER TABLE fv ADD COLUMN fk int[];
UPDATE fv SET fk = ARRAY[coalesce(orgi, 0), coalesce(lici, 0)] || grpi || tagi || fmti;
VACUUM ANALYZE fv;
"""


def main(db: str, rounds: int) -> None:
    conn = psycopg2.connect("dbname=%s user=ckan_default password=pass host=localhost" % db)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET work_mem = '32MB'")
    for statement in SETUP.split(";\n"):
        if statement.strip():
            cur.execute(statement)
    times = {name: [] for name in VARIANTS}
    for _ in range(rounds):
        for name, sql in VARIANTS.items():
            workers = 2 if "2 workers" in name else 0
            cur.execute("SET max_parallel_workers_per_gather = %d; "
                        "SET parallel_setup_cost = 10; SET min_parallel_table_scan_size = 0"
                        % workers)
            started = time.perf_counter()
            cur.execute(sql.format(f=FILTER))
            cur.fetchall()
            times[name].append((time.perf_counter() - started) * 1000)
    with open("/proc/loadavg", encoding="ascii") as stream:
        load = stream.read().split()[:3]
    print("%d interleaved rounds on %s; load average %s" % (rounds, db, " ".join(load)))
    for name, values in times.items():
        values.sort()
        print("%-28s median %6.1f ms  p95 %6.1f ms" % (
            name, statistics.median(values), values[max(0, round(0.95 * len(values)) - 1)]))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15)
