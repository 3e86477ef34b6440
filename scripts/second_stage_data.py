"""Candidates and their features for every question of an evaluation set, through the product's code.

Each set is indexed with the product's `rebuild` (embedding cache kept under the work folder, so a
second run embeds nothing), questions are embedded in one batch (cached as .npy), and every
question's candidates come from `index.search.candidates.gather`, the function the retriever
calls. The result is plain arrays: one line per (question, candidate row).
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.assembly import build_options_from, embedder_from
from index.build.pipeline import rebuild
from index.embed.embedder import Embedder
from index.evaluation.squad import SquadQuestion, SquadSet, load_squad
from index.search.candidates import gather
from index.search.retriever import CANDIDATES
from index.settings import IndexSettings
from index.store.loader import LoadedIndex, open_published
from index.text.chat import expand_chat

ROOT = Path(__file__).resolve().parents[1]
# The shared evaluation sets sit beside the project checkout (../shared/eval), read in place.
EVAL = ROOT.parent / "shared" / "eval"
WORK = Path("/tmp/qa-exp/second-stage")

SETS = {
    "piaf": (EVAL / "piaf" / "piaf-v1.1.json", None),
    "en": (EVAL / "xquad" / "xquad.en.json", None),
    "en>es": (EVAL / "xquad" / "xquad.es.json", EVAL / "xquad" / "xquad.en.json"),
    "en>de": (EVAL / "xquad" / "xquad.de.json", EVAL / "xquad" / "xquad.en.json"),
}


def tuning_articles(squad: SquadSet) -> frozenset[str]:
    """The split rule: articles at even positions in the file (0, 2, 4, ...) are for tuning and
    training; odd positions are only ever reported."""
    return frozenset(article.id for number, article in enumerate(squad.articles) if number % 2 == 0)


@dataclass
class SetData:
    """One line per (question, candidate): which question, the row, its features and labels."""

    name: str
    question: np.ndarray  # question number (position in the set)
    rows: np.ndarray
    features: np.ndarray
    hit: np.ndarray  # the row overlaps the question's gold context
    gold_article: np.ndarray  # the row belongs to the question's article (dropped to test abstention)
    tuning: np.ndarray  # per question: its article is in the tuning part
    questions: int
    removed_question: np.ndarray  # the same question asked with its article removed: no candidate is a hit
    removed_features: np.ndarray


def load_set(name: str, *, chat: Path | None = None) -> SquadSet:
    path, questions_from = SETS[name]
    squad = load_squad(path, questions_from=questions_from)
    if chat is not None:  # same articles (same ids), retyped questions
        squad = replace(squad, questions=load_squad(chat, name=Path(path).stem).questions)
    return squad


def open_set(name: str, squad: SquadSet, embedder: Embedder, settings: IndexSettings) -> LoadedIndex:
    """The set's evaluation index (rebuilt incrementally: only what changed is embedded)."""
    directory = WORK / name.replace(">", "-") / "index"
    directory.mkdir(parents=True, exist_ok=True)
    rebuild(list(squad.articles), directory, embedder, build_options_from(settings), on_stage=lambda _: None)
    return open_published(directory)


def query_vectors(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    digest = hashlib.sha256(("\x1f".join(texts) + embedder.model_name).encode()).hexdigest()[:24]
    path = WORK / f"queries-{digest}.npy"
    if path.exists():
        return np.load(path, allow_pickle=False)
    started = time.perf_counter()
    vectors = np.concatenate(
        [embedder.embed_queries(list(texts[i : i + 256])) for i in range(0, len(texts), 256)]
    )
    print(f"  embedded {len(texts)} questions in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors, allow_pickle=False)
    return vectors


def collect(
    name: str, squad: SquadSet, index: LoadedIndex, vectors: np.ndarray, questions: Sequence[SquadQuestion]
) -> SetData:
    spans = {}
    rows_of: dict[str, list[int]] = {}
    for row, stored in index.database.passages(list(range(index.manifest.passages))).items():
        spans[row] = (stored.passage.article_id, stored.passage.start, stored.passage.end)
        rows_of.setdefault(stored.passage.article_id, []).append(row)
    tuning_ids = tuning_articles(squad)
    lines_q, lines_rows, lines_f, lines_hit, lines_gold = [], [], [], [], []
    removed_q, removed_f = [], []
    for number, question in enumerate(questions):
        without = np.array(sorted(rows_of.get(question.article_id, [])), dtype=np.int64)
        text = expand_chat(question.text)  # as the retriever asks it
        removed = gather(index, text, vectors[number], CANDIDATES, without=without)
        removed_q.append(np.full(len(removed), number))
        removed_f.append(removed.features)
        found = gather(index, text, vectors[number], CANDIDATES)
        owners = [spans[int(row)] for row in found.rows]
        gold = np.array([article == question.article_id for article, _, _ in owners])
        hit = np.array(
            [
                article == question.article_id and start < question.end and question.start < end
                for article, start, end in owners
            ]
        )
        lines_q.append(np.full(len(found), number))
        lines_rows.append(found.rows)
        lines_f.append(found.features)
        lines_hit.append(hit)
        lines_gold.append(gold)
    return SetData(
        name,
        np.concatenate(lines_q),
        np.concatenate(lines_rows),
        np.concatenate(lines_f),
        np.concatenate(lines_hit),
        np.concatenate(lines_gold),
        np.array([q.article_id in tuning_ids for q in questions]),
        len(questions),
        np.concatenate(removed_q),
        np.concatenate(removed_f),
    )


def load_all(names: Sequence[str], chat: dict[str, Path] | None = None) -> dict[str, SetData]:
    settings = IndexSettings(_env_file=None)  # type: ignore[call-arg]
    embedder = embedder_from(settings)
    out: dict[str, SetData] = {}
    for name in names:
        started = time.perf_counter()
        base = name.removesuffix("+chat")
        squad = load_set(base, chat=(chat or {}).get(name))
        index = open_set(base, squad, embedder, settings)
        try:
            vectors = query_vectors(embedder, [expand_chat(q.text) for q in squad.questions])
            out[name] = collect(name, squad, index, vectors, squad.questions)
        finally:
            index.close()
        print(f"{name}: {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return out


def save(data: SetData, path: Path) -> None:
    np.savez(
        path,
        question=data.question,
        rows=data.rows,
        features=data.features,
        hit=data.hit,
        gold_article=data.gold_article,
        tuning=data.tuning,
        removed_question=data.removed_question,
        removed_features=data.removed_features,
    )


def load(name: str, path: Path) -> SetData:
    with np.load(path, allow_pickle=False) as arrays:
        return SetData(
            name,
            arrays["question"],
            arrays["rows"],
            arrays["features"],
            arrays["hit"],
            arrays["gold_article"],
            arrays["tuning"],
            len(arrays["tuning"]),
            arrays["removed_question"],
            arrays["removed_features"],
        )


if __name__ == "__main__":
    for key, value in load_all(sys.argv[1:] or list(SETS)).items():
        save(value, WORK / f"{key.replace('>', '-')}.npz")
