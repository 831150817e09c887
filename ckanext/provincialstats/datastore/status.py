"""The load status of a resource, kept in CKAN's ``task_status`` table (one row per
resource, keyed by the resource id), so recording it does not rewrite the dataset (no
new activity, no re-index, no update hooks firing again).

Value: ``{"state": pending|running|complete|unchanged|error|skipped, "fingerprint",
"hash", "rows", "columns", "encoding", "error": {"code", "en", "th"}, "seconds"}``.
"""
import datetime
import json

import ckan.model as model

TASK_TYPE = "provincialstats_datastore"
KEY = "load"


def _row(resource_id):
    return (model.Session.query(model.TaskStatus)
            .filter_by(entity_id=resource_id, task_type=TASK_TYPE, key=KEY).first())


def get(resource_id):
    """The status dict with ``last_updated`` (ISO), or None if never queued."""
    row = _row(resource_id)
    if row is None:
        return None
    value = json.loads(row.value)
    value["last_updated"] = row.last_updated.isoformat() if row.last_updated else None
    return value


def save(resource_id, commit=True, **value):
    """Replace the status; keys not given are kept from the previous value."""
    row = _row(resource_id)
    if row is None:
        row = model.TaskStatus(entity_id=resource_id, entity_type="resource",
                               task_type=TASK_TYPE, key=KEY, value="{}")
        model.Session.add(row)
    merged = {**json.loads(row.value), **value}
    row.value = json.dumps(merged, ensure_ascii=False)
    row.state = merged.get("state")
    row.error = json.dumps(merged.get("error"), ensure_ascii=False) if merged.get("error") else None
    row.last_updated = datetime.datetime.utcnow()
    if commit:
        model.Session.commit()
    return merged
