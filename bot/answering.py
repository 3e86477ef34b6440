"""From a question to a stored answer, its next pages and its context: no Discord types here.

Index work and SQLite writes run in worker threads; the event loop only awaits them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from bot.conversations import Conversations
from bot.live_index import LiveIndex
from bot.privacy import append_private, without_mentions, words_only
from index import (
    Answer,
    AnswerLog,
    Period,
    StoredAnswer,
    furniture_spans,
    spans_without,
    split_sentences,
    text_without,
)

_log = logging.getLogger(__name__)

CONTEXT_SENTENCES = 2


@dataclass(frozen=True)
class AskedAnswer:
    """An answer, the id its buttons carry (None when answers are not stored), and the earlier
    question it was read with (a follow-up), if any."""

    answer: Answer
    answer_id: int | None
    follow_up_of: str | None = None


@dataclass(frozen=True)
class Page:
    """A further page of an answer, and the rank in the answer's record of each of its passages."""

    answer: Answer
    ranks: list[int]


@dataclass(frozen=True)
class PassageContext:
    """A quoted passage with the sentences around it in its article."""

    title: str
    url: str | None
    before: str
    passage: str
    after: str
    source: str = ""


class AnswerExpiredError(Exception):
    """The answer behind a button is older than the retention period (or unknown)."""


class AnswerFlow:
    """Asks the live index, remembers answers for paging and feedback, logs usage."""

    def __init__(
        self,
        live: LiveIndex,
        log: AnswerLog | None,
        passages_per_answer: int,
        question_log: Path | None = None,
        conversations: Conversations | None = None,
    ) -> None:
        self.live = live
        self.log = log
        self.k = passages_per_answer
        self._question_log = question_log
        self.conversations = conversations or Conversations(0)

    async def ask(
        self,
        question: str,
        *,
        user_id: int,
        channel_id: int | None,
        collections: Sequence[str] = (),
        guild_id: int | None = None,
        conversation: Hashable | None = None,
        window: Period | None = None,
    ) -> AskedAnswer:
        """Answer a question, read with the conversation's last one when it follows it."""
        question = without_mentions(question)  # stored and logged: no ids of the people it names
        reading = self.conversations.read(conversation, question)
        question = reading.query  # "et à Lyon ?" is stored, paged and labelled as the question it stands for
        searched = await self.live.answer(
            words_only(question), self.k, collections=collections or None, window=window
        )
        answer = replace(searched, question=question)
        self.conversations.answered(conversation, answer)
        answer_id = None
        if self.log is not None:
            answer_id = await asyncio.to_thread(
                self.log.record_answer,
                question,
                answer,
                user_id=user_id,
                collections=list(collections),
                channel_id=channel_id,
                guild_id=guild_id,
                since=window.start if window and window.start != date.min else None,
                until=window.end if window and window.end != date.max else None,
            )
        self._log_question(answer, answer_id, collections)
        return AskedAnswer(answer, answer_id, reading.follow_up_of)

    async def more(self, answer_id: int, viewer_id: int) -> Page:
        """The next page of passages for this viewer: each person pages on their own, from the
        answer's first page on, with the question's own relevance bar."""
        stored = await self._stored(answer_id)
        log = self._log()
        start = await asyncio.to_thread(log.page_start, answer_id, viewer_id)
        offset = stored.first_page if start is None else start
        window = Period(stored.since or date.min, stored.until or date.max)
        found = await self.live.answer(
            words_only(stored.question),
            self.k,
            offset=offset,
            collections=stored.collections or None,
            window=window if stored.since or stored.until else None,
        )
        ranks = await asyncio.to_thread(log.ranks_of, answer_id, found.hits)
        await asyncio.to_thread(log.set_page_start, answer_id, viewer_id, offset + len(found.hits))
        return Page(replace(found, question=stored.question), ranks)

    async def context(self, answer_id: int, rank: int) -> PassageContext:
        """The shown passage at `rank` with neighbouring sentences from its article."""
        stored = await self._stored(answer_id)
        if not 0 <= rank < len(stored.shown):
            raise AnswerExpiredError(f"answer {answer_id} has no passage {rank + 1}")
        shown = stored.shown[rank]
        text = await self.live.article_text(shown.article_id)
        if text is None:
            raise AnswerExpiredError(f"article {shown.article_id} is no longer indexed")
        # Splitting a whole article takes seconds for a very long one: never on the event loop.
        return await asyncio.to_thread(
            surrounding, text, shown.start, shown.end, shown.title, shown.url, shown.article_id
        )

    async def vote(self, answer_id: int, user_id: int, vote: int) -> None:
        """Record 👍 (+1) or 👎 (-1); FeedbackError when collection is off or the answer unknown."""
        await self._stored(answer_id)
        await asyncio.to_thread(self._log().record_vote, answer_id, user_id, vote)

    async def choose(self, answer_id: int, user_id: int, rank: int) -> None:
        """Record which shown passage answered the question."""
        await self._stored(answer_id)
        await asyncio.to_thread(self._log().record_choice, answer_id, user_id, rank)

    def _log(self) -> AnswerLog:
        if self.log is None:
            raise AnswerExpiredError("answers are not being recorded")
        return self.log

    async def _stored(self, answer_id: int) -> StoredAnswer:
        stored = None if self.log is None else await asyncio.to_thread(self.log.get_answer, answer_id)
        if stored is None:
            raise AnswerExpiredError(f"answer {answer_id} has expired")
        return stored

    def _log_question(self, answer: Answer, answer_id: int | None, collections: Sequence[str]) -> None:
        record = {
            "at": time.time(),
            "question": answer.question,
            "answer_id": answer_id,
            "answered": answer.answered,
            "passages": len(answer.hits),
            "confidence": round(answer.confidence, 4),  # also when the bot declined
            "seconds": round(answer.seconds, 4),
            "index_version": answer.index_version,
            "collections": list(collections),
            "articles": [hit.article.id for hit in answer.hits],
        }
        if self._question_log is None:
            return
        try:
            append_private(self._question_log, json.dumps(record, ensure_ascii=False))
        except OSError as error:
            _log.warning("cannot write the question log %s: %s", self._question_log, error)


def surrounding(
    text: str, start: int, end: int, title: str, url: str | None, source: str = ""
) -> PassageContext:
    """The passage text[start:end] with up to CONTEXT_SENTENCES sentences before and after it.

    Page furniture around the passage ("Lire aussi", credits, date stamps) is left out.
    """
    furniture = furniture_spans(text)
    spans = spans_without(split_sentences(text), furniture, text)
    before = [s for s in spans if s[1] <= start][-CONTEXT_SENTENCES:]
    after = [s for s in spans if s[0] >= end][:CONTEXT_SENTENCES]
    return PassageContext(
        title=title,
        url=url,
        before=text_without(text, before[0][0], start, furniture).strip() if before else "",
        passage=text[start:end],
        after=text_without(text, end, after[-1][1], furniture).strip() if after else "",
        source=source,
    )
