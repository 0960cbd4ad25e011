"""How alike two bits of Chinese text are, by characters and by sound.

Customers mistype names and addresses with homophones (章伟 for 张伟, 文山路 for
文三路) or type pinyin ("zhang wei"), so text is compared twice: as characters, and
as toneless pinyin folded the way Chinese input methods do "fuzzy pinyin" (模糊音:
zh/z, ch/c, sh/s, -ng/-n, l/n are not told apart). Scores are 0..1.

:func:`partial_similarity` finds a short query inside a longer text (a street in a
full address): the query is aligned with each matching block of the text, the
approach of fuzzywuzzy's ``partial_ratio`` (in pure Python with difflib), or counted
as found when its pieces appear in order (:func:`coverage`).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from pypinyin import lazy_pinyin

# A sound match counts only when nearly complete: unrelated syllables share letters
# (jiefanglu / wensanlu), so partial letter overlap says nothing.
SOUND_MATCH_MIN = 0.85
# Applied in this order to whole lower-case pinyin strings, both sides alike.
_FUZZY_PINYIN = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ng", "n"), ("l", "n"))


@dataclass(frozen=True)
class Folded:
    """Text prepared for comparison: characters and fuzzy pinyin."""

    chars: str
    sound: str


def fold(text: str) -> Folded:
    """Full-width forms and case folded, whitespace and punctuation dropped."""
    text = unicodedata.normalize("NFKC", text).lower()
    chars = "".join(ch for ch in text if ch.isalnum())
    pinyin = "".join(lazy_pinyin(chars, errors="default"))
    for old, new in _FUZZY_PINYIN:
        pinyin = pinyin.replace(old, new)
    return Folded(chars, pinyin)


def ratio(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def partial_ratio(query: str, text: str) -> float:
    """The best :func:`ratio` of ``query`` against a same-length stretch of ``text``."""
    if not query or not text:
        return 0.0
    if len(query) >= len(text):
        return ratio(query, text)
    matcher = SequenceMatcher(None, query, text, autojunk=False)
    best = 0.0
    for q_start, t_start, size in matcher.get_matching_blocks():
        if size == 0:
            continue
        start = min(max(0, t_start - q_start), len(text) - len(query))
        best = max(best, ratio(query, text[start : start + len(query)]))
        if best == 1.0:
            break
    return best


def _better(by_chars: float, by_sound: float) -> float:
    return max(by_chars, by_sound if by_sound >= SOUND_MATCH_MIN else 0.0)


def coverage(query: str, text: str, *, min_block: int = 2) -> float:
    """The share of ``query`` found in ``text`` in order, counting only runs of at least
    ``min_block`` characters: "乌鲁木齐解放北路" is fully inside "乌鲁木齐市天山区解放北路",
    while single characters matched here and there count for nothing."""
    if not query or not text:
        return 0.0
    blocks = SequenceMatcher(None, query, text, autojunk=False).get_matching_blocks()
    return sum(size for _, _, size in blocks if size >= min_block) / len(query)


def similarity(query: Folded, text: Folded) -> float:
    """Whole-text similarity: by characters, or by sound when it (nearly) sounds the same."""
    return _better(ratio(query.chars, text.chars), ratio(query.sound, text.sound))


def partial_similarity(query: Folded, text: Folded) -> float:
    """How well ``query`` matches somewhere inside ``text``, as :func:`similarity` does."""
    by_chars = max(partial_ratio(query.chars, text.chars), coverage(query.chars, text.chars))
    return _better(by_chars, partial_ratio(query.sound, text.sound))
