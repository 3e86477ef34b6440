"""Questions as users ask them in Discord (@mention, /ask, /sources, /help), against the local emulator."""

from __future__ import annotations

import asyncio
import time

from devtools.discord_emulator import NOTHING_PINGED, DiscordEmulator
from tests.bot.conftest import SlowFakeEmbedder, answer_to, final_message

DEFERRED = 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
EPHEMERAL = 64


def _from_bot(emulator, **match):
    bot_id = str(emulator.bot_user.id)

    def check(message) -> bool:
        if message["author"]["id"] != bot_id:
            return False
        return all(message.get(key) == value for key, value in match.items())

    return check


def _quotes(message) -> str:
    return "\n".join(embed.get("description", "") for embed in message.get("embeds", []))


async def test_mention_gets_a_quoted_reply(emulator, start_bot):
    asker = emulator.add_user("alice")
    async with start_bot():
        question = await emulator.send_message(
            emulator.channel_id, asker, "Quel volcan est en éruption en Islande ?"
        )
        reply = await emulator.wait_for_message(
            lambda m: (
                _from_bot(emulator)(m)
                and (m.get("message_reference") or {}).get("message_id") == question["id"]
            )
        )
    assert "Le volcan Hekla est entré en éruption" in _quotes(reply)
    first = reply["embeds"][0]
    assert first["title"].endswith("Éruption du Hekla") and first["url"] == "https://news.example/volcan"
    assert first["footer"]["text"].startswith("news.example · 2 May 2024 · confidence ")  # outlet, date
    assert "confidence" in reply["content"]  # a mention is answered in the server's language (en-US)
    assert emulator.typing_events, "the bot shows it is typing while it searches"
    assert reply["mentions_pinged"] == NOTHING_PINGED
    assert emulator.rejections == []


async def test_slash_ask_defers_then_follows_up(emulator, start_bot):
    asker = emulator.add_user("bob")
    async with start_bot():
        commands = {c["name"] for c in emulator.registered_commands(emulator.guild_id)}
        assert {"ask", "sources", "help", "reload"} <= commands
        record = await emulator.invoke_slash("ask", {"question": "grève des conducteurs de train"}, asker)
        response = await emulator.wait_for_response(record)
        message = await emulator.wait_for_message(lambda m: _from_bot(emulator)(m) and bool(m["embeds"]))
    assert response.type == DEFERRED
    assert "Les conducteurs de train sont en grève" in _quotes(message)
    assert emulator.rejections == []


async def test_article_with_everyone_and_user_mentions_pings_nobody(emulator, start_bot):
    asker = emulator.add_user("carol")
    async with start_bot():
        await emulator.send_message(emulator.channel_id, asker, "festival de jazz billets abonnés @everyone")
        reply = await emulator.wait_for_message(lambda m: _from_bot(emulator)(m) and "jazz" in _quotes(m))
    assert "@everyone" in _quotes(reply)  # quoted word for word ...
    assert reply["mentions_pinged"] == NOTHING_PINGED  # ... but nobody is notified
    assert reply["allowed_mentions"]["parse"] == []


async def test_a_question_over_the_limit_is_refused_clearly(emulator, start_bot):
    asker = emulator.add_user("dave")
    async with start_bot():
        (ask,) = [c for c in emulator.registered_commands(emulator.guild_id) if c["name"] == "ask"]
        await emulator.send_message(emulator.channel_id, asker, "pourquoi " * 100)
        reply = await emulator.wait_for_message(_from_bot(emulator))
    assert ask["options"][0]["max_length"] == 500  # Discord's own box refuses longer questions
    assert "899 characters" in reply["content"] and "at most 500" in reply["content"]
    assert emulator.rejections == []


async def test_cooldown_answers_politely_and_privately(emulator, start_bot):
    asker = emulator.add_user("erin")
    async with start_bot(cooldown_seconds=60):
        first = await emulator.invoke_slash("ask", {"question": "volcan Hekla"}, asker)
        await emulator.wait_for_response(first)
        second = await emulator.invoke_slash("ask", {"question": "grève des trains"}, asker)
        response = await emulator.wait_for_response(second)
    assert response.data["flags"] & EPHEMERAL
    assert "Please wait" in response.data["content"]


async def test_missing_index_is_explained_not_crashed(emulator, start_bot, tmp_path):
    asker = emulator.add_user("frank")
    async with start_bot(index=tmp_path / "never-built"):
        await emulator.send_message(emulator.channel_id, asker, "Quel volcan ?")
        reply = await emulator.wait_for_message(_from_bot(emulator))
    assert "has not been built yet" in reply["content"] and "qa-index rebuild" in reply["content"]


async def test_twenty_concurrent_questions_never_block_the_event_loop(emulator, start_bot):
    askers = [emulator.add_user(f"user{i}") for i in range(20)]
    lags: list[float] = []

    async def watch_loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - before - 0.01)

    # Each question blocks its thread for 400 ms: on the event loop that would stall it for 8 s. The
    # bar below sits well under one such block and well over the noise of a busy shared machine.
    async with start_bot(SlowFakeEmbedder(0.4)):
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_loop(stop))
        beats_before = len(emulator.heartbeats)
        questions = [
            emulator.send_message(emulator.channel_id, user, f"volcan Hekla question {i}")
            for i, user in enumerate(askers)
        ]
        sent = await asyncio.gather(*questions)
        ids = {m["id"] for m in sent}
        await emulator.wait_until(
            lambda: (
                ids
                <= {
                    (m.get("message_reference") or {}).get("message_id")
                    for m in emulator.messages(emulator.channel_id)
                    if _from_bot(emulator)(m)
                }
            ),
            timeout=30,
        )
        stop.set()
        await watcher
        beats_during = len(emulator.heartbeats) - beats_before
    assert max(lags) < 0.3, f"event loop blocked for {max(lags) * 1000:.0f} ms"
    assert beats_during >= 2, "heartbeats kept flowing while questions were answered"
    assert emulator.rejections == []


async def test_sources_and_help(emulator, start_bot):
    user = emulator.add_user("gina")
    async with start_bot():
        sources = await final_message(emulator, await emulator.invoke_slash("sources", {}, user))
        help_response = await final_message(emulator, await emulator.invoke_slash("help", {}, user))
    assert "3 article(s) indexed" in sources["content"] and sources["ephemeral"]
    assert "Éruption du Hekla" in sources["embeds"][0]["description"]
    assert "/ask" in help_response["content"]


async def test_a_mention_is_answered_in_the_servers_language_whatever_the_question(start_bot_with):
    async with DiscordEmulator(heartbeat_interval=0.25, guild_locale="fr") as emulator:
        asker = emulator.add_user("ana")
        async with start_bot_with(emulator):
            reply = await answer_to(emulator, asker, "What about Hekla in Islande?")
            thanks = await answer_to(emulator, asker, "merci !")
    assert "confiance" in reply["content"] and "2 mai 2024" in reply["embeds"][0]["footer"]["text"]
    assert "confiance" in reply["embeds"][0]["footer"]["text"]
    labels = [c.get("label") for row in reply["components"] for c in row["components"]]
    assert "Contexte 1" in labels
    assert "passage" in thanks["content"]  # French words, even for two words of thanks


async def test_a_short_follow_up_is_read_with_the_askers_last_question_and_says_so(emulator, start_bot):
    alice, bob = emulator.add_user("alice"), emulator.add_user("bob")
    async with start_bot():
        await answer_to(emulator, alice, "Quel volcan est en éruption en Islande ?")
        follow_up = await answer_to(emulator, alice, "pourquoi ?")
        someone_else = await answer_to(emulator, bob, "pourquoi ?")  # bob asked nothing before
    assert "Follow-up to: Quel volcan est en éruption en Islande ?" in follow_up["content"]
    assert "Hekla" in _quotes(follow_up)
    assert "Follow-up" not in someone_else["content"]
    assert emulator.rejections == []


async def test_follow_ups_are_off_at_zero_minutes(emulator, start_bot):
    alice = emulator.add_user("alice")
    async with start_bot(follow_up_minutes=0):
        await answer_to(emulator, alice, "Quel volcan est en éruption en Islande ?")
        alone = await answer_to(emulator, alice, "pourquoi ?")
    assert "Follow-up" not in alone["content"]


async def test_ask_since_and_until_narrow_the_articles_and_a_typo_is_one_private_sentence(
    emulator, start_bot
):
    asker = emulator.add_user("paula")
    async with start_bot():
        (ask,) = [c for c in emulator.registered_commands(emulator.guild_id) if c["name"] == "ask"]
        dated = await emulator.invoke_slash(
            "ask", {"question": "volcan Hekla", "since": "2024", "until": "mai 2024"}, asker
        )
        in_may = await emulator.wait_for_message(lambda m: _from_bot(emulator)(m) and bool(m["embeds"]))
        later = await emulator.invoke_slash(
            "ask", {"question": "volcan Hekla", "since": "2025"}, emulator.add_user("q")
        )
        typo = await emulator.invoke_slash(
            "ask", {"question": "volcan Hekla", "since": "hierr"}, emulator.add_user("r")
        )
        typo_response = await emulator.wait_for_response(typo)
        nothing = await final_message(emulator, later)
    assert [o["name"] for o in ask["options"]] == ["question", "since", "until"]
    assert ask["options"][1]["name_localizations"]["fr"] == "depuis"
    assert (await emulator.wait_for_response(dated)).type == DEFERRED
    assert "Hekla" in _quotes(in_may) and "period: 1 January 2024 to 31 May 2024" in in_may["content"]
    assert "no passage" in nothing["content"]  # the volcano article is from May 2024
    assert (
        typo_response.data["flags"] & EPHEMERAL and "“hierr” is not a date" in typo_response.data["content"]
    )
    assert emulator.rejections == []
