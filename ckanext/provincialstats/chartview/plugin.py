"""The ``provincialstats_chart`` view plugin: every method hands off in one line.

Enable it after ``provincialstats`` (which serves the templates and assets) and
``datastore``."""
import ckan.plugins as p


class ChartViewPlugin(p.SingletonPlugin):
    """A line or bar chart of a DataStore table, one series per province."""

    p.implements(p.IResourceView, inherit=True)

    # IResourceView
    def info(self):
        from ckanext.provincialstats.chartview.view import info
        return info()

    def can_view(self, data_dict):
        from ckanext.provincialstats.chartview.view import can_view
        return can_view(data_dict)

    def setup_template_variables(self, context, data_dict):
        from ckanext.provincialstats.chartview.view import template_variables
        return template_variables(context, data_dict)

    def view_template(self, context, data_dict):
        return "provincialstats/chartview/chart_view.html"

    def form_template(self, context, data_dict):
        return "provincialstats/chartview/chart_form.html"
