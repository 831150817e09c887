"""Search query errors reach the API user and the dataset search page in the request's
language (Thai under /th/, English under /en/), each naming what was wrong; outside a
request (CLI, indexing) the message is the English one and translating never fails."""
import pytest
from ckan.lib.search.common import SearchQueryError

from ckanext.provincialstats.search import parser
from tests.logic.helpers import PLUGINS

LONG_Q = "a" * 2500  # the default limit is 2000 characters
BAD_DATE = "metadata_modified:[2024-13-45T00:00:00Z TO *]"

CASES = {
    "too long q": ({"q": LONG_Q}, {
        "th": "คำค้นยาว 2500 ตัวอักษร เกินขีดจำกัด 2000 ตัวอักษร",
        "en": "query is 2500 characters long; the limit is 2000"}),
    "unbalanced parenthesis": ({"q": "title:(durian"}, {
        "th": "วงเล็บไม่ครบคู่: ขาดวงเล็บปิด ')'",
        "en": "unbalanced parenthesis: missing ')'"}),
    # CKAN itself refuses {!...} (409 "Search Error", its own English message) unless
    # the parser is allowed: then the backend decides
    "local parameters": ({"q": "{!lucene}title:durian"}, {
        "th": "ไม่รองรับพารามิเตอร์เฉพาะที่ ({!...}) ในคำค้น",
        "en": "local parameters ({!...}) are not supported"}),
    "bad date in an fq range": ({"fq": BAD_DATE}, {
        "th": "วันที่ '2024-13-45T00:00:00Z' ไม่ถูกต้อง",
        "en": "invalid date '2024-13-45T00:00:00Z'"}),
}


def _has_thai(text):
    return any("\u0e00" <= c <= "\u0e7f" for c in text)


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.ckan_config("ckan.search.solr_allowed_query_parsers", "lucene")
@pytest.mark.usefixtures("with_plugins")
class TestSearchQueryErrorsInTheRequestLanguage:
    @pytest.mark.parametrize("lang", ["th", "en"])
    @pytest.mark.parametrize("case", list(CASES))
    def test_api(self, app, case, lang):
        params, messages = CASES[case]
        response = app.get(f"/{lang}/api/3/action/package_search", params=params,
                           status=400)
        error = response.json["error"]
        assert error["__type"] == "Search Query Error"
        assert messages[lang] in error["message"], error["message"]
        if lang == "en":
            assert not _has_thai(error["message"]), error["message"]

    @pytest.mark.parametrize("lang, message", [
        ("th", "วงเล็บไม่ครบคู่: ขาดวงเล็บปิด"),
        ("en", "unbalanced parenthesis: missing"),
    ])
    def test_dataset_search_page(self, app, lang, message):
        page = app.get(f"/{lang}/dataset/", params={"q": "title:(durian"}, status=400)
        assert message in page.body

    def test_without_a_language_prefix_the_default_locale_english(self, app):
        error = app.get("/api/3/action/package_search", params={"fq": BAD_DATE},
                        status=400).json["error"]
        assert "invalid date '2024-13-45T00:00:00Z'" in error["message"]


def test_outside_a_request_the_message_is_english():
    """The CLI and index-time code have no request: no RuntimeError, the msgid as is."""
    with pytest.raises(SearchQueryError, match=r"unbalanced parenthesis: missing '\)'"):
        parser.parse("title:(durian")
    with pytest.raises(SearchQueryError, match="query is 2500 characters long"):
        parser.parse_dismax(LONG_Q)
