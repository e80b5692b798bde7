"""Guide search terms (CASE-1, PUB-2): aliases both ways, AND across terms, full-width folded."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from servicehall.rules import search


def test_common_word_and_full_name_find_each_other():
    assert "社会保障卡" in search.alternatives("社保卡")
    assert "社保卡" in search.alternatives("社会保障卡")
    assert search.alternatives("社保卡挂失")[:2] == ["社保卡挂失", "社会保障卡挂失"]
    assert search.matches(search.search_text("社会保障卡申领"), "社保卡")
    assert not search.matches(search.search_text("失业登记"), "社保卡")


def test_terms_split_on_spaces_and_chinese_punctuation_all_must_match():
    assert search.terms("  社保卡，补办　身份证 ") == ["社保卡", "补办", "身份证"]
    text = search.search_text("社会保障卡挂失与补换", "居民身份证")
    assert search.matches(text, "社保卡 身份证")
    assert not search.matches(text, "社保卡 营业执照")


def test_full_width_and_case_fold():
    assert search.normalize("ＲＳ－００１") == "rs-001"
    assert search.matches(search.search_text("RS-001"), "ｒｓ-001")


@given(st.text(max_size=40))
def test_terms_are_bounded_and_never_empty(q):
    ts = search.terms(q)
    assert len(ts) <= search.MAX_TERMS
    assert all(0 < len(t) <= search.MAX_TERM_LEN for t in ts)


WORDS = st.text(alphabet="社保卡会障身份证营业执照补办ab", min_size=1, max_size=12)


@given(WORDS, WORDS, WORDS)
def test_a_text_containing_the_words_typed_always_matches(before, typed, after):
    """Whatever is typed, an item whose text holds exactly that is found (the aliases only widen a search)."""
    assert search.matches(search.search_text(before + typed + after), typed)
    assert search.alternatives(typed)[0] == typed
