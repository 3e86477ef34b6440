"""Every retrieval configuration tried, on PIAF (both halves) and XQuAD, as one markdown table.

    .venv/bin/python -m scripts.retrieval_experiments            # print the table, update docs/retrieval.md

Embeddings are cached as .npy files under /tmp/qa-exp (keyed by model and exact texts), so a
rerun only pays for what changed. Passages come from the project's `index.ingest.passages.split_article`
(or the SQuAD contexts themselves for the reference rows).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from index.embed.embedder import PACKAGED_MINILM, PACKAGED_USE, SentenceTransformerEmbedder, load_embedder
from index.evaluation.metrics import summarise
from index.evaluation.squad import SquadQuestion, SquadSet, load_squad
from index.ingest.passages import SplitSettings, split_article
from index.records import Article, Passage
from index.search.retriever import CANDIDATES
from index.store.lexical import LexicalIndex
from index.text.sentences import split_sentences
from index.text.terms import TokenizerSettings
from scripts.doc_blocks import write_block
from scripts.fusion_variants import (
    FusionSettings,
    blend_sentence_scores,
    fuse,
    lexical_weight_for,
    max_by_owner,
    reciprocal_rank_fusion,
    top_rows,
)

ROOT = Path(__file__).resolve().parents[1]
# The shared evaluation sets sit beside the project checkout (../shared/eval), read in place.
EVAL = ROOT.parent / "shared" / "eval"
CACHE = Path("/tmp/qa-exp")
DOC = ROOT / "docs" / "retrieval.md"


def split_questions(
    questions: Sequence[SquadQuestion], articles: Sequence[Article]
) -> tuple[list[SquadQuestion], list[SquadQuestion]]:
    """Hold-out split by article: questions on even-numbered articles, then on odd-numbered ones."""
    parity = {article.id: number % 2 for number, article in enumerate(articles)}
    even = [question for question in questions if parity[question.article_id] == 0]
    odd = [question for question in questions if parity[question.article_id] == 1]
    return even, odd


# --- data ---------------------------------------------------------------------------------------


@dataclass
class Corpus:
    """Passages of one question set, their sentences, and which passages answer each question."""

    passages: list[Passage]
    titles: list[str]
    sentence_texts: list[str]
    sentence_owner: np.ndarray
    gold_rows: list[frozenset[int]]


@dataclass
class Dataset:
    name: str
    squad: SquadSet
    questions: list[SquadQuestion]
    corpora: dict[str, Corpus] = field(default_factory=dict)


def load_datasets() -> dict[str, Dataset]:
    piaf = load_squad(EVAL / "piaf" / "piaf-v1.1.json", name="piaf")
    en = load_squad(EVAL / "xquad" / "xquad.en.json", name="xquad-en")
    sets = {"piaf": piaf, "en>en": en}
    for language in ("es", "de"):
        # XQuAD keeps English titles in every language; a news article's headline would be in the
        # article's language, so the translated sets get no title rather than a leaked English one.
        squad = load_squad(
            EVAL / "xquad" / f"xquad.{language}.json",
            name=f"xquad-{language}",
            questions_from=EVAL / "xquad" / "xquad.en.json",
        )
        squad = replace(squad, articles=tuple(replace(article, title="") for article in squad.articles))
        sets[f"en>{language}"] = squad
    return {name: Dataset(name, squad, list(squad.questions)) for name, squad in sets.items()}


def passages_for(
    squad: SquadSet, unit: str, count_tokens: Callable[[str], int] | None, max_tokens: int | None
) -> list[Passage]:
    if unit == "contexts":
        return [
            Passage(article.id, position, start, end, article.text[start:end])
            for article in squad.articles
            for position, (start, end) in enumerate(squad.context_spans[article.id])
        ]
    target, maximum = (int(part) for part in unit.removeprefix("split").split("/"))
    settings = SplitSettings(target_words=target, max_words=maximum)
    out: list[Passage] = []
    for article in squad.articles:
        out.extend(split_article(article, settings, count_tokens=count_tokens, max_tokens=max_tokens))
    return out


def build_corpus(
    dataset: Dataset, unit: str, count_tokens: Callable[[str], int] | None, max_tokens: int | None
) -> Corpus:
    squad = dataset.squad
    passages = passages_for(squad, unit, count_tokens, max_tokens)
    titles = {article.id: article.title for article in squad.articles}
    sentence_texts: list[str] = []
    owners: list[int] = []
    for row, passage in enumerate(passages):
        for start, end in split_sentences(passage.text) or [(0, len(passage.text))]:
            sentence_texts.append(passage.text[start:end])
            owners.append(row)
    rows_by_article: dict[str, list[int]] = {}
    for row, passage in enumerate(passages):
        rows_by_article.setdefault(passage.article_id, []).append(row)
    gold = [
        frozenset(
            row
            for row in rows_by_article.get(question.article_id, [])
            if passages[row].start < question.end and question.start < passages[row].end
        )
        for question in dataset.questions
    ]
    return Corpus(
        passages, [titles[p.article_id] for p in passages], sentence_texts, np.asarray(owners), gold
    )


# --- cached embeddings ----------------------------------------------------------------------------


class CachedEmbedder:
    """An embedder whose vectors are cached as .npy files keyed by model and exact texts."""

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name
        self._embedder: SentenceTransformerEmbedder | None = None

    def _model(self) -> SentenceTransformerEmbedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.model_name)
        return self._embedder

    def count_tokens(self, text: str) -> int:
        return int(self._model().count_tokens(text))

    @property
    def max_tokens(self) -> int | None:
        return self._model().max_tokens

    def embed(self, texts: Sequence[str], kind: str) -> np.ndarray:
        digest = hashlib.sha256(
            (self.model_name + "\x1e" + kind + "\x1e" + "\x1f".join(texts)).encode()
        ).hexdigest()[:24]
        path = CACHE / f"{self.model_name.replace('/', '_')}-{kind}-{digest}.npy"
        if path.exists():
            return np.load(path, allow_pickle=False)
        model = self._model()
        started = time.perf_counter()
        vectors = model.embed_queries(list(texts)) if kind == "query" else model.embed_passages(list(texts))
        print(
            f"  embedded {len(texts)} {kind} texts with {self.model_name}"
            f" in {time.perf_counter() - started:.0f}s",
            file=sys.stderr,
        )
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors, allow_pickle=False)
        return vectors


# --- configurations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """One retrieval configuration; `dense` None means keyword-only, `lexical` None dense-only."""

    label: str
    unit: str = "split100/160"
    dense: str | None = PACKAGED_USE
    title: bool = False
    sentence_weight: float = 0.0
    lexical: TokenizerSettings | None = None
    fusion: str = "weighted"  # "weighted" or "rrf"
    fusion_settings: FusionSettings = field(default_factory=FusionSettings)


FR = TokenizerSettings()
NO_STEM = TokenizerSettings(stemmer=None)
EN_STEM = TokenizerSettings(stemmer="english")
NO_FOLD = TokenizerSettings(fold_accents=False)
NO_STOP = TokenizerSettings(stopword_languages=())


def configurations() -> list[Config]:
    plain = FusionSettings(lexical_weight=0.3, coverage_power=0.0)
    out = [
        Config("BM25 no stemming (contexts)", unit="contexts", dense=None, lexical=NO_STEM),
        Config("BM25 French stem (contexts)", unit="contexts", dense=None, lexical=FR),
        Config("BM25 English stem (contexts)", unit="contexts", dense=None, lexical=EN_STEM),
        Config(
            "BM25 French stem, no accent folding (contexts)", unit="contexts", dense=None, lexical=NO_FOLD
        ),
        Config("BM25 French stem, no stop words (contexts)", unit="contexts", dense=None, lexical=NO_STOP),
        Config("USE (contexts)", unit="contexts"),
        Config("MiniLM (contexts)", unit="contexts", dense=PACKAGED_MINILM),
        Config("BM25 French stem", dense=None, lexical=FR),
        Config("USE", lexical=None),
        Config("USE + title", title=True),
        Config("USE best sentence", sentence_weight=1.0),
        Config("USE passage+sentence 0.5", sentence_weight=0.5),
        Config("USE + title, passage+sentence 0.5", title=True, sentence_weight=0.5),
        Config("MiniLM", dense=PACKAGED_MINILM),
        Config("BM25 + USE, RRF k=60", lexical=FR, fusion="rrf"),
    ]
    for weight in (0.2, 0.3, 0.5):
        out.append(
            Config(
                f"BM25 + USE, weighted w={weight}",
                lexical=FR,
                fusion_settings=replace(plain, lexical_weight=weight),
            )
        )
    for weight in (0.3, 0.5):
        for power in (1.0, 2.0):
            settings = FusionSettings(lexical_weight=weight, coverage_power=power)
            out.append(
                Config(f"BM25 + USE, w={weight}·coverage^{power:g}", lexical=FR, fusion_settings=settings)
            )
    for weight in (0.3, 0.5):
        settings = FusionSettings(lexical_weight=weight, coverage_power=2.0)
        out.append(
            Config(
                f"BM25 + USE sent 0.5, w={weight}·coverage^2",
                lexical=FR,
                sentence_weight=0.5,
                fusion_settings=settings,
            )
        )
        out.append(
            Config(
                f"BM25 + USE+title sent 0.5, w={weight}·coverage^2",
                lexical=FR,
                title=True,
                sentence_weight=0.5,
                fusion_settings=settings,
            )
        )
    best = FusionSettings(lexical_weight=0.3, coverage_power=2.0)
    for unit in ("split60/100", "split150/230"):
        out.append(
            Config(
                f"BM25 + USE sent 0.5, w=0.3·coverage^2, passages {unit[5:]}",
                unit=unit,
                lexical=FR,
                sentence_weight=0.5,
                fusion_settings=best,
            )
        )
    out.append(
        Config("BM25 + MiniLM, w=0.3·coverage^2", dense=PACKAGED_MINILM, lexical=FR, fusion_settings=best)
    )
    return out


# --- running ------------------------------------------------------------------------------------


@dataclass
class Prepared:
    """What one (dataset, unit, dense model, title, lexical) needs, computed once."""

    dense_scores: np.ndarray | None  # questions x passages
    lexical: LexicalIndex | None


class Runner:
    def __init__(self, datasets: dict[str, Dataset]) -> None:
        self.datasets = datasets
        self.embedders: dict[str, CachedEmbedder] = {}
        self._corpora: dict[tuple[str, str], Corpus] = {}
        self._dense: dict[tuple[str, str, str, bool, float], np.ndarray] = {}
        self._lexical: dict[tuple[str, str, TokenizerSettings], LexicalIndex] = {}

    def embedder(self, name: str) -> CachedEmbedder:
        return self.embedders.setdefault(name, CachedEmbedder(name))

    def corpus(self, dataset: Dataset, unit: str) -> Corpus:
        key = (dataset.name, unit)
        if key not in self._corpora:
            # Passages are sized for USE's window (the recommended model) whatever the config.
            use = self.embedder(PACKAGED_USE)
            counter = use.count_tokens if unit != "contexts" else None
            self._corpora[key] = build_corpus(dataset, unit, counter, use.max_tokens if counter else None)
        return self._corpora[key]

    def dense_scores(self, dataset: Dataset, config: Config) -> np.ndarray:
        assert config.dense is not None
        key = (dataset.name, config.unit, config.dense, config.title, config.sentence_weight)
        if key not in self._dense:
            corpus = self.corpus(dataset, config.unit)
            model = self.embedder(config.dense)
            questions = model.embed([q.text for q in dataset.questions], "query")
            texts = [
                f"{title}\n{p.text}" if config.title and title else p.text
                for title, p in zip(corpus.titles, corpus.passages, strict=True)
            ]
            scores = questions @ model.embed(texts, "passage").T
            if config.sentence_weight > 0:
                sentences = model.embed(corpus.sentence_texts, "passage")
                best = np.stack(
                    [
                        max_by_owner(row, corpus.sentence_owner, len(corpus.passages))
                        for row in questions @ sentences.T
                    ]
                )
                scores = blend_sentence_scores(scores, best, config.sentence_weight)
            self._dense[key] = scores.astype(np.float32)
        return self._dense[key]

    def lexical(self, dataset: Dataset, config: Config) -> LexicalIndex:
        assert config.lexical is not None
        key = (dataset.name, config.unit, config.lexical)
        if key not in self._lexical:
            corpus = self.corpus(dataset, config.unit)
            self._lexical[key] = LexicalIndex.build([p.text for p in corpus.passages], config.lexical)
        return self._lexical[key]

    def ranks(self, dataset: Dataset, config: Config) -> tuple[list[int | None], list[bool], list[float]]:
        corpus = self.corpus(dataset, config.unit)
        dense = self.dense_scores(dataset, config) if config.dense else None
        lexical = self.lexical(dataset, config) if config.lexical else None
        depth = CANDIDATES
        ranks: list[int | None] = []
        answers: list[bool] = []
        latencies: list[float] = []
        for number, question in enumerate(dataset.questions):
            started = time.perf_counter()
            dense_hits = top_rows(dense[number], depth) if dense is not None else []
            lexical_hits = lexical.search(question.text, depth) if lexical is not None else []
            if dense is None:
                ranked = lexical_hits
            elif lexical is None:
                ranked = dense_hits
            elif config.fusion == "rrf":
                ranked = reciprocal_rank_fusion([dense_hits, lexical_hits])
            else:
                weight = lexical_weight_for(lexical.coverage(question.text), config.fusion_settings)
                ranked = fuse(dense_hits, lexical_hits, weight)
            latencies.append(time.perf_counter() - started)
            top = [row for row, _ in ranked[:10]]
            gold = corpus.gold_rows[number]
            ranks.append(next((rank for rank, row in enumerate(top, start=1) if row in gold), None))
            answers.append(
                any(answer in corpus.passages[row].text for row in top[:5] for answer in question.answers)
            )
        return ranks, answers, latencies


def run(configs: list[Config], datasets: dict[str, Dataset]) -> list[str]:
    runner = Runner(datasets)
    piaf = datasets["piaf"]
    even, odd = split_questions(piaf.questions, piaf.squad.articles)
    even_ids, odd_ids = {q.id for q in even}, {q.id for q in odd}
    header = (
        "| configuration | PIAF even R@1/R@5/R@10/MRR | PIAF odd R@1/R@5/R@10/MRR "
        "| PIAF all R@5 / MRR@10 / answer@5 "
        "| XQuAD en>en R@5 | en>es R@5 | en>de R@5 | passages (PIAF) | fuse+BM25 ms |"
    )
    rows = [header, "|" + "---|" * 9]
    for config in configs:
        started = time.perf_counter()
        cells: dict[str, str] = {}
        ranks, answers, latencies = runner.ranks(piaf, config)
        ids = [q.id for q in piaf.questions]
        for half, keep in (("even", even_ids), ("odd", odd_ids)):
            chosen = [i for i, qid in enumerate(ids) if qid in keep]
            m = summarise([ranks[i] for i in chosen], [answers[i] for i in chosen], [])
            cells[half] = (
                f"{m.recall_at_1:.3f} / {m.recall_at_5:.3f} / {m.recall_at_10:.3f} / {m.mrr_at_10:.3f}"
            )
        full = summarise(ranks, answers, latencies)
        cells["all"] = f"{full.recall_at_5:.3f} / {full.mrr_at_10:.3f} / {full.answer_in_passage_at_5:.3f}"
        for name in ("en>en", "en>es", "en>de"):
            r, a, _ = runner.ranks(datasets[name], config)
            cells[name] = f"{summarise(r, a, []).recall_at_5:.3f}"
        passages = len(runner.corpus(piaf, config.unit).passages)
        row = (
            f"| {config.label} | {cells['even']} | {cells['odd']} | {cells['all']} | {cells['en>en']} "
            f"| {cells['en>es']} "
            f"| {cells['en>de']} | {passages} | {full.latency_median_ms:.2f} |"
        )
        rows.append(row)
        print(row, f"({time.perf_counter() - started:.0f}s)", file=sys.stderr)
    return rows


# --- end-to-end latency over 10,000 passages -----------------------------------------------------


def latency_10k(datasets: dict[str, Dataset], questions: int = 300) -> str:
    """Median/p95 ms per question for the recommended pipeline over 10,000 passages (after loading)."""
    runner = Runner(datasets)
    model = load_embedder(PACKAGED_USE)
    cached = runner.embedder(PACKAGED_USE)
    texts: list[str] = []
    passage_parts: list[np.ndarray] = []
    sentence_parts: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    for dataset in datasets.values():
        corpus = runner.corpus(dataset, "split100/160")
        owners.append(corpus.sentence_owner + len(texts))
        texts.extend(p.text for p in corpus.passages)
        passage_parts.append(cached.embed([p.text for p in corpus.passages], "passage"))
        sentence_parts.append(cached.embed(corpus.sentence_texts, "passage"))
    passages, sentences = np.concatenate(passage_parts), np.concatenate(sentence_parts)
    repeat = -(-10_000 // len(texts))
    # Tile to 10,000 rows: search cost depends on the row count, not on the rows being distinct.
    passages = np.tile(passages, (repeat, 1))[:10_000]
    sentence_owner = np.concatenate([np.concatenate(owners) + i * len(texts) for i in range(repeat)])
    sentences = np.tile(sentences, (repeat, 1))
    keep = sentence_owner < 10_000
    sentences, sentence_owner = np.ascontiguousarray(sentences[keep]), sentence_owner[keep]
    lexical = LexicalIndex.build((texts * repeat)[:10_000], FR)
    settings = FusionSettings()
    asked = [q.text for q in datasets["piaf"].questions[:questions]]
    timings: list[float] = []
    for text in asked:
        started = time.perf_counter()
        query = model.embed_queries([text])[0]
        dense = blend_sentence_scores(
            passages @ query, max_by_owner(sentences @ query, sentence_owner, 10_000), 0.5
        )
        ranked = fuse(
            top_rows(dense, CANDIDATES),
            lexical.search(text, CANDIDATES),
            lexical_weight_for(lexical.coverage(text), settings),
        )
        _ = ranked[:10]
        timings.append(time.perf_counter() - started)
    ms = np.asarray(timings) * 1000
    return (
        "End-to-end latency of the recommended configuration over 10,000 passages "
        f"({len(sentences):,} sentence vectors), {questions} PIAF questions, query embedding included, "
        "numpy flat inner product, this 2-core machine: "
        f"median {np.median(ms):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms."
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help="run configurations whose label contains this text")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/retrieval.md alone")
    args = parser.parse_args()
    datasets = load_datasets()
    configs = [c for c in configurations() if not args.only or args.only in c.label]
    table = run(configs, datasets)
    latency = latency_10k(datasets)
    print("\n".join(table))
    print(latency)
    if not args.no_write and not args.only:
        write_block(DOC, "experiments", [*table, "", latency], "# Retrieval quality")


if __name__ == "__main__":
    main()
