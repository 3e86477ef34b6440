"""Question → ranked passages: candidates from dense and keyword search, a second stage that ranks
them and says how likely each is to answer, near-duplicates dropped, abstention below a probability."""

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
from index.search.candidates import gather
from index.search.highlight import highlight_spans
from index.search.second_stage import SecondStage, shipped_model
from index.settings import DEFAULTS
from index.store.loader import LoadedIndex
from index.store.passages_db import ArticleInfo
from index.store.vectors import RowSubset
from index.text.chat import expand_chat

# Candidates taken from each of the dense and keyword searches before the second stage.
CANDIDATES = 50
# Sets of collections whose rows are kept ready for restricted search (a few channels' mappings).
_SUBSETS_KEPT = 4


@dataclass(frozen=True)
class Hit:
    """One quoted passage: its ranking score, the probability that it answers the question, and the
    sentences that best answer it."""

    row: int
    passage: Passage
    article: ArticleInfo
    score: float  # ranking score (log-odds, comparable within one question only)
    highlights: tuple[tuple[int, int], ...] = ()
    confidence: float = 0.0  # calibrated probability that this passage answers the question (0..1)


@dataclass(frozen=True)
class Answer:
    """What the bot shows: the passages, or an abstention when none is likely enough to answer."""

    question: str
    hits: list[Hit]
    answered: bool
    index_version: str
    seconds: float
    offset: int = 0
    threshold: float = DEFAULTS.min_confidence  # the probability a passage needs to be quoted
    confidence: float = 0.0  # probability that the first passage answers (also when abstaining)


@dataclass(frozen=True)
class RetrievalOptions:
    """Knobs of the ranking; the defaults are the measured configuration."""

    min_confidence: float = DEFAULTS.min_confidence
    candidates: int = CANDIDATES
    model: SecondStage = field(default_factory=shipped_model)
    expand_chat: bool = True


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
        self,
        question: str,
        k: int = 5,
        *,
        offset: int = 0,
        collections: Collection[str] | None = None,
        without: np.ndarray | None = None,
    ) -> list[Hit]:
        """The passages ranked offset..offset+k for a question, best first, without overlapping windows.

        `without` (sorted rows) searches as if those passages were not indexed (evaluation only).
        """
        wanted = offset + k
        pool = max(self.options.candidates, wanted * 4)
        subset = self._subset(collections) if collections else None
        asked = expand_chat(question) if self.options.expand_chat else question
        query_vector = self.embedder.embed_queries([asked])[0]
        found = gather(self.index, asked, query_vector, pool, subset, without=without)
        model = self.options.model
        scores = model.rank(found.features)
        confidence = model.confidence(found.features, scores)
        order = sorted(range(len(found)), key=lambda i: (-scores[i], int(found.rows[i])))[:pool]
        stored = self.index.database.passages([int(found.rows[i]) for i in order])
        candidates = [
            Hit(row, item.passage, item.article, float(scores[i]), confidence=float(confidence[i]))
            for i in order
            if (item := stored.get(row := int(found.rows[i]))) is not None
        ]
        hits = fusion.dedupe_overlapping(candidates, span=_span)[:wanted]
        return [self._with_highlights(hit, asked, query_vector) for hit in hits[offset:wanted]]

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

    def _with_highlights(self, hit: Hit, question: str, query: np.ndarray) -> Hit:
        sentences = self.index.sentences
        scores = sentences.scores(query, hit.row) if sentences is not None else None
        spans = highlight_spans(question, hit.passage.text, None if scores is None else scores.tolist())
        shifted = tuple((hit.passage.start + s, hit.passage.start + e) for s, e in spans)
        return Hit(hit.row, hit.passage, hit.article, hit.score, shifted, hit.confidence)

    def answer(
        self, question: str, k: int = 3, *, offset: int = 0, collections: Collection[str] | None = None
    ) -> Answer:
        """Search, then quote the passages likely enough to answer (`min_confidence`), or abstain."""
        started = time.perf_counter()
        hits = self.search(question, k, offset=offset, collections=collections)
        bar = self.options.min_confidence
        # Later pages obey the same bar: "more passages" must not turn into noise.
        confident = [hit for hit in hits if hit.confidence >= bar]
        return Answer(
            question=question,
            hits=confident,
            answered=bool(confident),
            index_version=self.version,
            seconds=time.perf_counter() - started,
            offset=offset,
            threshold=bar,
            confidence=hits[0].confidence if hits else 0.0,
        )

    def close(self) -> None:
        self.index.close()


def _span(hit: Hit) -> tuple[str, int, int]:
    return hit.passage.article_id, hit.passage.start, hit.passage.end
