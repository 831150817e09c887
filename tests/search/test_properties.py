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
         "bogus asc", "views_recent desc"]),
           facet=st.sampled_from(["", '["tags"]', '["permission_labels","capacity"]']))
    def check(q, fq, sort, facet):
        params = {"q": q, "fq": fq, "include_private": "true", "include_drafts": "true"}
        if sort:
            params["sort"] = sort
        if facet:
            params["facet.field"] = facet
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
