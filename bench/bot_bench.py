"""The bot as users time it, through the local Discord emulator: start to ready, question to reply.

    .venv/bin/python -m bench.bot_bench [--articles articles] [--questions 20]

Runs the real bot (discord.py, the default model, the sample articles unless told otherwise)
in-process against the Discord emulator (`devtools.harness`), asks questions one after another by
@mention and by /ask, and prints medians. One run on a noisy machine: read the medians, not the decimals.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import tempfile
import time
from pathlib import Path

from devtools.discord_emulator import DiscordEmulator
from devtools.harness import bot_on_emulator, emulator_settings, is_answer_to, is_reply_to
from index.assembly import embedder_from
from index.build.pipeline import rebuild
from index.embed.embedder import Embedder
from index.settings import IndexSettings

QUESTIONS = [
    "Qu'est-ce que la Russie a demandé à la Chine ?",
    "Où Jake Sullivan a-t-il rencontré Yang Jiechi ?",
    "Que dit le Global Times de la guerre ?",
    "What did Russia ask China for?",
    "Quand les deux pays ont-ils signé une déclaration commune ?",
]


async def measure(index_dir: Path, embedder: Embedder, count: int) -> dict[str, float]:
    async with DiscordEmulator() as emulator:
        settings = emulator_settings(emulator, index_dir)
        asker = emulator.add_user("bench")
        started = time.perf_counter()
        async with bot_on_emulator(emulator, settings, embedder, timeout=60) as bot:
            ready_s = time.perf_counter() - started
            mention_s, slash_s = [], []
            for i in range(count):
                question = QUESTIONS[i % len(QUESTIONS)]
                sent_at = time.perf_counter()
                asked = await emulator.send_message(emulator.channel_id, asker, question)
                await emulator.wait_for_message(
                    functools.partial(is_reply_to, emulator=emulator, asked_id=asked["id"]), timeout=30
                )
                mention_s.append(time.perf_counter() - sent_at)
                sent_at = time.perf_counter()
                record = await emulator.invoke_slash("ask", {"question": question}, asker)
                await emulator.wait_for_message(
                    functools.partial(is_answer_to, emulator=emulator, interaction_id=record.id), timeout=30
                )
                slash_s.append(time.perf_counter() - sent_at)
            reload_started = time.perf_counter()
            await bot.live.reload(force=True)
            reload_s = time.perf_counter() - reload_started
    return {
        "start_to_ready_s": ready_s,
        "mention_to_reply_median_ms": statistics.median(mention_s) * 1000,
        "slash_to_answer_median_ms": statistics.median(slash_s) * 1000,
        "reload_s": reload_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=Path, default=Path("articles"))
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()
    embedder = embedder_from(IndexSettings())  # type: ignore[call-arg]  # every field has a default
    with tempfile.TemporaryDirectory(prefix="bot-bench-") as scratch:
        index_dir = Path(scratch) / "index"
        report = rebuild(args.articles, index_dir, embedder, on_stage=lambda _: None)
        figures = asyncio.run(measure(index_dir, embedder, args.questions))
    print(f"bot through the local Discord emulator, {report.passages} passages, {embedder.model_name}")
    print("| measure | value |\n|---|---|")
    for name, value in figures.items():
        print(f"| {name} | {value:.3f} |" if name.endswith("_s") else f"| {name} | {value:.0f} |")


if __name__ == "__main__":
    main()
