"""The running bot follows feeds: an item published after it started is answerable without a restart."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest

from bot.feeds_task import FeedsTask, feeds_task_from
from bot.settings import BotSettings
from devtools.fake_embedder import FakeEmbedder
from devtools.feed_server import FeedServer, Story, page, rss
from tests.bot.conftest import live_index
from tests.bot.test_live_index import _ask, _quotes

OPERA = ["La nouvelle saison de l'opéra de Lyon s'ouvre avec Carmen de Bizet.", "Les places sont en vente."]
POLL_S = 0.3  # the test's feed interval: the answer must come within one poll plus the build


@pytest.fixture
def feed_server():
    with FeedServer() as running:
        running.route("/rss.xml", rss([], title="Culture"), content_type="application/rss+xml")
        yield running


def _feeds_file(tmp_path: Path, server: FeedServer) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(f'[[feed]]\nname = "culture"\nurl = "{server.url("/rss.xml")}"\n', encoding="utf-8")
    return path


def _publish(server: FeedServer) -> None:
    server.route("/opera", page("Saison de l'opéra", OPERA))
    story = Story("Saison de l'opéra de Lyon", server.url("/opera"), "", guid="opera-2024")
    server.route("/rss.xml", rss([story], title="Culture"), content_type="application/rss+xml")


async def test_the_bot_answers_about_an_item_published_after_it_started(
    emulator, start_bot, articles_dir, feed_server, tmp_path
):
    asker = emulator.add_user("lea")
    settings = {
        "articles_dir": articles_dir,
        "feeds_file": _feeds_file(tmp_path, feed_server),
        "feeds_poll_seconds": POLL_S,
        "feeds_host_delay_seconds": 0,
        "index_poll_seconds": 0.1,
    }
    async with start_bot(**settings) as (bot, live):
        assert bot.feeds is not None
        before = await _ask(emulator, asker, "saison opéra Lyon Carmen Bizet")
        assert "Carmen" not in _quotes(before)
        serving = live.version

        _publish(feed_server)
        published_at = time.monotonic()
        await _eventually(lambda: live.version != serving, timeout=15)
        seconds = time.monotonic() - published_at
        after = await _ask(emulator, asker, "saison opéra Lyon Carmen Bizet")

    assert "Carmen de Bizet" in _quotes(after)
    assert seconds < POLL_S + 5  # one poll plus a small build, not a restart
    assert "/opera" in feed_server.paths()
    assert bot.feeds._task is not None and bot.feeds._task.done()  # cancelled with the bot


async def test_a_failing_round_is_logged_once_retried_and_its_recovery_noted(
    index_dir, articles_dir, feed_server, tmp_path, caplog
):
    feeds = _feeds_file(tmp_path, feed_server)
    feed_server.route("/rss.xml", "down", status=500)
    settings = BotSettings(  # type: ignore[call-arg]
        _env_file=None,
        index_dir=index_dir,
        articles_dir=articles_dir,
        feeds_file=feeds,
        feeds_poll_seconds=POLL_S,
        feeds_host_delay_seconds=0,
        feeds_retry_seconds=0.01,
        feeds_retry_max_seconds=0.01,
    )
    live = live_index(index_dir, FakeEmbedder())
    await live.reload()
    task = feeds_task_from(settings, FakeEmbedder(), live)
    assert isinstance(task, FeedsTask)
    caplog.set_level(logging.INFO, logger="bot.feeds_task")

    for _ in range(3):
        await task.follow_once()
        await asyncio.sleep(0.02)  # past the (tiny) retry wait
    _publish(feed_server)
    report = await task.follow_once()

    warnings = [
        r.getMessage() for r in caplog.records if r.name == "bot.feeds_task" and r.levelno == logging.WARNING
    ]
    assert len(warnings) == 1 and "culture: HTTP 500" in warnings[0]
    assert "every feed read again" in caplog.text
    assert report is not None and report.published and live.version == report.published
    live.close()


async def test_no_task_without_a_feeds_file_and_a_bad_file_does_not_stop_the_bot(index_dir, tmp_path, caplog):
    plain = BotSettings(_env_file=None, index_dir=index_dir)  # type: ignore[call-arg]
    assert feeds_task_from(plain, FakeEmbedder(), live_index(index_dir, FakeEmbedder())) is None
    bad = tmp_path / "feeds.toml"
    bad.write_text("[[feed]]\nname = '../x'\nurl = 'https://x.org/f'\n", encoding="utf-8")
    settings = BotSettings(_env_file=None, index_dir=index_dir, feeds_file=bad)  # type: ignore[call-arg]
    task = feeds_task_from(settings, FakeEmbedder(), live_index(index_dir, FakeEmbedder()))
    assert task is not None

    task.start()
    await _eventually(lambda: task.rounds >= 1, timeout=10)
    await task.close()

    assert "is not a safe folder name" in caplog.text
    assert task._task is not None and task._task.done()


async def _eventually(check, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        await asyncio.sleep(0.02)
