"""URL names the extension generates."""
from __future__ import annotations

import re

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic.validation import is_empty, missing


def provincialstats_strategic_issue_name(key, data, errors, context):
    """An empty ``name`` of a strategic issue becomes ``<province>-<plan>-<number>``,
    e.g. ``chanthaburi-2566-2570-1``."""
    if not is_empty(data.get(("name",), missing)):
        return
    code = data.get(("province",))
    period = str(data.get(("plan_period",), "") or "")
    number = data.get(("issue_number",))
    province = vocab.province(code) if not is_empty(code) else None
    if province and not is_empty(number) and re.fullmatch(r"\s*\d{4}\s*[-–]\s*\d{4}\s*", period):
        first, last = re.findall(r"\d{4}", period)
        data[("name",)] = "%s-%s-%s-%s" % (province["slug"], first, last, str(number).strip())
