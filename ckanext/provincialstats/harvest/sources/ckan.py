"""A CKAN action API as a harvest source.

``gather`` pages through the remote ``package_search`` (``rows``/``start``, ordered by
creation then id so pages are stable), yielding one ``(remote id, package JSON)`` at a
time: memory holds one page, whatever the size of the source.
"""
import json
import urllib.parse

import ckan.plugins.toolkit as tk

from ckanext.provincialstats.harvest.safety import FetchError


def _api_url(url):
    base = url.rstrip("/")
    for tail in ("/api/3/action/package_search", "/api/3/action", "/api/3", "/api"):
        if base.endswith(tail):
            base = base[: -len(tail)]
            break
    return base + "/api/3/action/package_search"


def _page(fetch, api, start, rows, fq):
    params = {"rows": rows, "start": start, "sort": "metadata_created asc, id asc"}
    if fq:
        params["fq"] = fq
    result = fetch(f"{api}?{urllib.parse.urlencode(params)}", accept="application/json")
    try:
        body = json.loads(result.content)
        return body["result"]["count"], body["result"]["results"]
    except (ValueError, KeyError, TypeError) as e:
        raise FetchError(
            f"{api}: คำตอบไม่ใช่ผลของ package_search ของ CKAN ({type(e).__name__}) / "
            f"{api}: the answer is not a CKAN package_search result ({type(e).__name__})",
            en=f"{api}: the answer is not a CKAN package_search result",
            th=f"{api}: คำตอบไม่ใช่ผลของ package_search ของ CKAN")


def gather(url, config, fetch):
    """Yield ``(guid, content)`` for every public dataset of the remote CKAN."""
    api = _api_url(url)
    rows = tk.config.get("ckanext.provincialstats.harvest.page_size")
    start = 0
    while True:
        count, results = _page(fetch, api, start, rows, config.get("fq"))
        for pkg in results:
            if isinstance(pkg, dict) and pkg.get("id"):
                yield pkg["id"], json.dumps(pkg, ensure_ascii=False, sort_keys=True)
        start += len(results)
        if not results or start >= count:
            return


def parse(content):
    """The remote package dict."""
    return json.loads(content)


def original_url(source_url, guid):
    base = _api_url(source_url)[: -len("/api/3/action/package_search")]
    return f"{base}/dataset/{guid}"
