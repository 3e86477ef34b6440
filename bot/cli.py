"""`qa-bot`: ask from a terminal, chat on standard input, or run the Discord bot."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.settings import BotSettings
from bot.ui.replies import answer_reply, render_plain
from bot.ui.texts import guess_locale
from index.assembly import embedder_from, open_retriever
from index.errors import ArticleIndexError
from index.search.retriever import Answer, Retriever

_log = logging.getLogger("bot")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command in {"ask", "chat"}:
        logging.getLogger().setLevel(logging.WARNING)
    try:
        settings = _settings(args)
        return int(args.handler(args, settings))
    except ArticleIndexError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="answer one question from the terminal")
    ask.add_argument("question")
    ask.add_argument("-k", type=int, help="passages to quote (default QA_PASSAGES_PER_ANSWER)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    _common(ask)
    ask.set_defaults(handler=_ask)

    chat = commands.add_parser("chat", help="answer questions typed or piped on standard input")
    _common(chat)
    chat.set_defaults(handler=_chat)

    run = commands.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    _common(run)
    run.set_defaults(handler=_run)

    serve = commands.add_parser(
        "serve", help="the Discord bot when DISCORD_TOKEN is set, else the terminal chat"
    )
    _common(serve)
    serve.set_defaults(handler=_serve)
    return parser


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--index", type=Path, help="index folder (default QA_INDEX_DIR)")
    command.add_argument("--model", help="embedding model (default QA_EMBEDDING_MODEL)")


def _settings(args: argparse.Namespace) -> BotSettings:
    overrides: dict[str, Any] = {}
    if args.index is not None:
        overrides["index_dir"] = args.index
    if args.model:
        overrides["embedding_model"] = args.model
    return BotSettings(**overrides)


def _open(settings: BotSettings) -> Retriever:
    return open_retriever(settings, embedder_from(settings))


def answer_json(answer: Answer) -> dict[str, Any]:
    """The `ask --json` object: the question, whether it was answered, and each quoted passage."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "index_version": answer.index_version,
        "seconds": round(answer.seconds, 4),
        "passages": [
            {
                "text": hit.passage.text,
                "score": round(hit.score, 4),
                "start": hit.passage.start,
                "end": hit.passage.end,
                "highlights": [list(span) for span in hit.highlights],
                "article": {
                    "id": hit.article.id,
                    "title": hit.article.title,
                    "url": hit.article.url,
                    "date": hit.article.date,
                    "path": hit.article.path,
                    "source": hit.article.source,
                },
            }
            for hit in answer.hits
        ],
    }


def _ask(args: argparse.Namespace, settings: BotSettings) -> int:
    retriever = _open(settings)
    answer = retriever.answer(args.question, k=args.k or settings.passages_per_answer)
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False))
    else:
        print(render_plain(answer_reply(answer, locale=guess_locale(args.question, None))))
    return 0


def _chat(args: argparse.Namespace, settings: BotSettings) -> int:
    retriever = _open(settings)
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"Ask a question about the articles (index {retriever.version}); Ctrl-D to quit.")
    while True:
        if interactive:
            print("> ", end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            return 0
        question = line.strip()
        if not question:
            continue
        if len(question) > settings.max_question_chars:
            print(
                f"That question is {len(question)} characters; ask in at most {settings.max_question_chars}."
            )
            continue
        answer = retriever.answer(question, k=settings.passages_per_answer)
        reply = answer_reply(answer, locale=guess_locale(question, None))
        print(f"Q: {question}\n" + render_plain(reply) + "\n")


def _run(args: argparse.Namespace, settings: BotSettings) -> int:
    from bot.runner import run_bot

    return run_bot(settings)


def _serve(args: argparse.Namespace, settings: BotSettings) -> int:
    if settings.discord_token is not None:
        return _run(args, settings)
    print("DISCORD_TOKEN is not set: answering questions from standard input instead.", file=sys.stderr)
    logging.getLogger().setLevel(logging.WARNING)
    return _chat(args, settings)


if __name__ == "__main__":
    raise SystemExit(main())
