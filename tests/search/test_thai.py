"""Thai search at word boundaries: compounds found by their parts, short words never found
inside unrelated words, the relevance set of bench/, over-long descriptions."""
import importlib.util
import pathlib
import random

import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.provincialstats.search import thai

BENCH = pathlib.Path(__file__).resolve().parents[2] / "bench" / "relevance.py"


def relevance_module():
    spec = importlib.util.spec_from_file_location("relevance", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def names(q, **params):
    result = call_action("package_search", q=q, rows=1000, **params)
    return sorted(d["name"] for d in result["results"])


class TestDecomposition:
    """The rules of ``thai.decompose`` (no database)."""

    @pytest.mark.parametrize("word, parts", [
        ("นักท่องเที่ยว", ("นัก", "ท่องเที่ยว")),
        ("ขยะมูลฝอย", ("ขยะ", "มูลฝอย")),
        ("ยางพารา", ("ยาง", "พารา")),
        ("โรงพยาบาล", ("โรง", "พยาบาล")),
    ])
    def test_compounds_split_into_dictionary_words(self, word, parts):
        assert parts in thai.decompose(word)

    @pytest.mark.parametrize("word", [
        "ตาราง",    # ตา|ราง: table, not eye + rail
        "จังหวัด",  # จัง|หวัด: province, not very + a cold
        "ทุเรียน",  # ทุ|เรียน: durian, not study
        "นาที",     # นา|ที: minute, not rice field
        "ตาม", "ขนาด", "จันทบุรี", "ท่องเที่ยว",
    ])
    def test_words_of_two_single_syllables_or_fewer_stay_whole(self, word):
        assert thai.decompose(word) == ()

    def test_index_text_keeps_the_words_then_adds_the_parts(self):
        text = thai.index_text("จำนวนนักท่องเที่ยวจังหวัดภูเก็ต")
        words = text.split()
        assert words[:4] == ["จำนวน", "นักท่องเที่ยว", "จังหวัด", "ภูเก็ต"]
        assert words[4:] == ["นัก", "ท่องเที่ยว"]

    def test_other_segmentations_with_as_few_words_are_indexed(self):
        # newmm picks พื้น|ที่นา|ข้าว; พื้นที่|นา|ข้าว has as few words
        assert {"พื้นที่", "นา"} <= set(thai.index_text("พื้นที่นาข้าว").split())
        assert "นา" not in thai.index_text("ขนาดพื้นที่").split()

    def test_query_compound_is_the_word_or_its_parts_in_a_row(self):
        plain, compounds = thai.query_parts("นักท่องเที่ยว ภูเก็ต 2567")
        assert plain == "ภูเก็ต 2567"
        assert compounds == ["('นักท่องเที่ยว' | 'นัก' <-> 'ท่องเที่ยว')"]
        assert thai.query_parts("rice fields") == ("rice fields", [])


@pytest.mark.ckan_config("ckan.plugins", "provincialstats_search")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestWordBoundaries:
    @pytest.fixture
    def datasets(self):
        for name, title in [
            ("tourists", "จำนวนนักท่องเที่ยวชาวต่างชาติจังหวัดภูเก็ต"),
            ("waste", "ปริมาณขยะมูลฝอยชุมชน"),
            ("durian", "สถิติการผลิตทุเรียนจังหวัดจันทบุรี"),
            ("rubber", "ราคายางพาราแผ่นดิบ"),
            ("population", "ประชากรจำแนกตามอายุ"),
            ("pm25", "ฝุ่นละอองขนาดเล็ก"),
            ("medicine", "การใช้ยาปฏิชีวนะ"),
            ("eyes", "การตรวจตาผู้สูงอายุ"),
            ("rice-field", "เนื้อที่ทำนา นา ข้าว"),
            ("spaced", "การคัดแยกขยะ มูลฝอย และน้ำเสีย"),
        ]:
            factories.Dataset(name=name, title=title)

    @pytest.mark.parametrize("q, found", [
        ("ท่องเที่ยว", ["tourists"]),
        ("นักท่องเที่ยว", ["tourists"]),
        ("ขยะ", ["spaced", "waste"]),
        ("มูลฝอย", ["spaced", "waste"]),
        ("ทุเรียน", ["durian"]),
        ("จันทบุรี", ["durian"]),
        ("ทุเรียน จันทบุรี", ["durian"]),
        ("ยาง", ["rubber"]),
        ("title:ท่องเที่ยว", ["tourists"]),
        ("notes:ท่องเที่ยว", []),
    ])
    def test_words_and_parts_of_compounds_are_found(self, datasets, q, found):
        assert names(q) == found

    @pytest.mark.parametrize("q, found", [
        ("ยา", ["medicine"]),      # not ยางพารา
        ("ตา", ["eyes"]),          # not ตาม
        ("นา", ["rice-field"]),    # not ขนาด
        ("หวัด", []),              # not จังหวัด
        ("เรียน", []),             # not ทุเรียน
    ])
    def test_short_words_never_match_inside_other_words(self, datasets, q, found):
        assert names(q) == found

    def test_a_compound_query_finds_it_written_as_two_words(self, datasets):
        assert names("ขยะมูลฝอย") == ["spaced", "waste"]
        assert names('"ขยะ มูลฝอย"') == ["spaced", "waste"]

    def test_the_whole_compound_in_the_title_ranks_first(self, datasets):
        factories.Dataset(name="notes-only", title="Annual figures",
                          notes="รายงานประจำปี มีข้อมูลนักท่องเที่ยว")
        result = call_action("package_search", q="นักท่องเที่ยว")
        assert [d["name"] for d in result["results"]] == ["tourists", "notes-only"]


@pytest.mark.ckan_config("ckan.plugins", "provincialstats_search")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_relevance_set_recall_at_10_is_1_and_no_trap_is_returned():
    relevance = relevance_module()
    relevance_set = relevance.load_set()
    assert len(relevance_set["datasets"]) >= 40 and len(relevance_set["queries"]) >= 40
    by_name = {d["name"]: d for d in relevance_set["datasets"]}
    for query in relevance_set["queries"]:
        for trap in query["traps"]:  # a trap really holds the query inside another word
            dataset = by_name[trap]
            text = " ".join([dataset["title"], dataset["notes"]] + dataset["tags"]).lower()
            assert query["q"].lower() in text, (query["q"], trap)

    relevance.create_datasets(relevance_set, lambda **d: call_action("package_create", **d))
    figures = relevance.evaluate(relevance_set, lambda q: [
        d["name"] for d in call_action("package_search", q=q, rows=1000)["results"]])
    assert figures["failures"] == []
    assert figures["recall_at_10"] == 1.0
    assert figures["traps_returned"] == 0
    assert figures["queries_with_traps"] >= 5


def distinct_words(count, seed=3):
    rnd = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rnd.choice(letters) for _ in range(9)) for _ in range(count)}
    return sorted(words)


@pytest.mark.ckan_config("ckan.plugins", "provincialstats_search")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_description_too_long_for_a_text_vector_is_saved_and_indexed_truncated():
    words = distinct_words(300_000)  # about 3 MB of distinct words
    notes = "ปริมาณขยะมูลฝอยชุมชน " + " ".join(words)
    assert len(notes.encode("utf-8")) > 2_900_000
    with model.meta.engine.connect() as conn:  # what the index would refuse untruncated
        with pytest.raises(sa.exc.DBAPIError, match="too long for tsvector"):
            conn.execute(sa.text("SELECT to_tsvector('english', :t)"), {"t": notes})

    dataset = call_action("package_create", name="long-notes", title="Long description",
                          notes=notes)
    assert call_action("package_show", id=dataset["id"])["notes"] == notes
    assert names("ขยะ") == ["long-notes"]        # the start of the text is indexed
    assert names(words[0]) == ["long-notes"]
    assert names(words[-1]) == []                # the end is cut off
    with model.meta.engine.connect() as conn:
        size = conn.execute(sa.text(
            "SELECT pg_column_size(tsv), length(search_text) "
            "FROM provincialstats_search_doc JOIN provincialstats_search_substr "
            "USING (id)")).one()
    assert 0 < size[0] < 1_048_576 and 0 < size[1] < len(notes)


@pytest.mark.ckan_config("ckan.plugins", "provincialstats_search")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_text_whose_vector_is_still_too_big_is_indexed_again_shorter(monkeypatch):
    from ckanext.provincialstats.search import index

    monkeypatch.setattr(index, "MAX_TEXT_BYTES", 10_000_000)  # the first try must fail
    words = distinct_words(150_000)
    dataset = call_action("package_create", name="long-notes", notes=" ".join(words))
    assert names(words[0]) == ["long-notes"]
    assert names(words[10_000]) == []  # past MIN_TEXT_BYTES
    assert call_action("package_show", id=dataset["id"])["notes"].endswith(words[-1])
