"""`qa-index eval FILE.json`: build a temporary index from a SQuAD v1.1 file and score retrieval."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from index.assembly import build_options_from, embedder_from, retrieval_options_from
from index.build.pipeline import rebuild
from index.cli.app import Command, index_arguments
from index.evaluation.report import evaluate, report_text
from index.evaluation.squad import load_squad
from index.ingest.folder import load_articles
from index.search.retriever import Retriever
from index.settings import IndexSettings
from index.store.loader import open_published


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("squad_file", type=Path, help="SQuAD v1.1 JSON (one article per title)")
    parser.add_argument("--k", type=int, default=10, help="passages retrieved per question")
    parser.add_argument("--distractors", type=Path, help="a folder of extra articles to index too")
    parser.add_argument("--questions-from", type=Path, help="question texts by id from a parallel file")
    parser.add_argument("--limit", type=int, help="ask only the first N questions (quick runs)")
    index_arguments(parser)


def _eval(args: argparse.Namespace, settings: IndexSettings) -> int:
    squad = load_squad(args.squad_file, questions_from=args.questions_from)
    articles = list(squad.articles)
    if args.distractors:
        articles += load_articles(args.distractors).articles
    embedder = embedder_from(settings)
    with tempfile.TemporaryDirectory(prefix="qa-eval-") as scratch:
        # With --index, the evaluation index is kept there, so a second run reuses its embeddings.
        index_dir = args.index_dir or Path(scratch) / "index"
        if not args.json:
            print(f"indexing {len(articles)} articles with {embedder.model_name}", file=sys.stderr)
        rebuild(articles, index_dir, embedder, build_options_from(settings), on_stage=lambda _: None)
        retriever = Retriever(open_published(index_dir), embedder, retrieval_options_from(settings))
        try:
            report = evaluate(squad, retriever, args.k, args.limit)
        finally:
            retriever.close()
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(report_text(report))
    return 0


EVAL = Command("eval", "score retrieval on a SQuAD v1.1 file", _eval, _arguments)
