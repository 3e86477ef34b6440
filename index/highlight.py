"""Which sentences of a passage best answer a question: pure scoring on shared keywords."""

from __future__ import annotations

import math
from functools import lru_cache

from index.lexical import LexicalTokenizer
from index.splitter import split_sentences

# A second sentence is marked only when it scores nearly as well as the best one.
_RUNNER_UP_RATIO = 0.8


@lru_cache(maxsize=1)
def _tokenizer() -> LexicalTokenizer:
    return LexicalTokenizer()


def highlight_spans(question: str, passage_text: str, *, most: int = 2) -> list[tuple[int, int]]:
    """Spans (relative to the passage) of the sentences sharing the most question keywords.

    Returns an empty list when no sentence shares a keyword (for example a question in another
    language), rather than marking a sentence at random.
    """
    tokenizer = _tokenizer()
    wanted = set(tokenizer.terms(question))
    if not wanted:
        return []
    scored = []
    for start, end in split_sentences(passage_text):
        terms = tokenizer.terms(passage_text[start:end])
        shared = wanted.intersection(terms)
        if shared:
            # Prefer sentences that cover more distinct question terms, then shorter ones.
            score = len(shared) / math.sqrt(1 + len(terms) / 20)
            scored.append((score, start, end))
    if not scored:
        return []
    scored.sort(key=lambda item: (-item[0], item[1]))
    best = scored[0][0]
    chosen = [(start, end) for score, start, end in scored[:most] if score >= best * _RUNNER_UP_RATIO]
    return sorted(chosen)
