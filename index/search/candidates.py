"""First stage: the passages worth a closer look for one question, with their features.

The dense search (passage vectors) and the keyword search (BM25) each propose `pool` rows; every
proposed row is then scored exactly on both sides (passage and best-sentence cosine, per-term
keyword matches), so the second stage sees the same numbers whichever search found a row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.search.features import QueryTerms, candidate_features
from index.store.loader import LoadedIndex
from index.store.vectors import RowSubset


@dataclass(frozen=True)
class Candidates:
    """Rows proposed for one question, with the features the second stage reads (row order kept)."""

    rows: np.ndarray
    features: np.ndarray
    query: QueryTerms

    def __len__(self) -> int:
        return len(self.rows)


def gather(
    index: LoadedIndex,
    question: str,
    query_vector: np.ndarray,
    pool: int,
    subset: RowSubset | None = None,
    *,
    without: np.ndarray | None = None,
) -> Candidates:
    """Dense top `pool` and keyword top `pool` together, each scored on every feature.

    `without` (sorted rows) answers as if those rows were not indexed: an evaluation's way to
    remove a question's own article without rebuilding (dense scores are unchanged by it, and the
    keyword features are recomputed with those rows' document frequencies taken out).
    """
    extra = len(without) if without is not None else 0
    dense = index.vectors.search(query_vector, pool + extra, subset)
    lexical = index.lexical.search(question, pool + extra, subset.rows if subset is not None else None)
    if without is not None and extra:
        removed = set(without.tolist())
        dense = [item for item in dense if item[0] not in removed][:pool]
        lexical = [item for item in lexical if item[0] not in removed][:pool]
    rows = np.fromiter(dict.fromkeys([row for row, _ in dense] + [row for row, _ in lexical]), dtype=np.int64)
    passage = index.vectors.scores_for(query_vector, rows.tolist()) if len(rows) else np.zeros(0)
    sentences = index.sentences
    if sentences is not None:
        best = sentences.best(query_vector, rows.tolist())
        sentence = np.array(
            [best.get(int(row), (float(p), 0))[0] for row, p in zip(rows, passage, strict=True)],
            dtype=np.float32,
        )
    else:
        sentence = np.asarray(passage, dtype=np.float32)
    query = QueryTerms.of(question, index.lexical, without)
    features = candidate_features(query, rows, passage, sentence, index.lexical)
    return Candidates(rows, features, query)
