"""`qa-index`: rebuild the index from an articles folder, inspect it, evaluate retrieval."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from index.assembly import build_options_from, embedder_from
from index.build.options import BuildReport
from index.build.pipeline import rebuild
from index.cli.app import Command, Program, index_arguments
from index.cli.evaluate import EVAL
from index.cli.feedback import FEEDBACK
from index.settings import IndexSettings
from index.store.loader import open_published


def _rebuild_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "articles_dir", nargs="?", type=Path, help="articles folder (default QA_ARTICLES_DIR)"
    )
    index_arguments(parser)
    parser.add_argument("--strict", action="store_true", help="fail if any file is skipped")
    parser.add_argument("--device", help="cpu, cuda or auto (default QA_DEVICE)")
    parser.add_argument(
        "--devices",
        dest="encode_devices",
        help="several devices for a multi-process pool, e.g. cuda:0,cuda:1",
    )


def _rebuild(args: argparse.Namespace, settings: IndexSettings) -> int:
    def stage(message: str) -> None:
        if not args.json:
            print(message, file=sys.stderr)

    stage(f"loading embedding model {settings.embedding_model}")
    embedder = embedder_from(settings)
    options = build_options_from(settings, strict=args.strict)
    report = rebuild(settings.articles_dir, settings.index_dir, embedder, options, on_stage=stage)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(summary_text(report))
    return 0


def summary_text(report: BuildReport) -> str:
    """The human summary of a rebuild: counts, speed, what changed, and every skipped file."""
    lines = [
        f"published index version {report.version} in {report.index_dir}",
        f"{report.articles} articles, {report.passages} passages in {report.seconds:.1f} s "
        f"({report.passages_per_second:.1f} passages/s); embedded {report.passages_embedded} passages "
        f"and {report.sentences_embedded} sentences (the rest came from the cache)",
        f"articles: {report.articles_added} added, {report.articles_changed} changed, "
        f"{report.articles_removed} removed, {report.articles_unchanged} unchanged",
    ]
    if report.full_rebuild_reason:
        lines.append(f"full rebuild: {report.full_rebuild_reason}")
    lines.append(_furniture_line(report.furniture))
    if report.truncated_passages:
        lines.append(
            f"warning: {report.truncated_passages} passages exceed the model window and are truncated"
        )
    if report.recall_at_10 is not None:
        lines.append(f"{report.vector_index} index: recall@10 against exact search {report.recall_at_10:.3f}")
    if report.skipped:
        lines.append(f"skipped {len(report.skipped)} file(s):")
        lines.extend(f"  {item.describe()}" for item in report.skipped)
    return "\n".join(lines)


def _furniture_line(furniture: dict[str, int] | None) -> str:
    if furniture is None:
        return "page furniture kept in passages (QA_DROP_FURNITURE=false)"
    by_type = ", ".join(f"{kind} {count}" for kind, count in sorted(furniture.items()))
    return f"page furniture set aside (lines and glued credits): {sum(furniture.values())} ({by_type})"


def _info(args: argparse.Namespace, settings: IndexSettings) -> int:
    loaded = open_published(settings.index_dir)
    try:
        manifest = loaded.manifest
        if args.json:
            print(json.dumps({"version": loaded.version, **asdict(manifest)}, ensure_ascii=False))
        else:
            print(
                f"version {loaded.version}: {manifest.articles} articles, {manifest.passages} passages, "
                f"model {manifest.model} ({manifest.dimension} dimensions), "
                f"{manifest.vector_index.get('kind')} index, built {manifest.created_at}"
            )
    finally:
        loaded.close()
    return 0


QA_INDEX = Program(
    name="qa-index",
    description=__doc__ or "",
    commands=(
        Command(
            "rebuild",
            "build the index from a folder of articles and publish it",
            _rebuild,
            _rebuild_arguments,
        ),
        Command("info", "describe the published index", _info, index_arguments),
        EVAL,
        FEEDBACK,
    ),
    settings=IndexSettings,
    interrupted="interrupted: the published index was left as it was",
)


def main(argv: Sequence[str] | None = None) -> int:
    return QA_INDEX.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
