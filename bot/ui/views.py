"""Buttons and the select menu under an answer. Their custom ids carry everything they need
(answer id, asker, rank), so they keep working after a restart (discord.py DynamicItems)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any, Protocol

import discord

from bot.answering import AnswerExpiredError, AnswerFlow, PassageContext
from bot.ui.replies import (
    EMBED_COLOUR,
    EMBED_DESCRIPTION_LIMIT,
    NO_PINGS,
    answer_reply,
    escape_text,
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


async def _say(interaction: discord.Interaction, message: str) -> None:
    """A short private sentence to whoever clicked."""
    if interaction.response.is_done():
        await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_PINGS)


async def _store_feedback(interaction: discord.Interaction, storing: Awaitable[None], thanks: str) -> None:
    """Await a vote or a choice and tell whoever clicked how it went, privately."""
    locale = _locale(interaction)
    try:
        await storing
    except AnswerExpiredError:
        await _say(interaction, text("answer_expired", locale))
    except FeedbackError:
        await _say(interaction, text("feedback_off", locale))
    else:
        await _say(interaction, thanks)


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

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _flow_of(interaction)
        locale = _locale(interaction)
        is_asker = interaction.user.id == self.asker_id
        await interaction.response.defer(ephemeral=not is_asker, thinking=not is_asker)
        try:
            page = await bot.flow.more(self.answer_id)
        except AnswerExpiredError:
            await _say(interaction, text("answer_expired", locale))
            return
        if not page.hits:
            await _say(interaction, text("no_more_passages", locale))
            return
        reply = answer_reply(page, locale=locale)
        has_more = len(page.hits) >= bot.flow.k
        view = answer_view(
            self.answer_id, self.asker_id, page, locale, bot.collect_feedback, has_more=has_more
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

    async def callback(self, interaction: discord.Interaction) -> None:
        locale = _locale(interaction)
        try:
            context = await _flow_of(interaction).flow.context(self.answer_id, self.rank)
        except AnswerExpiredError:
            await _say(interaction, text("answer_expired", locale))
            return
        await interaction.response.send_message(
            embed=context_embed(context, self.rank), ephemeral=True, allowed_mentions=NO_PINGS
        )


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
) -> discord.ui.View | None:
    """The buttons under an answer: more passages (while there may be some), context, feedback.

    Rows are fixed: navigation, then the votes, then the passage menu."""
    if answer_id is None or not answer.hits:
        return None
    view = discord.ui.View(timeout=None)
    navigation: list[discord.ui.DynamicItem[Any]] = [
        ContextButton(answer_id, answer.offset + i, locale)
        for i in range(min(len(answer.hits), CONTEXT_BUTTONS))
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
                label=trim_to_sentence(f"{answer.offset + i + 1}. {hit.article.title}", 100),
                description=trim_to_sentence(hit.passage.text, 100),
                value=str(answer.offset + i),
            )
            for i, hit in enumerate(answer.hits[:25])
        ]
        pick = PickSelect(answer_id, options, locale)
        pick.row = 2
        view.add_item(pick)
    return view


def context_embed(context: PassageContext, rank: int) -> discord.Embed:
    """The passage in bold between its neighbouring sentences, within the embed limit."""
    budget = EMBED_DESCRIPTION_LIMIT - 200
    passage = escape_text(trim_to_sentence(context.passage, budget // 2))
    side = (budget - len(passage)) // 2
    before = escape_text(_tail(context.before, side // 2))
    after = escape_text(trim_to_sentence(context.after, side // 2))
    bold = "\n".join(f"**{line}**" if line.strip() else line for line in passage.split("\n"))
    description = "\n".join(part for part in (before, bold, after) if part)
    embed = discord.Embed(
        title=trim_to_sentence(f"[{rank + 1}] {context.title}", 256),
        url=context.url,
        description=description,
        colour=EMBED_COLOUR,
    )
    if context.source:
        embed.set_footer(text=trim_to_sentence(context.source, 2048))
    return embed


def _tail(text_: str, limit: int) -> str:
    """The end of a text, cut at a word boundary, with a leading ellipsis when shortened."""
    if len(text_) <= limit:
        return text_
    cut = text_[-limit + 2 :]
    space = cut.find(" ")
    return "… " + (cut[space + 1 :] if 0 <= space < len(cut) // 3 else cut)
