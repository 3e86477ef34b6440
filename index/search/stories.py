"""One story, quoted once: passages that repeat each other across articles (the same wire copy in
several outlets, an updated article beside its first version) are grouped under the best of them.

Passages are compared by their word shingles (three words in a row, accents and case folded), on
the few dozen candidates of one question, exactly: no MinHash sketch is needed at that size. The
measure is the overlap coefficient, |A ∩ B| / min(|A|, |B|), so a passage that an outlet cut short
or an update lengthened still counts as the same; two passages that only share a topic share few
runs of three words, and two bulletins written from one template ("Lyon a battu Brest 3 à 1") share
their words but not their figures. bench/duplicates_bench.py measures all three.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from index.text.terms import fold_accents

T = TypeVar("T")

SHINGLE_WORDS = 3
# Share of the shorter passage's shingles the other must hold to be the same story (measured).
SAME_STORY = 0.5
# Fewer shingles than this say too little to call two passages the same (a heading, a date line).
_FEWEST_SHINGLES = 8
# Share of the figures (of the passage stating fewer) both must state.
SAME_FIGURES = 0.5
_WORD = re.compile(r"\w+")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[int]:
    """The hashes of every run of `size` words, accents, case and punctuation set aside."""
    words = _WORD.findall(fold_accents(text))
    return frozenset(hash(tuple(words[i : i + size])) for i in range(max(0, len(words) - size + 1)))


def overlap(a: frozenset[int], b: frozenset[int]) -> float:
    """|A ∩ B| / min(|A|, |B|): 1.0 when one passage's shingles all appear in the other."""
    if len(a) < _FEWEST_SHINGLES or len(b) < _FEWEST_SHINGLES:
        return 1.0 if a == b and a else 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass(frozen=True)
class Fingerprint:
    """What two passages are compared by: their shingles and the figures they state."""

    shingles: frozenset[int]
    figures: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        return cls(shingles(text), frozenset(_FIGURE.findall(text)))

    def resemblance(self, other: Fingerprint) -> float:
        """The shingle overlap, or 0 when most figures differ: two bulletins written from one
        template ("Lyon a battu Brest 3 à 1") share their words, not their figures."""
        figures = min(len(self.figures), len(other.figures))
        if figures and len(self.figures & other.figures) / figures < SAME_FIGURES:
            return 0.0
        return overlap(self.shingles, other.shingles)


@dataclass(frozen=True)
class Story(Generic[T]):
    """The passage quoted for a story, and the passages elsewhere that tell it too."""

    best: T
    also: tuple[T, ...] = ()


def group_stories(
    ranked: Sequence[T],
    *,
    text: Callable[[T], str],
    article: Callable[[T], str],
    threshold: float = SAME_STORY,
) -> list[Story[T]]:
    """The ranked passages as stories, best first: each passage joins the first better-ranked story
    it repeats (from another article), or starts its own."""
    groups: list[tuple[T, set[str], list[Fingerprint], list[T]]] = []
    for item in ranked:
        marks = Fingerprint.of(text(item))
        home = article(item)
        for _, articles, seen, also in groups:
            if home not in articles and any(marks.resemblance(other) >= threshold for other in seen):
                articles.add(home)
                seen.append(marks)
                also.append(item)
                break
        else:
            groups.append((item, {home}, [marks], []))
    return [Story(best, tuple(also)) for best, _, _, also in groups]
