"""Whatever the articles contain, every message the bot builds is one Discord accepts: checked with
Discord's own OpenAPI description and the rules it does not carry (through the emulator's checker)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering import PassageContext
from bot.cogs.questions import sources_page, thread_name, thread_opener
from bot.ui.replies import NO_PINGS, answer_reply, to_embeds
from bot.ui.views import answer_view, context_embed
from devtools.discord_emulator.forms import body_errors
from index.records import Passage
from index.search.retriever import Answer, Hit
from index.store.passages_db import ArticleInfo
from index.text.urls import check_url

MESSAGE = ("POST", "/channels/{channel_id}/messages")
THREAD = ("POST", "/channels/{channel_id}/messages/{message_id}/threads")

# Text as scraped articles and hostile metadata carry it: markdown, mentions, links, any Unicode.
_PIECES = st.sampled_from(
    ["**", "__", "*", "_", "~~", "||", "`", "```", "> ", "# ", "-# ", "- ", "1. ", "[a](https://x.fr)",
     "](javascript:alert(1))", "<@123>", "@everyone", "<#1>", "https://evil.example/p?x=(1)", "www.x.fr",
     "\\", "\n", "\n\n", " ", "é", "»", "\u200b", "😀", "\u202e"]
)  # fmt: skip
_TEXT = st.lists(_PIECES | st.text(max_size=30), max_size=60).map("".join)
_LONG_TEXT = st.one_of(_TEXT, _TEXT.map(lambda text: text * 200))
_URL = st.one_of(
    st.none(),
    _TEXT,
    st.sampled_from(
        [
            "https://news.example/a",
            "www.news.example/x",
            "javascript:alert(1)",
            "https://evil.example/) [Verify your Discord account here](https://evil.example/phish",
            "https://e.x/" + "a" * 3000,
        ]
    ),
)


@st.composite
def hits(draw: Any) -> Hit:
    text = draw(_LONG_TEXT.filter(lambda value: value.strip()))
    article = ArticleInfo(
        id=draw(_TEXT),
        title=draw(_LONG_TEXT),
        path=draw(_TEXT),
        url=draw(_URL),
        date=draw(st.none() | _TEXT),
        source=draw(st.none() | _LONG_TEXT),
        collection="",
        hash="h",
    )
    start = draw(st.integers(0, 10_000))
    spans = draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))), max_size=3))
    highlights = tuple((start + min(a, b), start + max(a, b)) for a, b in spans)
    score = draw(st.floats(-1, 2, allow_nan=False))
    return Hit(
        draw(st.integers(0, 10**6)),
        Passage(article.id, 0, start, start + len(text), text),
        article,
        score,
        highlights,
    )


def _errors(body: dict[str, Any], route: tuple[str, str] = MESSAGE) -> dict[str, Any]:
    return body_errors(*route, {**body, "allowed_mentions": NO_PINGS.to_dict()})


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.lists(hits(), min_size=1, max_size=10), st.integers(0, 50), st.sampled_from([None, "fr", "en-US"]))
def test_any_answer_renders_to_a_message_discord_accepts(
    found: list[Hit], offset: int, locale: str | None
) -> None:
    answer = Answer("question ?", found, True, "v1", 0.01, offset=offset, threshold=0.3)
    reply = answer_reply(answer, locale=locale)
    view = answer_view(12345, 678, answer, locale, True, has_more=True)
    body = {
        "content": reply.content,
        "embeds": [embed.to_dict() for embed in to_embeds(reply)],
        "components": view.to_components() if view is not None else [],
    }
    assert _errors(body) == {}


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(_LONG_TEXT, _LONG_TEXT, _LONG_TEXT, _LONG_TEXT, _URL, st.none() | _LONG_TEXT, st.integers(0, 200))
def test_any_context_renders_to_a_message_discord_accepts(
    title, before, passage, after, url, source, rank
) -> None:
    context = PassageContext(title, url, before, passage, after, source or "")
    assert _errors({"embeds": [context_embed(context, rank).to_dict()]}) == {}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.lists(hits(), min_size=0, max_size=40), st.integers(-5, 50))
def test_any_article_list_pages_to_messages_discord_accepts(found: list[Hit], page: int) -> None:
    articles = [hit.article for hit in found]
    header, description = sources_page(articles, page, "en-US")
    embeds = [{"description": description}] if description else []
    assert _errors({"content": header, "embeds": embeds}) == {}


@settings(max_examples=80, deadline=None)
@given(_LONG_TEXT.filter(lambda value: value.strip()), st.sampled_from([None, "fr", "en-US"]))
def test_any_question_opens_a_thread_discord_accepts(question: str, locale: str | None) -> None:
    assert _errors({"content": thread_opener(question, locale)}) == {}
    assert _errors({"name": thread_name(question)}, THREAD) == {}


@pytest.mark.parametrize("stored", ["as written", "as ingestion keeps it"])
def test_a_crafted_link_never_becomes_a_second_link(stored: str) -> None:
    crafted = "https://evil.example/) [Verify your Discord account here](https://evil.example/phish"
    url = crafted if stored == "as written" else check_url(crafted).url
    article = ArticleInfo("a", "Une nouvelle", "a.txt", url, None, None, "", "h", 3)
    _, description = sources_page([article], 1, "en-US")
    links = re.findall(r"\[([^\]]*)\]\(([^)\s]*)\)", description)
    assert [label for label, _ in links] in ([], ["Une nouvelle"])
    assert description.startswith(("• [Une nouvelle](", "• **Une nouvelle**"))
