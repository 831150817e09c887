"""Feed pages whose bytes did not change since the last run are not parsed again.

A source kind that reads its records page by page (``sources.dcat``) can be given a
:class:`PageMemo`. For each page it read and parsed, the memo keeps, in Redis (per
source, shared by every gather consumer and host), the digest of the page and the
``(guid, content hash)`` of every record the page gave, in order. The digest covers the
page's raw bytes, its URL, final URL and content type, and a salt of everything else that
changes what parsing the page yields: the source configuration, the pipeline's record
and mapping versions, and the parsing code and libraries (``page_salt()`` of the source
module).

On the next run a page with the same digest is skipped (not parsed) only when **every**
record it gave is known to be imported and current: the record's current harvest object
has that content hash, is neither withdrawn nor missing, and its dataset exists and is
active (``verify``, a callback of the pipeline giving the guids that are). Its records
are then reported to the pipeline as :class:`Known` (seen in this run, unchanged), so the
withdrawal of records that disappeared from the source still sees them as present.
Anything else (no memo, a different digest, a record not imported, failed, withdrawn,
deleted or purged here, a memo Redis lost) parses the page as before. The memo is only a
shortcut: it never decides that a record changed, only that re-reading identical bytes
would give the records the database already holds.

On a page that changed, each dataset's description (what the graph says about it and
everything it refers to, see ``sources.dcat.description``) is noted with its record; a
dataset described exactly as before, whose record is imported and current, is not run
through the parser's profiles (the costly part) but reported as :class:`Known` too.

When the server sent validators (``ETag``, ``Last-Modified``) with the page, the next
request for it is conditional; a ``304 Not Modified`` answer is taken as the same bytes
(the server decides) and the page is skipped on the same conditions, else fetched again
in full and parsed.
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable, NamedTuple

from ckan.lib.redis import connect_to_redis

KEEP_SECONDS = 30 * 24 * 3600


class Known(NamedTuple):
    """The content of a record of a skipped page: only its content hash is known."""

    content_hash: str


def _key(source_id):
    return f"provincialstats:harvest:pages:{source_id}"


class PageMemo:
    def __init__(self, source_id: str, salt: str,
                 verify: Callable[[list[tuple[str, str]]], set]):
        self.redis = connect_to_redis()
        self.key = _key(source_id)
        self.salt = salt
        self.verify = verify
        self.recording = None
        self.touched = set()
        self._read = {}
        self._description = None
        self.reused = 0
        self.skipped = 0
        self.parsed = 0

    def digest(self, page_url: str, content: bytes, content_type: str = "",
               final_url: str = "") -> str:
        h = hashlib.sha256()
        for part in (self.salt, page_url, final_url or "", content_type or ""):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        h.update(content)
        return h.hexdigest()

    def _salt_digest(self) -> str:
        return hashlib.sha256(self.salt.encode("utf-8")).hexdigest()

    def _memo(self, page_url: str):
        """The page's memo when it was made with the same salt, else None."""
        self.touched.add(page_url)
        if page_url not in self._read:
            raw = self.redis.hget(self.key, page_url)
            memo = None
            if raw:
                try:
                    memo = json.loads(raw)
                except ValueError:
                    memo = None
            if not isinstance(memo, dict) or memo.get("salt") != self._salt_digest():
                memo = None
            self._read[page_url] = memo
        return self._read[page_url]

    def validators(self, page_url: str) -> dict | None:
        """``etag`` / ``last_modified`` of the page's last answer, for a conditional
        request (only when the memo could be used)."""
        memo = self._memo(page_url)
        if memo and (memo.get("etag") or memo.get("last_modified")):
            return {"etag": memo.get("etag") or None,
                    "last_modified": memo.get("last_modified") or None}
        return None

    def _skip(self, memo):
        records = [(str(r[0]), str(r[1])) for r in memo.get("records") or []]
        if not {g for g, _ in records} <= self.verify(records):
            return None
        self.skipped += 1
        return records, memo.get("next")

    def reusable(self, page_url: str, descriptions: dict) -> dict:
        """For a page that is parsed: ``{dataset node: (guid, content hash)}`` of the
        datasets whose description (``sources.dcat.description``) is the one a record of
        the page's memo was made from, that record being imported and current."""
        memo = self._memo(page_url)
        if memo is None:
            return {}
        by_description = {}
        for record in memo.get("records") or []:
            if len(record) > 2 and record[2]:
                by_description.setdefault(record[2], (str(record[0]), str(record[1])))
        candidates = {node: by_description[d] for node, d in descriptions.items()
                      if d and d in by_description}
        if not candidates:
            return {}
        current = self.verify(list(candidates.values()))
        found = {node: record for node, record in candidates.items()
                 if record[0] in current}
        self.reused += len(found)
        return found

    def lookup(self, page_url: str, digest: str):
        """``(records, next page URL)`` when the page can be skipped, else None."""
        memo = self._memo(page_url)
        if memo is None or memo.get("digest") != digest:
            return None
        return self._skip(memo)

    def lookup_not_modified(self, page_url: str, final_url: str = ""):
        """As :meth:`lookup`, for a page the server answered 304 Not Modified (to the
        validators of the answer the memo was made from)."""
        memo = self._memo(page_url)
        if memo is None or (memo.get("final_url") or "") != (final_url or ""):
            return None
        return self._skip(memo)

    def start(self, page_url: str, digest: str, final_url: str = "", etag: str = "",
              last_modified: str = "") -> None:
        """The records noted from now until :meth:`finish` are this page's."""
        self.touched.add(page_url)
        self.parsed += 1
        self.recording = ({"digest": digest, "salt": self._salt_digest(),
                           "final_url": final_url or "", "etag": etag or "",
                           "last_modified": last_modified or ""}, page_url, [])

    def describe(self, description: str | None) -> None:
        """The description of the record yielded next (noted with it)."""
        self._description = description

    def note(self, guid: str, content_hash: str) -> None:
        if self.recording is not None:
            self.recording[2].append((guid, content_hash, self._description))
        self._description = None

    def finish(self, next_url: str | None) -> None:
        if self.recording is None:
            return
        memo, page_url, records = self.recording
        self.recording = None
        self.redis.hset(self.key, page_url, json.dumps(
            dict(memo, records=records, next=next_url)))
        self.redis.expire(self.key, KEEP_SECONDS)

    def parsed_without_memo(self) -> None:
        """A page parsed but not remembered (its parse depends on more than its bytes)."""
        self.parsed += 1
        self.recording = None

    def forget_others(self) -> None:
        """After a complete read of the source: drop pages this run did not read."""
        stale = [f for f in self.redis.hkeys(self.key)
                 if (f.decode() if isinstance(f, bytes) else f) not in self.touched]
        if stale:
            self.redis.hdel(self.key, *stale)


def forget(source_id: str) -> None:
    """Drop every page memo of a source."""
    connect_to_redis().delete(_key(source_id))
