"""The bytes of a resource: the uploaded file in CKAN's storage, or a download from its
link. A link is fetched only to a public address (no loopback, private, link-local,
multicast or reserved address, checked again after every redirect), with a timeout and
the size limit enforced while reading, so nothing over the limit is ever stored."""
import contextlib
import hashlib
import os
import tempfile
import urllib.parse

import requests
from ckan.lib import uploader

from ckanext.provincialstats import netguard
from ckanext.provincialstats.datastore import config
from ckanext.provincialstats.datastore.messages import LoadError

CHUNK = 1 << 20
MAX_REDIRECTS = 5


def _mb(n):
    return f"{n / (1024 * 1024):.1f}"


def _too_large(size):
    return LoadError("too_large", size=_mb(size), limit=config.max_size_mb())


def check_url(url):
    """Raise LoadError unless ``url`` is http(s) to a public address (or private ones
    are allowed by ``ckanext.provincialstats.datastore.allow_private_urls``)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LoadError("fetch_failed", detail=f"not an http(s) link: {url[:200]}")
    if config.allow_private_urls():
        return
    try:
        refused = netguard.private_address(parts.hostname, parts.port or 80)
    except OSError as e:
        raise LoadError("fetch_failed", detail=f"{parts.hostname}: {e}")
    if refused:
        raise LoadError("private_url", host=parts.hostname)


def _hash_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _download(url, target):
    limit = config.max_size_bytes()
    # the connection's own peer is checked too (netguard: DNS rebinding)
    session = netguard.session(config.allow_private_urls())
    for _ in range(MAX_REDIRECTS + 1):
        check_url(url)
        try:
            response = session.get(url, stream=True, allow_redirects=False,
                                   timeout=config.fetch_timeout())
        except requests.RequestException as e:
            if netguard.refused_address(e):
                raise LoadError("private_url", host=urllib.parse.urlsplit(url).hostname)
            raise LoadError("fetch_failed", detail=type(e).__name__)
        with response:
            if response.is_redirect:
                url = urllib.parse.urljoin(url, response.headers["Location"])
                continue
            if response.status_code != 200:
                raise LoadError("fetch_failed", detail=f"HTTP {response.status_code}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise _too_large(int(declared))
            digest, size = hashlib.sha256(), 0
            try:
                for chunk in response.iter_content(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise _too_large(size)
                    digest.update(chunk)
                    target.write(chunk)
            except requests.RequestException as e:
                raise LoadError("fetch_failed", detail=type(e).__name__)
            target.flush()
            return size, digest.hexdigest()
    raise LoadError("fetch_failed", detail="too many redirects")


@contextlib.contextmanager
def resource_file(resource):
    """Yield (path, size, sha256) of the resource's file; a download is removed after."""
    if resource.get("url_type") == "upload":
        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        if not os.path.exists(path):
            raise LoadError("not_found")
        size = os.path.getsize(path)
        if size > config.max_size_bytes():
            raise _too_large(size)
        yield path, size, _hash_file(path)
        return
    with tempfile.NamedTemporaryFile(prefix="provincialstats-load-") as target:
        size, digest = _download(resource.get("url") or "", target)
        yield target.name, size, digest
