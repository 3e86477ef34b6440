"""Which sentences of a passage best answer a question: pure scoring of each sentence."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from index.text.sentences import split_sentences
from index.text.terms import LexicalTokenizer

# A second sentence is marked only when it scores nearly as well as the best one.
_RUNNER_UP_RATIO = 0.8
_RUNNER_UP_GAP = 0.03
# A highlight is one or two sentences, never most of the passage: beyond these it is left out.
_MOST_HIGHLIGHTED_CHARACTERS = 400
_MOST_HIGHLIGHTED_SHARE = 0.6
# How much sharing the question's keywords adds to a sentence's similarity with the question.
_KEYWORD_WEIGHT = 0.5


@lru_cache(maxsize=1)
def _tokenizer() -> LexicalTokenizer:
    return LexicalTokenizer()


def keyword_scores(question: str, sentences: Sequence[str]) -> list[float]:
    """Per sentence: the share of the question's distinct keywords it contains, damped for long ones."""
    tokenizer = _tokenizer()
    wanted = set(tokenizer.terms(question))
    if not wanted:
        return [0.0] * len(sentences)
    scores = []
    for sentence in sentences:
        terms = tokenizer.terms(sentence)
        shared = len(wanted.intersection(terms))
        scores.append(shared / len(wanted) / math.sqrt(1 + len(terms) / 20) if shared else 0.0)
    return scores


def highlight_spans(
    question: str, passage_text: str, sentence_scores: Sequence[float] | None = None, *, most: int = 2
) -> list[tuple[int, int]]:
    """Spans (relative to the passage) of the sentences that best answer the question.

    `sentence_scores` are the question's cosine with each sentence (in `split_sentences` order),
    when the index has sentence vectors: they find the answer across languages, where keywords
    cannot. Without them, only sentences sharing a keyword are marked, never one at random.
    """
    spans = split_sentences(passage_text)
    if not spans:
        return []
    keywords = keyword_scores(question, [passage_text[s:e] for s, e in spans])
    if sentence_scores is not None and len(sentence_scores) == len(spans):
        combined = [float(c) + _KEYWORD_WEIGHT * k for c, k in zip(sentence_scores, keywords, strict=True)]
        order = sorted(range(len(spans)), key=lambda i: (-combined[i], i))
        best = combined[order[0]]
        chosen = [i for i in order[:most] if combined[i] >= best - _RUNNER_UP_GAP]
    else:
        order = sorted((i for i in range(len(spans)) if keywords[i] > 0), key=lambda i: (-keywords[i], i))
        if not order:
            return []
        best = keywords[order[0]]
        chosen = [i for i in order[:most] if keywords[i] >= best * _RUNNER_UP_RATIO]
    return _readable([spans[i] for i in chosen], len(passage_text.strip()))


def _readable(chosen: list[tuple[int, int]], passage_length: int) -> list[tuple[int, int]]:
    """The chosen sentences, best first, as long as they stay a small part of the passage: bold
    over a whole paragraph points at nothing."""
    kept: list[tuple[int, int]] = []
    for start, end in chosen:
        total = sum(e - s for s, e in kept) + end - start
        if end - start > _MOST_HIGHLIGHTED_CHARACTERS or total > _MOST_HIGHLIGHTED_SHARE * passage_length:
            break
        kept.append((start, end))
    return sorted(kept)
