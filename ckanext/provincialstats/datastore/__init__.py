"""Loading CSV, TSV and XLSX resources into the DataStore with Thai intact, and dumps.

Why the project's own loader and not ckanext-xloader 2.6.0 (decided on figures,
2026-11-21, see bench/datastore_bench.py for the speed figures):

- xloader 2.6.0 does not install beside the pinned stack: it requires
  ``requests>=2.34.2`` while ``ckan[requirements]==2.11.6`` pins ``requests==2.33.0``
  (``pip install --dry-run -c <freeze of .venv> ckanext-xloader==2.6.0`` in a throwaway
  venv: ResolutionImpossible). Using it would mean overriding CKAN's own pin.
- Out of the box it loads every column as text (type guessing is off; its guessing
  path goes through messytables/tabulator row inserts, not COPY), transliterates Thai
  headers (``unidecode_headers``) and falls back to cp1252 when chardet is unsure, which
  turns TIS-620 into mojibake. Every one of those would have to be overridden.
- Thai headers longer than PostgreSQL's 63-byte identifier limit (a Thai letter takes 3
  bytes in UTF-8: ``รายได้จากผู้เยี่ยมเยือนทั้งหมด (บาท)`` is 102 bytes) are silently
  truncated by PostgreSQL; neither xloader nor CKAN deals with that.

So this package loads on CKAN's own ``datastore_create`` (table, data dictionary,
full-text trigger, permissions, ``datastore_active``) and then PostgreSQL ``COPY`` for
the rows, with charset-normalizer (already a dependency of requests) for encodings other
than UTF-8 / TIS-620 and openpyxl (read-only mode) for XLSX.

Modules: ``encoding`` (detection), ``reader`` (rows from CSV/TSV/XLSX), ``types``
(type inference and conversion), ``columns`` (Thai headers to column ids), ``fetch``
(uploaded file or guarded URL download, size limit, hash), ``status`` (the load status
kept per resource), ``jobs`` (the RQ job), ``hooks`` (enqueue after commit), ``dump``
(streamed downloads with keyset paging), ``views`` and ``helpers``.
"""
