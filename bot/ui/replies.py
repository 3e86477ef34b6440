"""Answers → Discord messages within Discord's limits: quoted, escaped, never cut mid-markdown.

Pure functions: no network, no client. The terminal chat shows the same text as Discord.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import discord
from discord.utils import escape_markdown

from bot.ui.texts import format_age, format_date, format_period, text
from index import Answer, ArticleInfo, Hit, is_safe_url, split_sentences

# Every message the bot sends: nothing it quotes or repeats (@everyone, roles, users) pings anyone.
NO_PINGS = discord.AllowedMentions.none()

# Discord's limits (https://discord.com/developers/docs/resources/message).
CONTENT_LIMIT = 2000
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_TITLE_LIMIT = 256
EMBED_FOOTER_LIMIT = 2048
THREAD_NAME_LIMIT = 100
SELECT_TEXT_LIMIT = 100
EMBEDS_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10

ELLIPSIS = "…"
EMPTY_QUOTE_LINE = "\u200b"
_QUOTE_BUDGET = 1500
# A card's footer (outlet, date, confidence) is plain text; beyond this it says nothing more useful.
FOOTER_BUDGET = 300
# A link written in an article is shown, never clickable: nobody vetted where it leads.
_URL_IN_TEXT = re.compile(r"(?i)\b(?:https?|ftp|file|javascript|data):[^\s<>\"'`]+|\bwww\.[^\s<>\"'`]+")
_LINE_START_MARKUP = re.compile(r"^(\s*)(#{1,3} |-# |[-*+] |\d+\. |>)", re.MULTILINE)


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
    """Article text shown literally: markdown escaped, line-leading markup (headings, lists)
    neutralised, and links in the text shown as code, so they cannot be clicked."""
    pieces: list[str] = []
    cursor = 0
    for match in _URL_IN_TEXT.finditer(text):
        pieces.append(_escape_markdown(text[cursor : match.start()]))
        pieces.append(_code(match.group()))
        cursor = match.end()
    pieces.append(_escape_markdown(text[cursor:]))
    return "".join(pieces)


def _escape_markdown(text: str) -> str:
    escaped = escape_markdown(text)
    return _LINE_START_MARKUP.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def _code(text: str) -> str:
    """An inline code span holding `text` exactly (a longer fence when the text has backticks)."""
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def escape_within(text: str, limit: int) -> str:
    """`escape_text` of the text, or of its longest prefix (cut at a sentence or a word, with an
    ellipsis) whose escaped form fits `limit` characters: escaping never pushes past a limit."""
    if not text:
        return ""
    raw_limit = min(len(text), limit)
    while raw_limit > 0:
        escaped = escape_text(trim_to_sentence(text, raw_limit))
        if len(escaped) <= limit:
            return escaped
        raw_limit -= max(len(escaped) - limit, 8)
    return ELLIPSIS if limit >= len(ELLIPSIS) else ""


def safe_link(url: str | None) -> str | None:
    """A link from article metadata, if Discord accepts it as it is (checked again on each render)."""
    return url if is_safe_url(url) else None


def markdown_link(label: str, url: str | None) -> str:
    """`[label](url)` with the label escaped and the URL unable to end the link early; the bare
    label (bold) when the URL is not safe."""
    link = safe_link(url)
    if link is None:
        return f"**{label}**"
    for char, code in (("(", "%28"), (")", "%29"), ("[", "%5B"), ("]", "%5D"), ("<", "%3C"), (">", "%3E")):
        link = link.replace(char, code)
    return f"[{label}]({link})"


def trim_to_sentence(text: str, limit: int) -> str:
    """The text if it fits, else its longest prefix ending a sentence (or a word) plus an ellipsis.

    Sentence ends are the index's own (glued sentences included), so a quote never stops mid-thought
    when a whole sentence fits.
    """
    if len(text) <= limit:
        return text
    room = max(limit - len(ELLIPSIS) - 1, 0)
    ends = [end for _, end in split_sentences(text[: room + 1]) if end <= room]
    if ends and ends[-1] >= room // 3:
        return text[: ends[-1]].rstrip() + " " + ELLIPSIS
    head = text[:room]
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


# Bands of the calibrated confidence, from PIAF's reliability curve: the first passage answers
# about 80% of the time above 0.7, about half the time between 0.3 and 0.7, rarely below.
CONFIDENCE_BANDS = ((0.7, "high"), (0.3, "medium"), (0.0, "low"))


def confidence_level(confidence: float) -> str:
    """ "high", "medium" or "low": how often a passage this confident answers the question."""
    return next(band for floor, band in CONFIDENCE_BANDS if confidence >= floor)


def percent(value: float, locale: str | None) -> str:
    """ "82 %" in French, "82%" in English."""
    return text("percent", locale, value=round(100 * max(0.0, min(1.0, value))))


def card_title(number: int, title: str) -> str:
    """ "[N] Title", escaped, within Discord's 256 characters."""
    prefix = f"[{number}] "
    return prefix + escape_within(title, EMBED_TITLE_LIMIT - len(prefix))


def outlet(article: ArticleInfo) -> str:
    """Who published the article: its source, else its link's site, else (nothing better) its file."""
    if article.source and article.source.strip():
        return article.source
    link = safe_link(article.url)
    if link is not None:
        host = urlsplit(link).hostname or ""
        return host.removeprefix("www.")
    return article.path.rsplit("/", 1)[-1]


def card_footer(hit: Hit, locale: str | None = None) -> str:
    """Where the quote comes from, as plain text (Discord shows footers without markdown): the outlet,
    the publication date as people write it, and how likely the passage is to answer, in the reader's
    words."""
    details = [
        outlet(hit.article),
        format_date(hit.article.date, locale),
        text("passage_confidence", locale, percent=percent(hit.confidence, locale)),
        _also_in(hit, locale),
    ]
    return trim_to_sentence(" · ".join(" ".join(part.split()) for part in details if part), FOOTER_BUDGET)


# Outlets named in "also in: …"; more are counted, not named.
_OUTLETS_NAMED = 3


def _also_in(hit: Hit, locale: str | None) -> str:
    """ "also in: Outlet B, Outlet C (4 articles)": the other articles that tell the same story."""
    if not hit.also_in:
        return ""
    names = list(dict.fromkeys(outlet(article) for article in hit.also_in))
    label = ", ".join(names[:_OUTLETS_NAMED]) + (ELLIPSIS if len(names) > _OUTLETS_NAMED else "")
    if len(hit.also_in) > min(len(names), _OUTLETS_NAMED):
        label += " " + text("article_count", locale, count=len(hit.also_in))
    return text("also_in", locale, outlets=label)


def card_for(
    hit: Hit, number: int, room: int, max_quote: int = _QUOTE_BUDGET, locale: str | None = None
) -> QuoteCard:
    """One passage as a card whose title, quote and footer together take at most `room` characters."""
    title, footer = card_title(number, hit.article.title), card_footer(hit, locale)
    quote_limit = max(0, min(max_quote, EMBED_DESCRIPTION_LIMIT, room - len(title) - len(footer)))
    relative = [(s - hit.passage.start, e - hit.passage.start) for s, e in hit.highlights]
    quote = quote_block(hit.passage.text, relative, quote_limit)
    return QuoteCard(title, safe_link(hit.article.url), quote, footer)


def answer_reply(
    answer: Answer,
    *,
    locale: str | None = None,
    max_quote: int = _QUOTE_BUDGET,
    follow_up_of: str | None = None,
    today: date | None = None,
) -> Reply:
    """The reply to a question: quoted passages with sources, or a clear 'nothing relevant'; a
    follow-up says which question it was read with, and the header how recent the newest quote is.

    Every card's title, quote and footer count towards Discord's 6,000 characters per message.
    """
    follows = _follow_up_line(follow_up_of, locale)
    if not answer.answered or not answer.hits:
        return Reply(follows + text("no_answer", locale))
    hits = answer.hits[:EMBEDS_PER_MESSAGE]
    best = hits[0].confidence
    band = text(f"confidence_{confidence_level(best)}", locale)
    header = follows + text(
        "answer_header", locale, count=len(hits), confidence=band, percent=percent(best, locale)
    )
    header += _newest_quote(hits, today or date.today(), locale) + _period_note(answer, locale)
    room = EMBEDS_TOTAL_LIMIT // len(hits)
    cards = [
        card_for(hit, number, room, max_quote, locale)
        for number, hit in enumerate(hits, start=answer.offset + 1)
    ]
    return Reply(header, cards)


def _newest_quote(hits: list[Hit], today: date, locale: str | None) -> str:
    """ " · newest quote: 3 days ago": news readers want to know how fresh the answer is."""
    dates = [hit.article.date for hit in hits if hit.article.date]
    if not dates:
        return ""
    return " · " + text("newest_quote", locale, age=format_age(max(dates), today, locale))


def _period_note(answer: Answer, locale: str | None) -> str:
    """The period the answer was narrowed to or favoured, or that nothing from it answered."""
    if answer.period is None:
        return ""
    key = "period" if answer.in_period else "period_none"
    return "\n" + text(key, locale, period=format_period(answer.period, locale))


def _follow_up_line(question: str | None, locale: str | None) -> str:
    """ "↪ Follow-up to: …" above the answer, so the reader sees how a short question was read."""
    if not question:
        return ""
    return text("follow_up_of", locale, question=escape_within(" ".join(question.split()), 300)) + "\n"


def reply_as_text(reply: Reply, limit: int = CONTENT_LIMIT) -> str:
    """The reply as one message without embeds (a channel where the bot may not embed links):
    the header, then as many whole cards as fit, each title linked, quote, and source line."""
    parts = [reply.content]
    for card in reply.cards:
        block = "\n".join([markdown_link(card.title, card.url), card.quote, f"-# {escape_text(card.footer)}"])
        if len("\n\n".join([*parts, block])) > limit:
            break
        parts.append(block)
    return "\n\n".join(parts)


# Quotes short enough for a whole answer to fit one 2,000-character message without embeds.
TEXT_QUOTE_BUDGET = 400


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
