"""Solr search parameters -> one SQL statement for the count, the page and every facet.

The matched set is computed once (a materialised CTE holding only what the page order
and the facets need); the count, the page and each facet are aggregates over it, in the
same statement, so filtering, counting, sorting, paging and faceting all happen in the
database over the whole result.  The stored fields of the page's rows are fetched by
primary key afterwards.
"""
from __future__ import annotations

import json
import re
import time
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib.search.common import SearchQueryError

from . import cache, index, parser, sql, summary, translate
from .model import DATE_TABLE, DOC_TABLE, FACET_TABLE, INDEX_TABLE, SIG_TABLE

# Parameters that only tune Solr's scoring or response format: they never change which
# datasets match, so they are accepted and have no effect here.
RANKING_ONLY = {"wt", "tie", "qf", "bf", "boost", "fq_list", "df", "facet",
                "spellcheck", "hl", "json.nl", "indent", "omitHeader"}
# defType, mm and q.op choose how q (and q.op how fq) is read: see parser.py.
KNOWN = RANKING_ONLY | {"q", "fq", "rows", "start", "sort", "fl", "facet.field",
                        "facet.limit", "facet.mincount", "search_handler", "defType", "mm",
                        "q.op"}
DEFAULT_FIELDS = ("name^4", "title^4", "tags^2", "groups^2", "text")


class Results:
    """The parts of ``pysolr.Results`` CKAN reads."""

    def __init__(self, docs: list[dict[str, Any]], hits: int,
                 facet_fields: dict[str, list[Any]]):
        self.docs = docs
        self.hits = hits
        self.facets = {"facet_fields": facet_fields} if facet_fields is not None else {}
        self.highlighting: dict[str, Any] = {}
        self.debug: dict[str, Any] = {}

    def __len__(self):
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)


MAX_INT = 2 ** 31 - 1


def _int(params: dict[str, Any], key: str, default: int) -> int:
    value = params.get(key, default)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else default
    if isinstance(value, str) and len(value) > 20:
        raise SearchQueryError(translate._("%(parameter)r must be an integer, got a "
                                           "%(length)d-character value")
                               % {"parameter": key, "length": len(value)})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SearchQueryError(translate._("%(parameter)r must be an integer, got %(value)r")
                               % {"parameter": key, "value": value})
    if not -MAX_INT <= number <= MAX_INT:
        raise SearchQueryError(translate._("%(parameter)r is out of range: %(value)d")
                               % {"parameter": key, "value": number})
    return number


# declared in config_declaration.yaml; the defaults here too, for code running before
# the declarations are loaded
_LIMITS = {
    "max_query_length": ("ckanext.provincialstats.search.max_query_length", 2000),
    "max_query_terms": ("ckanext.provincialstats.search.max_query_terms", 100),
    "max_filter_length": ("ckanext.provincialstats.search.max_filter_length", 20000),
    "max_clauses": ("ckanext.provincialstats.search.max_clauses", 1024),
    "min_wildcard_chars": ("ckanext.provincialstats.search.min_wildcard_chars", 3),
    "max_wildcard_terms": ("ckanext.provincialstats.search.max_wildcard_terms", 5),
}


def _option(name: str) -> int:
    """An integer limit from the config."""
    key, default = _LIMITS[name]
    value = tk.config.get(key)
    return default if value is None or value == "" else int(value)


def limits(what: str = "q") -> parser.Limits:
    """The cost limits of ``config_declaration.yaml`` for ``q`` or for one ``fq``."""
    if what == "fq":
        return parser.Limits(max_length=_option("max_filter_length"),
                             max_clauses=_option("max_clauses"))
    return parser.Limits(max_length=_option("max_query_length"),
                         max_terms=_option("max_query_terms"),
                         max_clauses=_option("max_clauses"))


def _check_strings(params: dict[str, Any]) -> None:
    """No parameter may carry what PostgreSQL cannot take (NUL, lone surrogates)."""
    for key, value in params.items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, str):
                if "\x00" in item:
                    raise SearchQueryError(translate._("NUL character in parameter "
                                                       "%(parameter)r") % {"parameter": key})
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    raise SearchQueryError(translate._("parameter %(parameter)r is not "
                                                       "valid Unicode text")
                                           % {"parameter": key})


def _one(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return value[-1] if value else None
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if v is not None]
    return [value]


def _q_node(params: dict[str, Any]) -> parser.Node:
    q = params.get("q")
    if isinstance(q, (list, tuple)):
        q = " ".join(str(x) for x in q)
    if q is None or str(q).strip() in ("", '""', "''"):
        return parser.MatchAll()
    q = str(q)
    def_type = _one(params.get("defType")) or "lucene"
    mm = _one(params.get("mm"))
    operator = _one(params.get("q.op")) or parser.OR
    if def_type == "dismax":
        _check_query_fields(_one(params.get("qf")))
        return parser.parse_dismax(q, mm, limits("q"))
    if def_type == "edismax":
        _check_query_fields(_one(params.get("qf")))
        return parser.parse_edismax(q, mm, operator, limits("q"))
    if def_type not in ("lucene", "standard"):
        raise SearchQueryError(translate._("query parser 'defType=%(parser)s' is not "
                                           "supported (lucene, dismax and edismax are)")
                               % {"parser": def_type})
    return parser.parse(q, operator, limits("q"))


def _check_query_fields(qf: Optional[str]) -> None:
    """Free text searches every text field at once; a narrower ``qf`` would need
    per-field vectors, so anything but CKAN's default is refused, not ignored."""
    if qf is None:
        return
    wanted = set(str(qf).split())
    if not wanted <= set(DEFAULT_FIELDS) | {"text"} or "text" not in {
            f.split("^")[0] for f in wanted}:
        raise SearchQueryError(translate._("query fields 'qf=%(fields)s' are not supported "
                                           "(free text always searches every text field)")
                               % {"fields": qf})


def compiler() -> sql.Compiler:
    return sql.Compiler(
        tk.config.get("ckanext.provincialstats.search.text_search_config"),
        tk.config.get("ckanext.provincialstats.search.thai_engine"),
        min_wildcard_chars=_option("min_wildcard_chars"),
        max_substring_terms=_option("max_wildcard_terms"),
    )


def _text_values(node: parser.Node, out: set[str]) -> set[str]:
    if isinstance(node, parser.Boolean):
        for _, child in node.clauses:
            _text_values(child, out)
    elif isinstance(node, parser.Term) and node.kind in ("term", "phrase") and (
            sql.field_kind(node.field or "text") in ("text", "tokenised")):
        out.add(node.value)
        out.add(sql.split_word_parts(node.value))
    return out


def stop_only_values(nodes: list[parser.Node], text_config: str) -> set[str]:
    """The text terms the text search configuration reduces to nothing (stop words):
    one small query for all of them, skipped when there are none to ask about."""
    values = set()
    for node in nodes:
        _text_values(node, values)
    values = {v for v in values if any(c.isalnum() for c in v)}
    if not values:
        return set()
    rows = model.Session.execute(sa.text(
        "SELECT v FROM unnest(CAST(:values AS text[])) AS v "
        "WHERE numnode(plainto_tsquery(CAST(:cfg AS regconfig), v)) = 0"),
        {"values": sorted(values), "cfg": text_config}).scalars().all()
    return set(rows)


def where_for(params: dict[str, Any], comp: sql.Compiler) -> str:
    unknown = set(params) - KNOWN
    if unknown:
        raise SearchQueryError(translate._("unsupported search parameters: %(parameters)s")
                               % {"parameters": ", ".join(sorted(unknown))})
    _check_strings(params)
    operator = _one(params.get("q.op")) or parser.OR
    nodes = [_q_node(params)]
    fq_limits = limits("fq")
    for fq in _as_list(params.get("fq")):
        if not isinstance(fq, str):
            raise SearchQueryError(translate._("fq must be a string, got %(value)r")
                                   % {"value": fq})
        nodes.append(parser.parse(fq, operator, fq_limits))
    comp.stop_only = stop_only_values(nodes, comp.text_config)
    comp.nodes = nodes
    return sql.where(comp, nodes)


def _fl(params: dict[str, Any]) -> list[str]:
    fl = params.get("fl")
    if fl is None:
        return ["*"]
    if isinstance(fl, (list, tuple)):
        fl = " ".join(fl)
    return [f for f in re.split(r"[\s,]+", str(fl)) if f]


def search(params: dict[str, Any]) -> Results:
    comp = compiler()
    where_sql = where_for(params, comp)
    score = comp.score_sql()
    rows = max(0, _int(params, "rows", 10))
    start = _int(params, "start", 0)
    if start < 0:
        raise SearchQueryError(translate._("'start' parameter cannot be negative"))
    order = sql.order_by(comp, params.get("sort"), score)

    facet_fields: Optional[list[str]] = None
    if str(params.get("facet", "false")).lower() == "true":
        facet_fields = [str(f) for f in _as_list(params.get("facet.field"))]
    limit = _int(params, "facet.limit", tk.config.get("search.facets.limit"))
    mincount = _int(params, "facet.mincount", 1)

    if not comp.rank_queries:  # every score is equal: leave it out of the ORDER BY
        order = [(e, d) for e, d in order if e != score]
    statement = _statement(comp, where_sql, score, order, facet_fields or [], limit,
                           mincount, rows, start)
    result = _run(statement, comp.params)

    page = result["page"]
    docs = _documents([p[0] for p in page], {p[0]: p[1] for p in page}, _fl(params))
    facets = None
    if facet_fields is not None:
        facets = {}
        for i, field in enumerate(facet_fields):
            flat: list[Any] = []
            for value, count in result["f%d" % i]:
                flat.extend([value, count])
            facets[field] = flat
    return Results(docs, result["hits"], facets)


def _run(statement: str, params: dict[str, Any]) -> dict[str, Any]:
    """The statement's one row (hits, page, facets), from the result cache when the
    index has not changed since the same statement last ran (``cache.py``)."""
    generation = cache.generation()  # read before the statement: see cache.py
    cache_key = None
    if generation is not None:
        cache_key = cache.key(statement, params, generation)
        cached = cache.get(cache_key)
        if cached is not None:
            return cached
    # transaction-local planner settings: the search tables are read from memory
    model.Session.execute(sa.text(
        "SELECT set_config('work_mem', :work_mem, true), "
        "set_config('random_page_cost', '1.1', true)"),
        {"work_mem": tk.config.get("ckanext.provincialstats.search.work_mem")})
    started = time.perf_counter()
    result = dict(model.Session.execute(sa.text(statement), params).mappings().one())
    if cache_key is not None and (time.perf_counter() - started) * 1000 >= cache.min_ms():
        cache.put(cache_key, result)
    return result


PAGE = ("(SELECT coalesce(jsonb_agg(jsonb_build_array(p.id, p.score)), '[]') FROM ("
        "SELECT {id} AS id, {score} AS score FROM {source} WHERE {where} "
        "ORDER BY {order} LIMIT {rows} OFFSET {start}) p) AS page")
FACET = ("(SELECT coalesce(jsonb_agg(jsonb_build_array(v, n) ORDER BY n DESC, v), '[]') "
         "FROM (SELECT v, CAST(sum(x.n) AS bigint) AS n FROM ({values}) x "
         "WHERE v IS NOT NULL GROUP BY v HAVING sum(x.n) >= {mincount} "
         "ORDER BY n DESC, v {limit}) agg) AS {alias}")
# The page of an order on one ``*_date`` field (``sort=last_updated_date desc``): the
# datasets with a date, in the date index's order, stopping after the page, then only when
# those are fewer than the page needs, the datasets without one (NULLS LAST), by id.  The
# same rows in the same order as ``PAGE``, which sorted every match by a hash join.
DATE_PAGE = (
    "(SELECT coalesce(jsonb_agg(jsonb_build_array(p.id, p.score)), '[]') FROM ("
    "SELECT u.id, u.score FROM ("
    "(SELECT i.id AS id, {score} AS score, {key} AS k FROM {source} "
    "WHERE ({where}) AND {key} IS NOT NULL ORDER BY {key} {direction}, i.id LIMIT {n}) "
    "UNION ALL "
    "(SELECT i.id AS id, {score} AS score, NULL AS k FROM {plain} WHERE ({where}) "
    "AND NOT EXISTS (SELECT 1 FROM {dates} t WHERE t.id = i.id AND t.field = {field}) "
    "AND (SELECT count(*) FROM (SELECT 1 FROM {source} WHERE ({where}) "
    "AND {key} IS NOT NULL LIMIT {n}) c) < {n} ORDER BY i.id LIMIT {n})"
    ") u ORDER BY u.k {direction} NULLS LAST, u.id LIMIT {rows} OFFSET {start}) p) AS page")
# GROUPING() takes at most 31 arguments; one grouping-sets pass per this many fields
GROUPING_MAX = 30


def _statement(comp: sql.Compiler, where_sql: str, score: str, order: list,
               facet_fields: list[str], limit: int, mincount: int, rows: int,
               start: int) -> str:
    """The count, the ordered page and the facets in one statement.

    - Ordered by relevance first (a text query): no index gives that order, every match
      is read for the page anyway, so the matches (id, rank, sort keys, facet columns)
      are read once into ``m`` and the count, the page and the facets come from it.
    - Otherwise straight from the tables: the page is ``ORDER BY ... LIMIT`` over the
      matches, so an index can give the order and stop after the page.
    - Facets: the matches are grouped once by ``GROUPING SETS``, one set per facet field
      (its values and counts) plus the empty set (the count); without facets the count
      is a ``count(*)``.
    """
    ranked = bool(comp.rank_queries) and bool(order) and order[0][0] == score
    if ranked and not facet_fields:
        statement = _doc_ranked_statement(comp, score, order, rows, start)
        if statement is not None:
            return statement
    rows_sql, start_sql = comp.bind(rows), comp.bind(start)
    sources = [sql.facet_source(comp, field) for field in facet_fields]
    expressions = list(dict.fromkeys(e for e, _ in sources))  # each grouped once
    ctes = []
    # with the LEFT JOINs an order on a ``*_date`` field needs (none for counts, facets)
    ordered_source = index.SOURCE + "".join(comp.joins)
    if ranked:
        selected = {"id": "i.id", "score": score}
        order_parts = []
        for k, (expression, direction) in enumerate(order):
            alias = {"i.id": "id", score: "score"}.get(expression, "s%d" % k)
            selected.setdefault(alias, expression)
            order_parts.append("m.%s %s NULLS LAST" % (alias, direction))
        selected.update(("x%d" % k, e) for k, e in enumerate(expressions))
        ctes.append("m AS MATERIALIZED (SELECT {selected} FROM {source} WHERE {where})"
                    .format(selected=", ".join("%s AS %s" % (e, a)
                                               for a, e in selected.items()),
                            source=ordered_source, where=where_sql))
        page = PAGE.format(id="m.id", score="m.score", source="m", where="TRUE",
                           order=", ".join(order_parts), rows=rows_sql, start=start_sql)
        grouped = ["m.x%d" % k for k in range(len(expressions))]
        group_source, group_where, count = "m", "TRUE", "(SELECT count(*) FROM m)"
    elif (len(order) == 2 and order[0][0] in comp.date_sorts and order[1] == ("i.id", "ASC")
          and len(comp.joins) == 1):
        key, direction = order[0]
        page = DATE_PAGE.format(
            score=score, key=key, direction=direction, source=ordered_source,
            plain=index.SOURCE, where=where_sql, dates=DATE_TABLE,
            field=comp.date_sorts[key], n=comp.bind(rows + max(start, 0)), rows=rows_sql,
            start=start_sql)
        grouped = expressions
        group_source, group_where = index.SOURCE, where_sql
        count = "(SELECT count(*) FROM %s WHERE %s)" % (index.SOURCE, where_sql)
    else:
        page = PAGE.format(id="i.id", score=score, source=ordered_source, where=where_sql,
                           order=", ".join("%s %s NULLS LAST" % o for o in order),
                           rows=rows_sql, start=start_sql)
        grouped = expressions
        group_source, group_where = index.SOURCE, where_sql
        count = "(SELECT count(*) FROM %s WHERE %s)" % (index.SOURCE, where_sql)
    if summary.answers(comp.nodes, facet_fields):  # counts and facets per signature
        return _summary_statement(comp, where_sql, page, facet_fields, limit, mincount)
    if not facet_fields and not ranked:
        count = _signature_count(comp) or count
    if not facet_fields:
        return "{with_}SELECT {count} AS hits, {page}".format(
            with_="WITH %s " % ", ".join(ctes) if ctes else "", count=count, page=page)
    chunks = [grouped[i:i + GROUPING_MAX] for i in range(0, len(grouped), GROUPING_MAX)]
    for n, chunk in enumerate(chunks):
        ctes.append(
            "g{n} AS MATERIALIZED (SELECT GROUPING({exprs}) AS s, {columns}, count(*) AS n "
            "FROM {source} WHERE {where} GROUP BY GROUPING SETS ((), {sets}))".format(
                n=n, exprs=", ".join(chunk), source=group_source, where=group_where,
                columns=", ".join("%s AS c%d" % (e, j) for j, e in enumerate(chunk)),
                sets=", ".join("(%s)" % e for e in chunk)))
    mincount_sql = comp.bind(max(mincount, 1))
    limit_sql = "" if limit < 0 else "LIMIT %s" % comp.bind(limit)
    facets = []
    for i, (expression, values) in enumerate(sources):
        position = expressions.index(expression)
        chunk = chunks[position // GROUPING_MAX]
        j = position % GROUPING_MAX
        # GROUPING(): bit set for every expression not grouped; the first is the highest
        grouped_set = (1 << len(chunk)) - 1 - (1 << (len(chunk) - 1 - j))
        facets.append(FACET.format(
            values=values.replace("{c}", "c%d" % j).replace("{set}", "g.s = %d" % grouped_set)
            .replace("{g}", "g%d" % (position // GROUPING_MAX)),
            mincount=mincount_sql, limit=limit_sql, alias="f%d" % i))
    return ("WITH {ctes} SELECT (SELECT n FROM g0 WHERE s = {everything}) AS hits, "
            "{page}, {facets}").format(
        ctes=", ".join(ctes), everything=(1 << len(chunks[0])) - 1, page=page,
        facets=", ".join(facets))


SUMMARY = ("WITH s AS MATERIALIZED (SELECT i.id FROM {sig} i WHERE {where}) "
           "SELECT (SELECT CAST(coalesce(sum(f.n), 0) AS bigint) FROM {facet} f "
           "JOIN s ON f.sig = s.id WHERE f.field = '' AND f.value = '') AS hits, "
           "{page}, {facets}")
SUMMARY_FACET = (
    "(SELECT coalesce(jsonb_agg(jsonb_build_array(v, n) ORDER BY n DESC, v), '[]') "
    "FROM (SELECT f.value AS v, CAST(sum(f.n) AS bigint) AS n FROM {facet} f "
    "JOIN s ON f.sig = s.id WHERE f.field = {field} GROUP BY f.value "
    "HAVING sum(f.n) >= {mincount} ORDER BY n DESC, v {limit}) agg) AS {alias}")


def _signature_count(comp: sql.Compiler) -> Optional[str]:
    """The count of a search whose ``q`` matches everything (added up from the summary's
    dataset counts) or is on tokenised fields only (words of the doc
    table's field vector) and whose filters are only on signature columns (what CKAN adds
    to every search), counted over the doc table alone: the filters pick the signatures
    they allow out of the few signature rows, and each doc row the words match is kept by
    its signature key.  The same rows as joining every match to the index table and
    filtering there, which read the whole index table and hashed it (``author:statistical``:
    14,000 matches).  None for any other search."""
    split = _words_and_signatures(comp)
    if split is None:
        return None
    words, allowed = split
    if words is None:  # no words: the summary's dataset counts
        return ("(SELECT CAST(coalesce(sum(f.n), 0) AS bigint) FROM {facet} f "
                "WHERE f.field = '' AND f.value = '' AND f.sig IN "
                "(SELECT i.id FROM {sig} i WHERE {allowed}))").format(
            facet=FACET_TABLE, sig=SIG_TABLE, allowed=allowed)
    return "(SELECT count(*) FROM {doc} d WHERE {words} AND {keys})".format(
        doc=DOC_TABLE, words=words, keys=_allowed_keys(allowed))


def _words_and_signatures(comp: sql.Compiler) -> Optional[tuple[Optional[str], str]]:
    """(the condition of ``q`` on doc table columns only, or None when ``q`` matches
    everything; the filters' condition on signature columns only), or None when the
    search has other conditions."""
    nodes, parts = comp.nodes, comp.parts
    if not nodes or len(parts) != len(nodes) or comp.joins:
        return None
    if not all(summary.only_signature_terms(n) for n in nodes[1:]):
        return None
    allowed = " AND ".join("(%s)" % p for p in parts[1:]) or sql.TRUE
    if isinstance(nodes[0], parser.MatchAll):
        return None, allowed
    if not sql.doc_only(parts[0]):
        return None
    return parts[0], allowed


def _allowed_keys(allowed: str) -> str:
    """A doc row's signature is one of those the filters allow; the keys computed once in
    a fenced subquery (as a semi join's key they were recomputed for every row)."""
    return ("d.sig_key IN (SELECT s.k FROM (SELECT {key} AS k FROM {sig} i WHERE {allowed} "
            "OFFSET 0) s)").format(key=summary.SIG_KEY, sig=SIG_TABLE, allowed=allowed)


# Ranked by the text first, no facets, filters on signatures only: the matches are read
# from the doc table alone (id and rank); the index table is read only for the rows that
# can be on the page, those ranked at least as high as the page's last row, for the
# remaining sort keys.
DOC_RANKED = (
    "WITH m AS MATERIALIZED (SELECT d.id AS id, {score} AS score FROM {doc} d "
    "WHERE {words} AND {keys}) "
    "SELECT (SELECT count(*) FROM m) AS hits, "
    "(SELECT coalesce(jsonb_agg(jsonb_build_array(p.id, p.score)), '[]') FROM ("
    "SELECT m.id AS id, m.score AS score FROM m JOIN {source} ON i.id = m.id "
    "WHERE m.score {cmp} (SELECT {edge}(t.score) FROM (SELECT m.score FROM m "
    "ORDER BY m.score {direction} LIMIT {n}) t) "
    "ORDER BY {order} LIMIT {rows} OFFSET {start}) p) AS page")


def _doc_ranked_statement(comp: sql.Compiler, score: str, order: list, rows: int,
                          start: int) -> Optional[str]:
    split = _words_and_signatures(comp)
    if split is None or split[0] is None or not order or order[0][0] != score:
        return None
    words, allowed = split
    direction = order[0][1]
    order_sql = ", ".join("%s %s NULLS LAST" % (
        "m.score" if expression == score else expression, d) for expression, d in order)
    if score in order_sql.replace("m.score", ""):  # the score again, further down
        return None
    return DOC_RANKED.format(
        score=score, doc=DOC_TABLE, words=words, keys=_allowed_keys(allowed),
        source="(%s)" % index.SOURCE, cmp=">=" if direction == "DESC" else "<=",
        edge="min" if direction == "DESC" else "max", direction=direction,
        n=comp.bind(rows + max(start, 0)), order=order_sql, rows=comp.bind(rows),
        start=comp.bind(start))


def _summary_statement(comp: sql.Compiler, where_sql: str, page: str,
                       facet_fields: list[str], limit: int, mincount: int) -> str:
    """The count and the facets added up from the per-signature counts (``summary``):
    the filter (on signature columns only) is evaluated over the few signature rows;
    the page is read from the index as in ``_statement``."""
    mincount_sql = comp.bind(max(mincount, 1))
    limit_sql = "" if limit < 0 else "LIMIT %s" % comp.bind(limit)
    facets = [SUMMARY_FACET.format(facet=FACET_TABLE, field=comp.bind(summary.field_key(f)),
                                   mincount=mincount_sql, limit=limit_sql, alias="f%d" % i)
              for i, f in enumerate(facet_fields)]
    return SUMMARY.format(sig=SIG_TABLE, facet=FACET_TABLE, where=where_sql, page=page,
                          facets=", ".join(facets))


def _documents(ids: list[str], scores: dict[str, float], fl: list[str]) -> list[dict]:
    if not ids:
        return []
    everything = "*" in fl
    stored = [f for f in ("data_dict", "validated_data_dict") if everything or f in fl]
    columns = ["i.id", "d.fields"] + ["d.%s" % f for f in stored]
    rows = model.Session.execute(sa.text(
        "SELECT {columns} FROM {index} i LEFT JOIN {doc} d ON d.id = i.id "
        "WHERE i.id = ANY(:ids)".format(columns=", ".join(columns), index=INDEX_TABLE,
                                        doc=DOC_TABLE)), {"ids": ids}).mappings().all()
    by_id = {r["id"]: r for r in rows}
    docs = []
    for dataset_id in ids:
        row = by_id.get(dataset_id)
        if row is None:  # deleted between the two statements
            continue
        fields = row["fields"] if isinstance(row["fields"], dict) else json.loads(row["fields"])
        if everything:
            doc = dict(fields)
        else:
            doc = {f: fields[f] for f in fl if f in fields}
        for f in stored:
            doc[f] = row[f]
        if everything or "score" in fl:
            doc["score"] = scores.get(dataset_id)
        docs.append(doc)
    return docs


def delete(q: Optional[str]) -> int:
    comp = compiler()
    # from CKAN and its extensions (ids of datasets to delete), not from a user
    internal = parser.Limits(max_length=10 ** 8, max_clauses=10 ** 7)
    where_sql = sql.where(comp, [parser.parse(q or "*:*", parser.OR, internal)])
    return index.delete(where_sql, comp.params)


def stored(reference: str) -> Optional[dict[str, Any]]:
    """The stored dict of one dataset by id or name (two primary/btree lookups)."""
    row = model.Session.execute(sa.text(
        "SELECT d.fields, d.data_dict, d.validated_data_dict FROM {index} i "
        "LEFT JOIN {doc} d ON d.id = i.id "
        "WHERE (i.id = :ref OR i.name = :ref) AND i.site_id = :site "
        "ORDER BY (i.id = :ref) DESC LIMIT 1".format(index=INDEX_TABLE, doc=DOC_TABLE)),
        {"ref": reference, "site": tk.config.get("ckan.site_id")}).mappings().first()
    if row is None:
        return None
    doc = dict(row["fields"])
    doc["data_dict"] = row["data_dict"]
    doc["validated_data_dict"] = row["validated_data_dict"]
    return doc
