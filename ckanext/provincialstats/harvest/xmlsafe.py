"""XML from outside checked before any XML parser builds anything from it.

``check(data)`` reads the document with expat, streaming, and refuses:

- any entity declaration (``<!ENTITY ...>``, internal or external, general or
  parameter): external entities read local files or URLs (XXE), nested internal ones
  expand exponentially ("billion laughs"); a DCAT feed needs neither;
- a DOCTYPE that points to an external DTD (``SYSTEM`` / ``PUBLIC``);
- a document that is not well-formed, naming the line and column.

It is what defusedxml does with ``forbid_entities`` and ``forbid_external``, without the
dependency. Nothing is expanded, fetched or kept: memory stays at one chunk. rdflib's
RDF/XML parser (Python's SAX) then only ever sees checked documents, and it does not
load external entities by itself either.
"""
from __future__ import annotations

from xml.parsers import expat

from ckanext.provincialstats.harvest.errors import SourceError

CHUNK = 1 << 20


class UnsafeXMLError(SourceError):
    """An XML document refused for its entity declarations or external DTD."""


def _refuse(th: str, en: str):
    def handler(*args):
        raise UnsafeXMLError(th, en)
    return handler


def check(data, what: str = "XML") -> None:
    """Raise :class:`SourceError` (:class:`UnsafeXMLError` for entities and DTDs) unless
    ``data`` (bytes, text or a binary file object, read in chunks) is a well-formed XML
    document without entity declarations."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse(
        f"{what}: เอกสารประกาศ entity (<!ENTITY ...>) ซึ่งไม่อนุญาต "
        "(ป้องกันการอ่านไฟล์ภายนอก XXE และการขยาย entity แบบ billion laughs)",
        f"{what}: the document declares an entity (<!ENTITY ...>), which is refused "
        "(protection against external entities (XXE) and entity expansion "
        "(billion laughs))")
    parser.UnparsedEntityDeclHandler = parser.EntityDeclHandler
    parser.ExternalEntityRefHandler = _refuse(
        f"{what}: เอกสารอ้างถึง entity ภายนอก ซึ่งไม่อนุญาต",
        f"{what}: the document refers to an external entity, which is refused")

    def doctype(name, system_id, public_id, has_internal_subset):
        if system_id or public_id:
            raise UnsafeXMLError(
                f"{what}: เอกสารอ้างถึง DTD ภายนอก ({system_id or public_id}) ซึ่งไม่อนุญาต",
                f"{what}: the document refers to an external DTD "
                f"({system_id or public_id}), which is refused")

    parser.StartDoctypeDeclHandler = doctype
    try:
        if hasattr(data, "read"):
            for chunk in iter(lambda: data.read(CHUNK), b""):
                parser.Parse(chunk, False)
        else:
            for start in range(0, len(data), CHUNK):
                parser.Parse(data[start:start + CHUNK], False)
        parser.Parse(b"", True)
    except expat.ExpatError as e:
        raise SourceError(
            f"{what}: ไม่ใช่ XML ที่ถูกต้อง ({expat.ErrorString(e.code)} "
            f"บรรทัด {e.lineno} คอลัมน์ {e.offset})",
            f"{what}: not well-formed XML ({expat.ErrorString(e.code)} "
            f"at line {e.lineno}, column {e.offset})") from None
