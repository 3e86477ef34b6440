"""Working with answers in Discord: paging, context, feedback, threads, collections, languages."""

from __future__ import annotations

import json

from devtools.fake_embedder import FakeEmbedder
from index.build.pipeline import rebuild
from index.cli.main import main as qa_index
from tests.bot.conftest import final_message

EPHEMERAL = 64


def _from_bot(emulator):
    bot_id = str(emulator.bot_user.id)
    return lambda m: m["author"]["id"] == bot_id


def _custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message.get("components", []) for c in row.get("components", [])]


def _button(message: dict, prefix: str) -> str:
    return next(cid for cid in _custom_ids(message) if cid.startswith(prefix))


def _quotes(message: dict) -> str:
    return "\n".join(embed.get("description", "") for embed in message.get("embeds", []))


async def _answer(emulator, user, question: str) -> dict:
    asked = await emulator.send_message(emulator.channel_id, user, question)
    return await emulator.wait_for_message(
        lambda m: (
            _from_bot(emulator)(m) and (m.get("message_reference") or {}).get("message_id") == asked["id"]
        )
    )


async def test_more_passages_edits_the_askers_answer_with_new_passages(emulator, start_bot):
    asker = emulator.add_user("lena")
    async with start_bot(passages_per_answer=1, min_confidence=0.0):
        answer = await _answer(emulator, asker, "volcan Hekla éruption Islande")
        first = _quotes(answer)
        record = await emulator.click_button(int(answer["id"]), _button(answer, "qa:more:"), asker)
        await emulator.wait_for_response(record)
        edited = await emulator.wait_until(lambda: emulator.message(int(answer["id"]))["edits"])
    now = emulator.message(int(answer["id"]))
    assert edited and _quotes(now) and _quotes(now) != first
    assert "[2]" in now["embeds"][0]["title"]
    assert emulator.rejections == []


async def test_more_passages_for_someone_else_is_private(emulator, start_bot):
    asker, other = emulator.add_user("mia"), emulator.add_user("noe")
    async with start_bot(passages_per_answer=1, min_confidence=0.0):
        answer = await _answer(emulator, asker, "volcan Hekla éruption Islande")
        await emulator.click_button(int(answer["id"]), _button(answer, "qa:more:"), other)
        private = await emulator.wait_for_message(
            lambda m: _from_bot(emulator)(m) and m["ephemeral"] and m["embeds"]
        )
    assert _quotes(private) != _quotes(answer)
    assert emulator.message(int(answer["id"]))["edits"] == []


async def test_context_shows_the_neighbouring_sentences(emulator, start_bot, write_articles, tmp_path):
    long_article = {
        "long.txt": "Chronique\n\n"
        + " ".join(f"Phrase de remplissage {i}." for i in range(150))
        + " Le phare de Brest a été repeint en rouge. "
        + " ".join(f"Suite du texte {i}." for i in range(150))
    }
    index = tmp_path / "long-index"
    rebuild(write_articles(long_article), index, FakeEmbedder())
    asker = emulator.add_user("olga")
    async with start_bot(index=index, passages_per_answer=1):
        answer = await _answer(emulator, asker, "phare de Brest repeint rouge")
        record = await emulator.click_button(int(answer["id"]), _button(answer, "qa:ctx:"), asker)
        shown = await final_message(emulator, record)
    context = shown["embeds"][0]["description"]
    assert "phare de Brest" in _quotes(answer)
    assert shown["ephemeral"]
    assert len(context) > len(_quotes(answer)) - 10
    assert "Phrase de remplissage" in context or "Suite du texte" in context


async def test_buttons_keep_working_after_a_restart(emulator, start_bot):
    asker = emulator.add_user("paul")
    async with start_bot(passages_per_answer=1):
        answer = await _answer(emulator, asker, "grève des trains conducteurs")
    async with start_bot(passages_per_answer=1):  # a new process would see exactly this: only the ids
        record = await emulator.click_button(int(answer["id"]), _button(answer, "qa:ctx:"), asker)
        shown = await final_message(emulator, record)
    assert "conducteurs de train" in shown["embeds"][0]["description"]


async def test_votes_and_choices_become_an_evaluation_set(emulator, start_bot, index_dir, tmp_path, capsys):
    asker = emulator.add_user("quinn")
    async with start_bot(passages_per_answer=2):
        answer = await _answer(emulator, asker, "grève des trains conducteurs")
        vote = await emulator.click_button(int(answer["id"]), _button(answer, "qa:vote:"), asker)
        thanks = await final_message(emulator, vote)
        pick = await emulator.choose_select(int(answer["id"]), _button(answer, "qa:pick:"), ["0"], asker)
        await final_message(emulator, pick)
    assert "vote" in thanks["content"] and thanks["ephemeral"]

    exported = tmp_path / "feedback.json"
    assert qa_index(["feedback", "export", str(exported), "--index", str(index_dir)]) == 0
    squad = json.loads(exported.read_text())
    assert squad["data"][0]["paragraphs"][0]["qas"][0]["question"] == "grève des trains conducteurs"
    capsys.readouterr()
    assert qa_index(["eval", str(exported), "--json"]) == 0  # scored with the real default model
    assert json.loads(capsys.readouterr().out)["recall@5"] == 1.0


async def test_thread_mode_answers_in_a_new_thread(emulator, start_bot):
    asker = emulator.add_user("rose")
    async with start_bot(answer_in_threads=True):
        asked = await emulator.send_message(emulator.channel_id, asker, "volcan Hekla éruption")
        reply = await emulator.wait_for_message(lambda m: _from_bot(emulator)(m) and m["embeds"])
        thread_id = int(reply["channel_id"])
        assert thread_id != emulator.channel_id
        follow_up = await emulator.send_message(thread_id, asker, "grève des trains")
        second = await emulator.wait_for_message(
            lambda m: (
                _from_bot(emulator)(m)
                and (m.get("message_reference") or {}).get("message_id") == follow_up["id"]
            )
        )
    assert "Hekla" in _quotes(reply) and asked["id"]
    assert int(second["channel_id"]) == thread_id


async def test_channel_mapped_to_a_collection_never_quotes_another(
    emulator, start_bot, write_articles, tmp_path
):
    articles = write_articles(
        {
            "sport/rugby.txt": "Rugby\n\nLe match de rugby à Toulouse a fini sur un score serré.",
            "culture/opera.txt": "Opéra\n\nLe match d'improvisation à l'opéra de Toulouse a fini tard.",
        }
    )
    index = tmp_path / "collections-index"
    rebuild(articles, index, FakeEmbedder())
    asker = emulator.add_user("sam")
    mapping = {emulator.channel_id: ["culture"]}
    async with start_bot(index=index, channel_collections=mapping, passages_per_answer=2, min_confidence=0.0):
        answer = await _answer(emulator, asker, "match de rugby à Toulouse score")
    assert "opéra de Toulouse" in _quotes(answer)
    assert "rugby" not in _quotes(answer).lower()


async def test_french_locale_gets_french_labels_and_commands(emulator, start_bot):
    asker = emulator.add_user("theo", locale="fr")
    async with start_bot():
        ask = next(c for c in emulator.registered_commands(emulator.guild_id) if c["name"] == "ask")
        record = await emulator.invoke_slash("ask", {"question": "volcan Hekla"}, asker, locale="fr")
        await emulator.wait_for_response(record)
        answer = await emulator.wait_for_message(lambda m: _from_bot(emulator)(m) and m["embeds"])
    labels = [c.get("label") for row in answer["components"] for c in row["components"]]
    assert "Contexte 1" in labels
    assert "confiance" in answer["content"]
    assert ask["name_localizations"]["fr"] == "demander"
