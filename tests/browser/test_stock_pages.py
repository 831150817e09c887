"""CKAN's own pages of the development site's plugin set under the extension's
Content-Security-Policy: no console error, no CSP violation, no serious accessibility
violation."""
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.logic.helpers import PLUGINS
from tests.schemas.test_dataset import statistical

pytestmark = [
    # As scripts/dev.sh orders them: the extension's templates before activity's.
    pytest.mark.ckan_config("ckan.plugins", PLUGINS.replace(
        "provincialstats ", "provincialstats activity ", 1) + " dcat structured_data"),
    pytest.mark.ckan_config("ckan.locale_default", "th"),
    # As deploy/ckan.ini.template: no gravatar.com avatars (no remote images allowed).
    pytest.mark.ckan_config("ckan.gravatar_default", "disabled"),
    pytest.mark.usefixtures("clean_db"),
]

PAGES = ["/dataset/durian", "/dataset/activity/durian", "/user/login", "/about",
         "/organization/", "/group/", "/en/dataset/activity/durian", "/en/user/login"]


def test_stock_pages(page, live_server, check_a11y, shoot, migrate_db_for):
    migrate_db_for("activity")
    user = factories.Sysadmin(image_url="")
    call_action("package_create", {"user": user["name"]},
                **statistical(name="durian", title="ทุเรียน"))
    for path in PAGES:
        response = page.goto(live_server(path))
        assert response.status == 200, path
        check_a11y(page)
    page.goto(live_server("/dataset/activity/durian"))
    assert page.locator("#activity_types_filter select").count() == 1
    shoot(page, "dataset-activity-th")
