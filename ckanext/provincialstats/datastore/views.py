"""Routes: the DataStore dump (replacing the view of CKAN's ``datastore.dump`` endpoint,
``/datastore/dump/<resource_id>``, see ``install_dump``) and the editors' retry button."""
import ckan.lib.navl.dictization_functions as dict_fns
import ckan.plugins.toolkit as tk
import flask
from ckan.common import current_user

from ckanext.provincialstats.datastore import config, dump, jobs, status

blueprint = flask.Blueprint("provincialstats_datastore", __name__)


def _core_dump():
    from ckanext.datastore.blueprint import dump as core
    return core


def dump_view(resource_id):
    args = flask.request.args
    fmt = args.get("format", "csv").lower()
    if (fmt not in dump.FORMATS or args.get("distinct")
            or args.get("sort", "_id").strip() not in ("_id", "_id asc")):
        # XML, distinct rows and other orders: CKAN's own dump (OFFSET paging).
        return _core_dump()(resource_id)
    from ckanext.datastore.blueprint import dump_schema
    schema = dump_schema()
    schema["format"] = [tk.get_validator("ignore_missing")]
    data, errors = dict_fns.validate(args.to_dict(), schema)
    if errors:
        tk.abort(400, "\n".join(f"{k}: {' '.join(e)}" for k, e in errors.items()))
    user = current_user.name if current_user.is_authenticated else ""
    search = {k: data[k] for k in ("filters", "q", "plain", "language", "fields") if k in data}
    if isinstance(search.get("q"), dict):
        return _core_dump()(resource_id)
    try:
        probe = dump.probe(user, resource_id, search, include_total=fmt == "xlsx")
    except (tk.ObjectNotFound, tk.NotAuthorized):
        tk.abort(404, tk._("DataStore resource not found"))
    except tk.ValidationError as e:
        tk.abort(400, str(e.error_dict))
    limit = data.get("limit")
    if fmt == "xlsx" and min(probe.get("total", 0), limit or XLSX_MAX) > XLSX_MAX:
        tk.abort(400, tk._("The table has more rows than an Excel sheet can hold "
                           "(1,048,575): download it as CSV, or filter it."))
    bom = config.csv_bom() if "bom" not in args else data["bom"]
    mimetype, ext = dump.FORMATS[fmt]
    body = dump.write(fmt, dump.pages(user, resource_id, search, limit=limit,
                                      offset=data.get("offset") or 0, info=probe), bom=bom)
    return flask.Response(
        flask.stream_with_context(body), mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{resource_id}.{ext}"'})


XLSX_MAX = dump.XLSX_MAX_ROWS


def install_dump(app):
    """IMiddleware.make_middleware: point CKAN's ``datastore.dump`` endpoint at
    ``dump_view``. Replacing the endpoint's view (rather than adding a second rule for
    the same URL) does not depend on the order the plugins are loaded in."""
    flask_app = getattr(app, "view_functions", None)
    if flask_app is not None and "datastore.dump" in app.view_functions:
        app.view_functions["datastore.dump"] = dump_view
    return app


def retry(id, resource_id):
    context = {"user": current_user.name}
    try:
        tk.check_access("package_update", context, {"id": id})
        package = tk.get_action("package_show")(context, {"id": id})
        resource = tk.get_action("resource_show")(context, {"id": resource_id})
        if resource["package_id"] != package["id"]:
            raise tk.ObjectNotFound()
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to reload this resource"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    status.save(resource_id, state="pending", error=None)
    jobs.enqueue(resource_id, force=True)
    tk.h.flash_success(tk._("The file was queued for loading into the DataStore."))
    return tk.redirect_to("resource.read", id=id, resource_id=resource["id"])


blueprint.add_url_rule("/dataset/<id>/resource/<resource_id>/datastore_load",
                       view_func=retry, methods=["POST"])
