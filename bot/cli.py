"""`qa-bot`: ask from a terminal, chat on standard input, or run the Discord bot."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.conversations import Conversations
from bot.guards import check_text
from bot.privacy import words_only
from bot.settings import BotSettings
from bot.ui.replies import answer_reply, render_plain
from bot.ui.texts import guess_locale, text
from index import (
    Answer,
    ArticleInfo,
    PeriodError,
    Retriever,
    embedder_from,
    open_retriever,
    window_between,
)
from index.cli.app import EXIT_USAGE, Command, Program, index_arguments


def _ask_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question")
    parser.add_argument(
        "-k", dest="passages_per_answer", type=int, help="passages to quote (default QA_PASSAGES_PER_ANSWER)"
    )
    periods = "a year, a month or a day: 2019, 2019-03, 2019-03-14, 'mars 2019', hier"
    parser.add_argument("--since", help=f"only articles published from then on ({periods})")
    parser.add_argument("--until", help=f"only articles published until then ({periods})")
    index_arguments(parser)


def _arguments(parser: argparse.ArgumentParser) -> None:
    index_arguments(parser, json_output=False)


def _open(settings: BotSettings) -> Retriever:
    return open_retriever(settings, embedder_from(settings))


def answer_json(answer: Answer) -> dict[str, Any]:
    """The `ask --json` object: the question, whether it was answered, and each quoted passage.

    `confidence` is the calibrated probability that the first passage answers the question (given
    also when the bot abstains); each passage's own `confidence` is the same for that passage.
    """
    return {
        "question": answer.question,
        "answered": answer.answered,
        "confidence": round(answer.confidence, 4),
        "index_version": answer.index_version,
        "seconds": round(answer.seconds, 4),
        "passages": [
            {
                "text": hit.passage.text,
                "score": round(hit.score, 4),
                "confidence": round(hit.confidence, 4),
                "start": hit.passage.start,
                "end": hit.passage.end,
                "highlights": [list(span) for span in hit.highlights],
                "article": _article_json(hit.article),
                "also_in": [_article_json(article) for article in hit.also_in],
            }
            for hit in answer.hits
        ],
        "period": None
        if answer.period is None
        else {"since": _day(answer.period.start), "until": _day(answer.period.end)},
    }


def _article_json(article: ArticleInfo) -> dict[str, Any]:
    fields = ("id", "title", "url", "date", "path", "source")
    return {name: getattr(article, name) for name in fields}


def _day(day: date) -> str | None:
    """An ISO day, or None for an open end of a period."""
    return None if day in (date.min, date.max) else day.isoformat()


def _refused(question: str, settings: BotSettings) -> str | None:
    """The sentence that refuses a question here, as the bot would refuse it in Discord."""
    refusal = check_text(question, settings.max_question_chars)
    if refusal is None:
        return None
    key = "empty_question_terminal" if refusal.key == "empty_question" else refusal.key
    return text(key, guess_locale(question, None), **refusal.values)


def _ask(args: argparse.Namespace, settings: BotSettings) -> int:
    refusal = _refused(args.question, settings)
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return EXIT_USAGE
    try:
        window = window_between(args.since, args.until, date.today())
    except PeriodError as error:
        print(f"--since/--until: {error}", file=sys.stderr)
        return EXIT_USAGE
    retriever = _open(settings)
    answer = retriever.answer(words_only(args.question), k=settings.passages_per_answer, window=window)
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False))
    else:
        print(render_plain(answer_reply(answer, locale=guess_locale(args.question, None))))
    return 0


def _chat(args: argparse.Namespace, settings: BotSettings) -> int:
    """One conversation on standard input: a short follow-up is read with the question before it,
    as in a Discord thread. With --json, one `ask --json` object per line (and `follow_up_of`)."""
    retriever = _open(settings)
    conversation = Conversations(settings.follow_up_minutes * 60)
    as_json = getattr(args, "json", False)
    interactive = sys.stdin.isatty() and not as_json
    if interactive:
        print(f"Ask a question about the articles (index {retriever.version}); Ctrl-D to quit.")
    while True:
        if interactive:
            print("> ", end="", flush=True)
        raw = sys.stdin.buffer.readline()
        if not raw:
            return 0
        question = raw.decode("utf-8", "surrogateescape").strip()
        if not question:
            continue
        refusal = _refused(question, settings)
        if refusal is not None:
            shown = raw.decode("utf-8", "replace").strip()  # bytes that are not text, as U+FFFD
            print(
                json.dumps({"asked": shown, "refused": refusal}, ensure_ascii=False) if as_json else refusal,
                flush=True,
            )
            continue
        reading = conversation.read("terminal", words_only(question))
        answer = retriever.answer(reading.query, k=settings.passages_per_answer)
        conversation.answered("terminal", answer)
        if as_json:  # one JSON object per line, each as `ask --json` prints it
            print(
                json.dumps(
                    answer_json(answer) | {"asked": question, "follow_up_of": reading.follow_up_of},
                    ensure_ascii=False,
                ),
                flush=True,
            )
            continue
        reply = answer_reply(answer, locale=guess_locale(question, None), follow_up_of=reading.follow_up_of)
        print(f"Q: {question}\n" + render_plain(reply) + "\n", flush=True)


def _run(args: argparse.Namespace, settings: BotSettings) -> int:
    from bot.runner import run_bot

    return run_bot(settings)


def _sync_commands(args: argparse.Namespace, settings: BotSettings) -> int:
    from bot.runner import sync_commands_now

    return sync_commands_now(settings)


def _serve(args: argparse.Namespace, settings: BotSettings) -> int:
    if settings.discord_token is not None:
        return _run(args, settings)
    print("DISCORD_TOKEN is not set: answering questions from standard input instead.", file=sys.stderr)
    logging.getLogger().setLevel(logging.WARNING)
    return _chat(args, settings)


QA_BOT = Program(
    name="qa-bot",
    description=__doc__ or "",
    commands=(
        Command("ask", "answer one question from the terminal", _ask, _ask_arguments, quiet=True),
        Command(
            "chat", "answer questions typed or piped on standard input", _chat, index_arguments, quiet=True
        ),
        Command("run", "run the Discord bot (needs DISCORD_TOKEN)", _run, _arguments),
        Command(
            "sync-commands",
            "send the slash commands to Discord now, even if unchanged (run does it when they change)",
            _sync_commands,
            _arguments,
        ),
        Command(
            "serve", "the Discord bot when DISCORD_TOKEN is set, else the terminal chat", _serve, _arguments
        ),
    ),
    settings=BotSettings,
    log_format="%(asctime)s %(levelname)s %(name)s: %(message)s",
)


def main(argv: Sequence[str] | None = None) -> int:
    return QA_BOT.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
