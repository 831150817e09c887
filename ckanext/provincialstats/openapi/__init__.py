"""The OpenAPI 3.1 description of the extension's actions (``openapi.yaml``), served as
JSON at ``/api/provincialstats/openapi.json`` with this site's address as its server."""
from __future__ import annotations

import copy
import functools
import os
from typing import Any

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


@functools.lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    with open(os.path.join(HERE, "openapi.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def document(site_url: str) -> dict[str, Any]:
    """The document, its ``servers`` set to this site."""
    doc = copy.deepcopy(_document())
    doc["servers"] = [{"url": site_url.rstrip("/") or "/"}]
    return doc
