"""What Solr would answer, query by query, on a small catalogue, through package_search.

Each row states the Lucene/Solr rule that decides its result set.  CKAN sends a ``q``
without ``:`` to Solr's dismax (``mm=2<-1 5<80%``: with 1 or 2 optional clauses all must
match, with 3 to 5 all but one, with 6 or more 80% rounded down), a fielded ``q`` to the
standard parser with ``q.op=AND``, and ``defType=edismax`` when a caller asks for it.

Words of each dataset (title, description, tags; English words stemmed):

    a  rice, prices, monthly, markets, the, chanthaburi     last_updated_date 30 days ago
    b  rice, farm, tourism, visitors                        last_updated_date 2019-06-15
    c  durian, production, orchards, chanthaburi            last_updated_date 2020-12-31
    d  durian, rice, exports, province                      last_updated_date 100 days ago
    e  tourism, statistics, hotel, guests
    f  rice, durian, tourism, prices, exports
    g  rice, durian, tourism, hotel
    h  Thai: สถิติการผลิตทุเรียนจังหวัดจันทบุรี (durian production statistics, Chanthaburi)
"""
import datetime

import ckan.plugins as plugins
import pytest
from ckan.lib.search.common import SearchQueryError
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.search import backend

PLUGIN = "provincialstats_search"
TODAY = datetime.date.today()

DATASETS = {
    "a": ("Rice prices", "Monthly prices in the markets of Chanthaburi", ["rice"],
          (TODAY - datetime.timedelta(days=30)).isoformat()),
    "b": ("Rice farm tourism", "Visitors to rice farms", ["tourism"], "2019-06-15"),
    "c": ("Durian production", "Orchards of Chanthaburi", ["durian"], "2020-12-31T23:00:00"),
    "d": ("Durian and rice exports", "Exports by province", [],
          (TODAY - datetime.timedelta(days=100)).isoformat()),
    "e": ("Tourism statistics", "Hotel guests", ["tourism"], None),
    "f": ("Rice durian tourism prices", "Exports", [], None),
    "g": ("Rice durian tourism", "Hotel", [], None),
    "h": ("สถิติการผลิตทุเรียนจังหวัดจันทบุรี", "", [], None),
}
EVERYTHING = set(DATASETS)


@pytest.fixture(scope="module")
def catalogue(reset_db, reset_index):
    """Eight datasets, made once for the module (the rows only read them)."""
    loaded_here = not plugins.plugin_loaded(PLUGIN)
    if loaded_here:
        plugins.load(PLUGIN)
    backend.install()
    reset_db()
    reset_index()
    for key, (title, notes, tags, updated) in DATASETS.items():
        extras = [{"key": "last_updated_date", "value": updated}] if updated else []
        factories.Dataset(name="ds-" + key, title=title, notes=notes,
                          tags=[{"name": t} for t in tags], extras=extras)
    yield
    if loaded_here:
        plugins.unload(PLUGIN)


def found(**params):
    params.setdefault("rows", 100)
    result = call_action("package_search", **params)
    return [d["name"][3:] for d in result["results"]]


def check(rows, **common):
    wrong = []
    for query, expected, rule in rows:
        params = dict(common, **(query if isinstance(query, dict) else {"q": query}))
        got = set(found(**params))
        if got != set(expected):
            wrong.append("%r: expected %s, got %s (%s)" % (
                params, "".join(sorted(expected)), "".join(sorted(got)), rule))
    assert not wrong, "\n".join(wrong)


DISMAX = [
    # one word: its one clause must match
    ("rice", "abdfg", "1 optional clause: mm 100%"),
    # 'the' is a stop word of the text search configuration: the clause is dropped and
    # not counted by mm, as Solr drops a clause its analyser empties
    ("the rice", "abdfg", "stop-word clause dropped"),
    ("rice durian", "dfg", "2 optional clauses: mm '2<-1' keeps all required"),
    ("rice durian tourism", "bdfg", "3 clauses: all but one (2) must match"),
    ("rice durian tourism prices exports", "f", "5 clauses: all but one (4)"),
    ("rice durian tourism prices exports hotel", "fg", "6 clauses: 80% of 6 = 4"),
    ("xyzzy OR qwerty -chanthaburi", "",
     "no required clause: an optional one must match, a prohibited one cannot help"),
    ("rice OR NOT durian", "ab", "SHOULD rice, MUST_NOT durian; mm makes rice required"),
    ('"rice"-tourism', "ad", "'-' after a closing quote starts a prohibited clause"),
    ("rice -tourism", "ad", "SHOULD rice (mm: required), MUST_NOT tourism"),
    ("-durian", "abeh", "pure negative top-level query: everything but durian"),
    ("NOT durian", "abeh", "NOT is an operator in dismax; pure negative as above"),
    ("rice AND durian", "dfg", "AND makes both clauses required"),
    ("rice OR durian", "dfg", "dismax: OR leaves two optional clauses, mm requires both"),
    ("xyzzy", "", "a word no dataset has"),
    ("the", "a", "only stop words: matched as words (Solr's text type keeps them)"),
    ("rice?", "abdfg", "dismax escapes '?': the word rice"),
    ("rice - durian", "dfg", "a lone '-' is a bare term with no word: dropped"),
    ("*ทุเรียน*", "h", "'*' kept as a wildcard: substring of the indexed text"),
    ("ทุเรียน", "h", "Thai word segmented from the title"),
]


@pytest.mark.usefixtures("catalogue")
class TestSolrSemantics:
    def test_dismax_table(self):
        check(DISMAX)

    def test_standard_parser_with_q_op_and(self):
        check([
            ("title:rice durian", "dfg", "q.op=AND: +title:rice +durian"),
            ("title:rice OR title:durian", "abcdfg", "OR makes both optional: one must match"),
            ("title:rice -tags:tourism", "adfg", "MUST title:rice, MUST_NOT tags:tourism"),
            ("title:rice OR xyzzy -title:prices", "bdg",
             "+a OR b: both optional (Lucene addClause), one must match, not prices"),
            ("title:xyzzy OR title:qwerty -title:durian", "",
             "optional clauses that match nothing, with a prohibited clause: nothing"),
            ("-title:rice", "ceh", "pure negative q: everything but the prohibited"),
            ('title:"rice prices"', "a", "phrase: adjacent words"),
            ("title:*uri*", "bcdefg", "inner wildcard: substring (dURIan, toURIsm)"),
            ("text:*ทุเรียน*", "h", "leading wildcard on text: substring of the text"),
            ("title:ric*", "abdfg", "trailing wildcard: word prefix"),
        ])

    def test_lucene_minus_after_parenthesis(self):
        check([
            ("(rice)-tourism", "ad", "Lucene: '-' after ')' starts a prohibited clause"),
            ('"rice"-tourism', "ad", "Lucene: '-' after a closing quote likewise"),
            ("rice-tourism", "bfg", "inside a word '-' is part of it (both words)"),
        ], defType="lucene")

    def test_edismax(self):
        check([
            ("rice durian", "dfg", "mm on 2 optional clauses: both"),
            ("(rice OR durian) -tourism", "acd",
             "one optional group (mm: required) of rice OR durian, not tourism"),
            ("title:rice -tags:tourism", "adfg", "fields are syntax in edismax"),
            ("+title:rice (-title:durian)", "ab",
             "edismax fixes the pure negative nested group: (*:* -durian)"),
            ("rice durian tourism", "bdfg", "3 clauses: 2 must match"),
        ], defType="edismax")

    def test_fq_pure_negative_and_date_ranges(self):
        check([
            ({"fq": "-tags:tourism"}, "acdfgh", "pure negative fq: everything else"),
            ({"fq": "last_updated_date:[NOW-1YEAR TO *]"}, "ad", "*_date is a date"),
            ({"fq": "last_updated_date:[* TO 2021-01-01T00:00:00Z]"}, "bc",
             "open lower end, ISO upper bound"),
            ({"fq": "last_updated_date:{2019-06-15T00:00:00Z TO NOW]"}, "acd",
             "exclusive lower bound leaves out the instant itself"),
            ({"fq": "last_updated_date:[2020-12-31T00:00:00Z TO 2020-12-31T23:59:59Z]"},
             "c", "a day, to the second"),
            ({"q": "rice", "fq": "last_updated_date:[NOW-1YEAR TO *]"}, "ad",
             "q and fq both apply"),
        ])

    def test_date_field_sort(self):
        order = found(q="*:*", sort="last_updated_date desc")
        assert order[:4] == ["a", "d", "c", "b"]
        assert set(order[4:]) == {"e", "f", "g", "h"}  # no date: last, as in Solr
        assert found(q="*:*", sort="last_updated_date asc")[:4] == ["b", "c", "d", "a"]

    @pytest.mark.parametrize("params, named", [
        ({"q": "title:*ab*"}, "needs at least 3 characters"),
        ({"q": "*ab*"}, "needs at least 3 characters"),
        ({"fq": "last_updated_date:[NOW-1000000YEARS TO *]"}, "out of range"),
        ({"fq": "metadata_modified:[NOW-1000000YEARS TO *]"}, "out of range"),
        ({"q": "rice\x00"}, "NUL"),
        ({"fq": "tags:\x00"}, "NUL"),
        ({"q": "rice " * 1000}, "characters long; the limit is 2000"),
        ({"q": "a " * 150}, "more than 100 words"),
        ({"fq": "title:(" + " OR ".join("w%d" % i for i in range(1100)) + ")"},
         "more than 1024 clauses"),
        ({"q": "*a* *b* *c* *d* *e* *f*"}, "needs at least"),
        ({"q": "*rice* *durian* *tourism* *prices* *exports* *hotel*"},
         "more than 5 leading or inner wildcard"),
        ({"q": "rice", "start": 10 ** 30}, "'start' is out of range"),
        ({"q": "title:rice", "q.op": "XOR"}, "q.op"),
    ])
    def test_bad_input_is_a_search_query_error(self, params, named):
        with pytest.raises(SearchQueryError) as error:
            found(**params)
        assert named in str(error.value), str(error.value)

    def test_bad_input_is_a_400_through_the_api(self, app):
        response = app.get("/api/3/action/package_search", expect_errors=True, params={
            "fq": "metadata_modified:[NOW-1000000YEARS TO *]"})
        assert response.status_code == 400
        assert "Search Query Error" in response.body and "out of range" in response.body
