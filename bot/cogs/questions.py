"""What users do: /ask and @mention questions, /sources, /help."""

from __future__ import annotations

import logging
import math
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering import AnswerFlow
from bot.assembly import question_policy_from
from bot.guards import Cooldown, Refusal, check_question
from bot.live_index import IndexUnavailableError
from bot.ui.replies import (
    EMBED_DESCRIPTION_LIMIT,
    NO_PINGS,
    answer_reply,
    escape_text,
    to_embeds,
    trim_to_sentence,
)
from bot.ui.texts import guess_locale, text
from bot.ui.views import answer_view
from index import ArticleInfo

if TYPE_CHECKING:
    from bot.settings import BotSettings

_log = logging.getLogger(__name__)

SOURCES_PER_PAGE = 15
THREAD_NAME_LIMIT = 100


def question_from_mention(content: str, bot_id: int) -> str:
    """The question in a message that mentions the bot, without the mention itself."""
    return re.sub(rf"<@!?{bot_id}>", " ", content).strip()


def sources_page(articles: list[ArticleInfo], page: int, locale: str | None) -> tuple[str, str]:
    """One page of the article list: (header line, embed description within Discord's limit)."""
    if not articles:
        return text("sources_empty", locale), ""
    pages = math.ceil(len(articles) / SOURCES_PER_PAGE)
    page = min(max(page, 1), pages)
    lines = []
    for article in articles[(page - 1) * SOURCES_PER_PAGE : page * SOURCES_PER_PAGE]:
        title = escape_text(trim_to_sentence(article.title, 150))
        shown = f"[{title}]({article.url})" if article.url else f"**{title}**"
        details = " · ".join(
            part for part in (article.date, text("passages_count", locale, count=article.passages)) if part
        )
        lines.append(f"• {shown} — {details}")
    description = ""
    for line in lines:
        if len(description) + len(line) + 1 > EMBED_DESCRIPTION_LIMIT:
            break
        description += line + "\n"
    header = text("sources_header", locale, count=len(articles), page=page, pages=pages)
    return header, description.rstrip()


def thread_name(question: str) -> str:
    """A thread title from the question (Discord allows 100 characters)."""
    flat = " ".join(question.split())
    return flat if len(flat) <= THREAD_NAME_LIMIT else flat[: THREAD_NAME_LIMIT - 1].rstrip() + "…"


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

    def _refusal(self, question: str, channel_id: int | None, is_dm: bool, user_id: int) -> Refusal | None:
        return check_question(question, channel_id, is_dm, self.policy) or self.cooldown.check(user_id)

    def _refusal_text(self, refusal: Refusal, locale: str | None) -> str:
        bot_name = self.bot.user.name if self.bot.user else "bot"
        return text(refusal.key, locale, bot=bot_name, **refusal.values)

    def _collections(self, channel_id: int | None) -> list[str]:
        return list(self.settings.channel_collections.get(channel_id or 0, []))

    async def _reply(
        self, question: str, locale: str | None, user_id: int, channel_id: int | None
    ) -> dict[str, Any]:
        """Keyword arguments for sending the answer; never raises (users see a sentence)."""
        try:
            asked = await self.flow.ask(
                question, user_id=user_id, channel_id=channel_id, collections=self._collections(channel_id)
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
        reply = answer_reply(answer, locale=locale)
        message: dict[str, Any] = {"content": reply.content, "embeds": to_embeds(reply)}
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
    @app_commands.describe(question="Your question about the articles, in any language")
    async def ask(self, interaction: discord.Interaction, question: str) -> None:
        """Ask a question; the bot answers by quoting the articles word for word."""
        locale = str(interaction.locale)
        is_dm = interaction.guild is None
        channel_id = home_channel_id(interaction.channel)
        refusal = self._refusal(question, channel_id, is_dm, interaction.user.id)
        if refusal is not None:
            await interaction.response.send_message(
                self._refusal_text(refusal, locale), ephemeral=True, allowed_mentions=NO_PINGS
            )
            return
        await interaction.response.defer(thinking=True)
        reply = await self._reply(question, locale, interaction.user.id, channel_id)
        if self._wants_thread(interaction.channel):
            opener = await interaction.followup.send(
                text("thread_opened", locale, question=escape_text(trim_to_sentence(question, 1500))),
                allowed_mentions=NO_PINGS,
                wait=True,
            )
            thread = await opener.create_thread(name=thread_name(question))
            await thread.send(allowed_mentions=NO_PINGS, **reply)
            return
        await interaction.followup.send(allowed_mentions=NO_PINGS, **reply)

    def _wants_thread(self, channel: Any) -> bool:
        return self.settings.answer_in_threads and isinstance(channel, discord.TextChannel)

    @app_commands.command(name="sources")
    @app_commands.describe(page="Which page of the list (15 articles a page)")
    async def sources(self, interaction: discord.Interaction, page: int = 1) -> None:
        """List the articles the bot has read."""
        locale = str(interaction.locale)
        try:
            articles = await self.flow.live.articles()
        except IndexUnavailableError as error:
            await interaction.response.send_message(
                text("no_index", locale, problem=str(error)), ephemeral=True, allowed_mentions=NO_PINGS
            )
            return
        header, description = sources_page(articles, page, locale)
        embeds = [discord.Embed(description=description)] if description else []
        await interaction.response.send_message(
            header, embeds=embeds, ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """How to ask the bot a question."""
        bot_name = self.bot.user.name if self.bot.user else "bot"
        await interaction.response.send_message(
            text("help", str(interaction.locale), bot=bot_name), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer messages that mention the bot (and direct messages), replying to them."""
        me = self.bot.user
        if me is None or message.author.bot:
            return
        is_dm = message.guild is None
        if not is_dm and me not in message.mentions:
            return
        question = question_from_mention(message.content, me.id)
        server_locale = str(message.guild.preferred_locale) if message.guild else None
        locale = guess_locale(question, server_locale)
        channel_id = home_channel_id(message.channel)
        refusal = self._refusal(question, channel_id, is_dm, message.author.id)
        if refusal is not None:
            await message.reply(
                self._refusal_text(refusal, locale), allowed_mentions=NO_PINGS, mention_author=False
            )
            return
        async with message.channel.typing():
            reply = await self._reply(question, locale, message.author.id, channel_id)
        if self._wants_thread(message.channel):
            thread = await message.create_thread(name=thread_name(question))
            await thread.send(allowed_mentions=NO_PINGS, **reply)
            return
        await message.reply(allowed_mentions=NO_PINGS, mention_author=False, **reply)
