"""Metadata inventory (ทะเบียนข้อมูล): the catalogue's datasets as one spreadsheet row
each, in the GD Catalog layout with Thai headers (``layout``), written as XLSX or CSV
(``export``)."""
