"""Article text → passages: sentences grouped to a target size, with exact character offsets.

Every span is a slice of the original text, so a passage can be quoted word for word:
`passage.text == article.text[passage.start:passage.end]`. Page furniture (`index.text.furniture`)
is in no passage, and no passage runs across it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.records import Article, Passage
from index.settings import DEFAULTS
from index.text.furniture import Span, furniture_spans, spans_without
from index.text.sentences import Sentence, sentences

TokenCounter = Callable[[str], int]

_WORD = re.compile(r"\S+")

# A cut inside an over-long sentence prefers a word ending a clause, or a dash starting one.
_CLAUSE_END = re.compile(r".*[,;:][»”\"'\u2019)\]]*")
_DASHES = frozenset({"—", "\u2013", "-"})

# Trailing passages this short ("Plus", "Read more") are merged into the previous passage.
_TINY_TAIL_WORDS = 3


@dataclass(frozen=True)
class SplitSettings:
    """How big passages are: a target and a hard maximum in words, and sentences of overlap.

    The maximum defaults to 1.6 times the target (at least target + 10): room to end a passage at a
    paragraph or sentence rather than mid-thought.
    """

    target_words: int = DEFAULTS.passage_words
    max_words: int = 0  # 0: derived from the target
    overlap_sentences: int = DEFAULTS.passage_overlap
    respect_paragraphs: bool = True
    drop_furniture: bool = DEFAULTS.drop_furniture

    def __post_init__(self) -> None:
        if self.target_words < 1:
            raise ValueError(f"target_words must be at least 1, got {self.target_words}")
        if not self.max_words:
            object.__setattr__(self, "max_words", max(self.target_words * 8 // 5, self.target_words + 10))
        if self.max_words < self.target_words:
            raise ValueError(
                f"max_words ({self.max_words}) must be at least target_words ({self.target_words})"
            )
        if self.overlap_sentences < 0:
            raise ValueError(f"overlap_sentences must be 0 or more, got {self.overlap_sentences}")


@dataclass(frozen=True, slots=True)
class _Unit:
    """A sentence, or a piece of one too long to fit a passage on its own."""

    start: int
    end: int
    words: int
    paragraph_start: bool
    after_furniture: bool = False  # furniture lies between this unit and the one before


def article_furniture(article: Article, settings: SplitSettings) -> list[Span]:
    """The spans of the article's text that no passage holds (none when furniture is kept)."""
    return furniture_spans(article.text) if settings.drop_furniture else []


def split_article(
    article: Article,
    settings: SplitSettings = SplitSettings(),  # frozen, so one shared default is safe
    *,
    count_tokens: TokenCounter | None = None,
    max_tokens: int | None = None,
    furniture: Sequence[Span] | None = None,
) -> list[Passage]:
    """Group an article's sentences into passages of about `settings.target_words` words.

    With `count_tokens` and `max_tokens` every passage also satisfies
    `count_tokens(passage.text) <= max_tokens`, so it fits the embedding model's window.
    `furniture`: the article's furniture when the caller has it (see `article_furniture`).
    """
    if (count_tokens is None) != (max_tokens is None):
        raise ValueError("pass count_tokens and max_tokens together, or neither")
    text = article.text
    if furniture is None:
        furniture = article_furniture(article, settings)
    budget = _Budget(text, settings.max_words, count_tokens, max_tokens)
    units = _units(text, _pieces(text, sentences(text), furniture), budget, settings.target_words)
    if not units:
        return []
    groups = _group(units, budget, settings)
    return [
        Passage(
            article_id=article.id,
            position=position,
            start=units[first].start,
            end=units[last].end,
            text=text[units[first].start : units[last].end],
        )
        for position, (first, last) in enumerate(groups)
    ]


class _Budget:
    """The hard limits on one passage: words, and tokens when a counter is given."""

    def __init__(
        self, text: str, max_words: int, count_tokens: TokenCounter | None, max_tokens: int | None
    ) -> None:
        self.text = text
        self.max_words = max_words
        self._count_tokens = count_tokens
        self._max_tokens = max_tokens
        self._counted: dict[tuple[int, int], int] = {}

    def fits(self, start: int, end: int, words: int) -> bool:
        if words > self.max_words:
            return False
        return self.fits_tokens(start, end)

    def fits_tokens(self, start: int, end: int) -> bool:
        if self._count_tokens is None or self._max_tokens is None:
            return True
        return self._tokens(start, end) <= self._max_tokens

    def fits_run(self, spans: Sequence[tuple[int, int]], words: int) -> bool:
        """Whether consecutive spans fit as one passage (from the first start to the last end).

        Tokenizers split at white space, so a run has at most the sum of its pieces' tokens (each
        piece also counts the special tokens once): when that sum fits, with one token of slack
        per piece, the tokenizer need not run on the whole run. Tokenizing costs more than the
        rest of the build around the model, so this matters.
        """
        if words > self.max_words:
            return False
        if self._count_tokens is None or self._max_tokens is None:
            return True
        if sum(self._tokens(a, b) for a, b in spans) + len(spans) <= self._max_tokens:
            return True
        return self.fits_tokens(spans[0][0], spans[-1][1])

    def _tokens(self, start: int, end: int) -> int:
        key = (start, end)
        if key not in self._counted:
            assert self._count_tokens is not None
            self._counted[key] = self._count_tokens(self.text[start:end])
        return self._counted[key]

    def describe_tokens(self) -> str:
        return f"max_tokens={self._max_tokens}"


def _pieces(text: str, found: Sequence[Sentence], furniture: Sequence[Span]) -> list[_Unit]:
    """The sentences with the furniture cut out (word counts still to come)."""
    if not furniture:
        return [_Unit(s.start, s.end, 0, s.paragraph_start) for s in found]
    paragraph_starts = {s.start for s in found if s.paragraph_start}
    pieces: list[_Unit] = []
    index = 0
    for start, end in spans_without([(s.start, s.end) for s in found], furniture, text):
        crossed = index < len(furniture) and furniture[index][0] < start
        while index < len(furniture) and furniture[index][0] < start:
            index += 1
        pieces.append(_Unit(start, end, 0, start in paragraph_starts, after_furniture=crossed))
    return pieces


def _units(text: str, found: Sequence[_Unit], budget: _Budget, target: int) -> list[_Unit]:
    units: list[_Unit] = []
    for piece in found:
        words = [m.span() for m in _WORD.finditer(text, piece.start, piece.end)]
        if budget.fits(piece.start, piece.end, len(words)):
            units.append(
                _Unit(piece.start, piece.end, len(words), piece.paragraph_start, piece.after_furniture)
            )
            continue
        for index, (start, end, count) in enumerate(_cut_sentence(text, words, budget, target)):
            first = index == 0
            units.append(
                _Unit(start, end, count, piece.paragraph_start and first, piece.after_furniture and first)
            )
    return units


def _cut_sentence(
    text: str, words: Sequence[tuple[int, int]], budget: _Budget, target: int
) -> list[tuple[int, int, int]]:
    """Pieces `(start, end, words)` of a sentence too long for one passage, cut between words."""
    pieces: list[tuple[int, int, int]] = []
    i, n = 0, len(words)
    while i < n:
        furthest = _furthest_fit(words, i, budget)
        if furthest == i:  # one "word" over the token limit: the only place we cut inside a word
            pieces.extend((s, e, 1) for s, e in _cut_word(words[i][0], words[i][1], budget))
            i += 1
            continue
        if furthest == n and n - i <= target + target // 2:
            cut = n
        else:
            ideal = min(furthest, i + target)
            cut = _clause_cut(text, words, i + max(1, (ideal - i) // 2), ideal) or ideal
        pieces.append((words[i][0], words[cut - 1][1], cut - i))
        i = cut
    return pieces


def _furthest_fit(words: Sequence[tuple[int, int]], i: int, budget: _Budget) -> int:
    """The largest `j` such that words `i..j-1` fit the budget (`i` when not even one does)."""
    high = min(len(words), i + budget.max_words)
    if budget.fits_tokens(words[i][0], words[high - 1][1]):
        return high
    low = i  # fits (empty); `high` does not
    while high - low > 1:
        middle = (low + high) // 2
        if budget.fits_tokens(words[i][0], words[middle - 1][1]):
            low = middle
        else:
            high = middle
    return low


def _clause_cut(text: str, words: Sequence[tuple[int, int]], low: int, high: int) -> int | None:
    """The latest cut in `[low, high]` after a clause (`, ; :`) or before a dash, if any."""
    for cut in range(high, low - 1, -1):
        before = text[words[cut - 1][0] : words[cut - 1][1]]
        if _CLAUSE_END.fullmatch(before):
            return cut
        if cut < len(words) and text[words[cut][0] : words[cut][1]] in _DASHES:
            return cut
    return None


def _cut_word(start: int, end: int, budget: _Budget) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    while start < end:
        low, high = start, end + 1  # text[start:low] fits; text[start:high] does not
        while high - low > 1:
            middle = (low + high) // 2
            if budget.fits_tokens(start, middle):
                low = middle
            else:
                high = middle
        if low == start:
            raise ValueError(f"{budget.describe_tokens()} cannot hold even one character of text")
        pieces.append((start, low))
        start = low
    return pieces


def _group(units: Sequence[_Unit], budget: _Budget, settings: SplitSettings) -> list[tuple[int, int]]:
    """Runs `(first, last)` of consecutive units, one per passage."""
    prefix = [0]
    for unit in units:
        prefix.append(prefix[-1] + unit.words)

    def fits(first: int, last: int) -> bool:
        spans = [(unit.start, unit.end) for unit in units[first : last + 1]]
        return budget.fits_run(spans, prefix[last + 1] - prefix[first])

    groups: list[tuple[int, int]] = []
    first = fresh = 0  # `fresh`: the first unit not repeated from the previous passage
    for k in range(1, len(units)):
        unit, words = units[k], prefix[k] - prefix[first]
        close = (
            unit.after_furniture
            or (
                settings.respect_paragraphs
                and unit.paragraph_start
                and 2 * (prefix[k] - prefix[fresh]) >= settings.target_words
                # stop where the passage is nearest the target: with or without this unit
            )
            or (2 * words + unit.words > 2 * settings.target_words or not fits(first, k))
        )
        if close:
            groups.append((first, k - 1))
            first = fresh = k
            if settings.overlap_sentences and not unit.after_furniture:
                first = max(groups[-1][0] + 1, k - settings.overlap_sentences)
                while first < k and not fits(first, k):
                    first += 1
    groups.append((first, len(units) - 1))

    if len(groups) > 1:
        (previous_first, previous_last), (_, last) = groups[-2], groups[-1]
        tail_words = prefix[last + 1] - prefix[previous_last + 1]
        tail_stands_apart = units[groups[-1][0]].after_furniture
        if tail_words <= _TINY_TAIL_WORDS and not tail_stands_apart and fits(previous_first, last):
            groups[-2:] = [(previous_first, last)]
    return groups
