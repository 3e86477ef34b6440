"""Question → ranked passages: dense and keyword search fused, near-duplicates dropped, abstention."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from index.embed.embedder import Embedder
from index.records import Passage
from index.search import fusion
from index.search.highlight import highlight_spans
from index.settings import DEFAULTS
from index.store.loader import LoadedIndex
from index.store.passages_db import ArticleInfo
from index.store.vectors import RowSubset

# The bot answers when the best fused score reaches min_score + KEYWORD_SLOPE * (the keyword weight
# this question got). Keyword scores are normalised by the question's best one, so they inflate the
# fused score of any question in the articles' language: the bar rises with them. Both numbers were
# fitted on PIAF and XQuAD (answer ≥ 95% of answerable questions in every set, abstain on as many
# questions as possible once their article is removed); see docs/retrieval.md.
KEYWORD_SLOPE = 0.7
# Candidates taken from each of the dense and keyword searches before fusion.
CANDIDATES = 50
# Dense score = (1 - w) * passage cosine + w * best sentence cosine, when sentences are indexed.
SENTENCE_WEIGHT = 0.5
# Sets of collections whose rows are kept ready for restricted search (a few channels' mappings).
_SUBSETS_KEPT = 4


@dataclass(frozen=True)
class Hit:
    """One quoted passage with its relevance and the sentences that best answer the question."""

    row: int
    passage: Passage
    article: ArticleInfo
    score: float
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Answer:
    """What the bot shows: the passages, or an abstention when none is relevant enough."""

    question: str
    hits: list[Hit]
    answered: bool
    index_version: str
    seconds: float
    offset: int = 0
    threshold: float = DEFAULTS.min_score


@dataclass(frozen=True)
class RetrievalOptions:
    """Knobs of the ranking; the defaults are the measured configuration."""

    min_score: float = DEFAULTS.min_score
    keyword_slope: float = KEYWORD_SLOPE
    candidates: int = CANDIDATES
    fusion: fusion.FusionSettings = field(default_factory=fusion.FusionSettings)
    sentence_weight: float = SENTENCE_WEIGHT


class Retriever:
    """Searches one loaded index with one embedder; safe to call from worker threads."""

    def __init__(
        self, index: LoadedIndex, embedder: Embedder, options: RetrievalOptions | None = None
    ) -> None:
        index.manifest.check_model(embedder.model_name, embedder.dimension)
        self.index = index
        self.embedder = embedder
        self.options = options or RetrievalOptions()
        self._subsets: OrderedDict[frozenset[str], RowSubset] = OrderedDict()
        self._subsets_lock = threading.Lock()

    @property
    def version(self) -> str:
        return self.index.version

    def search(
        self, question: str, k: int = 5, *, offset: int = 0, collections: Collection[str] | None = None
    ) -> list[Hit]:
        """The passages ranked offset..offset+k for a question, best first, without overlapping windows."""
        wanted = offset + k
        pool = max(self.options.candidates, wanted * 4)
        subset = self._subset(collections) if collections else None
        query_vector = self.embedder.embed_queries([question])[0]
        dense = self.index.vectors.search(query_vector, pool, subset)
        lexical = self.index.lexical.search(question, pool, subset.rows if subset is not None else None)
        dense = self._blend_sentences(query_vector, dense, lexical)
        coverage = self.index.lexical.coverage(question)
        weight = fusion.lexical_weight_for(coverage, self.options.fusion)
        ranked = fusion.fuse(dense, lexical, weight)
        stored = self.index.database.passages([row for row, _ in ranked[:pool]])
        candidates = [
            Hit(row, item.passage, item.article, score)
            for row, score in ranked[:pool]
            if (item := stored.get(row)) is not None
        ]
        hits = fusion.dedupe_overlapping(candidates, span=_span)[:wanted]
        return [self._with_highlights(hit, question, query_vector) for hit in hits[offset:wanted]]

    def _subset(self, collections: Collection[str]) -> RowSubset:
        """The rows of these collections, prepared for restricted search (kept for reuse)."""
        key = frozenset(collections)
        with self._subsets_lock:
            subset = self._subsets.get(key)
            if subset is not None:
                self._subsets.move_to_end(key)
                return subset
        rows = np.asarray(self.index.database.rows_in_collections(key), dtype=np.int64)
        subset = self.index.vectors.subset(rows)
        with self._subsets_lock:
            self._subsets[key] = subset
            while len(self._subsets) > _SUBSETS_KEPT:
                self._subsets.popitem(last=False)
        return subset

    def _blend_sentences(
        self, query: np.ndarray, dense: list[tuple[int, float]], lexical: list[tuple[int, float]]
    ) -> list[tuple[int, float]]:
        """Score every candidate by its passage and its best sentence (exact, not the ANN estimate)."""
        sentences = self.index.sentences
        if sentences is None:
            return dense
        rows = list(dict.fromkeys([row for row, _ in dense] + [row for row, _ in lexical]))
        passage = self.index.vectors.scores_for(query, rows)
        best = sentences.best(query, rows)
        best_sentence = np.array(
            [best.get(row, (float(p), 0))[0] for row, p in zip(rows, passage, strict=True)], dtype=np.float32
        )
        blended = fusion.blend_sentence_scores(passage, best_sentence, self.options.sentence_weight)
        return sorted(zip(rows, blended.tolist(), strict=True), key=lambda item: (-item[1], item[0]))

    def _with_highlights(self, hit: Hit, question: str, query: np.ndarray) -> Hit:
        sentences = self.index.sentences
        scores = sentences.scores(query, hit.row) if sentences is not None else None
        spans = highlight_spans(question, hit.passage.text, None if scores is None else scores.tolist())
        shifted = tuple((hit.passage.start + s, hit.passage.start + e) for s, e in spans)
        return Hit(hit.row, hit.passage, hit.article, hit.score, shifted)

    def answer(
        self, question: str, k: int = 3, *, offset: int = 0, collections: Collection[str] | None = None
    ) -> Answer:
        """Search and decide whether anything is relevant enough to quote."""
        started = time.perf_counter()
        hits = self.search(question, k, offset=offset, collections=collections)
        threshold = self.threshold_for(question)
        # Later pages obey the same threshold: "more passages" must not turn into noise.
        confident = [hit for hit in hits if hit.score >= threshold]
        return Answer(
            question=question,
            hits=confident,
            answered=bool(confident),
            index_version=self.version,
            seconds=time.perf_counter() - started,
            offset=offset,
            threshold=threshold,
        )

    def threshold_for(self, question: str) -> float:
        """The score a passage needs to be quoted for this question (see KEYWORD_SLOPE)."""
        coverage = self.index.lexical.coverage(question)
        keyword_weight = fusion.lexical_weight_for(coverage, self.options.fusion)
        return self.options.min_score + self.options.keyword_slope * keyword_weight

    def close(self) -> None:
        self.index.close()


def _span(hit: Hit) -> tuple[str, int, int]:
    return hit.passage.article_id, hit.passage.start, hit.passage.end
