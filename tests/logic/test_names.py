"""Names the extension generates are ones CKAN accepts: ASCII ``[a-z0-9_-]``, 2 to 100
characters, whatever was typed (Thai digits, Thai words, punctuation)."""
import re

import pytest
from ckan.logic.validators import name_validator
from hypothesis import given, settings
from hypothesis import strategies as st

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic.names import (
    provincialstats_strategic_issue_name,
    strategic_issue_name,
)

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
CKAN_NAME = re.compile(r"[a-z0-9_-]{2,100}")

# Thai letters, vowel and tone marks and digits; ASCII letters, digits, punctuation;
# dashes, spaces and a few other scripts' digits.
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.sampled_from(list("–—\u00a0\u3000\t\n١٢٣४५")),
)
typed = st.one_of(st.text(ALPHABET, max_size=30), st.integers(-10, 10**6))


def assert_ckan_accepts(name):
    assert CKAN_NAME.fullmatch(name), name
    assert name_validator(name, {}) == name


def as_typed(number, thai_digits):
    """``number`` written with each digit Thai or ASCII as ``thai_digits`` says."""
    return "".join(THAI_DIGITS[int(d)] if thai else d
                   for d, thai in zip(str(number), thai_digits))


@pytest.mark.parametrize("province", vocab.provinces(), ids=lambda p: p["iso_code"])
def test_every_province_slug_is_a_valid_name(province):
    assert_ckan_accepts(province["slug"])


@settings(max_examples=400, deadline=None, database=None)
@given(code=st.one_of(st.sampled_from(["TH-22", "22", "๒๒", "th-13"]), typed),
       period=typed, number=typed)
def test_any_input_gives_a_valid_name_or_none(code, period, number):
    name = strategic_issue_name(code, period, number)
    if name is not None:
        assert_ckan_accepts(name)


@settings(max_examples=300, deadline=None, database=None)
@given(province=st.sampled_from(vocab.provinces()),
       first=st.integers(2400, 2700), length=st.integers(0, 10),
       number=st.integers(1, 9999), thai=st.lists(st.booleans(), min_size=12, max_size=12),
       dash=st.sampled_from(["-", "–", "—", " - ", " – "]),
       code_form=st.sampled_from(["iso", "dopa", "thai"]))
def test_thai_digits_give_the_ascii_name(province, first, length, number, thai, dash,
                                         code_form):
    last = first + length
    code = {"iso": province["iso_code"], "dopa": province["iso_code"][3:],
            "thai": as_typed(province["iso_code"][3:], [True, True])}[code_form]
    period = as_typed(first, thai[:4]) + dash + as_typed(last, thai[4:8])
    name = strategic_issue_name(code, period, as_typed(number, thai[8:]))
    assert name == "%s-%d-%d-%d" % (province["slug"], first, last, number)
    assert_ckan_accepts(name)


def test_the_before_validator_fills_only_an_empty_name():
    data = {("province",): "TH-22", ("plan_period",): "๒๕๖๖-๒๕๗๐",
            ("issue_number",): "๒", ("name",): ""}
    provincialstats_strategic_issue_name(("__before",), data, {}, {})
    assert data[("name",)] == "chanthaburi-2566-2570-2"
    typed_name = {**data, ("name",): "my-own-name"}
    provincialstats_strategic_issue_name(("__before",), typed_name, {}, {})
    assert typed_name[("name",)] == "my-own-name"


@pytest.mark.parametrize("code, period, number", [
    ("TH-99", "2566-2570", "1"),       # no such province
    ("TH-22", "2566", "1"),            # not a period
    ("TH-22", "2566-2570", "0"),       # not a positive number
    ("TH-22", "2566-2570", "1.5"),
    ("TH-22", "2566-2570", "9" * 90),  # longer than CKAN's 100 characters
    ("TH-22", "2566-2570", "9" * 5000),  # more digits than Python's int() reads
], ids=["unknown-province", "one-year", "zero", "decimal", "90-digits", "5000-digits"])
def test_no_name_from_input_that_cannot_make_one(code, period, number):
    assert strategic_issue_name(code, period, number) is None
