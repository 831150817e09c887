"""``/harvest/<source id>/errors.csv``: every error of a source's latest job (or of
``?job_id=``, or ``?all_jobs=true``) as CSV, streamed, with a byte-order mark so Excel
shows Thai."""
import csv
import io

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request, stream_with_context

from ckanext.provincialstats.harvest import report

blueprint = Blueprint("provincialstats_harvest", __name__)


def _csv_line(values):
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def errors_csv(id):
    context = {"user": tk.g.user, "auth_user_obj": tk.g.userobj}
    data = {"id": id, "job_id": request.args.get("job_id"),
            "all_jobs": request.args.get("all_jobs", False)}
    try:
        source, job = report.resolve(context, data)
    except tk.ObjectNotFound as e:
        return tk.abort(404, str(e) or tk._("Harvest source not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this harvest source"))

    def rows():
        yield "\ufeff" + _csv_line(report.CSV_COLUMNS)
        if job is None and not tk.asbool(data["all_jobs"]):
            return
        for row in report.error_rows(source, job):
            yield _csv_line([row[c] or "" for c in report.CSV_COLUMNS])

    filename = f"harvest-errors-{source.id}.csv"
    return Response(stream_with_context(rows()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


blueprint.add_url_rule("/harvest/<id>/errors.csv", view_func=errors_csv)
