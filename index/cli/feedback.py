"""`qa-index feedback`: export users' labels as an evaluation set, or show usage figures."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from index.cli.app import Command, index_arguments
from index.feedback.answer_log import AnswerLog, ExportReport, FeedbackError, UsageStats
from index.settings import IndexSettings
from index.store.loader import open_published
from index.store.versions import IndexLocation, refuse_inside_an_index


def _open_log(settings: IndexSettings) -> AnswerLog:
    path = IndexLocation(settings.index_dir).feedback
    if path.exists() and not path.is_file():
        raise FeedbackError(
            f"{path} is not a readable feedback database (a folder): move it aside or delete it"
        )
    if not path.is_file():
        raise FeedbackError(
            f"no feedback has been collected yet at {path}: run the bot with this index so users can vote"
        )
    return AnswerLog(path)


def _export(args: argparse.Namespace, settings: IndexSettings) -> int:
    refuse_inside_an_index(args.out.parent, "qa-index feedback export")
    with _open_log(settings) as log:
        loaded = open_published(settings.index_dir)
        try:
            report = log.export_squad(args.out, loaded.database)
        finally:
            loaded.close()
    print(json.dumps(report.to_json(), ensure_ascii=False) if args.json else export_text(report))
    return 0


def export_text(report: ExportReport) -> str:
    """The human summary of an export, with what was left out and why."""
    lines = [f"exported {report.questions} questions from {report.articles} articles to {report.path}"]
    if report.missing_articles:
        lines.append(f"skipped {report.missing_articles} labels whose article is no longer indexed")
    if report.changed_passages:
        lines.append(f"skipped {report.changed_passages} labels whose passage is no longer in its article")
    if not report.questions:
        lines.append("no labelled questions yet: users label answers with 👍 or by picking the right passage")
    return "\n".join(lines)


def _stats(args: argparse.Namespace, settings: IndexSettings) -> int:
    with _open_log(settings) as log:
        stats = log.stats()
    print(json.dumps(stats.to_json(), ensure_ascii=False) if args.json else stats_text(stats))
    return 0


def stats_text(stats: UsageStats) -> str:
    """Usage figures as a few lines for the terminal."""
    lines = [
        f"{stats.questions} questions, {stats.abstentions} without a relevant passage, "
        f"{stats.last_day} in the last 24 h",
        f"latency: median {stats.median_ms:.0f} ms, p95 {stats.p95_ms:.0f} ms",
        f"feedback: {stats.thumbs_up} 👍, {stats.thumbs_down} 👎, {stats.choices} passages chosen",
    ]
    if stats.most_quoted:
        lines.append("most quoted articles:")
        lines.extend(
            f"  {item.title} ({item.id}): {item.times} times, {item.first} as first passage"
            for item in stats.most_quoted
        )
    return "\n".join(lines)


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="the JSON file to write")
    index_arguments(parser)


FEEDBACK = Command(
    "feedback",
    "export users' feedback for evaluation, or usage figures",
    subcommands=(
        Command(
            "export",
            "write questions users labelled (👍 or a chosen passage) as SQuAD v1.1 for `eval`",
            _export,
            _export_arguments,
        ),
        Command("stats", "questions, abstentions, latency, feedback, top articles", _stats, index_arguments),
    ),
)
