"""The running bot picks up newly published indexes, and refuses broken or foreign ones."""

from __future__ import annotations

import asyncio

from bot.live_index import LiveIndex
from devtools.fake_embedder import FakeEmbedder
from index.build.pipeline import rebuild
from index.cli.main import main as qa_index
from index.store.versions import IndexLocation
from tests.bot.conftest import SlowFakeEmbedder, live_index

OPERA = "Opéra de Lyon\n\nLa nouvelle saison de l'opéra de Lyon s'ouvre avec Carmen de Bizet."


def _bot_replies(emulator) -> list[dict]:
    bot_id = str(emulator.bot_user.id)
    return [m for m in emulator.messages(emulator.channel_id) if m["author"]["id"] == bot_id]


async def _ask(emulator, user, question: str) -> dict:
    before = len(_bot_replies(emulator))
    await emulator.send_message(emulator.channel_id, user, question)
    await emulator.wait_until(lambda: len(_bot_replies(emulator)) > before)
    return _bot_replies(emulator)[-1]


def _quotes(message: dict) -> str:
    return "\n".join(embed.get("description", "") for embed in message["embeds"])


async def test_bot_answers_from_a_newly_published_article_without_restarting(
    emulator, start_bot, articles_dir, index_dir
):
    asker = emulator.add_user("kim")
    async with start_bot(index_poll_seconds=0.05) as (_, live):
        first_version = live.version
        before = await _ask(emulator, asker, "saison opéra Lyon Carmen Bizet")
        assert "Carmen" not in _quotes(before)

        (articles_dir / "opera.txt").write_text(OPERA, encoding="utf-8")
        await asyncio.to_thread(rebuild, articles_dir, index_dir, FakeEmbedder())
        await emulator.wait_until(lambda: live.version != first_version)

        after = await _ask(emulator, asker, "saison opéra Lyon Carmen Bizet")
    assert "Carmen de Bizet" in _quotes(after)


async def test_index_built_with_another_model_is_refused_and_the_old_one_keeps_serving(
    articles_dir, index_dir, caplog
):
    live = live_index(index_dir, FakeEmbedder())
    await live.reload()
    serving = live.version
    (articles_dir / "opera.txt").write_text(OPERA, encoding="utf-8")
    rebuild(articles_dir, index_dir, FakeEmbedder(dimension=32, model_name="another-model"))

    result = await live.reload()

    assert live.version == serving and not result.changed
    assert "another-model" in result.message and "still serving" in result.message
    assert "another-model" in caplog.text
    answer = await live.answer("volcan Hekla", 1)
    assert answer.hits[0].article.id == "volcan.txt"


async def test_corrupted_new_index_is_refused_and_the_last_good_one_keeps_serving(articles_dir, index_dir):
    live = live_index(index_dir, FakeEmbedder())
    await live.reload()
    serving = live.version
    (articles_dir / "opera.txt").write_text(OPERA, encoding="utf-8")
    rebuild(articles_dir, index_dir, FakeEmbedder())
    vectors = IndexLocation(index_dir).current() / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[: vectors.stat().st_size // 2])

    result = await live.reload()

    assert live.version == serving and "checksum" in result.message
    assert (await live.answer("volcan Hekla", 1)).hits[0].article.id == "volcan.txt"


async def test_corrupted_index_with_no_good_one_says_it_is_unusable(articles_dir, index_dir):
    vectors = IndexLocation(index_dir).current() / "vectors.faiss"
    vectors.write_bytes(b"garbage")
    live: LiveIndex = live_index(index_dir, FakeEmbedder())

    await live.reload()

    assert live.version is None
    assert live.problem is not None and "unusable" in live.problem and "qa-index rebuild" in live.problem


async def test_questions_in_flight_during_a_swap_are_all_answered(articles_dir, index_dir):
    live = live_index(index_dir, SlowFakeEmbedder(0.05))
    await live.reload()
    (articles_dir / "opera.txt").write_text(OPERA, encoding="utf-8")
    rebuild(articles_dir, index_dir, FakeEmbedder())

    in_flight = [asyncio.create_task(live.answer("volcan Hekla", 1)) for _ in range(10)]
    await asyncio.sleep(0.01)  # the questions are now inside the old retriever
    swap = await live.reload()
    answers = await asyncio.gather(*in_flight)

    assert swap.changed
    assert [a.hits[0].article.id for a in answers] == ["volcan.txt"] * 10
    assert (await live.answer("opéra Carmen", 1)).hits[0].article.id == "opera.txt"


async def _until(check, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.01)


async def test_polling_survives_any_error_logs_each_once_and_recovers(
    articles_dir, index_dir, caplog, capsys
):
    from index.cli.main import main as qa_index

    live = live_index(index_dir, FakeEmbedder())
    await live.reload()
    serving = live.version
    current = index_dir / "CURRENT"
    saved = current.read_text()
    current.unlink()
    current.mkdir()  # an operator's mistake: CURRENT is now a folder

    watcher = asyncio.create_task(live.watch(0.01))
    try:
        await _until(lambda: live.status().last_error is not None)
        await asyncio.sleep(0.1)  # many polls meet the same error
        assert live.version == serving and not watcher.done()
        assert sum("is a folder" in r.getMessage() for r in caplog.records) == 1

        assert qa_index(["info", "--index", str(index_dir)]) == 1  # CURRENT is broken for info too
        current.rmdir()
        current.write_text(saved)
        (articles_dir / "opera.txt").write_text(OPERA, encoding="utf-8")
        rebuild(articles_dir, index_dir, FakeEmbedder())
        await _until(lambda: live.version != serving)
        assert live.status().last_error is None
        reloaded = live.version
    finally:
        watcher.cancel()
        live.close()
    capsys.readouterr()
    assert qa_index(["info", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert f"serves version {reloaded}" in out and "reload error" not in out


async def test_a_version_that_fails_to_load_in_any_way_is_refused_and_shown_to_operators(
    articles_dir, index_dir, capsys
):
    calls = {"n": 0}
    good = live_index(index_dir, FakeEmbedder())

    def flaky_factory():
        calls["n"] += 1
        if calls["n"] > 1:
            raise MemoryError("not enough memory for the new version")
        return good._factory()

    live = LiveIndex(IndexLocation(index_dir), flaky_factory)
    await live.reload()
    serving = live.version
    (articles_dir / "opera.txt").write_text(OPERA, encoding="utf-8")
    rebuild(articles_dir, index_dir, FakeEmbedder())

    result = await live.reload()

    assert not result.changed and live.version == serving
    assert "MemoryError: not enough memory" in (live.status().last_error or "")
    assert qa_index(["info", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert f"serves version {serving}" in out and "its last reload error" in out and "MemoryError" in out
    live.close()


async def test_a_collection_no_article_is_in_is_named_at_load_with_the_one_meant(
    write_articles, tmp_path, caplog
) -> None:
    """QA_CHANNEL_COLLECTIONS='{"1": ["sprot"]}' left that channel answering nothing, silently."""
    from bot.assembly import live_index_from
    from bot.settings import BotSettings

    articles = write_articles(
        {
            "sport/rugby.txt": "Rugby\n\nLe match de rugby à Toulouse a fini sur un score serré.",
            "culture/theatre.txt": "Théâtre\n\nLa pièce jouée à Toulouse a fini tard.",
        }
    )
    rebuild(articles, tmp_path / "index", FakeEmbedder())
    collections = {1: ["sprot"], 2: ["culture"]}
    settings = BotSettings(_env_file=None, index_dir=tmp_path / "index", channel_collections=collections)  # type: ignore[call-arg]
    live = live_index_from(settings, FakeEmbedder())

    await live.reload()
    live.close()

    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 1 and "'sprot' (did you mean 'sport'?)" in warnings[0]
    assert "'culture', 'sport'" in warnings[0] and "'culture' (" not in warnings[0]


def test_no_warning_when_every_collection_is_there() -> None:
    from bot.live_index import missing_collections

    assert missing_collections({"sport"}, {"sport", "culture", ""}) is None
    assert "none: every article is at the top level" in (missing_collections({"sport"}, {""}) or "")
