"""What the second stage knows about each candidate passage: a few numbers per (question, passage).

Every feature depends on the question and that one passage only, never on the other candidates
(no "divided by the best score of this question"): a passage's confidence then means the same
whichever passages it is shown with, and removing an article changes nobody else's score.
Keyword features weigh each question term by its idf, so a question's rare words (names,
numbers, the subject) count for more than its common ones; a term no passage holds weighs the
most, so a question about something absent from the articles matches little of itself anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.store.lexical import LexicalIndex

FEATURE_NAMES = (
    "passage_cosine",  # question · passage vector (title included when embedded with it)
    "sentence_cosine",  # question · the passage's best sentence (passage cosine without sentences)
    "keyword",  # BM25 over the passage text / the question terms' summed idf (its best possible)
    "matched",  # idf share of the question's terms found in the passage text
    "matched_with_title",  # idf share found in the passage text or its article's title
    "coverage",  # share of the question's terms found anywhere in the passages (~0 across languages)
    "rarest_missing",  # idf of the rarest question term neither the passage nor its title holds / idf max
    "unseen",  # idf share of the question's terms that no passage holds (a name the articles never use)
    "title_matched",  # idf share of the question's terms found in the passage's article title
)


@dataclass(frozen=True)
class QueryTerms:
    """A question's keyword terms with their idf, and how many of them the passages hold at all."""

    terms: tuple[str, ...]
    idf: np.ndarray
    coverage: float
    unseen: np.ndarray  # per term: no passage holds it
    top_idf: float  # the idf of a term no passage holds (the highest possible)

    @classmethod
    def of(cls, question: str, lexical: LexicalIndex, without: np.ndarray | None = None) -> QueryTerms:
        """The question's terms; `without`: as if those rows were not indexed (their document
        frequencies taken out), which is how an evaluation removes a question's own article."""
        terms = tuple(lexical.query_terms(question))
        frequency = lexical.document_frequency(terms)
        documents = len(lexical)
        if without is not None and len(without):
            frequency = frequency - (lexical.term_scores(terms, without) > 0).sum(axis=0)
            documents -= len(without)
        idf = lexical.idf_from_frequency(frequency, documents)
        coverage = float((frequency > 0).mean()) if terms else 0.0
        top_idf = float(lexical.idf_from_frequency(np.zeros(1), documents)[0])
        return cls(terms, idf, coverage, frequency == 0, top_idf)


def candidate_features(
    query: QueryTerms,
    rows: np.ndarray,
    passage_cosine: np.ndarray,
    sentence_cosine: np.ndarray,
    lexical: LexicalIndex,
) -> np.ndarray:
    """The `FEATURE_NAMES` of each candidate row, as a (rows x features) float32 array."""
    rows = np.asarray(rows, dtype=np.int64)
    out = np.zeros((len(rows), len(FEATURE_NAMES)), dtype=np.float32)
    out[:, 0] = passage_cosine
    out[:, 1] = sentence_cosine
    out[:, 5] = query.coverage
    total = float(query.idf.sum())
    if not query.terms or total <= 0 or len(rows) == 0:
        return out
    # BM25 per term is idf x a term-frequency part, so a changed idf (see `QueryTerms.of`) rescales it.
    scores = lexical.term_scores(query.terms, rows) * (query.idf / lexical.idf(query.terms).clip(min=1e-9))
    in_text = scores > 0
    in_title = lexical.title_holds(query.terms, rows) > 0
    weights = query.idf / total
    out[:, 2] = scores.sum(axis=1) / total
    out[:, 3] = in_text @ weights
    either = in_text | in_title
    out[:, 4] = either @ weights
    out[:, 6] = np.where(either, 0.0, query.idf[None, :]).max(axis=1) / query.top_idf
    out[:, 7] = float(query.idf[query.unseen].sum()) / total
    out[:, 8] = in_title @ weights
    return out
