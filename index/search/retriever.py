"""Question → ranked passages: candidates from dense and keyword search, a second stage that ranks
them and says how likely each is to answer, a nudge towards recent news, one story quoted once,
abstention below a probability. A period (since/until, or named in the question) narrows or
favours the articles published then."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np

from index.embed.embedder import Embedder
from index.records import Passage
from index.search.candidates import gather
from index.search.highlight import highlight_spans
from index.search.periods import Period, period_in_question
from index.search.recency import recency_bonus
from index.search.second_stage import SecondStage, shipped_model
from index.search.stories import Fingerprint, dedupe_overlapping, group_stories
from index.settings import DEFAULTS
from index.store.loader import LoadedIndex
from index.store.passages_db import ArticleInfo
from index.store.vectors import RowSubset
from index.text.chat import expand_chat

# Candidates taken from each of the dense and keyword searches before the second stage.
CANDIDATES = 50
# Candidates below the wanted passages searched for repeats of their stories.
STORY_WINDOW = 8
# Passages whose fingerprints are kept (a question's candidates are often the last one's).
_FINGERPRINTS_KEPT = 4096
# Scopes (collections, periods) whose rows are kept ready for restricted search.
_SUBSETS_KEPT = 8


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
    also_in: tuple[ArticleInfo, ...] = ()  # other articles that tell the same story (wire copy, updates)


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
    period: Period | None = None  # the period asked for (since/until) or named in the question

    @property
    def in_period(self) -> int:
        """How many quoted passages come from articles published in the period."""
        return 0 if self.period is None else sum(self.period.holds(hit.article.date) for hit in self.hits)


@dataclass(frozen=True)
class RetrievalOptions:
    """Knobs of the ranking; the defaults are the measured configuration."""

    min_confidence: float = DEFAULTS.min_confidence
    candidates: int = CANDIDATES
    model: SecondStage = field(default_factory=shipped_model)
    expand_chat: bool = True
    read_dates: bool = True  # favour the period a question names ("en mars 2019", "hier")
    recency_half_life_days: float = DEFAULTS.recency_half_life_days  # 0: only the tie-break


class Retriever:
    """Searches one loaded index with one embedder; safe to call from worker threads."""

    def __init__(
        self, index: LoadedIndex, embedder: Embedder, options: RetrievalOptions | None = None
    ) -> None:
        index.manifest.check_model(embedder.model_name, embedder.dimension)
        self.index = index
        self.embedder = embedder
        self.options = options or RetrievalOptions()
        self._subsets: OrderedDict[tuple[frozenset[str], tuple[str, str] | None], RowSubset] = OrderedDict()
        self._subsets_lock = threading.Lock()
        self._fingerprints: OrderedDict[int, Fingerprint] = OrderedDict()
        self._row_days: np.ndarray | None = None
        self._fingerprints_lock = threading.Lock()

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
        window: Period | None = None,
        today: date | None = None,
    ) -> list[Hit]:
        """The passages ranked offset..offset+k for a question, best first, without overlapping windows.

        `window` keeps only articles published in it; `without` (sorted rows) searches as if those
        passages were not indexed (evaluation only).
        """
        return self._search(question, k, offset, collections, without, window, today)[0]

    def _search(
        self,
        question: str,
        k: int,
        offset: int,
        collections: Collection[str] | None,
        without: np.ndarray | None,
        window: Period | None,
        today: date | None,
    ) -> tuple[list[Hit], Period | None]:
        """The hits ranked offset..offset+k, and the period they were narrowed to or favoured."""
        wanted = offset + k
        pool = max(self.options.candidates, wanted * 4)
        today = today or date.today()
        asked = expand_chat(question) if self.options.expand_chat else question
        query_vector = self.embedder.embed_queries([asked])[0]
        scope = self._subset(collections, window)
        ranked = self._ranked(asked, query_vector, pool, scope, today, without)
        period = window
        named = period_in_question(question, today) if window is None and self.options.read_dates else None
        if named is not None and self._days().any():  # an undated corpus has no period to favour
            # Passages from the period the question names come first when they are likely enough
            # to answer; the rest follow, so a question about an event dated elsewhere still finds it.
            period = named
            inside = self._subset(collections, named)
            if inside is not None and len(inside):
                bar = self.options.min_confidence
                first = self._ranked(asked, query_vector, pool, inside, today, without)
                ranked = [hit for hit in first if hit.confidence >= bar] + ranked
        # Repeats of a story rank close to it: grouping the first few dozen finds them.
        ranked = dedupe_overlapping(ranked, span=_span)[: wanted * 2 + STORY_WINDOW]
        stories = group_stories(ranked, fingerprint=self._fingerprint, article=lambda hit: hit.article.id)
        hits = [replace(story.best, also_in=tuple(h.article for h in story.also)) for story in stories]
        return [self._with_highlights(hit, asked, query_vector) for hit in hits[offset:wanted]], period

    def _ranked(
        self,
        asked: str,
        query_vector: np.ndarray,
        pool: int,
        scope: RowSubset | None,
        today: date,
        without: np.ndarray | None,
    ) -> list[Hit]:
        """The best `pool` candidates in `scope` by the second stage, then reordered by recency (the
        more recent first among near ties; older ones fading when a half-life is set)."""
        found = gather(self.index, asked, query_vector, pool, scope, without=without)
        model = self.options.model
        scores = model.rank(found.features)
        confidence = model.confidence(found.features, scores)
        if not found.query.terms:
            # Nothing to look for ("???", emoji, only stop words): the calibrator was never fitted on
            # such a question and would trust the cosine alone; no passage answers it.
            confidence = np.zeros_like(confidence)
        best = sorted(range(len(found)), key=lambda i: (-scores[i], int(found.rows[i])))[:pool]
        stored = self.index.database.passages([int(found.rows[i]) for i in best])
        candidates = [
            Hit(row, item.passage, item.article, float(scores[i]), confidence=float(confidence[i]))
            for i in best
            if (item := stored.get(row := int(found.rows[i]))) is not None
        ]
        bonus = recency_bonus(
            [hit.article.date for hit in candidates], today, self.options.recency_half_life_days
        )
        order = sorted(
            range(len(candidates)), key=lambda i: (-(candidates[i].score + bonus[i]), candidates[i].row)
        )
        return [candidates[i] for i in order]

    def _subset(self, collections: Collection[str] | None, period: Period | None) -> RowSubset | None:
        """The rows of these collections and period, prepared for restricted search (kept for
        reuse); None when neither restricts anything."""
        if not collections and period is None:
            return None
        key = (
            frozenset(collections or ()),
            None if period is None else (period.start.isoformat(), period.end.isoformat()),
        )
        with self._subsets_lock:
            subset = self._subsets.get(key)
            if subset is not None:
                self._subsets.move_to_end(key)
                return subset
        if period is None:
            rows = np.asarray(self.index.database.rows_in_collections(key[0]), dtype=np.int64)
        else:
            days = self._days()
            rows = np.flatnonzero((days >= period.start.toordinal()) & (days <= period.end.toordinal()))
            if collections and len(rows):
                collection = self._subset(collections, None)
                assert collection is not None
                rows = np.intersect1d(rows, collection.rows)
        subset = self.index.vectors.subset(rows.astype(np.int64))
        with self._subsets_lock:
            self._subsets[key] = subset
            while len(self._subsets) > _SUBSETS_KEPT:
                self._subsets.popitem(last=False)
        return subset

    def _days(self) -> np.ndarray:
        """Each row's publication day (0: undated), read from the database on first use."""
        with self._subsets_lock:
            if self._row_days is None:
                self._row_days = self.index.database.row_days(self.index.manifest.passages)
            return self._row_days

    def _fingerprint(self, hit: Hit) -> Fingerprint:
        """The passage's shingles for story grouping, computed once per row while kept."""
        with self._fingerprints_lock:
            found = self._fingerprints.get(hit.row)
            if found is not None:
                self._fingerprints.move_to_end(hit.row)
                return found
        fingerprint = Fingerprint.of(hit.passage.text)
        with self._fingerprints_lock:
            self._fingerprints[hit.row] = fingerprint
            while len(self._fingerprints) > _FINGERPRINTS_KEPT:
                self._fingerprints.popitem(last=False)
        return fingerprint

    def _with_highlights(self, hit: Hit, question: str, query: np.ndarray) -> Hit:
        sentences = self.index.sentences
        scores = sentences.scores(query, hit.row) if sentences is not None else None
        spans = highlight_spans(question, hit.passage.text, None if scores is None else scores.tolist())
        shifted = tuple((hit.passage.start + s, hit.passage.start + e) for s, e in spans)
        return replace(hit, highlights=shifted)

    def answer(
        self,
        question: str,
        k: int = 3,
        *,
        offset: int = 0,
        collections: Collection[str] | None = None,
        window: Period | None = None,
        today: date | None = None,
    ) -> Answer:
        """Search, then quote the passages likely enough to answer (`min_confidence`), or abstain."""
        started = time.perf_counter()
        hits, period = self._search(question, k, offset, collections, None, window, today)
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
            period=period,
        )

    def close(self) -> None:
        self.index.close()


def _span(hit: Hit) -> tuple[str, int, int]:
    return hit.passage.article_id, hit.passage.start, hit.passage.end
