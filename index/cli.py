"""`qa-index`: rebuild the index from an articles folder, inspect it, evaluate retrieval."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from index.assembly import build_options_from, embedder_from
from index.build import BuildReport, rebuild
from index.errors import IndexError_
from index.loader import open_published
from index.settings import IndexSettings

_log = logging.getLogger("index")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.json else logging.INFO, format="%(message)s")
    try:
        settings = _settings(args)
        return int(args.handler(args, settings))
    except IndexError_ as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: the published index was left as it was", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa-index", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("rebuild", help="build the index from a folder of articles and publish it")
    build.add_argument("articles_dir", nargs="?", type=Path, help="articles folder (default QA_ARTICLES_DIR)")
    _common(build)
    build.add_argument("--strict", action="store_true", help="fail if any file is skipped")
    build.add_argument("--device", help="cpu, cuda or auto (default QA_DEVICE)")
    build.add_argument("--devices", help="several devices for a multi-process pool, e.g. cuda:0,cuda:1")
    build.set_defaults(handler=_rebuild)

    info = commands.add_parser("info", help="describe the published index")
    _common(info)
    info.set_defaults(handler=_info)

    from index.eval_cli import add_eval_command

    add_eval_command(commands, _common)
    from index.feedback_cli import add_feedback_command

    add_feedback_command(commands, _common)
    return parser


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--index", type=Path, help="index folder (default QA_INDEX_DIR)")
    command.add_argument("--model", help="embedding model name or folder (default QA_EMBEDDING_MODEL)")
    command.add_argument("--json", action="store_true", help="print one JSON object")


def _settings(args: argparse.Namespace) -> IndexSettings:
    overrides: dict[str, object] = {}
    if getattr(args, "articles_dir", None) is not None:
        overrides["articles_dir"] = args.articles_dir
    if getattr(args, "index", None) is not None:
        overrides["index_dir"] = args.index
    if getattr(args, "model", None):
        overrides["embedding_model"] = args.model
    if getattr(args, "device", None):
        overrides["device"] = args.device
    if getattr(args, "devices", None):
        overrides["encode_devices"] = args.devices
    return IndexSettings(**overrides)  # type: ignore[arg-type]


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


def _info(args: argparse.Namespace, settings: IndexSettings) -> int:
    loaded = open_published(settings.index_dir)
    try:
        manifest = loaded.manifest
        if args.json:
            from dataclasses import asdict

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


if __name__ == "__main__":
    raise SystemExit(main())
