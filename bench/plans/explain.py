"""EXPLAIN (ANALYZE, BUFFERS) of the statements ``package_search`` builds for the queries
of ``bench/search_bench.py`` (issue #7's plan study; prints plans, not a test).

    .venv/bin/python bench/plans/explain.py bench/out/<db>.ini [label text ...]
    DUMP=new.jsonl .venv/bin/python bench/plans/explain.py INI ...   # also save them
    OLD=DIR DUMP=old.jsonl ...   # with query.py and sql.py of an older commit, copied
                                 # into DIR as oldquery.py / oldsql.py (absolute imports)

The saved statements are what ``bench/plans/compare.py`` times.
"""
import json
import logging
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import search_bench  # noqa: E402

logging.disable(logging.INFO)


def main(ini: str, wanted: list[str]) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    import sqlalchemy as sa

    from ckanext.provincialstats.search import query

    if os.environ.get("OLD"):
        sys.path.insert(0, os.environ["OLD"])
        import oldquery
        import oldsql

        oldquery.sql = types.SimpleNamespace(facet_source=oldsql.facet_source)
        query._statement = oldquery._statement
        query.sql.multivalued_key = lambda field: None
    captured = {}

    def explain(params):
        comp = query.compiler()
        where_sql = query.where_for(params, comp)
        score = comp.score_sql()
        order = query.sql.order_by(comp, params.get("sort"), score)
        facets = []
        if str(params.get("facet", "false")).lower() == "true":
            facets = [str(f) for f in query._as_list(params.get("facet.field"))]
        if not comp.rank_queries:
            order = [(e, d) for e, d in order if e != score]
        statement = query._statement(
            comp, where_sql, score, order, facets,
            query._int(params, "facet.limit", tk.config.get("search.facets.limit")),
            query._int(params, "facet.mincount", 1), query._int(params, "rows", 10),
            query._int(params, "start", 0))
        model.Session.execute(sa.text(
            "SELECT set_config('work_mem', :w, true), "
            "set_config('random_page_cost', '1.1', true)"),
            {"w": tk.config.get("ckanext.provincialstats.search.work_mem")})
        captured.update(sql=statement, params=comp.params, plan=model.Session.execute(
            sa.text("EXPLAIN (ANALYZE, BUFFERS) " + statement), comp.params).scalars().all())
        model.Session.rollback()
        return query.Results([], 0, None)

    flask_app = app.apps["flask_app"]._wsgi_app if hasattr(app, "apps") else app._wsgi_app
    with flask_app.test_request_context():
        real = query.search
        for label, action, params in search_bench.QUERIES:
            if wanted and not any(w in label for w in wanted):
                continue
            query.search = explain
            try:
                # package_autocomplete: the package_search it makes
                tk.get_action(action)({"user": "", "ignore_auth": False},
                                      dict(params, rows=20) if action == "package_search"
                                      else params)
            finally:
                query.search = real
            print("=" * 20, label)
            print(captured["sql"])
            print("\n".join(captured["plan"]))
            if os.environ.get("DUMP"):
                with open(os.environ["DUMP"], "a", encoding="utf-8") as out:
                    out.write(json.dumps({"label": label, "sql": captured["sql"], "params": {
                        k: v.isoformat() if hasattr(v, "isoformat") else v
                        for k, v in captured["params"].items()}}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
