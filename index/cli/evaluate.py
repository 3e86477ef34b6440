"""`qa-index eval FILE.json`: index a SQuAD v1.1 file in a work folder of its own and score retrieval."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from pathlib import Path

from index.assembly import build_options_from, embedder_from, retrieval_options_from
from index.build.pipeline import rebuild
from index.cli.app import Command
from index.errors import ArticleIndexError
from index.evaluation.plots import write_plots
from index.evaluation.report import evaluate, report_text
from index.evaluation.squad import PARTS, load_squad
from index.ingest.folder import load_articles
from index.search.retriever import Retriever
from index.settings import IndexSettings
from index.store.loader import open_published
from index.store.versions import IndexLocation, index_holding, refuse_inside_an_index


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("squad_file", type=Path, help="SQuAD v1.1 JSON (one article per title)")
    parser.add_argument("--k", type=int, default=10, help="passages retrieved per question")
    parser.add_argument("--distractors", type=Path, help="a folder of extra articles to index too")
    parser.add_argument("--questions-from", type=Path, help="question texts by id from a parallel file")
    parser.add_argument("--limit", type=int, help="ask only the first N questions (quick runs)")
    parser.add_argument(
        "--part",
        choices=PARTS,
        default="all",
        help="questions on articles at even (tuning) or odd (reporting) positions in the file, or all",
    )
    parser.add_argument("--plots", type=Path, help="write recall_at_k.png and reliability.png here")
    parser.add_argument(
        "--work-dir", type=Path, help="keep the evaluation index here, to rerun without re-embedding"
    )
    parser.add_argument(
        "--index",
        dest="cache_from",
        type=Path,
        help="an index whose embedding cache may be read to save time (it is never written)",
    )
    parser.add_argument(
        "--model", dest="embedding_model", help="embedding model name or folder (default QA_EMBEDDING_MODEL)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _eval(args: argparse.Namespace, settings: IndexSettings) -> int:
    """Evaluation builds in a work folder of its own and never publishes into an index folder."""
    if args.work_dir:
        evaluation_index(args.work_dir)  # refused before anything is read or embedded
    if args.plots:
        refuse_inside_an_index(args.plots, "qa-index eval --plots")
    squad = load_squad(args.squad_file, questions_from=args.questions_from)
    articles = list(squad.articles)
    if args.distractors:
        articles += load_articles(args.distractors).articles
    seed = IndexLocation(args.cache_from).embedding_cache if args.cache_from else None
    embedder = embedder_from(settings)
    with contextlib.ExitStack() as stack:
        work = args.work_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qa-eval-")))
        index_dir = evaluation_index(work)
        if not args.json:
            print(f"indexing {len(articles)} articles with {embedder.model_name}", file=sys.stderr)
        options = build_options_from(settings)
        rebuild(articles, index_dir, embedder, options, on_stage=lambda _: None, seed_cache=seed)
        retriever = Retriever(open_published(index_dir), embedder, retrieval_options_from(settings))
        try:
            report = evaluate(squad, retriever, args.k, args.limit, args.part)
        finally:
            retriever.close()
    if args.plots:
        written = write_plots(report, args.plots)
        if not args.json:
            print("plots: " + ", ".join(str(path) for path in written), file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(report_text(report))
    return 0


def evaluation_index(work_dir: Path) -> Path:
    """The index folder inside an evaluation work folder; refuses a folder in or of a real index."""
    holder = index_holding(work_dir)
    if holder is not None:
        raise ArticleIndexError(
            f"{work_dir} is or lies in the index folder {holder}: evaluation never writes into one; give "
            "--work-dir an empty folder (or one an earlier evaluation used) and pass the index with "
            "--index to reuse its cache"
        )
    work_dir.mkdir(parents=True, exist_ok=True)
    return work_dir / "evaluation-index"


EVAL = Command("eval", "score retrieval on a SQuAD v1.1 file", _eval, _arguments)
