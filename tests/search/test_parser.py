"""The Solr query subset: how clauses combine, what is refused, date math."""
import datetime

import pytest
from ckan.lib.search.common import SearchQueryError

from ckanext.provincialstats.search import dates, parser
from ckanext.provincialstats.search.parser import MUST, MUST_NOT, SHOULD, Boolean, Range, Term


def occurs(node):
    return [(occur, child.value) for occur, child in node.clauses]


class TestLuceneClauses:
    def test_default_operator_is_q_op(self):
        assert occurs(parser.parse("a b", "AND")) == [(MUST, "a"), (MUST, "b")]
        assert occurs(parser.parse("a b", "OR")) == [(SHOULD, "a"), (SHOULD, "b")]

    def test_or_makes_both_sides_optional_like_lucene(self):
        # Lucene's classic parser: "a b OR c" requires a, and b or c are optional
        assert occurs(parser.parse("a b OR c", "AND")) == [
            (MUST, "a"), (SHOULD, "b"), (SHOULD, "c")]
        # with q.op=AND a clause introduced by OR is optional even with '+'
        assert occurs(parser.parse("a OR +b", "AND")) == [(SHOULD, "a"), (SHOULD, "b")]
        # AND makes the clause before it required, but never a prohibited one
        assert occurs(parser.parse("-a AND b", "OR")) == [(MUST_NOT, "a"), (MUST, "b")]

    def test_not_and_minus_prohibit(self):
        assert occurs(parser.parse("a NOT b -c !d", "AND")) == [
            (MUST, "a"), (MUST_NOT, "b"), (MUST_NOT, "c"), (MUST_NOT, "d")]

    @pytest.mark.parametrize("query", ['"rice"-tourism', "(rice)-tourism", "rice!tourism",
                                       '"rice" -tourism'])
    def test_minus_after_a_quote_or_parenthesis_is_not(self, query):
        node = parser.parse(query, "AND")
        assert [(o, c.value) for o, c in node.clauses] == [
            (MUST, "rice"), (MUST_NOT, "tourism")]

    def test_operator_characters_inside_a_word_are_part_of_it(self):
        assert parser.parse("tags:country-sweden") == Term("tags", "country-sweden")
        assert parser.parse("a+b") == Term(None, "a+b")
        assert parser.parse("a &&b", "AND").clauses[1] == (MUST, Term(None, "&&b"))

    def test_a_lone_operator_is_a_bare_term(self):
        # Solr's BAREOPER: '-' followed by whitespace is a term the analyser empties
        assert occurs(parser.parse("a - b", "AND")) == [(MUST, "a"), (MUST, "-"), (MUST, "b")]

    def test_pure_negative_only_at_the_top_matches_everything_else(self):
        top = parser.parse("-a", "AND")
        assert top.negative_matches_all
        nested = parser.parse("b (-a)", "AND").clauses[1][1]
        assert not nested.negative_matches_all  # Lucene: matches nothing
        edismax = parser.parse_edismax("+b (-a)", "2<-1 5<80%").clauses[1][1]
        assert edismax.negative_matches_all

    def test_field_group_applies_field_to_every_value(self):
        node = parser.parse("+state:(active OR draft)")
        assert node.clauses == ((MUST, Boolean(((SHOULD, Term("state", "active")),
                                                (SHOULD, Term("state", "draft"))))),)

    def test_escaped_colon_stays_in_the_value(self):
        assert parser.parse(r"title:Seymour\:") == Term("title", "Seymour:")

    def test_ranges_with_open_ends_and_exclusive_bounds(self):
        assert parser.parse("metadata_modified:[* TO NOW]") == Range(
            "metadata_modified", None, "NOW")
        assert parser.parse("num_resources:{1 TO 5]") == Range(
            "num_resources", "1", "5", include_low=False)

    def test_match_all(self):
        assert parser.parse("*:*") == parser.MatchAll()
        assert parser.parse("") == parser.MatchAll()


class TestDismax:
    @pytest.mark.parametrize("optional, needed", [(1, 1), (2, 2), (3, 2), (4, 3), (5, 4),
                                                  (6, 4), (10, 8)])
    def test_ckan_minimum_match(self, optional, needed):
        assert parser.parse_mm("2<-1 5<80%", optional) == needed

    def test_syntax_characters_are_text(self):
        # partialEscape: parentheses, ':' and '?' are text; quotes, + - AND OR NOT syntax
        assert parser.parse_dismax("title:rice") == Term(None, "title:rice")
        assert parser.parse_dismax("(a)-b") == Term(None, "(a)-b")
        assert parser.parse_dismax("rice?") == Term(None, "rice?")
        node = parser.parse_dismax('"rice"-tourism', "2<-1 5<80%")
        assert occurs(node) == [(SHOULD, "rice"), (MUST_NOT, "tourism")]
        assert node.mm == "2<-1 5<80%"
        assert occurs(parser.parse_dismax("a AND b")) == [(MUST, "a"), (MUST, "b")]

    def test_unbalanced_quotes_and_dangling_operators_are_dropped(self):
        assert occurs(parser.parse_dismax('a "b')) == [(SHOULD, "a"), (SHOULD, "b")]
        assert parser.parse_dismax("rice -") == Term(None, "rice")
        assert occurs(parser.parse_dismax("a +- b")) == [(SHOULD, "a"), (SHOULD, "b")]

    def test_edismax_reads_a_broken_query_the_dismax_way(self):
        assert parser.parse_edismax("title:(rice") == Term(None, "title:(rice")
        assert parser.parse_edismax("title:rice") == Term("title", "rice")


class TestLimits:
    def test_checked_before_tokenising(self, monkeypatch):
        def boom(text):
            raise AssertionError("tokenised")
        monkeypatch.setattr(parser, "tokenize", boom)
        limits = parser.Limits(max_length=50, max_terms=3)
        for text in ["x" * 51, "a b c d", "a\x00"]:
            with pytest.raises(SearchQueryError):
                parser.parse(text, limits=limits)

    def test_clauses_and_depth(self):
        with pytest.raises(SearchQueryError, match="more than 3 clauses"):
            parser.parse("a b c d", limits=parser.Limits(max_clauses=3))
        with pytest.raises(SearchQueryError, match="deeper than 2"):
            parser.parse("(((a)))", limits=parser.Limits(max_depth=2))


@pytest.mark.parametrize("query, named", [
    ("{!lucene}x", "local parameters"),
    ("title:durian~2", "fuzzy"),
    ('"a b"~3', "proximity"),
    ("/dur.*/", "regular expressions"),
    ("(a OR b", "missing ')'"),
    ("a OR b)", "unexpected ')'"),
    ('title:"open', "unterminated quoted phrase"),
    ("metadata_modified:[2020 TO]", "range"),
    ("_query_:x", "magic field"),
    ("a AND", "'AND' without a following clause"),
    ("AND a", "has no clause before it"),
    ("a --b", "two operators in a row"),
    ("title:-a", "two operators in a row"),
])
def test_unsupported_constructs_are_refused_by_name(query, named):
    with pytest.raises(SearchQueryError) as error:
        parser.parse(query)
    assert named in str(error.value)


class TestDates:
    def test_iso_instant_and_offsets(self):
        assert dates.parse("2024-01-31T10:00:00Z") == datetime.datetime(2024, 1, 31, 10)
        # ckanext-dcat appends Z to an isoformat() that already has an offset
        assert dates.parse("2024-01-31T17:00:00+07:00Z") == datetime.datetime(2024, 1, 31, 10)

    def test_date_math(self):
        assert dates.parse("2024-03-31T10:30:00Z-1MONTH/DAY") == datetime.datetime(2024, 2, 29)
        now = dates.utcnow()
        yesterday = dates.parse("NOW-1DAY")
        assert datetime.timedelta(hours=23) < now - yesterday < datetime.timedelta(hours=25)

    @pytest.mark.parametrize("value", ["yesterday", "NOW-1FORTNIGHT", "2024-13-45T00:00:00Z"])
    def test_invalid_dates_are_refused(self, value):
        with pytest.raises(SearchQueryError):
            dates.parse(value)
