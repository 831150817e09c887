"""Random query strings against the package_search API: never a server error, never a
private dataset for an anonymous caller."""
import json

import pytest
from ckan.tests import factories
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FRAGMENTS = [
    "tags:", "name:", "title:", "capacity:", "private:", "permission_labels:", "state:",
    "metadata_modified:", "province:", "text:", "owner_org:", "*", "*:*", "?", "(", ")",
    "[", "]", "{", "}", " TO ", "NOW", "-1DAY", '"', "\\", " AND ", " OR ", " NOT ", "+",
    "-", "!", "&&", "||", "^2", "~", ":", "/", "private", "public", "secret", "ทุเรียน",
    "จันทบุรี", "%", "_", "'", ";", "--", "\u3000", "{!", "_val_:", "creator_user_id:",
    "2024-01-01T00:00:00Z", "draft", "deleted",
    # hostile input: control characters, NUL, combining marks, extreme dates and numbers
    "\x00", "\x01", "\x1f", "\x7f", "\x85", "\u200b", "\ufeff", "\u0301", "\u0e31\u0e48",
    "\u0e4c\u0e4c\u0e4c", "NOW-1000000YEARS", "NOW+99999999999DAYS", "NOW/YEAR-1MILLI",
    "[NOW-1000000YEARS TO *]", "[* TO 9999-12-31T23:59:59Z+1DAY]", "0001-01-01T00:00:00Z",
    "99999999999999999999999999", "-1e400", "1.5", "[-99999999999999999999 TO 1e9]",
    "last_updated_date:", "created_date:", "num_resources:", "*ทุ*", "text:*ทุเรียน*",
    "title:*ric*", "*a*", "?", "\\u0000",
]
queries = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)),
                   max_size=8).map("".join)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_random_queries_never_fail_or_leak(app):
    org = factories.Organization()
    secret = factories.Dataset(name="secret", title="secret ทุเรียน", owner_org=org["id"],
                               private=True, tags=[{"name": "secret"}])
    factories.Dataset(name="public", title="public ทุเรียน", owner_org=org["id"])

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(q=queries, fq=queries, sort=st.sampled_from(
        ["", "score desc, metadata_modified desc", "title_string asc", "name desc",
         "bogus asc", "views_recent desc", "last_updated_date desc", "name\x00 asc"]),
           facet=st.sampled_from(["", '["tags"]', '["permission_labels","capacity"]',
                                  '["last_updated_date"]', '["tags\x00"]']),
           def_type=st.sampled_from(["", "dismax", "edismax", "lucene", "bogus"]))
    def check(q, fq, sort, facet, def_type):
        params = {"q": q, "fq": fq, "include_private": "true", "include_drafts": "true"}
        if sort:
            params["sort"] = sort
        if facet:
            params["facet.field"] = facet
        if def_type:
            params["defType"] = def_type
        response = app.get("/api/3/action/package_search", params=params,
                           expect_errors=True)
        assert response.status_code in (200, 400, 409), (params, response.body[:500])
        if response.status_code == 200:
            body = json.loads(response.body)["result"]
            assert secret["id"] not in {d["id"] for d in body["results"]}, params
            for values in body["facets"].values():
                assert "private" not in values and not any(
                    org["id"] in v for v in values), params

    check()


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_long_and_extreme_inputs_never_fail(app):
    """Very long q and fq, numbers and dates past every range: 200 or 400, never 5xx."""
    factories.Dataset(name="public", title="public ทุเรียน",
                      extras=[{"key": "last_updated_date", "value": "2024-01-01"}])
    long_text = st.text(alphabet=st.sampled_from(list("ab ทุเรียน*?-\"():\x00\u0301")),
                        min_size=1500, max_size=2600)

    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(q=st.one_of(long_text, st.just("a " * 101), st.just("ทุเรียน" * 400)),
           fq=st.one_of(st.just(""), long_text,
                        st.integers(min_value=-10 ** 40, max_value=10 ** 40).map(
                            lambda n: "num_resources:[%d TO *]" % n),
                        st.integers(min_value=0, max_value=10 ** 12).map(
                            lambda n: "last_updated_date:[NOW-%dYEARS TO *]" % n),
                        st.integers(min_value=0, max_value=10 ** 12).map(
                            lambda n: "metadata_modified:[* TO NOW+%dDAYS]" % n)),
           start=st.sampled_from(["0", "2147483648", "-1", "1e3", "9" * 40]))
    def check(q, fq, start):
        params = {"q": q, "fq": fq, "start": start}
        response = app.get("/api/3/action/package_search", params=params,
                           expect_errors=True)
        assert response.status_code in (200, 400, 409), (params, response.body[:500])

    check()
