"""Passages sized for the embedding model: what the model sees, and a split that fits its window."""

from __future__ import annotations

from collections.abc import Sequence

from index.build.options import BuildOptions
from index.embed.embedder import Embedder
from index.ingest.passages import split_article
from index.records import Article, Passage
from index.text.furniture import Span

# Room kept in the model window for the title and special tokens when titles are embedded.
TITLE_WORDS = 24


def embedded_text(article_title: str, passage_text: str, embed_titles: bool) -> str:
    """What the model sees for a passage: optionally the article title, then the passage."""
    if not embed_titles or not article_title:
        return passage_text
    title = " ".join(article_title.split()[:TITLE_WORDS])
    return f"{title}\n{passage_text}"


def split_for_model(
    article: Article, options: BuildOptions, embedder: Embedder, furniture: Sequence[Span] | None = None
) -> tuple[list[Passage], int]:
    """Split one article so each passage fits the model window; returns passages and how many overflow.

    `furniture`: the article's furniture when the caller has it (see `article_furniture`).
    """
    window = embedder.max_tokens
    if not window:
        return split_article(article, options.split, furniture=furniture), 0
    allowance = TITLE_WORDS * 2 if options.embed_titles else 0
    passages = split_article(
        article,
        options.split,
        count_tokens=embedder.count_tokens,
        max_tokens=window - allowance - 2,
        furniture=furniture,
    )
    title = embedded_text(article.title, "", options.embed_titles)
    if not title or embedder.count_tokens(title) <= allowance:
        return passages, 0  # the title fits its allowance and every passage the rest of the window
    truncated = sum(
        1
        for p in passages
        if embedder.count_tokens(embedded_text(article.title, p.text, options.embed_titles)) > window
    )
    return passages, truncated


def split_all(
    articles: Sequence[Article], options: BuildOptions, embedder: Embedder
) -> tuple[list[Passage], int]:
    """Split every article (see `split_for_model`); returns all passages and how many overflow."""
    passages: list[Passage] = []
    truncated = 0
    for article in articles:
        pieces, overflow = split_for_model(article, options, embedder)
        passages.extend(pieces)
        truncated += overflow
    return passages, truncated
