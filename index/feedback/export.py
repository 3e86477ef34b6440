"""Users' labels → a SQuAD v1.1 file over the articles' current text, for `qa-index eval`."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.files import write_atomically
from index.text.sentences import split_sentences


@dataclass(frozen=True)
class LabelledQuestion:
    """A question with the passage a user marked as right (a choice, or the first passage of a 👍)."""

    answer_id: int
    question: str
    article_id: str
    title: str
    start: int
    end: int
    text: str
    source: str  # "choice" or "vote"
    labelled_at: float


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph (text between blank lines), without surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for separator in [*_BLANK_LINE.finditer(text), None]:
        end = separator.start() if separator else len(text)
        piece = text[start:end]
        if piece.strip():
            spans.append((start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())))
        start = separator.end() if separator else end
    return spans


def locate(text: str, label: LabelledQuestion) -> tuple[int, int] | None:
    """The gold passage's span in the article's current text, following it if the text moved."""
    if text[label.start : label.end] == label.text:
        return label.start, label.end
    found = text.find(label.text)
    return None if found < 0 else (found, found + len(label.text))


def best_paragraph(paragraphs: Sequence[tuple[int, int]], start: int, end: int) -> int | None:
    """Index of the paragraph holding most of [start, end), or None when none overlaps it."""
    overlaps = [min(end, p_end) - max(start, p_start) for p_start, p_end in paragraphs]
    best = max(range(len(overlaps)), key=overlaps.__getitem__, default=None)
    return best if best is not None and overlaps[best] > 0 else None


def answer_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The first sentence of text[start:end] (else its stripped text), as a span of `text`."""
    piece = text[start:end]
    sentences = split_sentences(piece)
    if sentences:
        return start + sentences[0][0], start + sentences[0][1]
    lead = len(piece) - len(piece.lstrip())
    return start + lead, start + len(piece.rstrip())


def squad_data(
    labels: Sequence[LabelledQuestion], article_text: Callable[[str], str | None]
) -> tuple[list[dict[str, Any]], tuple[int, int, int, int]]:
    """SQuAD `data` (an entry per article, all paragraphs) and (questions, articles, missing, changed)."""
    by_article: dict[str, list[LabelledQuestion]] = {}
    for label in labels:
        by_article.setdefault(label.article_id, []).append(label)
    titles = Counter(group[0].title for group in by_article.values())
    data: list[dict[str, Any]] = []
    missing = changed = exported = 0
    for article_id, group in by_article.items():
        text = article_text(article_id)
        if text is None:
            missing += len(group)
            continue
        title = group[0].title if titles[group[0].title] == 1 else f"{group[0].title} ({article_id})"
        entry, placed = _squad_article(title, text, group)
        changed += len(group) - placed
        if placed:
            data.append(entry)
            exported += placed
    return data, (exported, len(data), missing, changed)


def _squad_article(title: str, text: str, labels: Sequence[LabelledQuestion]) -> tuple[dict[str, Any], int]:
    paragraphs = paragraph_spans(text)
    qas: list[list[dict[str, Any]]] = [[] for _ in paragraphs]
    for label in labels:
        span = locate(text, label)
        number = None if span is None else best_paragraph(paragraphs, *span)
        if span is None or number is None:
            continue
        p_start, p_end = paragraphs[number]
        a_start, a_end = answer_span(text, max(span[0], p_start), min(span[1], p_end))
        qas[number].append(
            {
                "id": f"feedback-{label.answer_id}",
                "question": label.question,
                "answers": [{"text": text[a_start:a_end], "answer_start": a_start - p_start}],
            }
        )
    contexts = [{"context": text[s:e], "qas": q} for (s, e), q in zip(paragraphs, qas, strict=True)]
    return {"title": title, "paragraphs": contexts}, sum(len(q) for q in qas)


def write_json_atomically(path: Path, payload: dict[str, Any]) -> None:
    write_atomically(path, (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
