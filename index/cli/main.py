"""`qa-index`: rebuild the index from an articles folder, follow news feeds into it, inspect it, evaluate."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from index.assembly import build_options_from, embedder_from
from index.build.options import BuildReport
from index.build.pipeline import rebuild
from index.cli.app import Command, Program, index_arguments
from index.cli.evaluate import EVAL
from index.cli.feedback import FEEDBACK
from index.cli.follow import FOLLOW
from index.ingest.folder import check_articles_folder
from index.settings import IndexSettings
from index.store.loader import open_published
from index.store.versions import IndexLocation


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

    # Every setting is checked before the model (seconds to load) and the articles are read.
    check_articles_folder(settings.articles_dir)
    IndexLocation(settings.index_dir).check_writable()
    options = build_options_from(settings, strict=args.strict)
    stage(f"loading embedding model {settings.embedding_model}")
    embedder = embedder_from(settings)
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
    lines.extend(f"note: {note}" for note in report.notes)
    lines.append(_furniture_line(report.furniture))
    if report.truncated_passages:
        lines.append(
            f"warning: {report.truncated_passages} passages exceed the model window and are truncated"
        )
    if report.recall_at_10 is not None:
        lines.append(f"{report.vector_index} index: recall@10 against exact search {report.recall_at_10:.3f}")
    if report.warnings:
        lines.append(f"{len(report.warnings)} warning(s) about articles that were kept:")
        lines.extend(f"  {item.describe()}" for item in report.warnings)
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
    serving = read_serving_status(IndexLocation(settings.index_dir))
    try:
        manifest = loaded.manifest
        if args.json:
            print(
                json.dumps(
                    {"version": loaded.version, **asdict(manifest), "serving": serving}, ensure_ascii=False
                )
            )
        else:
            print(
                f"version {loaded.version}: {manifest.articles} articles, {manifest.passages} passages, "
                f"model {manifest.model} ({manifest.dimension} dimensions), "
                f"{manifest.vector_index.get('kind')} index, "
                f"built {manifest.created_at} ({_age(manifest.created_at)})"
            )
            if serving is not None:
                print(serving_text(serving))
    finally:
        loaded.close()
    return 0


def read_serving_status(location: IndexLocation) -> dict[str, Any] | None:
    """What the running bot last said it serves (None when no bot has run on this index)."""
    try:
        status = json.loads(location.serving_status.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(status, dict):
        return None
    status["running"] = _alive(status.get("pid"))
    return status


def serving_text(status: dict[str, Any]) -> str:
    """One or two lines: the version the bot serves, since when, and its last reload error."""
    who = f"the bot (process {status.get('pid')}{'' if status['running'] else ', no longer running'})"
    loaded = status.get("loaded_at")
    since = f", loaded {_age(loaded)}" if isinstance(loaded, int | float) else ""
    lines = [f"{who} serves version {status.get('version') or '(none)'}{since}"]
    if status.get("last_error"):
        lines.append(f"its last reload error ({_age(status.get('last_error_at'))}): {status['last_error']}")
    return "\n".join(lines)


def _age(moment: object) -> str:
    """'3 h ago' for a Unix time or an ISO 8601 timestamp; '?' when unreadable."""
    try:
        stamp = datetime.fromisoformat(moment).timestamp() if isinstance(moment, str) else moment
        then = float(stamp)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "?"
    seconds = max(0.0, time.time() - then)
    for unit, size in (("d", 86_400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit} ago"
    return f"{seconds:.0f} s ago"


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


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
        FOLLOW,
        EVAL,
        FEEDBACK,
    ),
    settings=IndexSettings,
    interrupted="interrupted: the published index was left as it was",
    knows_every_setting=False,  # qa-bot reads more QA_* settings, often from the same .env
)


def main(argv: Sequence[str] | None = None) -> int:
    return QA_INDEX.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
