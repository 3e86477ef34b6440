"""Follow-up questions measured: does reading a short question with the one before it find its passage?

    .venv/bin/python -m scripts.followup_eval                     # the set, then PIAF as one long chat
    .venv/bin/python -m scripts.followup_eval --piaf-limit 2000   # a quicker PIAF part
    .venv/bin/python -m scripts.followup_eval --json              # one JSON object

One index holds the sample article and every PIAF article (the project's own rebuild, the default
model and settings); it lives in --work-dir (default /tmp/qa-followups) and is reused while the
articles and the build settings are unchanged, so a rerun only pays for the searches.

Part 1, the set (scripts/data/followups.jsonl): each follow-up is searched alone (no memory), then as
`read_question(follow_up, Turn(first, articles quoted for first))` reads it (memory); "favoured" also
moves the hits of those articles to the front of the top candidates when the reading names any.
Part 2, no harm to complete questions: PIAF's questions asked in file order, each as a follow-up of
the one before it, against each asked alone.

A hit is a retrieved passage that overlaps the gold span of the gold article (docs: shared/eval/README.md).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.assembly import build_options_from, embedder_from
from index.build.options import BuildOptions
from index.build.pipeline import rebuild
from index.embed.embedder import Embedder
from index.errors import ArticleIndexError
from index.evaluation.metrics import first_hit_rank
from index.evaluation.squad import SquadQuestion, SquadSet, load_squad
from index.ingest.folder import load_articles
from index.records import Article
from index.search.followups import Reading, Turn, read_question
from index.search.retriever import Hit, Retriever
from index.settings import DEFAULTS, IndexSettings
from index.store.loader import open_published, published_articles
from index.store.versions import IndexLocation

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "scripts" / "data" / "followups.jsonl"
SAMPLE = ROOT / "articles" / "000_9f70dd34e1ce68a4.txt"
# The shared evaluation sets sit beside the project checkout (../shared/eval), read in place.
PIAF = ROOT.parent / "shared" / "eval" / "piaf" / "piaf-v1.1.json"
WORK = Path("/tmp/qa-followups")
KINDS = ("refinement", "continuation", "control")
LANGUAGES = ("fr", "en")
# Ranks are read down to 10 (MRR@10); "favoured" reorders within this many candidates.
DEPTH = 10
# PIAF shuffled: each question comes after one on another article, as when a chat changes subject.
SHUFFLE_SEED = 20240601
# The bot quotes this many passages; the articles among them are what a turn remembers.
QUOTED = 3


# --- the set ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """One line of the set: a complete first question, a follow-up, and where the follow-up's answer is."""

    id: str
    language: str
    kind: str
    first: str
    follow_up: str
    expected: dict[str, str]


def read_pairs(path: Path = PAIRS) -> list[Pair]:
    """The set's lines as written (no lookup of the gold: see `gold_for`)."""
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        raw = json.loads(line)
        try:
            pairs.append(
                Pair(raw["id"], raw["language"], raw["kind"], raw["first"], raw["follow_up"], raw["expected"])
            )
        except KeyError as error:
            raise ValueError(f"{path}:{number}: missing field {error}") from error
    return pairs


def gold_for(pair: Pair, sample: Article, piaf: SquadSet) -> SquadQuestion:
    """The follow-up as a scorable question: the gold article and the span a hit must overlap."""
    expected = pair.expected
    if "text" in expected:
        start = sample.text.find(expected["text"])
        if start < 0:
            raise ValueError(f"{pair.id}: expected text not in {sample.id}: {expected['text']!r}")
        return SquadQuestion(pair.id, pair.follow_up, sample.id, start, start + len(expected["text"]), ())
    gold = {question.id: question for question in piaf.questions}.get(expected.get("piaf_id", ""))
    if gold is None:
        raise ValueError(f"{pair.id}: expected needs `text` (sample article) or a known PIAF `piaf_id`")
    return SquadQuestion(pair.id, pair.follow_up, gold.article_id, gold.start, gold.end, gold.answers)


def sample_article() -> Article:
    return load_articles(SAMPLE.parent).articles[0]


# --- the index ----------------------------------------------------------------------------------


def open_index(
    articles: Sequence[Article], work_dir: Path, embedder: Embedder, options: BuildOptions
) -> Retriever:
    """The evaluation index in work_dir, rebuilt only when the articles or the build settings changed."""
    index_dir = work_dir / "index"
    if not _up_to_date(index_dir, articles, embedder, options):
        print(f"indexing {len(articles)} articles with {embedder.model_name} in {index_dir}", file=sys.stderr)
        rebuild(articles, index_dir, embedder, options, on_stage=lambda _: None)
    return Retriever(
        open_published(index_dir, model=embedder.model_name, dimension=embedder.dimension), embedder
    )


def _up_to_date(
    index_dir: Path, articles: Sequence[Article], embedder: Embedder, options: BuildOptions
) -> bool:
    try:
        manifest, indexed = published_articles(IndexLocation(index_dir))
    except (ArticleIndexError, OSError):
        return False
    return (
        manifest.model == embedder.model_name
        and manifest.splitter == json.loads(json.dumps(options.splitter_record()))
        and indexed == {article.id: article.hash for article in articles}
    )


# --- searching ----------------------------------------------------------------------------------


def quoted_articles(retriever: Retriever, question: str, hits: Sequence[Hit]) -> frozenset[str]:
    """The articles the bot would have quoted: the top passages likely enough to answer."""
    bar = retriever.options.min_confidence
    return frozenset(hit.passage.article_id for hit in hits[:QUOTED] if hit.confidence >= bar)


def favoured(hits: Sequence[Hit], articles: frozenset[str]) -> list[Hit]:
    """The candidates with those articles' passages moved to the front, each group in its order."""
    if not articles:
        return list(hits)
    return [hit for hit in hits if hit.passage.article_id in articles] + [
        hit for hit in hits if hit.passage.article_id not in articles
    ]


def rank_of(hits: Sequence[Hit], gold: SquadQuestion) -> int | None:
    """1-based rank of the first passage that overlaps the gold span, or None."""
    return first_hit_rank([hit.passage for hit in hits], gold)


def reading_kind(reading: Reading, question: str) -> str:
    """How read_question read a question: new, refinement or continuation."""
    if reading.follow_up_of is None:
        return "new"
    together = f"{reading.follow_up_of.strip()} {question.strip()}"
    return "continuation" if reading.query == together else "refinement"


@dataclass(frozen=True)
class PairOutcome:
    """One pair's first-hit ranks alone, with memory, with memory and favoured articles."""

    pair: Pair
    read_as: str
    query: str
    alone: int | None
    memory: int | None
    favoured: int | None
    first_quotes_gold_article: bool


def run_pairs(
    retriever: Retriever, pairs: Sequence[Pair], golds: Sequence[SquadQuestion]
) -> list[PairOutcome]:
    outcomes = []
    for pair, gold in zip(pairs, golds, strict=True):
        first_hits = retriever.search(pair.first, QUOTED)
        turn = Turn(pair.first, quoted_articles(retriever, pair.first, first_hits))
        reading = read_question(pair.follow_up, turn)
        alone = retriever.search(pair.follow_up, DEPTH)
        memory = alone if reading.query == pair.follow_up else retriever.search(reading.query, DEPTH)
        outcomes.append(
            PairOutcome(
                pair,
                reading_kind(reading, pair.follow_up),
                reading.query,
                rank_of(alone, gold),
                rank_of(memory, gold),
                rank_of(favoured(memory, reading.prefer_articles), gold),
                gold.article_id in turn.articles,
            )
        )
    return outcomes


def recall(ranks: Iterable[int | None], k: int) -> float:
    ranks = list(ranks)
    return sum(1 for rank in ranks if rank is not None and rank <= k) / len(ranks) if ranks else 0.0


def mrr(ranks: Iterable[int | None]) -> float:
    ranks = list(ranks)
    return (
        sum(1.0 / rank for rank in ranks if rank is not None and rank <= DEPTH) / len(ranks) if ranks else 0.0
    )


def _scores(outcomes: Sequence[PairOutcome]) -> dict[str, Any]:
    row: dict[str, Any] = {"pairs": len(outcomes)}
    for name in ("alone", "memory", "favoured"):
        ranks = [getattr(outcome, name) for outcome in outcomes]
        row[name] = {"r@1": round(recall(ranks, 1), 3), "r@5": round(recall(ranks, 5), 3)}
    return row


def summarise_pairs(outcomes: Sequence[PairOutcome]) -> dict[str, Any]:
    follow_ups = [o for o in outcomes if o.pair.kind != "control"]
    groups: dict[str, Sequence[PairOutcome]] = {"follow-ups": follow_ups}
    groups.update({kind: [o for o in outcomes if o.pair.kind == kind] for kind in KINDS})
    for language in LANGUAGES:
        groups[f"follow-ups {language}"] = [o for o in follow_ups if o.pair.language == language]
    for language in LANGUAGES:
        for kind in KINDS[:2]:
            groups[f"{kind} {language}"] = [
                o for o in follow_ups if (o.pair.kind, o.pair.language) == (kind, language)
            ]
    controls = [o for o in outcomes if o.pair.kind == "control"]
    return {
        "groups": {name: _scores(group) for name, group in groups.items()},
        "read_as": {
            kind: dict(Counter(o.read_as for o in outcomes if o.pair.kind == kind)) for kind in KINDS
        },
        "controls_read_as_follow_ups": sum(1 for o in controls if o.read_as != "new"),
        "controls": len(controls),
        "first_quotes_gold_article": sum(1 for o in follow_ups if o.first_quotes_gold_article),
        "pairs": [
            {
                "id": o.pair.id,
                "kind": o.pair.kind,
                "read_as": o.read_as,
                "query": o.query,
                "alone": o.alone,
                "memory": o.memory,
                "favoured": o.favoured,
                "first_quotes_gold_article": o.first_quotes_gold_article,
            }
            for o in outcomes
        ],
    }


# --- PIAF as one long chat ------------------------------------------------------------------------


def run_chat(
    retriever: Retriever,
    questions: Sequence[SquadQuestion],
    plain: dict[str, list[Hit]],
    progress: Callable[[int], None],
) -> dict[str, Any]:
    """Each question asked alone, and as read after the question before it (whatever its article).

    `plain` keeps each question's own hits by id, so a second order costs only the follow-ups' searches.
    """
    alone: list[int | None] = []
    memory: list[int | None] = []
    favour: list[int | None] = []
    read_as: list[str] = []
    same_article: list[bool] = []
    previous: Turn | None = None
    previous_article = ""
    for number, question in enumerate(questions):
        if question.id not in plain:
            plain[question.id] = retriever.search(question.text, DEPTH)
        hits = plain[question.id]
        reading = read_question(question.text, previous)
        read_hits = hits if reading.query == question.text else retriever.search(reading.query, DEPTH)
        alone.append(rank_of(hits, question))
        memory.append(rank_of(read_hits, question))
        favour.append(rank_of(favoured(read_hits, reading.prefer_articles), question))
        read_as.append(reading_kind(reading, question.text))
        same_article.append(question.article_id == previous_article)
        previous = Turn(question.text, quoted_articles(retriever, reading.query, read_hits))
        previous_article = question.article_id
        if number % 500 == 499:
            progress(number + 1)

    def block(rows: list[int]) -> dict[str, Any]:
        pick = [alone[i] for i in rows], [memory[i] for i in rows], [favour[i] for i in rows]
        return {
            "questions": len(rows),
            **{
                name: {"r@5": round(recall(ranks, 5), 4), "mrr@10": round(mrr(ranks), 4)}
                for name, ranks in zip(("alone", "memory", "favoured"), pick, strict=True)
            },
        }

    everything = list(range(len(questions)))
    followed = [i for i in everything if read_as[i] != "new"]
    return {
        "all": block(everything),
        "read_as_follow_ups": block(followed),
        "read_as": dict(Counter(read_as)),
        "follow_ups_after_a_question_on_the_same_article": sum(1 for i in followed if same_article[i]),
        "changed": {
            "better": sum(1 for i in followed if _better(memory[i], alone[i])),
            "worse": sum(1 for i in followed if _better(alone[i], memory[i])),
        },
        "worse_examples": [
            {
                "previous": questions[i - 1].text,
                "question": questions[i].text,
                "read_as": read_as[i],
                "alone": alone[i],
                "memory": memory[i],
            }
            for i in followed
            if _better(alone[i], memory[i])
        ][:20],
    }


def _better(rank: int | None, than: int | None) -> bool:
    return rank is not None and (than is None or rank < than)


# --- report ----------------------------------------------------------------------------------------


def _cell(scores: dict[str, float]) -> str:
    return f"{scores['r@1']:.2f} / {scores['r@5']:.2f}"


def report_text(result: dict[str, Any]) -> str:
    pairs = result["set"]
    lines = [
        f"Follow-up set: {result['pairs']} pairs ({result['model']}, {result['passages']} passages)",
        "",
        "| group | pairs | alone R@1 / R@5 | memory R@1 / R@5 | memory + favoured R@1 / R@5 |",
        "|---|---:|---|---|---|",
    ]
    for name, row in pairs["groups"].items():
        cells = " | ".join(_cell(row[condition]) for condition in ("alone", "memory", "favoured"))
        lines.append(f"| {name} | {row['pairs']} | {cells} |")
    lines += [
        "",
        f"Read as (intended kind → reading): {pairs['read_as']}",
        f"Controls read as follow-ups: {pairs['controls_read_as_follow_ups']} of {pairs['controls']}",
        f"First answer quoted the follow-up's gold article: {pairs['first_quotes_gold_article']} follow-ups",
    ]
    misses = [p for p in pairs["pairs"] if p["kind"] != "control" and (p["memory"] or 99) > 5]
    if misses:
        lines += ["", "Follow-ups missed in the top 5 with memory:"]
        lines += [f"  {p['id']} ({p['kind']}, read as {p['read_as']}): {p['query']!r}" for p in misses]
    for key, order in (("piaf_chat", "in file order"), ("piaf_chat_shuffled", "shuffled")):
        if key in result:
            lines += ["", *_chat_lines(result[key], order)]
    return "\n".join(lines)


def _chat_lines(chat: dict[str, Any], order: str) -> list[str]:
    lines = [
        f"PIAF as one chat: {chat['all']['questions']} questions {order}, each after the one before",
        "| questions | n | alone R@5 / MRR@10 | memory R@5 / MRR@10 | memory + favoured R@5 / MRR@10 |",
        "|---|---:|---|---|---|",
    ]
    for name in ("all", "read_as_follow_ups"):
        row = chat[name]
        cells = [f"{row[c]['r@5']:.4f} / {row[c]['mrr@10']:.4f}" for c in ("alone", "memory", "favoured")]
        lines.append(f"| {name} | {row['questions']} | " + " | ".join(cells) + " |")
    lines.append(
        f"Read as: {chat['read_as']}; after a question on the same article: "
        f"{chat['follow_ups_after_a_question_on_the_same_article']}; "
        f"memory better {chat['changed']['better']}, worse {chat['changed']['worse']}"
    )
    return lines


def _progress(order: str) -> Callable[[int], None]:
    return lambda count: print(f"  {count} PIAF questions asked ({order})", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--work-dir", type=Path, default=WORK, help="where the evaluation index is kept")
    parser.add_argument("--piaf-limit", type=int, help="ask only the first N PIAF questions as a chat")
    parser.add_argument("--no-piaf-chat", action="store_true", help="measure the set only")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    settings: IndexSettings = DEFAULTS
    piaf = load_squad(PIAF, name="piaf")
    sample = sample_article()
    pairs = read_pairs()
    golds = [gold_for(pair, sample, piaf) for pair in pairs]
    embedder = embedder_from(settings)
    retriever = open_index([sample, *piaf.articles], args.work_dir, embedder, build_options_from(settings))
    started = time.perf_counter()
    try:
        result: dict[str, Any] = {
            "model": embedder.model_name,
            "passages": retriever.index.manifest.passages,
            "pairs": len(pairs),
            "set": summarise_pairs(run_pairs(retriever, pairs, golds)),
        }
        if not args.no_piaf_chat:
            questions = list(piaf.questions[: args.piaf_limit] if args.piaf_limit else piaf.questions)
            plain: dict[str, list[Hit]] = {}
            result["piaf_chat"] = run_chat(retriever, questions, plain, _progress("in order"))
            random.Random(SHUFFLE_SEED).shuffle(questions)
            result["piaf_chat_shuffled"] = run_chat(retriever, questions, plain, _progress("shuffled"))
    finally:
        retriever.close()
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, ensure_ascii=False) if args.json else report_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
