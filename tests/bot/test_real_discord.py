"""What failed against real Discord, each against the stricter emulator (Discord's OpenAPI description,
its extra rules, deadlines and permissions): links, deadlines, failures, who is asking, bursts,
paging, command sync. The numbers are the issue's items."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from discord import app_commands

from bot.command_sync import CommandSyncError
from bot.ui.views import ContextButton
from devtools.discord_emulator import DiscordEmulator
from devtools.discord_emulator.permissions import (
    CREATE_PUBLIC_THREADS,
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
)
from devtools.fake_embedder import FakeEmbedder
from index.build.pipeline import rebuild
from index.store.versions import IndexLocation
from tests.bot.conftest import answer_to, custom_id, final_message, from_bot, quotes

AWKWARD_LINKS = {
    "sans-schema.txt": "url: www.news.example/volcan\n\nÉruption du Hekla\n\nLe volcan Hekla gronde encore.",
    "espaces.txt": "url: https://news.example/un article  \n\nGrève des trains\n\nLes trains sont en grève.",
    "script.txt": "url: javascript:alert(document.cookie)\n\nFestival de jazz\n\nLe festival commence.",
    "long.txt": "url: https://news.example/" + "a" * 2100 + "\n\nMarché de Noël\n\nLe marché de Noël ouvre.",
}


# 1. Article links


@pytest.mark.parametrize(
    "question", ["volcan Hekla gronde", "trains en grève", "festival de jazz", "marché de Noël"]
)
async def test_1_an_awkward_article_link_never_costs_the_answer(
    emulator, start_bot, write_articles, tmp_path, question
):
    index = tmp_path / "awkward"
    rebuild(write_articles(AWKWARD_LINKS), index, FakeEmbedder())
    asker = emulator.add_user("amy")
    async with start_bot(index=index, passages_per_answer=1):
        reply = await answer_to(emulator, asker, question)
        slash = await final_message(
            emulator, await emulator.invoke_slash("ask", {"question": question}, asker)
        )
    for message in (reply, slash):
        assert message["embeds"], message["content"]
        url = message["embeds"][0].get("url")
        assert url in (None, "https://www.news.example/volcan", "https://news.example/un%20article")
    assert emulator.rejections == []


# 4. Acknowledge first


async def test_4_every_interaction_is_acknowledged_in_time_with_a_huge_article_and_a_long_log(
    write_articles, tmp_path, start_bot_with
):
    sentences = " ".join(f"Phrase de remplissage numéro {n}." for n in range(120_000))  # about 4 MB
    index = tmp_path / "huge"
    rebuild(
        write_articles({"immense.txt": f"Chronique\n\n{sentences} Le phare de Brest est rouge."}),
        index,
        FakeEmbedder(),
    )
    async with DiscordEmulator(heartbeat_interval=0.25, interaction_deadline=0.5) as emulator:
        admin = emulator.add_user("bea", manage_guild=True)
        async with start_bot_with(emulator, index=index, passages_per_answer=1):
            _grow_the_log(IndexLocation(index).feedback, 30_000)
            answer = await answer_to(emulator, admin, "phare de Brest rouge")
            clicks = [
                emulator.click_button(int(answer["id"]), custom_id(answer, "qa:ctx:"), admin),
                emulator.click_button(int(answer["id"]), custom_id(answer, "qa:vote:"), admin),
                emulator.choose_select(int(answer["id"]), custom_id(answer, "qa:pick:"), ["0"], admin),
                emulator.invoke_slash("stats", {}, admin),
                emulator.invoke_slash("sources", {}, admin),
            ]
            for click in clicks:
                await final_message(emulator, await click, timeout=60)
        assert emulator.rejections == []  # no 10062 Unknown interaction: every one answered in 0.5 s


def _grow_the_log(path, count: int) -> None:
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO answers (question, created_at, index_version, answered, seconds, collections) "
            "VALUES (?, ?, 'v', 1, 0.01, '[]')",
            ((f"question {n}", time.time()) for n in range(count)),
        )


# 5. No silent failure


async def test_5_a_failing_button_ends_with_a_private_sentence(emulator, start_bot, monkeypatch, caplog):
    asker = emulator.add_user("cleo")
    async with start_bot(passages_per_answer=1) as (bot, _):
        answer = await answer_to(emulator, asker, "grève des trains")

        async def broken(*args, **kwargs):
            raise RuntimeError("the disk went away")

        monkeypatch.setattr(bot.flow, "context", broken)
        said = await final_message(
            emulator, await emulator.click_button(int(answer["id"]), custom_id(answer, "qa:ctx:"), asker)
        )
    assert said["ephemeral"] and "went wrong" in said["content"]
    assert any("RuntimeError: the disk went away" in (r.exc_text or "") for r in caplog.records)
    assert ContextButton.callback.__wrapped__  # the guard is what answered
    assert emulator.rejections == []


async def test_5_a_failing_mention_or_slash_command_ends_with_a_sentence(
    emulator, start_bot, monkeypatch, caplog
):
    asker = emulator.add_user("dora")
    async with start_bot() as (bot, _):
        cog = bot.get_cog("QuestionsCog")

        async def broken(*args, **kwargs):
            raise RuntimeError("something unexpected")

        monkeypatch.setattr(cog, "_reply", broken)
        mention = await answer_to(emulator, asker, "grève des trains")
        slash = await final_message(
            emulator, await emulator.invoke_slash("ask", {"question": "grève"}, asker)
        )
    assert "went wrong" in mention["content"] and "went wrong" in slash["content"]
    assert sum("something unexpected" in (r.exc_text or "") for r in caplog.records) == 2


# 6. Who is asking


async def test_6_a_reply_to_an_answer_is_a_question_only_when_it_mentions_the_bot(emulator, start_bot):
    asker = emulator.add_user("eve")
    async with start_bot():
        answer = await answer_to(emulator, asker, "grève des trains")
        await emulator.send_message(
            emulator.channel_id, asker, "merci !", mention_bot=False, reply_to=int(answer["id"])
        )
        await asyncio.sleep(0.3)
        silent = [m for m in emulator.messages(emulator.channel_id) if from_bot(emulator)(m)]
        again = await answer_to(emulator, asker, "et le volcan Hekla ?", reply_to=int(answer["id"]))
    assert len(silent) == 1  # "merci !" got nothing
    assert "Hekla" in quotes(again)


async def test_6_mentioning_the_bots_role(emulator, start_bot):
    asker = emulator.add_user("fay")
    async with start_bot():
        guidance = await answer_to(emulator, asker, "volcan Hekla", mention_bot=False, mention_bot_role=True)
    assert "mention me" in guidance["content"] and "/ask" in guidance["content"]


async def test_6_with_the_message_content_intent_a_role_mention_is_answered(start_bot_with):
    async with DiscordEmulator(heartbeat_interval=0.25) as emulator:
        asker = emulator.add_user("gus")
        async with start_bot_with(emulator, message_content_intent=True):
            reply = await answer_to(emulator, asker, "volcan Hekla", mention_bot=False, mention_bot_role=True)
    assert "Hekla" in quotes(reply)


# 7. Bursts


async def test_7_a_burst_of_mentions_gets_one_notice_not_one_each(emulator, start_bot):
    asker = emulator.add_user("hal")
    async with start_bot(cooldown_seconds=60):
        await answer_to(emulator, asker, "grève des trains")
        for _ in range(20):
            await emulator.send_message(emulator.channel_id, asker, "et encore ?")
        await asyncio.sleep(0.5)
    notices = [
        m for m in emulator.messages(emulator.channel_id) if from_bot(emulator)(m) and "wait" in m["content"]
    ]
    assert len(notices) == 1


# 8. Paging


async def test_8_someone_elses_more_passages_does_not_move_the_askers_page(emulator, start_bot):
    asker, other = emulator.add_user("ivy"), emulator.add_user("jon")
    async with start_bot(passages_per_answer=1, min_score=-1.0):
        answer = await answer_to(emulator, asker, "grève des trains volcan festival")
        more = custom_id(answer, "qa:more:")
        theirs = await final_message(emulator, await emulator.click_button(int(answer["id"]), more, other))
        await emulator.click_button(int(answer["id"]), more, asker)
        await emulator.wait_until(lambda: emulator.message(int(answer["id"]))["edits"])
        mine = emulator.message(int(answer["id"]))
    assert theirs["ephemeral"] and theirs["embeds"][0]["title"].startswith("[2]")
    assert mine["embeds"][0]["title"].startswith("[2]")  # not [3]: the other click was theirs alone
    assert quotes(mine) == quotes(theirs)


# 9. Command sync


async def test_9_commands_are_sent_only_when_they_change(emulator, start_bot, monkeypatch):
    sent: list[object] = []
    original = app_commands.CommandTree.sync

    async def counting(self, *, guild=None):
        sent.append(guild)
        return await original(self, guild=guild)

    monkeypatch.setattr(app_commands.CommandTree, "sync", counting)
    async with start_bot():
        pass
    async with start_bot():  # a restart with the same commands
        pass
    async with start_bot(max_question_chars=300):  # the /ask option changed
        pass
    assert len(sent) == 2


async def test_9_a_wrong_dev_guild_is_one_sentence(emulator, start_bot):
    with pytest.raises(CommandSyncError, match=r"QA_DEV_GUILD_ID=42 .*403.*invite the bot"):
        async with start_bot(dev_guild_id=42):
            pass


# Permissions a server's moderators may take away in one channel


@pytest.mark.parametrize(
    ("denied", "expect"),
    [
        (EMBED_LINKS, "text"),  # quotes in the message's text instead of embeds
        (READ_MESSAGE_HISTORY, "plain message"),  # not a reply (Discord refuses one) but an answer
        (SEND_MESSAGES, "silence"),  # nothing it may post: no request Discord would refuse
    ],
)
async def test_an_answer_adapts_to_the_channels_permissions(emulator, start_bot, denied, expect):
    channel = await emulator.add_channel("restricted", deny_bot=denied)
    asker = emulator.add_user("kim")
    async with start_bot():
        await emulator.send_message(channel, asker, "grève des trains")
        if expect != "silence":
            answer = await emulator.wait_for_message(
                lambda m: from_bot(emulator)(m) and m["channel_id"] == str(channel)
            )
        await asyncio.sleep(0.3)
    if expect == "text":
        assert not answer["embeds"] and "grève" in answer["content"] and "> " in answer["content"]
    elif expect == "plain message":
        assert answer["embeds"] and not answer.get("message_reference")
    else:
        assert not [m for m in emulator.messages(channel) if from_bot(emulator)(m)]
    assert emulator.rejections == []


async def test_thread_mode_without_thread_permission_answers_in_the_channel(emulator, start_bot):
    channel = await emulator.add_channel("no-threads", deny_bot=CREATE_PUBLIC_THREADS)
    asker = emulator.add_user("lou")
    async with start_bot(answer_in_threads=True):
        reply = await answer_to_in(emulator, channel, asker, "grève des trains")
        slash = await final_message(
            emulator, await emulator.invoke_slash("ask", {"question": "grève"}, asker, channel_id=channel)
        )
    assert reply["embeds"] and slash["embeds"]
    assert emulator.rejections == []


async def answer_to_in(emulator, channel: int, user, question: str) -> dict:
    asked = await emulator.send_message(channel, user, question)
    return await emulator.wait_for_message(
        lambda m: (
            from_bot(emulator)(m) and (m.get("message_reference") or {}).get("message_id") == asked["id"]
        )
    )
