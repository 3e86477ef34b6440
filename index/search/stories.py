"""One story, quoted once: passages that repeat each other across articles (the same wire copy in
several outlets, an updated article beside its first version) are grouped under the best of them.

Passages are compared by their word shingles (three words in a row, case folded), on
the few dozen candidates of one question, exactly: no MinHash sketch is needed at that size. Two
passages tell the same story when most of the shorter one is made of sentences the other repeats
(nearly) word for word: an outlet's dateline, a credit, a cut or an added sentence, a corrected
figure leave the rest repeated, while two passages that share a topic share few runs of three
words, and two bulletins written from one template ("Lyon a battu Brest 3 à 1") change every
sentence. bench/duplicates_bench.py measures all three.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

SHINGLE_WORDS = 3
# Share of the shorter passage that must be repeated sentences for the same story (measured).
SAME_STORY = 0.5
# Fewer shingles than this say too little to call two passages the same (a heading, a date line).
_FEWEST_SHINGLES = 8
# Share of a sentence's shingles the other passage must hold for the sentence to be repeated: a
# changed word or figure in a sentence of twenty words leaves about 85%.
SAME_SENTENCE = 0.9
# Share of the shorter passage's names and figures the other must hold.
SAME_NAMES = 0.5
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+|\s*\n\s*")
# A figure, or a capitalised word that does not open its sentence.
_NAME = re.compile(r"\d+(?:[.,]\d+)*|(?<=[\w,;:'\u2019»)] )[A-ZÀ-Ý][\w-]+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[int]:
    """The hashes of every run of `size` words, case and punctuation set aside."""
    return _shingles_of(_words(text, 0, len(text)), size)


def _shingles_of(words: Sequence[str], size: int = SHINGLE_WORDS) -> frozenset[int]:
    return frozenset(hash(tuple(words[i : i + size])) for i in range(max(0, len(words) - size + 1)))


def _words(text: str, start: int, end: int) -> list[str]:
    """The words, lower-cased (accents kept: copies of one story keep them, and folding costs more
    than the rest of the comparison)."""
    return _WORD.findall(text[start:end].lower())


def _rough_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans by punctuation and line breaks alone: both passages of a pair are cut the same
    way, which is all a comparison needs, at a tenth of the index's own splitter's cost."""
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        spans.append((start, end.start()))
        start = end.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def overlap(a: frozenset[int], b: frozenset[int]) -> float:
    """|A ∩ B| / min(|A|, |B|): 1.0 when one passage's shingles all appear in the other."""
    if len(a) < _FEWEST_SHINGLES or len(b) < _FEWEST_SHINGLES:
        return 1.0 if a == b and a else 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass(frozen=True)
class Fingerprint:
    """What two passages are compared by: all their shingles, and each sentence's."""

    shingles: frozenset[int]
    sentences: tuple[frozenset[int], ...]
    names: frozenset[str]  # figures and names (capitalised words inside a sentence)
    size: int  # shingles counted sentence by sentence

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        spans = _rough_sentences(text)
        words = [_words(text, start, end) for start, end in spans]
        pieces = tuple(piece for piece in map(_shingles_of, words) if piece)
        names = {m.group().lower() for start, end in spans for m in _NAME.finditer(text, start, end)}
        everything = _shingles_of([word for sentence in words for word in sentence])
        return cls(everything, pieces, frozenset(names), sum(map(len, pieces)))

    def resemblance(self, other: Fingerprint) -> float:
        """The share of the shorter passage (in shingles) made of sentences the other repeats
        (SAME_SENTENCE of their shingles), when most of its names and figures are there too: wire
        copy and updates repeat whole sentences and the people in them, while two bulletins written
        from one template ("Lyon a battu Brest 3 à 1") change names or figures in every one."""
        short, long = sorted((self, other), key=lambda fingerprint: fingerprint.size)
        if short.size < _FEWEST_SHINGLES:
            return 1.0 if short.shingles == long.shingles and short.shingles else 0.0
        if short.names and len(short.names & long.names) < SAME_NAMES * len(short.names):
            return 0.0  # other people, places or figures: another story told with the same words
        repeated = sum(
            len(sentence)
            for sentence in short.sentences
            if len(sentence & long.shingles) >= SAME_SENTENCE * len(sentence)
        )
        return repeated / short.size

    def could_reach(self, other: Fingerprint, threshold: float) -> bool:
        """A cheap bound: whether the two share enough shingles for `resemblance` to reach the
        threshold (a repeated sentence has SAME_SENTENCE of its shingles in common); most pairs
        of candidates share almost nothing and stop here."""
        smaller = min(self.size, other.size)
        return len(self.shingles & other.shingles) >= threshold * SAME_SENTENCE * smaller


@dataclass(frozen=True)
class Story(Generic[T]):
    """The passage quoted for a story, and the passages elsewhere that tell it too."""

    best: T
    also: tuple[T, ...] = ()


def group_stories(
    ranked: Sequence[T],
    *,
    fingerprint: Callable[[T], Fingerprint],
    article: Callable[[T], str],
    threshold: float = SAME_STORY,
) -> list[Story[T]]:
    """The ranked passages as stories, best first: each passage joins the first better-ranked story
    it repeats (from another article), or starts its own."""
    groups: list[tuple[T, set[str], list[Fingerprint], list[T]]] = []
    for item in ranked:
        marks = fingerprint(item)
        home = article(item)
        for _, articles, seen, also in groups:
            if home not in articles and any(
                marks.could_reach(other, threshold) and marks.resemblance(other) >= threshold
                for other in seen
            ):
                articles.add(home)
                seen.append(marks)
                also.append(item)
                break
        else:
            groups.append((item, {home}, [marks], []))
    return [Story(best, tuple(also)) for best, _, _, also in groups]


def dedupe_overlapping(
    hits: Iterable[T],
    span: Callable[[T], tuple[Hashable, int, int]],
) -> list[T]:
    """Keep hits in order, dropping any that overlaps an already kept hit of the same article.

    `span(hit)` returns `(article_id, start, end)` with `[start, end)` character offsets.
    """
    kept: list[T] = []
    taken: dict[Hashable, list[tuple[int, int]]] = {}
    for hit in hits:
        article, start, end = span(hit)
        spans = taken.setdefault(article, [])
        if any(start < other_end and other_start < end for other_start, other_end in spans):
            continue
        spans.append((start, end))
        kept.append(hit)
    return kept
