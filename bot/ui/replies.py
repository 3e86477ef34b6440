"""Answers → Discord messages within Discord's limits: quoted, escaped, never cut mid-markdown.

Pure functions: no network, no client. The terminal chat shows the same text as Discord.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import discord
from discord.utils import escape_markdown

from bot.ui.texts import text
from index import Answer, Hit

# Every message the bot sends: nothing it quotes or repeats (@everyone, roles, users) pings anyone.
NO_PINGS = discord.AllowedMentions.none()

# Discord's limits (https://discord.com/developers/docs/resources/message).
CONTENT_LIMIT = 2000
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_TITLE_LIMIT = 256
EMBED_FOOTER_LIMIT = 2048
EMBEDS_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10

ELLIPSIS = "…"
EMPTY_QUOTE_LINE = "\u200b"
_QUOTE_BUDGET = 1500
_LINE_START_MARKUP = re.compile(r"^(\s*)(#{1,3} |-# |[-*+] |\d+\. |>)", re.MULTILINE)
_SENTENCE_END = re.compile(r"[.!?…»”\"')\]](?=\s)")


@dataclass(frozen=True)
class QuoteCard:
    """One quoted passage as an embed: article title (linked), the quote, and where it is from."""

    title: str
    url: str | None
    quote: str
    footer: str


@dataclass(frozen=True)
class Reply:
    """A whole bot message: a short content line plus one card per passage."""

    content: str
    cards: list[QuoteCard] = field(default_factory=list)

    def total_embed_characters(self) -> int:
        return sum(len(c.title) + len(c.quote) + len(c.footer) for c in self.cards)


def escape_text(text: str) -> str:
    """Article text shown literally: markdown escaped, line-leading markup (headings, lists) neutralised."""
    escaped = escape_markdown(text)
    return _LINE_START_MARKUP.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def trim_to_sentence(text: str, limit: int) -> str:
    """The text if it fits, else its longest prefix ending a sentence (or a word) plus an ellipsis."""
    if len(text) <= limit:
        return text
    room = max(limit - len(ELLIPSIS) - 1, 0)
    head = text[:room]
    ends = [m.end() for m in _SENTENCE_END.finditer(head + " ")]
    if ends and ends[-1] >= room // 3:
        return head[: ends[-1]].rstrip() + " " + ELLIPSIS
    space = head.rfind(" ")
    cut = head[:space] if space > room // 3 else head
    return cut.rstrip() + ELLIPSIS


def quote_block(text: str, highlights: list[tuple[int, int]], limit: int) -> str:
    """A markdown block quote of `text` with highlighted spans in bold, at most `limit` characters.

    Trimming happens on the raw text before any markup is added, so a bold pair or an escape is
    never cut in half; the loop shortens the raw text until the formatted quote fits.
    """
    raw_limit = limit
    while raw_limit > 0:
        shown = trim_to_sentence(text, raw_limit)
        formatted = _format_quote(shown, highlights)
        if len(formatted) <= limit:
            return formatted
        raw_limit -= max(len(formatted) - limit, 16)
    return "> " + ELLIPSIS


def _format_quote(shown: str, highlights: list[tuple[int, int]]) -> str:
    visible = len(shown.rstrip(ELLIPSIS).rstrip())
    pieces: list[str] = []
    cursor = 0
    for start, end in sorted(highlights):
        start, end = max(start, cursor), min(end, visible)
        if start >= end:
            continue
        pieces.append(escape_text(shown[cursor:start]))
        pieces.append(_bold(shown[start:end]))
        cursor = end
    pieces.append(escape_text(shown[cursor:]))
    body = "".join(pieces)
    # A bare ">" is shown literally by Discord: an empty quoted line needs some (invisible) text.
    return "\n".join("> " + (line if line.strip() else EMPTY_QUOTE_LINE) for line in body.split("\n"))


def _bold(text: str) -> str:
    """Bold each line separately: Discord's bold does not span a line break inside a quote."""
    lines = text.split("\n")
    return "\n".join(f"**{escape_text(line.strip())}**" if line.strip() else line for line in lines)


def confidence_level(score: float, threshold: float) -> str:
    """How sure the bot is, from how far the best score clears the question's threshold."""
    if score >= threshold + 0.25:
        return "high"
    if score >= threshold + 0.1:
        return "medium"
    return "low"


def card_for(hit: Hit, number: int, quote_limit: int) -> QuoteCard:
    article = hit.article
    title = trim_to_sentence(f"[{number}] {article.title}", EMBED_TITLE_LIMIT)
    relative = [(s - hit.passage.start, e - hit.passage.start) for s, e in hit.highlights]
    details = [part for part in (article.date, article.source, article.path) if part]
    details.append(f"relevance {hit.score:.2f}")
    footer = trim_to_sentence(" · ".join(details), EMBED_FOOTER_LIMIT)
    return QuoteCard(title, article.url, quote_block(hit.passage.text, relative, quote_limit), footer)


def answer_reply(answer: Answer, *, locale: str | None = None, max_quote: int = _QUOTE_BUDGET) -> Reply:
    """The reply to a question: quoted passages with sources, or a clear 'nothing relevant'."""
    if not answer.answered or not answer.hits:
        return Reply(text("no_answer", locale))
    hits = answer.hits[:EMBEDS_PER_MESSAGE]
    best = hits[0].score
    confidence = text(f"confidence_{confidence_level(best, answer.threshold)}", locale)
    header = text("answer_header", locale, count=len(hits), confidence=confidence, score=best)
    per_card = (EMBEDS_TOTAL_LIMIT - 100) // max(len(hits), 1)
    cards = []
    for number, hit in enumerate(hits, start=answer.offset + 1):
        limit = min(max_quote, EMBED_DESCRIPTION_LIMIT, per_card - EMBED_TITLE_LIMIT - 120)
        cards.append(card_for(hit, number, limit))
    return Reply(header, cards)


def render_plain(reply: Reply) -> str:
    """The reply as terminal text: the same quotes and sources, one card after another."""
    blocks = [reply.content]
    for card in reply.cards:
        lines = [card.title]
        if card.url:
            lines.append(card.url)
        lines.append(card.quote)
        lines.append(card.footer)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


EMBED_COLOUR = 0x3B82F6


def to_embeds(reply: Reply) -> list[discord.Embed]:
    """The reply's cards as Discord embeds (title linked to the article when it has a URL)."""
    embeds = []
    for card in reply.cards:
        embed = discord.Embed(title=card.title, url=card.url, description=card.quote, colour=EMBED_COLOUR)
        embed.set_footer(text=card.footer)
        embeds.append(embed)
    return embeds
