"""The Solr query subset: how clauses combine, what is refused, date math."""
import datetime

import pytest
from ckan.lib.search.common import SearchQueryError

from ckanext.provincialstats.search import dates, parser
from ckanext.provincialstats.search.parser import MUST, MUST_NOT, SHOULD, Boolean, Range, Term


def occurs(node):
    return [(occur, child.value) for occur, child in node.clauses]


class TestLuceneClauses:
    def test_default_operator_is_and(self):
        assert occurs(parser.parse("a b")) == [(MUST, "a"), (MUST, "b")]

    def test_or_makes_both_sides_optional_like_lucene(self):
        # Lucene's classic parser: "a b OR c" requires a, and b or c are optional
        assert occurs(parser.parse("a b OR c")) == [(MUST, "a"), (SHOULD, "b"), (SHOULD, "c")]

    def test_not_and_minus_prohibit(self):
        assert occurs(parser.parse("a NOT b -c !d")) == [
            (MUST, "a"), (MUST_NOT, "b"), (MUST_NOT, "c"), (MUST_NOT, "d")]

    def test_field_group_applies_field_to_every_value(self):
        node = parser.parse("+state:(active OR draft)")
        assert node == Boolean(((SHOULD, Term("state", "active")),
                                (SHOULD, Term("state", "draft"))))

    def test_hyphen_inside_a_word_is_not_an_operator(self):
        assert parser.parse("tags:country-sweden") == Term("tags", "country-sweden")

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

    def test_dismax_minimum_match(self):
        node = parser.parse_dismax("one two three four", "2<-1 5<80%")
        assert node.min_should == 3
        assert parser.parse_dismax("one two", "2<-1 5<80%").min_should == 2
        assert parser.parse_dismax("a b c d e f g h i j", "2<-1 5<80%").min_should == 8


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
