"""SQuAD v1.1 question sets (PIAF, XQuAD) as articles and questions.

An article is one SQuAD `title` with its contexts joined in order by a blank line; each question
keeps the character span of its context in that text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from index.records import Article

PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class SquadQuestion:
    """One question with where its answer lives: the gold article and its context's span."""

    id: str
    text: str
    article_id: str
    start: int
    end: int
    answers: tuple[str, ...]


@dataclass(frozen=True)
class SquadSet:
    """Articles (one per title) and the questions asked about them."""

    name: str
    articles: tuple[Article, ...]
    questions: tuple[SquadQuestion, ...]
    context_spans: dict[str, tuple[tuple[int, int], ...]]


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")[:60] or "untitled"


def load_squad(path: Path, *, name: str | None = None, questions_from: Path | None = None) -> SquadSet:
    """Read a SQuAD v1.1 file; `questions_from` swaps in question texts by id from a parallel file."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    set_name = name or Path(path).stem
    articles: list[Article] = []
    questions: list[SquadQuestion] = []
    spans: dict[str, tuple[tuple[int, int], ...]] = {}
    for number, entry in enumerate(raw["data"]):
        title = str(entry.get("title", f"article {number}"))
        article_id = f"{set_name}/{number:04d}-{_slug(title)}"
        parts: list[str] = []
        article_spans: list[tuple[int, int]] = []
        offset = 0
        for paragraph in entry["paragraphs"]:
            context = paragraph["context"]
            if parts:
                offset += len(PARAGRAPH_SEPARATOR)
            start, end = offset, offset + len(context)
            parts.append(context)
            article_spans.append((start, end))
            offset = end
            for qa in paragraph["qas"]:
                answers = tuple(
                    dict.fromkeys(answer["text"] for answer in qa.get("answers", []) if answer["text"])
                )
                questions.append(
                    SquadQuestion(str(qa["id"]), qa["question"], article_id, start, end, answers)
                )
        text = PARAGRAPH_SEPARATOR.join(parts)
        articles.append(Article(id=article_id, title=title, text=text, path=f"{path}#{number}"))
        spans[article_id] = tuple(article_spans)
    squad = SquadSet(set_name, tuple(articles), tuple(questions), spans)
    if questions_from is not None:
        squad = replace_questions(squad, load_squad(questions_from))
    return squad


def replace_questions(squad: SquadSet, parallel: SquadSet) -> SquadSet:
    """Ask `parallel`'s question texts (matched by id) over `squad`'s articles; unmatched ids are dropped."""
    texts = {question.id: question.text for question in parallel.questions}
    kept = tuple(
        replace(question, text=texts[question.id]) for question in squad.questions if question.id in texts
    )
    return replace(squad, name=f"{parallel.name}->{squad.name}", questions=kept)


PARTS = ("all", "tuning", "reporting")


def questions_in_part(squad: SquadSet, part: str) -> tuple[SquadQuestion, ...]:
    """The split rule, by article: articles at even positions in the file (0, 2, 4, ...) are the
    tuning part (what the shipped second stage was fitted on), odd positions the reporting part."""
    if part == "all":
        return squad.questions
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}")
    wanted = 0 if part == "tuning" else 1
    chosen = {article.id for number, article in enumerate(squad.articles) if number % 2 == wanted}
    return tuple(question for question in squad.questions if question.article_id in chosen)
