"""Buttons and the select menu under an answer. Their custom ids carry everything they need
(answer id, asker, rank), so they keep working after a restart (discord.py DynamicItems)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, Protocol

import discord

from bot.answering import AnswerExpiredError, AnswerFlow, PassageContext
from bot.ui.replies import (
    EMBED_COLOUR,
    EMBED_DESCRIPTION_LIMIT,
    FOOTER_BUDGET,
    NO_PINGS,
    SELECT_TEXT_LIMIT,
    answer_reply,
    card_title,
    escape_text,
    escape_within,
    safe_link,
    to_embeds,
    trim_to_sentence,
)
from bot.ui.texts import text
from index import Answer, FeedbackError

_log = logging.getLogger(__name__)

_ID = r"[0-9]+"
CONTEXT_BUTTONS = 4  # with "More passages", one row of five


class HasFlow(Protocol):
    """What the buttons need from the bot."""

    flow: AnswerFlow
    collect_feedback: bool


def _flow_of(interaction: discord.Interaction) -> HasFlow:
    return interaction.client  # type: ignore[return-value]


def _locale(interaction: discord.Interaction) -> str:
    return str(interaction.locale)


async def say(interaction: discord.Interaction, message: str) -> None:
    """A short private sentence to whoever clicked (or typed the command)."""
    if interaction.response.is_done():
        await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_PINGS)


Callback = Callable[[Any, discord.Interaction], Coroutine[Any, Any, None]]


def answers_failures(callback: Callback) -> Callback:
    """Whatever fails in a button or menu ends with a private sentence and a logged traceback,
    never Discord's "This interaction failed"."""

    @functools.wraps(callback)
    async def guarded(self: Any, interaction: discord.Interaction) -> None:
        try:
            await callback(self, interaction)
        except Exception:
            _log.exception("a button or menu failed (%s)", type(self).__name__)
            with contextlib.suppress(discord.HTTPException):
                await say(interaction, text("error", _locale(interaction)))

    return guarded


async def _store_feedback(interaction: discord.Interaction, storing: Awaitable[None], thanks: str) -> None:
    """Acknowledge at once, then store a vote or a choice and say privately how it went."""
    locale = _locale(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        await storing
    except AnswerExpiredError:
        await say(interaction, text("answer_expired", locale))
    except FeedbackError:
        await say(interaction, text("feedback_off", locale))
    else:
        await say(interaction, thanks)


class MoreButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"qa:more:(?P<a>{_ID}):(?P<u>{_ID})"
):
    """The next passages: edits the asker's answer in place, or shows them privately to others."""

    def __init__(self, answer_id: int, asker_id: int, locale: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=text("more_passages", locale),
                style=discord.ButtonStyle.primary,
                custom_id=f"qa:more:{answer_id}:{asker_id}",
            )
        )
        self.answer_id, self.asker_id = answer_id, asker_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any):
        return cls(int(match["a"]), int(match["u"]), _locale(interaction))

    @answers_failures
    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _flow_of(interaction)
        locale = _locale(interaction)
        is_asker = interaction.user.id == self.asker_id
        await interaction.response.defer(ephemeral=not is_asker, thinking=not is_asker)
        try:
            found = await bot.flow.more(self.answer_id, interaction.user.id)
        except AnswerExpiredError:
            await say(interaction, text("answer_expired", locale))
            return
        page = found.answer
        if not page.hits:
            await say(interaction, text("no_more_passages", locale))
            return
        reply = answer_reply(page, locale=locale)
        has_more = len(page.hits) >= bot.flow.k
        view = answer_view(
            self.answer_id,
            self.asker_id,
            page,
            locale,
            bot.collect_feedback,
            has_more=has_more,
            ranks=found.ranks,
        )
        if is_asker:
            await interaction.edit_original_response(
                content=reply.content, embeds=to_embeds(reply), view=view, allowed_mentions=NO_PINGS
            )
        else:
            await interaction.followup.send(
                reply.content, embeds=to_embeds(reply), ephemeral=True, allowed_mentions=NO_PINGS
            )


class ContextButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"qa:ctx:(?P<a>{_ID}):(?P<r>{_ID})"
):
    """A quoted passage with its neighbouring sentences, shown privately."""

    def __init__(self, answer_id: int, rank: int, locale: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"{text('context', locale)} {rank + 1}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"qa:ctx:{answer_id}:{rank}",
            )
        )
        self.answer_id, self.rank = answer_id, rank

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any):
        return cls(int(match["a"]), int(match["r"]), _locale(interaction))

    @answers_failures
    async def callback(self, interaction: discord.Interaction) -> None:
        locale = _locale(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)  # a long article takes time
        try:
            context = await _flow_of(interaction).flow.context(self.answer_id, self.rank)
        except AnswerExpiredError:
            await say(interaction, text("answer_expired", locale))
            return
        embed = await asyncio.to_thread(context_embed, context, self.rank)
        await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=NO_PINGS)


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"qa:vote:(?P<a>{_ID}):(?P<v>up|down)"
):
    """👍 or 👎 on the whole answer."""

    def __init__(self, answer_id: int, vote: str) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if vote == "up" else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"qa:vote:{answer_id}:{vote}",
            )
        )
        self.answer_id, self.vote = answer_id, vote

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any):
        return cls(int(match["a"]), match["v"])

    @answers_failures
    async def callback(self, interaction: discord.Interaction) -> None:
        vote = 1 if self.vote == "up" else -1
        stored = _flow_of(interaction).flow.vote(self.answer_id, interaction.user.id, vote)
        await _store_feedback(interaction, stored, text("thanks_vote", _locale(interaction)))


class PickSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=rf"qa:pick:(?P<a>{_ID})"):
    """Which shown passage answered the question: the label that feeds evaluation."""

    def __init__(
        self, answer_id: int, options: list[discord.SelectOption] | None = None, locale: str | None = None
    ):
        super().__init__(
            discord.ui.Select(
                placeholder=text("pick_placeholder", locale),
                custom_id=f"qa:pick:{answer_id}",
                options=options or [discord.SelectOption(label="1", value="0")],
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any):
        options = list(getattr(item, "options", []) or [])
        return cls(int(match["a"]), options, _locale(interaction))

    @answers_failures
    async def callback(self, interaction: discord.Interaction) -> None:
        rank = int(self.item.values[0])
        stored = _flow_of(interaction).flow.choose(self.answer_id, interaction.user.id, rank)
        await _store_feedback(interaction, stored, text("thanks_pick", _locale(interaction), rank=rank + 1))


DYNAMIC_ITEMS = (MoreButton, ContextButton, VoteButton, PickSelect)


def answer_view(
    answer_id: int | None,
    asker_id: int,
    answer: Answer,
    locale: str | None,
    feedback: bool,
    *,
    has_more: bool = True,
    ranks: Sequence[int] | None = None,
) -> discord.ui.View | None:
    """The buttons under an answer: more passages (while there may be some), context, feedback.

    `ranks` are the passages' places in the answer's record (by default, in order from its
    offset). Rows are fixed: navigation, then the votes, then the passage menu."""
    if answer_id is None or not answer.hits:
        return None
    ranks = list(ranks) if ranks is not None else [answer.offset + i for i in range(len(answer.hits))]
    view = discord.ui.View(timeout=None)
    navigation: list[discord.ui.DynamicItem[Any]] = [
        ContextButton(answer_id, ranks[i], locale) for i in range(min(len(answer.hits), CONTEXT_BUTTONS))
    ]
    if has_more:
        navigation.insert(0, MoreButton(answer_id, asker_id, locale))
    for item in navigation:
        item.row = 0
        view.add_item(item)
    if feedback:
        for vote in ("up", "down"):
            button = VoteButton(answer_id, vote)
            button.row = 1
            view.add_item(button)
        options = [
            discord.SelectOption(
                label=trim_to_sentence(
                    " ".join(f"{answer.offset + i + 1}. {hit.article.title}".split()), SELECT_TEXT_LIMIT
                ),
                description=trim_to_sentence(" ".join(hit.passage.text.split()), SELECT_TEXT_LIMIT),
                value=str(ranks[i]),
            )
            for i, hit in enumerate(answer.hits[:25])
        ]
        pick = PickSelect(answer_id, options, locale)
        pick.row = 2
        view.add_item(pick)
    return view


def context_embed(context: PassageContext, rank: int) -> discord.Embed:
    """The passage in bold between its neighbouring sentences, within Discord's embed limits
    (measured after escaping and bold markers, which can double a text's length)."""
    room = EMBED_DESCRIPTION_LIMIT // 2
    while True:
        bold = _bold_lines(escape_within(context.passage, room))
        if len(bold) <= EMBED_DESCRIPTION_LIMIT // 2 or room <= 1:
            break
        room = room * 3 // 4
    side = max(0, (EMBED_DESCRIPTION_LIMIT - len(bold) - 2) // 2)
    before, after = _tail(context.before, side), escape_within(context.after, side)
    description = "\n".join(part for part in (before, bold, after) if part)
    embed = discord.Embed(
        title=card_title(rank + 1, context.title),
        url=safe_link(context.url),
        description=description,
        colour=EMBED_COLOUR,
    )
    if context.source:
        embed.set_footer(text=trim_to_sentence(" ".join(context.source.split()), FOOTER_BUDGET))
    return embed


def _bold_lines(text_: str) -> str:
    """Bold each line separately: Discord's bold does not span a line break."""
    return "\n".join(f"**{line}**" if line.strip() else line for line in text_.split("\n"))


def _tail(text_: str, limit: int) -> str:
    """The escaped end of a text within `limit`, cut at a word boundary, with a leading ellipsis."""
    keep = len(text_)
    while keep > 0:
        piece = text_[-keep:]
        if keep < len(text_):
            space = piece.find(" ")
            piece = "… " + (piece[space + 1 :] if 0 <= space < len(piece) // 3 else piece)
        escaped = escape_text(piece)
        if len(escaped) <= limit:
            return escaped
        keep -= max(len(escaped) - limit, 8)
    return ""
