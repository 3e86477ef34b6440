"""Following feeds, timed: fetch + index per new article, and a new feed item to an answered question.

    .venv/bin/python -m bench.follow_bench [--real] [--base-passages 1000] [--new-items 20] [--poll 2]

Serves a feed on 127.0.0.1 (devtools.feed_server) beside a corpus of synthetic French articles
(bench.corpus) already indexed, then:

1. publishes `--new-items` items (each a ~500-word page) and runs one round of `qa-index follow`
   (no pause between requests, so the figure is the work; the default QA_FEEDS_HOST_DELAY_SECONDS
   adds its pause per page of one host): fetch + extract + write per article, rebuild per article;
2. runs the real bot against the Discord emulator, following the feed every `--poll` seconds,
   publishes one more item, and times publication → new index served → the bot's reply quoting it.

With the fake embedder by default (the pipeline without the model); `--real` uses the default model.
One run on a noisy machine: read the orders of magnitude.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

from bench.corpus import article_text, french_words, write_corpus
from devtools.discord_emulator import DiscordEmulator
from devtools.fake_embedder import FakeEmbedder
from devtools.feed_server import FeedServer, Story, page, rss
from devtools.harness import bot_on_emulator, emulator_settings, is_reply_to
from index.assembly import embedder_from
from index.build.pipeline import rebuild
from index.embed.embedder import Embedder
from index.feeds.config import Feed
from index.feeds.follow import follow_once
from index.feeds.options import FetchOptions
from index.settings import IndexSettings

NEWS = "Le barrage de Serre-Ponçon a été vidé pour une inspection décennale des vannes de fond."
QUESTION = "Pourquoi le barrage de Serre-Ponçon a-t-il été vidé ?"


def _publish(server: FeedServer, stories: list[Story], pages: dict[str, str]) -> None:
    for path, html in pages.items():
        server.route(path, html)
    server.route("/rss.xml", rss(stories, title="Bench News"), content_type="application/rss+xml")


def _items(server: FeedServer, count: int, seed: int) -> tuple[list[Story], dict[str, str]]:
    rng = random.Random(seed)
    words = french_words()
    stories, pages = [], {}
    for number in range(count):
        title = " ".join(rng.choices(words, k=6)).capitalize()
        path = f"/news/{seed}-{number}"
        pages[path] = page(title, article_text(rng, words, 500).split("\n\n"))
        stories.append(Story(title, server.url(path), "", guid=f"bench-{seed}-{number}"))
    return stories, pages


def fetch_and_index(root: Path, embedder: Embedder, server: FeedServer, new_items: int) -> list[Story]:
    stories, pages = _items(server, new_items, seed=1)
    _publish(server, stories, pages)
    report = follow_once(
        [Feed("bench", server.url("/rss.xml"))],
        root / "articles",
        root / "index",
        lambda: embedder,
        fetch_options=FetchOptions(host_delay=0.0),
    )
    assert report.rebuild is not None and report.count("items_new") == new_items, report.to_json()
    build = report.rebuild
    print(f"round with {new_items} new articles over {build.articles - new_items} indexed ones:")
    fetch, index = report.fetch_seconds, report.rebuild_seconds
    print(f"  fetch + extract + write: {fetch:.2f} s ({fetch / new_items * 1000:.0f} ms/article)")
    print(
        f"  incremental rebuild: {index:.2f} s ({index / new_items * 1000:.0f} ms/article; "
        f"{build.passages_embedded} passages embedded of {build.passages})"
    )
    print(f"  per new article, fetch + index: {(fetch + index) / new_items:.2f} s")
    return stories


async def new_item_to_answer(
    root: Path, embedder: Embedder, server: FeedServer, stories: list[Story], poll: float
) -> None:
    feeds = root / "feeds.toml"
    feeds.write_text(f'[[feed]]\nname = "bench"\nurl = "{server.url("/rss.xml")}"\n', encoding="utf-8")
    async with DiscordEmulator() as emulator:
        settings = emulator_settings(
            emulator,
            root / "index",
            articles_dir=root / "articles",
            feeds_file=feeds,
            feeds_poll_seconds=poll,
            feeds_host_delay_seconds=0,
            index_poll_seconds=0.5,
        )
        asker = emulator.add_user("bench")
        async with bot_on_emulator(emulator, settings, embedder, timeout=120) as bot:
            assert bot.feeds is not None
            await _until(
                lambda: bot.feeds is not None and bot.feeds.rounds >= 1, 120
            )  # the first round: nothing new
            serving = bot.live.version
            path = "/news/serre-poncon"
            story = Story("Serre-Ponçon vidé", server.url(path), "", guid="bench-serre-poncon")
            _publish(
                server,
                [story, *stories],
                {path: page("Serre-Ponçon vidé", [NEWS, "Les travaux dureront six mois."])},
            )
            published = time.perf_counter()
            await _until(lambda: bot.live.version != serving, 300)
            served = time.perf_counter()
            asked = await emulator.send_message(emulator.channel_id, asker, QUESTION)
            reply = await emulator.wait_for_message(
                lambda m: is_reply_to(m, emulator, asked["id"]), timeout=60
            )
            answered = time.perf_counter()
            round_ = bot.feeds.last_report
    quoted = "vidé pour une inspection" in "".join(e.get("description", "") for e in reply["embeds"])
    print(f"new feed item → answered question (bot following every {poll:g} s):")
    print(f"  published → new index served: {served - published:.2f} s")
    if round_ is not None:
        fetch, index = round_.fetch_seconds, round_.rebuild_seconds
        print(f"    of which the round: fetch {fetch:.2f} s, rebuild {index:.2f} s")
    print(f"  question → reply: {answered - served:.2f} s; the reply quotes the new item: {quoted}")
    print(f"  total: {answered - published:.2f} s (at most one poll interval + the round + the reply)")


async def _until(check, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"not done within {timeout} s")
        await asyncio.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--real", action="store_true", help="the default model instead of the fake embedder")
    parser.add_argument("--base-passages", type=int, default=1000)
    parser.add_argument("--new-items", type=int, default=20)
    parser.add_argument("--poll", type=float, default=2.0)
    args = parser.parse_args()
    started = time.perf_counter()
    embedder = embedder_from(IndexSettings.model_construct()) if args.real else FakeEmbedder()
    print(f"model: {embedder.model_name} (loaded in {time.perf_counter() - started:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp, FeedServer() as server:
        root = Path(tmp)
        write_corpus(root / "articles" / "base", args.base_passages)
        built = rebuild(root / "articles", root / "index", embedder)
        print(f"base index: {built.articles} articles, {built.passages} passages in {built.seconds:.1f} s")
        server.route("/rss.xml", rss([]), content_type="application/rss+xml")
        stories = fetch_and_index(root, embedder, server, args.new_items)
        asyncio.run(new_item_to_answer(root, embedder, server, stories, args.poll))


if __name__ == "__main__":
    main()
