"""What users do: /ask and @mention questions, /sources, /help."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
from collections.abc import Hashable
from datetime import date
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering import AnswerFlow
from bot.assembly import question_policy_from
from bot.conversations import conversation_key
from bot.guards import Cooldown, Refusal, check_question
from bot.live_index import IndexUnavailableError
from bot.ui.replies import (
    CONTENT_LIMIT,
    EMBED_DESCRIPTION_LIMIT,
    NO_PINGS,
    TEXT_QUOTE_BUDGET,
    THREAD_NAME_LIMIT,
    answer_reply,
    escape_within,
    markdown_link,
    reply_as_text,
    to_embeds,
)
from bot.ui.texts import message_locale, text
from bot.ui.views import answer_view, say
from index import ArticleInfo, Period, PeriodError, window_between

if TYPE_CHECKING:
    from bot.settings import BotSettings

_log = logging.getLogger(__name__)

SOURCES_PER_PAGE = 15
_SOURCE_LINE_BUDGET = EMBED_DESCRIPTION_LIMIT - 200
# The longest question the slash option accepts before the configured limit applies (the setting's bound).
_QUESTION_OPTION_MAX = 1000
_PERIOD_OPTION_MAX = 40


def addressed_to(content: str, bot_id: int, bot_role_id: int | None) -> bool:
    """Whether a message's own words mention the bot or its role (a reply's ping does not count)."""
    if re.search(rf"<@!?{bot_id}>", content):
        return True
    return bot_role_id is not None and f"<@&{bot_role_id}>" in content


def question_from_mention(content: str, bot_id: int, bot_role_id: int | None = None) -> str:
    """The question in a message that mentions the bot (or its role), without the mention itself."""
    question = re.sub(rf"<@!?{bot_id}>", " ", content)
    if bot_role_id is not None:
        question = question.replace(f"<@&{bot_role_id}>", " ")
    return question.strip()


def sources_page(articles: list[ArticleInfo], page: int, locale: str | None) -> tuple[str, str]:
    """One page of the article list: (header line, embed description within Discord's limit).

    Pages are cut where the next entry would not fit, so the page count covers every article.
    """
    pages = source_pages(articles, locale)
    if not pages:
        return text("sources_empty", locale), ""
    page = min(max(page, 1), len(pages))
    header = text("sources_header", locale, count=len(articles), page=page, pages=len(pages))
    return header, "\n".join(pages[page - 1])


def source_pages(articles: list[ArticleInfo], locale: str | None) -> list[list[str]]:
    """Every article as one line, in pages of at most SOURCES_PER_PAGE lines and 4,096 characters."""
    pages: list[list[str]] = []
    current: list[str] = []
    size = 0
    for article in articles:
        line = source_line(article, locale)
        if current and (len(current) == SOURCES_PER_PAGE or size + len(line) + 1 > EMBED_DESCRIPTION_LIMIT):
            pages.append(current)
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        pages.append(current)
    return pages


def source_line(article: ArticleInfo, locale: str | None) -> str:
    """ "• Title — date · N passages", the title linked to the article when its link is safe."""
    title = escape_within(" ".join(article.title.split()), 150)
    shown = markdown_link(title, article.url)
    if len(shown) > _SOURCE_LINE_BUDGET:  # a link too long to list: the title alone
        shown = markdown_link(title, None)
    date = escape_within(" ".join((article.date or "").split()), 40)
    details = " · ".join(
        part for part in (date, text("passages_count", locale, count=article.passages)) if part
    )
    return f"• {shown} — {details}"


def thread_name(question: str) -> str:
    """A thread title from the question (Discord allows 100 characters)."""
    flat = " ".join(question.split()) or "?"
    return flat if len(flat) <= THREAD_NAME_LIMIT else flat[: THREAD_NAME_LIMIT - 1].rstrip() + "…"


def thread_opener(question: str, locale: str | None) -> str:
    """The message a thread hangs from: the question, escaped, within Discord's 2,000 characters."""
    room = CONTENT_LIMIT - len(text("thread_opened", locale, question=""))
    return text("thread_opened", locale, question=escape_within(question, room))


def _bot_permissions(message: discord.Message) -> discord.Permissions:
    """What the bot may do where the message was sent (everything in a DM)."""
    if message.guild is None:
        return discord.Permissions.all()
    return message.channel.permissions_for(message.guild.me)


def home_channel_id(channel: Any) -> int | None:
    """The channel whose settings apply: a thread's parent, else the channel itself."""
    if isinstance(channel, discord.Thread):
        return channel.parent_id
    return getattr(channel, "id", None)


class QuestionsCog(commands.Cog):
    """Answers questions by quoting the indexed articles."""

    def __init__(self, bot: commands.Bot, flow: AnswerFlow, settings: BotSettings) -> None:
        self.bot = bot
        self.flow = flow
        self.settings = settings
        self.policy = question_policy_from(settings)
        self.cooldown = Cooldown(settings.cooldown_seconds)
        # In a busy channel a burst of mentions gets one notice per person, then silence.
        self.notices = Cooldown(max(settings.cooldown_seconds, 10.0))
        # Discord refuses a longer question in the box itself: the option carries the configured limit.
        # (discord.py has no public way to set an option's bound per instance.)
        params = self.ask._params
        params["question"] = dataclasses.replace(params["question"], max_value=settings.max_question_chars)

    def _refusal(self, question: str, channel_id: int | None, is_dm: bool, user_id: int) -> Refusal | None:
        return check_question(question, channel_id, is_dm, self.policy) or self.cooldown.check(user_id)

    def _refusal_text(self, refusal: Refusal, locale: str | None) -> str:
        bot_name = self.bot.user.name if self.bot.user else "bot"
        return text(refusal.key, locale, bot=bot_name, **refusal.values)

    def _collections(self, channel_id: int | None) -> list[str]:
        return list(self.settings.channel_collections.get(channel_id or 0, []))

    async def _reply(
        self,
        question: str,
        locale: str | None,
        user_id: int,
        channel_id: int | None,
        guild_id: int | None,
        embeds: bool = True,
        conversation: Hashable | None = None,
        window: Period | None = None,
    ) -> dict[str, Any]:
        """Keyword arguments for sending the answer; never raises (users see a sentence). Without
        `embeds` (no Embed Links permission there) the quotes go in the message's text."""
        try:
            asked = await self.flow.ask(
                question,
                user_id=user_id,
                channel_id=channel_id,
                collections=self._collections(channel_id),
                guild_id=guild_id,
                conversation=conversation,
                window=window,
            )
        except IndexUnavailableError as error:
            return {"content": text("no_index", locale, problem=str(error))}
        except Exception:
            _log.exception("failed to answer a question")
            return {"content": text("error", locale)}
        answer = asked.answer
        _log.info(
            "answered=%s passages=%d seconds=%.3f index=%s",
            answer.answered,
            len(answer.hits),
            answer.seconds,
            answer.index_version,
        )
        follows = asked.follow_up_of
        if embeds:
            reply = answer_reply(answer, locale=locale, follow_up_of=follows)
            message: dict[str, Any] = {"content": reply.content, "embeds": to_embeds(reply)}
        else:
            reply = answer_reply(answer, locale=locale, max_quote=TEXT_QUOTE_BUDGET, follow_up_of=follows)
            message = {"content": reply_as_text(reply)}
        view = answer_view(
            asked.answer_id,
            user_id,
            answer,
            locale,
            self.settings.collect_feedback,
            has_more=len(answer.hits) >= self.flow.k,
        )
        if view is not None:
            message["view"] = view
        return message

    @app_commands.command(name="ask")
    @app_commands.describe(
        question="Your question about the articles, in any language",
        since="Only articles published from then on: 2019, 2019-03, 2019-03-14, mars 2019, hier",
        until="Only articles published until then: 2019, 2019-03, 2019-03-14, mars 2019",
    )
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, _QUESTION_OPTION_MAX],
        since: app_commands.Range[str, 1, _PERIOD_OPTION_MAX] | None = None,
        until: app_commands.Range[str, 1, _PERIOD_OPTION_MAX] | None = None,
    ) -> None:
        """Ask a question; the bot answers by quoting the articles word for word."""
        locale = str(interaction.locale)
        is_dm = interaction.guild is None
        channel_id = home_channel_id(interaction.channel)
        try:
            window = window_between(since, until, date.today())
        except PeriodError as error:
            problem = (
                text("bad_period", locale, value=error.value) if error.value else text("empty_period", locale)
            )
            await interaction.response.send_message(problem, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        refusal = self._refusal(question, channel_id, is_dm, interaction.user.id)
        if refusal is not None:
            await interaction.response.send_message(
                self._refusal_text(refusal, locale), ephemeral=True, allowed_mentions=NO_PINGS
            )
            return
        await interaction.response.defer(thinking=True)
        guild_id = interaction.guild.id if interaction.guild else None
        where = getattr(interaction.channel, "id", None)
        conversation = conversation_key(
            where, interaction.user.id, isinstance(interaction.channel, discord.Thread)
        )
        reply = await self._reply(
            question,
            locale,
            interaction.user.id,
            channel_id,
            guild_id,
            conversation=conversation,
            window=window,
        )
        if self._wants_thread(interaction.channel) and interaction.app_permissions.create_public_threads:
            opener = await interaction.followup.send(
                thread_opener(question, locale), allowed_mentions=NO_PINGS, wait=True
            )
            thread = await opener.create_thread(name=thread_name(question))
            await thread.send(allowed_mentions=NO_PINGS, **reply)
            return
        await interaction.followup.send(allowed_mentions=NO_PINGS, **reply)

    def _wants_thread(self, channel: Any) -> bool:
        return self.settings.answer_in_threads and isinstance(channel, discord.TextChannel)

    @app_commands.command(name="sources")
    @app_commands.describe(page="Which page of the list (15 articles a page)")
    async def sources(
        self, interaction: discord.Interaction, page: app_commands.Range[int, 1, 10_000] = 1
    ) -> None:
        """List the articles the bot has read."""
        locale = str(interaction.locale)
        await interaction.response.defer(ephemeral=True, thinking=True)  # listing thousands takes time
        try:
            articles = await self.flow.live.articles()
        except IndexUnavailableError as error:
            await say(interaction, text("no_index", locale, problem=str(error)))
            return
        header, description = await asyncio.to_thread(sources_page, articles, page, locale)
        embeds = [discord.Embed(description=description)] if description else []
        await interaction.followup.send(header, embeds=embeds, ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """How to ask the bot a question."""
        bot_name = self.bot.user.name if self.bot.user else "bot"
        await interaction.response.send_message(
            text("help", str(interaction.locale), bot=bot_name), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer messages whose words mention the bot or its role, and direct messages.

        A reply to one of the bot's answers is a question only when its words mention the bot: the
        reply's own ping (Discord adds it by default) is not a question ("merci !").
        """
        me = self.bot.user
        if me is None or message.author.bot:
            return
        is_dm = message.guild is None
        role = message.guild.self_role if message.guild is not None else None
        role_id = role.id if role is not None else None
        if not is_dm and not addressed_to(message.content, me.id, role_id):
            if role is not None and role in message.role_mentions and not message.content:
                await self._explain_role_mention(message)  # no Message Content intent: no words to read
            return
        try:
            await self._answer_message(message, me.id, role_id, is_dm)
        except Exception:
            _log.exception("failed to answer a message")
            with contextlib.suppress(discord.HTTPException):
                await message.reply(
                    text("error", self._message_locale(message, "")),
                    allowed_mentions=NO_PINGS,
                    mention_author=False,
                )

    async def _answer_message(
        self, message: discord.Message, bot_id: int, role_id: int | None, is_dm: bool
    ) -> None:
        question = question_from_mention(message.content, bot_id, role_id)
        locale = self._message_locale(message, question)
        channel_id = home_channel_id(message.channel)
        refusal = self._refusal(question, channel_id, is_dm, message.author.id)
        if refusal is not None:
            if self.notices.check(message.author.id) is None:
                await message.reply(
                    self._refusal_text(refusal, locale), allowed_mentions=NO_PINGS, mention_author=False
                )
            return
        guild_id = message.guild.id if message.guild else None
        allowed = _bot_permissions(message)
        in_thread = isinstance(message.channel, discord.Thread)
        if not (allowed.send_messages_in_threads if in_thread else allowed.send_messages):
            _log.warning(
                "cannot answer in channel %s: the bot may not send messages there", message.channel.id
            )
            return
        conversation = conversation_key(message.channel.id, message.author.id, in_thread)
        async with message.channel.typing():
            reply = await self._reply(
                question, locale, message.author.id, channel_id, guild_id, allowed.embed_links, conversation
            )
        if self._wants_thread(message.channel) and allowed.create_public_threads:
            thread = await message.create_thread(name=thread_name(question))
            await thread.send(allowed_mentions=NO_PINGS, **reply)
            return
        if allowed.read_message_history:  # Discord refuses a reply without it
            await message.reply(allowed_mentions=NO_PINGS, mention_author=False, **reply)
        else:
            await message.channel.send(allowed_mentions=NO_PINGS, **reply)

    async def _explain_role_mention(self, message: discord.Message) -> None:
        if self.notices.check(message.author.id) is None:
            bot_name = self.bot.user.name if self.bot.user else "bot"
            locale = self._message_locale(message, "")
            await message.reply(
                text("role_mention_unreadable", locale, bot=bot_name),
                allowed_mentions=NO_PINGS,
                mention_author=False,
            )

    @staticmethod
    def _message_locale(message: discord.Message, question: str) -> str | None:
        server_locale = str(message.guild.preferred_locale) if message.guild else None
        return message_locale(question, server_locale)
