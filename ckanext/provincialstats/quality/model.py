"""The stored results of resource URL checks (table ``provincialstats_url_check``,
created by the alembic revision in ``migration/provincialstats``).

One row per (resource, URL): a resource's ``url`` and, when it has one, its
``download_url``. A row whose URL is no longer the resource's is simply never read
again (the score looks rows up by the current URLs), and is replaced by the next check.
Kept out of the dataset itself on purpose: a package extra would create an activity and
a new revision on every check.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any, Iterable

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from sqlalchemy import BigInteger, Boolean, Column, DateTime, Integer, UnicodeText
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


class UrlCheck(tk.BaseModel):
    __tablename__ = "provincialstats_url_check"

    resource_id = Column(UnicodeText, primary_key=True)
    url = Column(UnicodeText, primary_key=True)
    package_id = Column(UnicodeText, nullable=False)
    checked_at = Column(DateTime, nullable=False)
    ok = Column(Boolean, nullable=False)
    status_code = Column(Integer)
    error = Column(UnicodeText)
    media_type = Column(UnicodeText)
    byte_size = Column(BigInteger)

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url, "ok": self.ok, "status_code": self.status_code,
            "error": self.error, "media_type": self.media_type,
            "byte_size": self.byte_size,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
        }


def save(package_id: str, resource_id: str, url: str, result: dict[str, Any]) -> None:
    """Insert or replace the check of one URL of one resource (committed)."""
    row = model.Session.get(UrlCheck, (resource_id, url))
    if row is None:
        row = UrlCheck(resource_id=resource_id, url=url)
        model.Session.add(row)
    row.package_id = package_id
    row.checked_at = datetime.datetime.utcnow()
    row.ok = bool(result.get("ok"))
    row.status_code = result.get("status_code")
    row.error = (result.get("error") or None) and str(result["error"])[:500]
    row.media_type = result.get("media_type")
    row.byte_size = result.get("byte_size")
    model.Session.commit()


def stored_checks(package_ids: Iterable[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """Stored checks of the datasets' resources: ``{resource id: {url: check}}``; one
    query, on a connection of its own; raises ``SQLAlchemyError`` without the table.

    Not through ``model.Session``: this runs inside ``package_create``/``package_update``
    (``after_dataset_*``), and a failed read rolled back in the session (even to a
    savepoint) makes CKAN drop the changes it would index at commit, so the dataset
    would be saved but never searchable. Checks are committed by the jobs, so a
    separate connection sees all of them."""
    ids = sorted(set(package_ids))
    if not ids:
        return {}
    table = UrlCheck.__table__
    with model.meta.engine.connect() as connection:
        rows = connection.execute(
            sa.select(table).where(table.c.package_id.in_(ids))).mappings().all()
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["resource_id"], {})[row["url"]] = UrlCheck(**row).as_dict()
    return out


def checks_for(package_ids: Iterable[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """As ``stored_checks``, but none (and an error in the log) without the table
    (migration not applied): the score then says "not checked"."""
    try:
        return stored_checks(package_ids)
    except SQLAlchemyError as e:
        log.error("quality: URL checks not readable (%s); run "
                  "`ckan db upgrade -p provincialstats`", type(e).__name__)
        return {}
