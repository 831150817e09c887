"""What a harvest source may point at and what its configuration may say: refused with a
message in Thai and English, before anything is fetched or saved."""
import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats import netguard
from ckanext.provincialstats.harvest import safety
from tests.harvest.ckan_server import RemoteCKAN, gdc_package
from tests.harvest.pipeline_helpers import (  # noqa: F401 (clean_db: fixture)
    HARVEST_PLUGINS,
    clean_db,
    create_source,
    harvested,
    run,
)
from tests.logic.helpers import resolve_rebinding

pytestmark = [pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_db")]


@pytest.fixture
def remote():
    with RemoteCKAN([gdc_package("rice", "ข้าวนาปี")]) as server:
        yield server


class TestFetch:
    @pytest.mark.ckan_config("ckanext.provincialstats.harvest.allow_private_urls", "false")
    @pytest.mark.parametrize("url", ["http://10.0.0.1/", "http://127.0.0.1:5000/api/3",
                                     "http://169.254.169.254/latest/meta-data/",
                                     "http://[::1]/", "http://192.168.1.10/catalog"])
    def test_private_addresses_refused(self, url):
        with pytest.raises(safety.FetchError) as raised:
            safety.fetch(url)
        assert "loopback, private, link-local or reserved" in raised.value.en
        assert "ที่อยู่ภายใน" in raised.value.th

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x",
                                     "gopher://x/", "not a url"])
    def test_only_http(self, url):
        with pytest.raises(safety.FetchError) as raised:
            safety.fetch(url)
        assert "not an http(s) link" in str(raised.value)

    @pytest.mark.ckan_config("ckanext.provincialstats.harvest.max_response_mb", "1")
    def test_oversize_response_refused(self, remote):
        with pytest.raises(safety.FetchError) as raised:
            safety.fetch(remote.url + "/big")
        assert "larger than the 1 MB limit" in raised.value.en
        assert "ใหญ่เกินขีดจำกัด" in raised.value.th

    def test_size_limit_per_call(self, remote):
        assert len(safety.fetch(remote.url + "/big", max_bytes=3 * 1024 * 1024).content) \
            > 2 * 1024 * 1024
        with pytest.raises(safety.FetchError):
            safety.fetch(remote.url + "/big", max_bytes=1024)

    def test_timeout(self, remote):
        with pytest.raises(safety.FetchError) as raised:
            safety.fetch(remote.url + "/slow", timeout=1)
        assert "timed out after 1 s" in raised.value.en

    @pytest.mark.ckan_config("ckanext.provincialstats.harvest.allow_private_urls", "false")
    def test_redirect_target_checked(self, remote, monkeypatch):
        # the test server's loopback address passes as public; the redirect target not
        monkeypatch.setattr(netguard, "is_public_address", lambda ip: ip.startswith("127."))
        assert safety.fetch(remote.url + "/api/3/action/package_search").content
        with pytest.raises(safety.FetchError) as raised:
            safety.fetch(remote.url + "/redirect?to=http://10.0.0.1/secret")
        assert "10.0.0.1" in raised.value.en

    @pytest.mark.ckan_config("ckanext.provincialstats.harvest.allow_private_urls", "false")
    def test_dns_rebinding_to_loopback_refused_at_connect(self, remote, monkeypatch):
        """The name resolves to a public address when checked and to the loopback test
        server when connecting: the connection itself is refused."""
        resolve_rebinding(monkeypatch)
        port = remote.url.rsplit(":", 1)[1]
        with pytest.raises(safety.FetchError) as raised:
            safety.fetch(f"http://rebind.example:{port}/api/3/action/package_search")
        assert "127.0.0.1" in raised.value.en and "ที่อยู่ภายใน" in raised.value.th

    def test_result(self, remote):
        result = safety.fetch(remote.url + "/api/3/action/package_search",
                              accept="application/json")
        assert result.content_type.startswith("application/json")
        assert result.final_url.startswith(remote.url)


class TestSourceRefused:
    @pytest.mark.ckan_config("ckanext.provincialstats.harvest.allow_private_urls", "false")
    def test_harvest_of_a_private_address_fails_cleanly(self):
        org = factories.Organization()
        source = create_source("http://10.0.0.1/", {"receiving_organization": org["name"]})
        job, results = run(source)
        assert results == {} and job.status == "Finished"
        assert harvested(source["id"]) == {}
        errors = call_action("provincialstats_harvest_errors", id=source["id"])
        assert errors["count"] == 1 and "10.0.0.1" in errors["results"][0]["message"]

    @pytest.mark.ckan_config("ckanext.provincialstats.harvest.max_response_mb", "1")
    def test_harvest_of_an_oversize_answer_fails_cleanly(self, remote):
        org = factories.Organization()
        remote.packages = [gdc_package(f"big-{i}", "ก" * 5000 + str(i)) for i in range(200)]
        source = create_source(remote.url, {"receiving_organization": org["name"]})
        with pytest.MonkeyPatch.context() as mp:
            mp.setitem(tk.config, "ckanext.provincialstats.harvest.page_size", 200)
            job, results = run(source)
        assert results == {} and harvested(source["id"]) == {}
        errors = call_action("provincialstats_harvest_errors", id=source["id"])
        assert "1 MB limit" in errors["results"][0]["message"]


class TestConfig:
    def _errors(self, config_text, url="http://example.go.th/"):
        with pytest.raises(tk.ValidationError) as raised:
            call_action("harvest_source_create", {"user": factories.Sysadmin()["name"]},
                        url=url, source_type="provincialstats_ckan", name="src",
                        title="src", config=config_text)
        return " ".join(raised.value.error_dict["config"])

    def test_bad_json(self):
        message = self._errors('{"organization": ')
        assert "not valid JSON" in message and "JSON ที่ถูกต้อง" in message

    def test_unknown_province(self):
        message = self._errors('{"default_provinces": ["TH-99"]}')
        assert "unknown province 'TH-99'" in message and "ไม่รู้จักจังหวัด" in message

    def test_unknown_organization(self):
        message = self._errors('{"organization": "no-such-org"}')
        assert "organization 'no-such-org' not found" in message
        assert "ไม่พบหน่วยงาน" in message

    def test_unknown_key_and_bad_withdraw(self):
        assert "unknown key(s) allow_private" in self._errors('{"allow_private": true}')
        assert "withdraw.action must be one of" in self._errors(
            '{"withdraw": {"action": "purge"}}')
        assert "grace_days" in self._errors('{"withdraw": {"grace_days": -1}}')

    def test_rule_and_default_checked(self):
        assert "rules[0]: needs a province or a strategic_issue" in self._errors(
            '{"rules": [{"match": "จันทบุรี"}]}')
        assert "defaults.data_category" in self._errors(
            '{"defaults": {"data_category": "ลับมาก"}}')
        assert "has no field 'colour'" in self._errors('{"defaults": {"colour": "red"}}')

    def test_valid_config_saved_normalised(self):
        org = factories.Organization(name="nso-chanthaburi")
        source = call_action(
            "harvest_source_create", {"user": factories.Sysadmin()["name"]},
            url="http://example.go.th/", source_type="provincialstats_ckan", name="ok",
            title="ok", config='{"provinces": ["จันทบุรี", "Lop Buri", "13"], '
                              f'"organization": "{org["id"]}", '
                              '"rules": [{"match": "durian", "province": "TH-22"}]}')
        import json
        saved = json.loads(source["config"])
        assert saved["default_provinces"] == ["TH-22", "TH-16", "TH-13"]
        assert saved["receiving_organization"] == "nso-chanthaburi"
        assert "organization" not in saved  # would hide the source's own organization
        assert saved["rules"] == [{"field": "any", "match": "durian", "province": "TH-22"}]
