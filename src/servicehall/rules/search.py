"""Guide search terms (CASE-1, PUB-2): what people type, matched against an item's precomputed search text.

Pure functions. People type short common words (社保卡, 身份证, 营业执照) and the guides use the full names
(社会保障卡, 居民身份证); both directions are joined by a small alias table, so either finds the other. A query is
split on spaces and punctuation into terms; every term must match (AND), any alias of a term may (OR).
"""

from __future__ import annotations

import re
import unicodedata

# Common word ↔ the name guides use. Each group is a set of equivalent words.
ALIASES: tuple[frozenset[str], ...] = tuple(frozenset(g) for g in (
    {"社保卡", "社会保障卡", "社保ic卡"},
    {"社保", "社会保险"},
    {"医保", "医疗保险"},
    {"身份证", "居民身份证"},
    {"户口本", "户口簿", "居民户口簿"},
    {"营业执照", "执照"},
    {"驾照", "驾驶证", "机动车驾驶证"},
    {"失业金", "失业保险金"},
    {"养老金", "养老保险"},
    {"公积金", "住房公积金"},
    {"不动产证", "房产证", "不动产权证书"},
    {"准生证", "生育服务证", "生育登记"},
))

_SPLIT = re.compile(r"[\s,，、;；:：/|()（）【】\[\]\"'“”‘’。.!！?？]+")
MAX_TERMS = 6
MAX_TERM_LEN = 30


def normalize(text: str) -> str:
    """Full-width to half-width, case folded, spaces squeezed: the form both the stored text and the query take."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def terms(query: str) -> list[str]:
    """The distinct terms of a query, in order, at most ``MAX_TERMS`` of at most ``MAX_TERM_LEN`` characters."""
    out: list[str] = []
    for part in _SPLIT.split(normalize(query)):
        part = part[:MAX_TERM_LEN]
        if part and part not in out:
            out.append(part)
    return out[:MAX_TERMS]


def alternatives(term: str) -> list[str]:
    """The term and every word it is an alias of (the term first); a term containing a common word also gives
    the term with that word replaced by its alias (社保卡挂失 → 社会保障卡挂失)."""
    out = [term]
    for group in ALIASES:
        for word in sorted(group, key=len, reverse=True):
            if word in term:
                for other in sorted(group - {word}):
                    alt = term.replace(word, other)
                    if alt not in out:
                        out.append(alt)
                break
    return out


def search_text(*parts: str) -> str:
    """The text an item is searched in: its parts normalized, joined by a separator no term contains."""
    return "\n".join(normalize(p) for p in parts if p)


def matches(text: str, query: str) -> bool:
    """The reference semantics (the database filter does the same): every term, by one of its alternatives."""
    return all(any(a in text for a in alternatives(t)) for t in terms(query))
