"""The one way a harvester reads the network.

``fetch(url)`` accepts only http(s) links to public addresses (no loopback, private,
link-local, multicast or reserved address) unless the site option
``ckanext.provincialstats.harvest.allow_private_urls`` allows them; the address is
checked again after every redirect; every request has a timeout; the response is read
in chunks and refused as soon as it passes the size limit, so a 50 MB answer never sits
in memory. Errors are :class:`FetchError` with a message in Thai and English.
"""
import time
import urllib.parse
from typing import NamedTuple

import ckan.plugins.toolkit as tk
import requests

from ckanext.provincialstats import netguard

CHUNK = 64 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "ckanext-provincialstats-harvest/1.0"


class FetchResult(NamedTuple):
    content: bytes
    content_type: str
    final_url: str
    # the response's validators (for a conditional request next time)
    etag: str = ""
    last_modified: str = ""
    # a conditional request answered 304: ``content`` is empty
    not_modified: bool = False


class FetchError(Exception):
    """A fetch that failed; ``str(error)`` is "Thai / English"."""

    def __init__(self, message, *, en=None, th=None):
        super().__init__(message)
        self.en = en or message
        self.th = th or message


def _error(th, en):
    return FetchError(f"{th} / {en}", en=en, th=th)


def allow_private_urls():
    return tk.asbool(tk.config.get("ckanext.provincialstats.harvest.allow_private_urls"))


def default_timeout():
    return tk.config.get("ckanext.provincialstats.harvest.fetch_timeout")


def default_max_bytes():
    return tk.config.get("ckanext.provincialstats.harvest.max_response_mb") * 1024 * 1024


def _refused(host, address):
    return _error(
        f"ไม่ดึงข้อมูลจาก {host}: ที่อยู่ {address} เป็นที่อยู่ภายใน "
        "(loopback, private, link-local หรือสงวนไว้) ซึ่งเว็บไซต์ไม่อนุญาต",
        f"refused to fetch {host}: its address {address} is loopback, private, "
        "link-local or reserved, which this site does not allow")


def check_url(url):
    """Raise FetchError unless ``url`` is http(s) to a public address (or the site
    allows private ones)."""
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _error(f"ไม่ใช่ลิงก์ http(s): {url[:200]!r}",
                     f"not an http(s) link: {url[:200]!r}")
    if allow_private_urls():
        return
    host = parts.hostname
    try:
        address = netguard.private_address(host, parts.port or 80)
    except OSError as e:
        raise _error(f"หาที่อยู่ของ {host} ไม่พบ ({e})", f"cannot resolve {host} ({e})")
    if address:
        raise _refused(host, address)


def fetch(url, *, accept=None, max_bytes=None, timeout=None, etag=None,
          last_modified=None):
    """GET ``url`` safely and return a :class:`FetchResult`. With ``etag`` or
    ``last_modified`` (validators of an earlier answer) the request is conditional
    (``If-None-Match`` / ``If-Modified-Since``): a 304 answer gives a result with
    ``not_modified`` and no content; the server decides."""
    max_bytes = max_bytes or default_max_bytes()
    timeout = timeout or default_timeout()
    headers = {"User-Agent": USER_AGENT}
    if accept:
        headers["Accept"] = accept
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    # the connection's own peer is checked too (netguard: DNS rebinding)
    with netguard.session(allow_private_urls()) as session:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            try:
                response = session.get(url, headers=headers, stream=True,
                                       allow_redirects=False, timeout=timeout)
            except requests.Timeout:
                raise _error(f"{url[:200]}: หมดเวลารอ ({timeout} วินาที)",
                             f"{url[:200]}: timed out after {timeout} s")
            except requests.RequestException as e:
                address = netguard.refused_address(e)
                if address:
                    raise _refused(urllib.parse.urlsplit(url).hostname, address)
                raise _error(f"{url[:200]}: เชื่อมต่อไม่ได้ ({type(e).__name__})",
                             f"{url[:200]}: connection failed ({type(e).__name__})")
            with response:
                if response.is_redirect:
                    url = urllib.parse.urljoin(url, response.headers.get("Location", ""))
                    continue
                if response.status_code == 304 and (etag or last_modified):
                    return FetchResult(b"", response.headers.get("Content-Type", ""), url,
                                       response.headers.get("ETag", "") or etag or "",
                                       response.headers.get("Last-Modified", "")
                                       or last_modified or "", True)
                if response.status_code != 200:
                    raise _error(f"{url[:200]}: เซิร์ฟเวอร์ตอบ HTTP {response.status_code}",
                                 f"{url[:200]}: the server answered HTTP "
                                 f"{response.status_code}")
                content = _read_limited(response, url, max_bytes, timeout)
                return FetchResult(content, response.headers.get("Content-Type", ""), url,
                                   response.headers.get("ETag", ""),
                                   response.headers.get("Last-Modified", ""))
    raise _error(f"{url[:200]}: เปลี่ยนเส้นทางเกิน {MAX_REDIRECTS} ครั้ง",
                 f"{url[:200]}: more than {MAX_REDIRECTS} redirects")


def _too_large(url, max_bytes):
    mb = f"{max_bytes / (1024 * 1024):g}"
    return _error(f"{url[:200]}: คำตอบใหญ่เกินขีดจำกัด {mb} MB",
                  f"{url[:200]}: the response is larger than the {mb} MB limit")


def _read_limited(response, url, max_bytes, timeout):
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(url, max_bytes)
    chunks, size = [], 0
    # The timeout bounds each wait; a server dripping bytes is stopped after ten.
    deadline = time.monotonic() + 10 * timeout
    try:
        for chunk in response.iter_content(CHUNK):
            if time.monotonic() > deadline:
                raise requests.Timeout()
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(url, max_bytes)
            chunks.append(chunk)
    except requests.Timeout:
        raise _error(f"{url[:200]}: หมดเวลารอ ({timeout} วินาที)",
                     f"{url[:200]}: timed out after {timeout} s")
    except requests.RequestException as e:
        raise _error(f"{url[:200]}: อ่านคำตอบไม่สำเร็จ ({type(e).__name__})",
                     f"{url[:200]}: reading the response failed ({type(e).__name__})")
    return b"".join(chunks)
