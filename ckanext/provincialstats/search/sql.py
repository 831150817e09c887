"""Parsed Solr queries -> parameterised SQL over ``provincialstats_search_index``.

Every value from a query becomes a bound parameter; only names this module chooses (column
names from the fixed tables below, parameter placeholders) are ever written into SQL text.

How Solr fields map (stock CKAN ``schema.xml``):

- string columns (``name``, ``state``, ``organization`` ...): exact, case-sensitive;
- multi-valued string columns (``tags``, ``groups``, ``res_format``, ``permission_labels``):
  ``text[]`` with GIN, ``@>`` / ``&&``;
- dates (``metadata_created``, ``metadata_modified``): timestamps, ranges with ``NOW`` math;
- text fields: ``title`` (weight A), ``notes`` (weight C) and the catch-all ``text`` (every
  weight) match words in the ``tsvector``; Thai words are segmented first and match whole
  words or the dictionary parts of compounds (see ``thai``), never the inside of a word;
- ``name_ngram`` / ``title_ngram`` (autocomplete): substring match (trigram indexes);
- tokenised extras (``author``, ``res_name``, ``extras_*`` ...): words of the stored value
  (Thai segmented as for text), from the doc table's field-tagged vector ``ftsv``;
- ``*_date`` fields: Solr dates, from the date table (ranges, equality, sorts);
- any other field (``harvest_source_id``, ``vocab_*``, ``province`` ...): exact match of a
  value (or one of the values) in the ``fields`` jsonb, GIN-indexed.
"""
from __future__ import annotations

import decimal
import json
import re
from typing import Any, Optional

from ckan.lib.search.common import SearchQueryError

from . import dates, parser, thai
from .model import DATE_TABLE, DOC_TABLE, SUBSTR_TABLE, index_table
from .parser import MUST, MUST_NOT, SHOULD, Boolean, MatchAll, Range, Term
from .translate import _

SCALAR_COLUMNS = {"id", "site_id", "name", "state", "dataset_type", "capacity", "owner_org",
                  "organization", "license_id", "title_string"}
ARRAY_COLUMNS = {"tags", "groups", "res_format", "permission_labels"}
DATE_COLUMNS = {"metadata_created", "metadata_modified"}
TEXT_WEIGHTS = {"title": "a", "notes": "c", "text": None}
NGRAM_COLUMNS = {"name_ngram": "name", "title_ngram": "title"}
TOKENISED = {"author", "author_email", "maintainer", "maintainer_email", "res_name",
             "res_description", "urls", "depends_on", "dependency_of", "derives_from",
             "has_derivation", "links_to", "linked_from", "child_of", "parent_of"}
TOKENISED_PREFIXES = ("extras_", "res_extras_")
CONSTANTS = {"entity_type": "package"}
NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"

TRUE, FALSE = "TRUE", "FALSE"
IGNORED = None  # a clause with no searchable words (Solr drops it)


def field_kind(field: str) -> str:
    if field in SCALAR_COLUMNS:
        return "scalar"
    if field in ARRAY_COLUMNS:
        return "array"
    if field in DATE_COLUMNS:
        return "date"
    if field in TEXT_WEIGHTS:
        return "text"
    if field in NGRAM_COLUMNS:
        return "ngram"
    if field in CONSTANTS:
        return "constant"
    if field in TOKENISED or field.startswith(TOKENISED_PREFIXES):
        return "tokenised"
    return "generic"


def column(field: str) -> str:
    """A column of the narrow table, qualified (``id`` is in both tables)."""
    return "i." + field


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def wildcard_to_like(raw: str) -> str:
    """A Solr wildcard term (backslash escapes kept) as a LIKE pattern."""
    out, i = [], 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            out.append(like_escape(raw[i + 1]))
            i += 2
            continue
        out.append("%" if c == "*" else "_" if c == "?" else like_escape(c))
        i += 1
    return "".join(out)


def split_word_parts(value: str) -> str:
    """``rice-tourism`` as the words ``rice tourism``: Solr's ``text`` analyser splits
    words at intra-word hyphens (WordDelimiterGraphFilter), PostgreSQL's parser would
    look for the whole hyphenated compound."""
    return re.sub(r"(?<=\w)-(?=\w)", " ", value)


def _trailing_star(raw: str) -> bool:
    """``word*``: a prefix search the text vector answers (no other wildcard)."""
    return bool(re.fullmatch(r"(?:\\.|[^*?\\])+\*", raw))


def tsquery_prefix(word: str) -> str:
    """A prefix tsquery (``'word':*``) as tsquery syntax, quoted so it cannot be misread."""
    return "'%s':*" % word.replace("\\", "\\\\").replace("'", "''")


class Compiler:
    """Compiles parsed queries; collects the bound parameters and the ranking tsqueries."""

    def __init__(self, text_config: str, thai_engine: str,
                 min_wildcard_chars: int = 3, max_substring_terms: int = 5):
        self.params: dict[str, Any] = {"cfg": text_config}
        self.text_config = text_config
        self.thai_engine = thai_engine
        self.rank_queries: list[str] = []
        self._n = 0
        # words of text terms that the text search configuration reduces to nothing
        # (English stop words): filled by the caller, see query.stop_only_values
        self.stop_only: set[str] = set()
        # True while a whole query made only of such words is compiled again, to match
        # them as words of the text (Solr's ``text`` type has no stop filter)
        self.keep_stop_words = False
        self.min_wildcard_chars = min_wildcard_chars
        self.max_substring_terms = max_substring_terms
        self._substring_terms = 0
        self._pending: list[tuple[str, str, str]] = []  # (param, function, text)
        # LEFT JOINs the ORDER BY needs (a ``*_date`` field's values), after the source
        self.joins: list[str] = []
        self.date_sorts: dict[str, str] = {}  # ORDER BY expression -> its field's parameter
        self.nodes: list = []  # the parsed q and fq (query.where_for)
        self.parts: list[str] = []  # the condition of each node (``where``)

    # -- parameters -------------------------------------------------------------------
    def bind(self, value: Any) -> str:
        self._n += 1
        name = "p%d" % self._n
        self.params[name] = value
        return ":" + name

    # -- tree ---------------------------------------------------------------------------
    def compile(self, node: parser.Node, positive: bool = True) -> Optional[str]:
        if isinstance(node, MatchAll):
            return TRUE
        if isinstance(node, Boolean):
            return self._boolean(node, positive)
        if isinstance(node, Range):
            return self._range(node)
        if isinstance(node, Term):
            return self._term(node, positive)
        raise SearchQueryError(_("unsupported query node %(node)r") % {"node": node})

    def _boolean(self, node: Boolean, positive: bool) -> Optional[str]:
        must, must_not, should = [], [], []
        for occur, child in node.clauses:
            sql = self.compile(child, positive and occur != MUST_NOT)
            if sql is IGNORED:
                continue
            {MUST: must, MUST_NOT: must_not, SHOULD: should}[occur].append(sql)
        if not (must or must_not or should):
            return IGNORED
        if not (must or should) and not node.negative_matches_all:
            return FALSE  # Lucene: prohibited clauses alone match nothing
        parts = list(must) + ["(%s) IS NOT TRUE" % s for s in must_not]
        # mm counts the optional clauses that have searchable words, as Solr counts the
        # clauses its analyser left; with nothing required, one optional must match
        needed = 0 if node.mm is None else parser.parse_mm(node.mm, len(should))
        if not must:
            needed = max(needed, 1)
        needed = min(needed, len(should))
        if should and needed:
            if needed == len(should):
                parts.extend(should)
            elif needed == 1:
                parts.append(_disjunction(should))
            else:
                parts.append("(%s)" % " OR ".join("(%s)" % s for s in should))
                parts.append("(%s) >= %d" % (
                    " + ".join("(CASE WHEN %s THEN 1 ELSE 0 END)" % s for s in should),
                    needed))
        return " AND ".join("(%s)" % p for p in parts) if parts else TRUE

    # -- terms --------------------------------------------------------------------------
    def _term(self, term: Term, positive: bool) -> Optional[str]:
        field = term.field or "text"
        kind = field_kind(field)
        if kind == "text":
            if term.kind == "wildcard" and not _trailing_star(term.value):
                return self._substring(term, field)
            if term.kind in ("term", "phrase"):
                term = Term(term.field, split_word_parts(term.value), term.kind)
                if term.value in self.stop_only:
                    return self._stop_words(term, field)
            return self._text(term, TEXT_WEIGHTS[field], positive, field)
        if kind == "generic" and field.endswith("_date") and term.kind in ("term", "phrase"):
            return self._dates(field, "t.value = %s" % self.bind(
                dates.iso_seconds(dates.parse(term.value))))
        if term.kind == "any":
            return self._exists(field, kind)
        if kind == "constant":
            if term.kind == "wildcard":
                pattern = re.compile(re.escape(term.value).replace(r"\*", ".*")
                                     .replace(r"\?", "."))
                return TRUE if pattern.fullmatch(CONSTANTS[field]) else FALSE
            return TRUE if term.value == CONSTANTS[field] else FALSE
        if kind == "ngram":
            value = parser.unescape(term.value) if term.kind == "wildcard" else term.value
            value = value.strip("*")
            return "i.%s ILIKE %s" % (NGRAM_COLUMNS[field],
                                       self.bind("%" + like_escape(value) + "%"))
        if kind == "tokenised":
            return self._tokenised(term, field)
        if kind == "date":
            if term.kind == "wildcard":
                raise SearchQueryError(_("wildcards are not supported on date field %(field)r")
                                       % {"field": field})
            return "%s = %s" % (field, self.bind(dates.parse(term.value)))
        if term.kind == "wildcard":
            pattern = self.bind(wildcard_to_like(term.value))
            if kind == "scalar":
                return "%s LIKE %s" % (column(field), pattern)
            if kind == "array":
                return "EXISTS (SELECT 1 FROM unnest(%s) v WHERE v LIKE %s)" % (field, pattern)
            return "EXISTS (SELECT 1 FROM %s v WHERE v LIKE %s)" % (
                self._generic_values(field), pattern)
        if kind == "scalar":
            return "%s = %s" % (column(field), self.bind(term.value))
        if kind == "array":
            return "%s @> ARRAY[CAST(%s AS text)]" % (field, self.bind(term.value))
        key = multivalued_key(field)
        if key is not None:  # the narrow table's copy of the values
            return "i.vocab @> ARRAY[CAST(%s AS text)]" % self.bind(key + "\x1f" + term.value)
        return "(fields @> CAST(%s AS jsonb) OR fields @> CAST(%s AS jsonb))" % (
            self.bind(json.dumps({field: term.value})),
            self.bind(json.dumps({field: [term.value]})))

    def _generic_values(self, field: str) -> str:
        key = self.bind(field)
        return ("jsonb_array_elements_text(CASE jsonb_typeof(fields -> %s) WHEN 'array' "
                "THEN fields -> %s ELSE jsonb_build_array(fields -> %s) END)" % (key, key, key))

    def _exists(self, field: str, kind: str) -> str:
        if kind in ("scalar", "date"):
            return "%s IS NOT NULL" % column(field)
        if kind == "array":
            return "cardinality(%s) > 0" % field
        if kind == "ngram":
            return "coalesce(%s, '') <> ''" % NGRAM_COLUMNS[field]
        if kind == "constant":
            return TRUE
        return "jsonb_exists(fields, %s)" % self.bind(field)

    def _tokenised(self, term: Term, field: str) -> str:
        """A word (phrase, prefix) of a tokenised field: a lookup in the doc table's
        field vector ``ftsv`` (GIN), whose lexemes are ``<field> U+001F <lexeme>`` at
        their positions in that field (``index.FIELD_VECTOR``; Thai segmented with the
        parts of compounds, so the query is built as for text fields).  The query's
        lexemes get the same tag; quoted lexemes are the only quoted text of a tsquery's
        text form."""
        key = self.bind(field)
        if term.kind == "wildcard" and not _trailing_star(term.value):
            return "coalesce(fields ->> %s, '') ILIKE %s" % (
                key, self.bind(self._substring_pattern(term, field)))
        stop_words = term.kind != "wildcard" and term.value in self.stop_only
        if stop_words or not re.fullmatch(r"[A-Za-z0-9_.-]+", field):
            # stop words (not in the vector: matched as written) or a field name the
            # tag could not carry: each row's value is read
            config = "CAST('simple' AS regconfig)" if stop_words else "CAST(:cfg AS regconfig)"
            document = "to_tsvector(%s, coalesce(fields ->> %s, ''))" % (config, key)
            if term.kind == "wildcard":
                return "%s @@ to_tsquery('simple', %s)" % (
                    document, self.bind(self._prefix_query(term, field)))
            function = "phraseto_tsquery" if term.kind == "phrase" else "plainto_tsquery"
            return "%s @@ %s(%s, %s)" % (
                document, function, config, self.bind(thai.segment(term.value,
                                                                    self.thai_engine)))
        if term.kind == "wildcard":
            query = "to_tsquery('simple', %s)" % self.bind(self._prefix_query(term, field))
        else:
            if not any(ch.isalnum() for ch in term.value):
                return FALSE
            query = self._words_query(term, term.value)
        return ("ftsv @@ CAST(regexp_replace(CAST(%s AS text), %s, %s, 'g') AS tsquery)"
                % (query, self.bind(r"'((?:[^'\\]|''|\\.)*)'"),
                   self.bind("'" + field + "\x1f" + r"\1'")))

    # -- leading and inner wildcards, stop words ------------------------------------------
    def _substring_pattern(self, term: Term, field: str) -> str:
        """A leading or inner wildcard on a text field as an ILIKE pattern matching
        anywhere in the text, refused unless a run of ``min_wildcard_chars`` literal
        characters lets the trigram index narrow it down."""
        runs = [parser.unescape(r) for r in re.split(r"(?<!\\)[*?]", term.value)]
        longest = max((len(r.strip()) for r in runs), default=0)
        if longest < self.min_wildcard_chars:
            raise SearchQueryError(
                _("wildcard %(wildcard)r on field %(field)r needs at least %(count)d "
                  "characters in a row that are not wildcards")
                % {"wildcard": term.value, "field": field, "count": self.min_wildcard_chars})
        self._substring_terms += 1
        if self._substring_terms > self.max_substring_terms:
            raise SearchQueryError(
                _("more than %(limit)d leading or inner wildcard terms in one search")
                % {"limit": self.max_substring_terms})
        return "%" + wildcard_to_like(term.value.lower()) + "%"

    def _substring(self, term: Term, field: str) -> str:
        """``text:*ทุเรียน*``, ``title:*rice*``: a substring of the indexed text
        (``search_text`` in its own trigram-indexed table: what Solr copies into
        ``text``; a description match must also be in that text), or of the title
        (trigram-indexed on the narrow table)."""
        pattern = self.bind(self._substring_pattern(term, field))
        if field == "title":
            return "i.title ILIKE %s" % pattern
        condition = "i.id IN (SELECT s.id FROM %s s WHERE s.search_text ILIKE %s)" % (
            SUBSTR_TABLE, pattern)
        if field == "notes":
            condition += " AND (fields ->> 'notes') ILIKE %s" % pattern
        return condition

    def _stop_words(self, term: Term, field: str) -> Optional[str]:
        """A term the text search configuration reduces to nothing (``the``, ``to be``).
        Among other clauses it is dropped, as Solr drops a clause its analyser empties
        (and it is not counted by ``mm``), so ``the rice`` finds what ``rice`` finds.
        When the whole query is such words, they are matched as whole words of the
        text, since CKAN's Solr ``text`` type has no stop filter."""
        if not self.keep_stop_words:
            return IGNORED
        words = re.findall(r"[^\W_]+", term.value.lower())
        if not words:
            return IGNORED
        joiner = "[^[:alnum:]]+" if term.kind == "phrase" else ".*"
        regex = "(^|[^[:alnum:]])" + joiner.join(words) + "($|[^[:alnum:]])"
        if term.kind != "phrase" and len(words) > 1:
            return " AND ".join(self._stop_words(Term(term.field, w), field) for w in words)
        target = {"title": "i.title", "notes": "(fields ->> 'notes')"}.get(field)
        if target is None:
            return "i.id IN (SELECT s.id FROM %s s WHERE s.search_text ~* %s)" % (
                SUBSTR_TABLE, self.bind(regex))
        return "%s ~* %s" % (target, self.bind(regex))

    def _dates(self, field: str, condition: str) -> str:
        """A condition on a ``*_date`` field's value ``t.value`` (a Solr date's first 19
        characters, ``index.date_rows``; compared with bounds formatted the same way,
        text order is time order): the datasets with such a value, by the btree on
        (field, value) of the date table.  A value that is not a Solr date has no row
        there, so it matches no range and no date."""
        return "i.id IN (SELECT t.id FROM %s t WHERE t.field = %s AND %s)" % (
            DATE_TABLE, self.bind(field), condition)

    def _date_join(self, field: str) -> str:
        """A ``*_date`` field's value for the ORDER BY: the date table joined once per
        field sorted on (NULL where a dataset has no such date)."""
        alias, key = "dt%d" % len(self.joins), self.bind(field)
        self.joins.append(" LEFT JOIN %s %s ON %s.id = i.id AND %s.field = %s" % (
            DATE_TABLE, alias, alias, alias, key))
        self.date_sorts[alias + ".value"] = key
        return "%s.value" % alias

    def _prefix_query(self, term: Term, field: str) -> str:
        raw = term.value
        if not _trailing_star(raw):
            raise SearchQueryError(
                _("only trailing '*' wildcards are supported on text field %(field)r "
                  "(got %(value)r)") % {"field": field, "value": raw})
        word = parser.unescape(raw[:-1]).lower()
        return tsquery_prefix(word)

    def _text(self, term: Term, weight: Optional[str], positive: bool,
              field: str) -> Optional[str]:
        if term.kind == "any":
            return TRUE if field == "text" else "coalesce(%s, '') <> ''" % (
                "title" if field == "title" else "fields ->> 'notes'")
        if term.kind == "wildcard":
            query = "to_tsquery('simple', %s)" % self.bind(self._prefix_query(term, field))
            value = parser.unescape(term.value[:-1])
        else:
            value = term.value
            if not any(ch.isalnum() for ch in value):
                return IGNORED
            query = self._words_query(term, value)
        condition = "tsv @@ %s" % query
        if weight:
            condition += " AND ts_filter(tsv, '{%s}') @@ %s" % (weight, query)
        if positive:
            self.rank_queries.append(query)
        return condition

    def _words_query(self, term: Term, value: str) -> str:
        """The tsquery of a non-wildcard text term.  Thai words match whole words of the
        vector, never the inside of a word; a Thai compound in the query matches the whole
        word or its parts in a row (the index holds both, see ``thai``)."""
        if term.kind == "phrase":
            return "phraseto_tsquery(CAST(:cfg AS regconfig), %s)" % self.bind(
                thai.segment(value, self.thai_engine))
        plain, compounds = thai.query_parts(value, self.thai_engine)
        parts = []
        if plain.strip() or not compounds:
            parts.append("plainto_tsquery(CAST(:cfg AS regconfig), %s)" % self.bind(plain))
        if compounds:
            parts.append("to_tsquery(CAST(:cfg AS regconfig), %s)" % self.bind(
                " & ".join(compounds)))
        return parts[0] if len(parts) == 1 else "(%s)" % " && ".join(parts)

    # -- ranges -------------------------------------------------------------------------
    def _range(self, node: Range) -> str:
        field = node.field or "text"
        kind = field_kind(field)
        if kind in ("text", "tokenised", "ngram", "constant"):
            raise SearchQueryError(_("range queries are not supported on text field "
                                     "%(field)r") % {"field": field})
        low, high = node.low, node.high
        if kind == "date":
            value = field
            low = None if low is None else dates.parse(low)
            high = None if high is None else dates.parse(high)
            return self._bounds(value, low, high, node)
        if kind == "scalar":
            return self._bounds(column(field), low, high, node)
        if kind == "generic" and field.endswith("_date"):
            # CKAN's Solr schema: dynamic field *_date is a date
            low = None if low is None else dates.iso_seconds(dates.parse(low))
            high = None if high is None else dates.iso_seconds(dates.parse(high))
            return self._dates(field, self._bounds("t.value", low, high, node))
        numeric = all(b is None or re.match(NUMBER, b) for b in (low, high))
        if numeric and (low is not None or high is not None):
            value = "CASE WHEN v ~ '%s' THEN CAST(v AS numeric) END" % NUMBER
            low = None if low is None else decimal.Decimal(low)
            high = None if high is None else decimal.Decimal(high)
        else:
            value = "v"
        source = "unnest(%s)" % field if kind == "array" else self._generic_values(field)
        return "EXISTS (SELECT 1 FROM %s v WHERE %s)" % (
            source, self._bounds(value, low, high, node))

    def _bounds(self, value: str, low: Any, high: Any, node: Range) -> str:
        parts = ["%s IS NOT NULL" % value]
        if low is not None:
            parts.append("%s %s %s" % (value, ">=" if node.include_low else ">", self.bind(low)))
        if high is not None:
            parts.append("%s %s %s" % (value, "<=" if node.include_high else "<",
                                       self.bind(high)))
        return " AND ".join(parts)

    # -- ranking ------------------------------------------------------------------------
    def score_sql(self) -> str:
        if not self.rank_queries:
            return "1.0"
        return "ts_rank(tsv, %s)" % " || ".join("(%s)" % q for q in self.rank_queries)


# columns of the doc table (``d``) in compiled conditions; everything else is on the
# narrow table ``i`` (or a subquery keyed on ``i.id``)
DOC_COLUMNS = re.compile(r"\b(fields|tsv|ftsv)\b")


def _disjunction(should: list[str]) -> str:
    """``a OR b OR ...``.  When some arms read the doc table and others only the narrow
    table (autocomplete's ``name_ngram:x OR title_ngram:x OR name:x OR title:x``), no
    single table's indexes answer the OR, and PostgreSQL scanned the whole join.  Then
    the arms are grouped by table, each group an OR over one table (a ``BitmapOr`` of its
    indexes), and the datasets are those in either group: the same rows."""
    on_doc = [s for s in should if DOC_COLUMNS.search(s)]
    narrow = [s for s in should if not DOC_COLUMNS.search(s)]
    if not on_doc or not narrow:
        return "(%s)" % " OR ".join("(%s)" % s for s in should)
    from .index import SOURCE

    arms = ["SELECT i.id FROM %s WHERE %s" % (SOURCE, " OR ".join("(%s)" % s for s in narrow))]
    if all(doc_only(s) for s in on_doc):
        # from the doc table alone: every doc row has its index row (the outer query
        # applies the rest), and joining the index table here cost one lookup per match
        arms.append("SELECT d.id FROM %s d WHERE %s" % (
            DOC_TABLE, " OR ".join("(%s)" % s for s in on_doc)))
    else:
        arms.append("SELECT i.id FROM %s WHERE %s" % (
            SOURCE, " OR ".join("(%s)" % s for s in on_doc)))
    return "i.id IN (%s)" % " UNION ".join(arms)


def where(compiler: Compiler, nodes: list) -> str:
    parts = []
    for node in nodes:
        sql = compiler.compile(node)
        if sql is IGNORED and compiler.stop_only:
            # only stop words: search them after all (see Compiler._stop_words)
            compiler.keep_stop_words = True
            try:
                sql = compiler.compile(node)
            finally:
                compiler.keep_stop_words = False
        parts.append(FALSE if sql is IGNORED else sql)
    compiler.parts = parts
    return " AND ".join("(%s)" % p for p in parts) or TRUE


# a column of the narrow table (qualified, or bare as some conditions write it)
_INDEX_COLUMN = re.compile(r"\bi\.|\b(?:%s)\b" % "|".join(
    c.name for c in index_table.columns if c.name != "id"))


def doc_only(condition: str) -> bool:
    """Whether a compiled condition reads only doc table columns (the text vectors,
    ``fields``): it can be evaluated over the doc table without the index table."""
    return bool(DOC_COLUMNS.search(condition)) and not _INDEX_COLUMN.search(condition)


SORT_DIRECTIONS = {"asc": "ASC", "desc": "DESC"}


def order_by(compiler: Compiler, sort: Optional[str], score: str) -> list[tuple[str, str]]:
    """(SQL expression, direction) pairs for a Solr ``sort`` value, plus ``id`` last so
    that paging is stable."""
    out = []
    for part in (sort or "score desc, metadata_modified desc").split(","):
        if not part.strip():
            continue
        bits = part.split()
        if len(bits) != 2 or bits[1].lower() not in SORT_DIRECTIONS:
            raise SearchQueryError(_('Invalid "sort" parameter: %(sort)r')
                                   % {"sort": part.strip()})
        field, direction = bits[0], SORT_DIRECTIONS[bits[1].lower()]
        out.append((_sort_expression(compiler, field, score), direction))
    out.append(("i.id", "ASC"))
    return out


def _sort_expression(compiler: Compiler, field: str, score: str) -> str:
    if field == "score":
        return score
    if field in ("title", "title_string"):
        return "title_string"
    kind = field_kind(field) if re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", field) else None
    if kind in ("scalar", "date"):
        return column(field)
    if kind == "generic" and field.endswith("_date"):
        return compiler._date_join(field)
    if kind in ("generic", "tokenised"):
        key = compiler.bind(field)
        if field.startswith(("views_", "resources_accessed_", "num_")):
            return "CASE WHEN fields ->> %s ~ '%s' THEN CAST(fields ->> %s AS numeric) END" % (
                key, NUMBER, key)
        return "fields ->> %s" % key
    raise SearchQueryError(_('Invalid "sort" parameter: cannot sort on %(field)r')
                           % {"field": field})


def multivalued_key(field: str) -> Optional[str]:
    """The key of ``field``'s entries in the ``vocab`` column (``index.vocab_entries``),
    or None: ``vocab_<name>`` fields, and the multi-valued fields registered with
    ``extra_fields`` (indexed as ``vocab_<field>`` too, with the same values)."""
    from . import extra_fields

    if field.startswith("vocab_") and len(field) > 6:
        return field[6:]
    if field in extra_fields._fields():
        return field
    return None


def facet_source(compiler: Compiler, field: str) -> tuple[str, str]:
    """(expression the matched rows are grouped by, a query yielding the facet values as
    ``v`` with weights ``n`` from the grouped rows, where ``{g}`` stands for the grouped
    rows, ``{c}`` for the grouped column and ``{set}`` for the condition that picks this
    field's grouping set).

    Every facet of a search is counted in one pass over the matched rows (``GROUP BY
    GROUPING SETS``, one hash table per field): the rows are grouped by the field's
    whole value first (the whole array, the whole jsonb value), then each distinct value
    is expanded once with the number of datasets holding it as weight ``n``.  Datasets
    mostly repeat a few tag, group and format combinations, so this unnests and hashes a
    few thousand values instead of every dataset's; the counts are the same (a value
    counts once per dataset whose array holds it, even when it is there twice: two CSV
    resources make one CSV dataset, as Solr counts documents)."""
    kind = field_kind(field)
    key = multivalued_key(field) if kind == "generic" else None
    if key is not None:  # whole vocab arrays grouped; this field's entries expanded
        return "i.vocab", (
            "SELECT substr(u.e, %s) AS v, g.n FROM {g} g, "
            "LATERAL (SELECT DISTINCT unnest(g.{c}) AS e) u "
            "WHERE {set} AND left(u.e, %s) = %s" % (
                compiler.bind(len(key) + 2), compiler.bind(len(key) + 1),
                compiler.bind(key + "\x1f")))
    if kind == "scalar":
        return column(field), "SELECT g.{c} AS v, g.n FROM {g} g WHERE {set}"
    if kind == "array":
        return "i." + field, ("SELECT u.v, g.n FROM {g} g, "
                              "LATERAL (SELECT DISTINCT unnest(g.{c}) AS v) u WHERE {set}")
    if kind == "date":
        fmt = compiler.bind('YYYY-MM-DD"T"HH24:MI:SS"Z"')
        return "i." + field, "SELECT to_char(g.{c}, %s) AS v, g.n FROM {g} g WHERE {set}" % fmt
    if kind in ("generic", "tokenised"):
        key = compiler.bind(field)
        return "fields -> %s" % key, (
            "SELECT u.v, g.n FROM {g} g, LATERAL (SELECT DISTINCT "
            "jsonb_array_elements_text(CASE jsonb_typeof(g.{c}) WHEN 'array' "
            "THEN g.{c} ELSE jsonb_build_array(g.{c}) END) AS v) u "
            "WHERE {set} AND g.{c} IS NOT NULL")
    raise SearchQueryError(_("facets are not supported on text field %(field)r")
                           % {"field": field})
