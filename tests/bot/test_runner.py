"""`qa-bot run` as an operator starts it: a separate process, configured only by environment."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from devtools.discord_emulator import NOTHING_PINGED, DiscordEmulator
from index.build.pipeline import rebuild
from tests.conftest import PROJECT_ROOT, SAMPLE_ARTICLES


def _environment(**values: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("QA_", "DISCORD_"))}
    env.update(values)
    return env


async def _run_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=PROJECT_ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def _wait_for_line(process: asyncio.subprocess.Process, text: str, timeout: float) -> str:
    """Read the bot's log until a line contains `text`; returns what was read."""
    assert process.stdout is not None
    seen = ""
    async with asyncio.timeout(timeout):
        while text not in seen:
            line = await process.stdout.readline()
            if not line:
                raise AssertionError(f"the bot exited before logging {text!r}:\n{seen}")
            seen += line.decode()
    return seen


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory, packaged_embedder) -> Path:
    index_dir = tmp_path_factory.mktemp("index")
    rebuild(SAMPLE_ARTICLES, index_dir, packaged_embedder)
    return index_dir


async def test_bot_process_answers_mentions_and_slash_commands(sample_index, tmp_path):
    async with DiscordEmulator(token="process-token") as emulator:
        env = _environment(
            DISCORD_TOKEN="process-token",
            DISCORD_API_BASE=emulator.api_base,
            DISCORD_GATEWAY_URL=emulator.gateway_url,
            QA_INDEX_DIR=str(sample_index),
            QA_DEV_GUILD_ID=str(emulator.guild_id),
            QA_COOLDOWN_SECONDS="0",
        )
        process = await _run_bot(env)
        seen = ""
        try:
            seen = await _wait_for_line(process, "connected as", timeout=90)
            asker = emulator.add_user("zoe")
            await emulator.send_message(
                emulator.channel_id, asker, "Où Jake Sullivan a-t-il rencontré Yang Jiechi ?"
            )
            bot_id = str(emulator.bot_user.id)
            reply = await emulator.wait_for_message(lambda m: m["author"]["id"] == bot_id, timeout=30)
            record = await emulator.invoke_slash(
                "ask", {"question": "Qu'est-ce que la Russie a demandé à la Chine ?"}, asker
            )
            followup = await emulator.wait_for_message(
                lambda m: (
                    m["author"]["id"] == bot_id
                    and (m.get("interaction_metadata") or {}).get("id") == str(record.id)
                    and bool(m["embeds"])
                ),  # not the "thinking…" placeholder of the deferral
                timeout=30,
            )
            process.send_signal(signal.SIGTERM)  # how systemd or a container stops it
            output = seen + (await asyncio.wait_for(process.communicate(), 30))[0].decode()
        finally:
            if process.returncode is None:
                process.kill()
                output = seen + (await process.communicate())[0].decode()
            print(output)  # shown by pytest when the test fails
    assert (
        process.returncode == 0
        and "closing the connection to Discord" in output
        and "Traceback" not in output
    )
    assert "Rome" in reply["embeds"][0]["description"]
    assert "équipements militaires" in followup["embeds"][0]["description"]
    assert reply["mentions_pinged"] == NOTHING_PINGED
    assert "process-token" not in output
    assert emulator.rejections == []


async def test_missing_token_is_one_sentence_and_a_non_zero_exit():
    process = await _run_bot(_environment())
    output = (await process.communicate())[0].decode()
    assert process.returncode == 2
    assert output.strip().startswith("DISCORD_TOKEN is not set")
    assert "Traceback" not in output


async def test_rejected_token_is_one_sentence_and_never_printed(sample_index):
    async with DiscordEmulator(token="the-right-token") as emulator:
        env = _environment(
            DISCORD_TOKEN="a-wrong-secret-token",
            DISCORD_API_BASE=emulator.api_base,
            DISCORD_GATEWAY_URL=emulator.gateway_url,
            QA_INDEX_DIR=str(sample_index),
        )
        process = await _run_bot(env)
        output = (await asyncio.wait_for(process.communicate(), 90))[0].decode()
    assert process.returncode == 1
    assert "Discord rejected the token" in output
    assert "a-wrong-secret-token" not in output
    assert "Traceback" not in output


async def test_sync_commands_sends_them_now_and_says_so(sample_index, tmp_path):
    async with DiscordEmulator(token="sync-token") as emulator:
        env = _environment(
            DISCORD_TOKEN="sync-token",
            DISCORD_API_BASE=emulator.api_base,
            DISCORD_GATEWAY_URL=emulator.gateway_url,
            QA_INDEX_DIR=str(tmp_path),
            QA_DEV_GUILD_ID=str(emulator.guild_id),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "sync-commands",
            cwd=PROJECT_ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        output = (await asyncio.wait_for(process.communicate(), 90))[0].decode()
        names = {command["name"] for command in emulator.registered_commands(emulator.guild_id)}
    assert process.returncode == 0 and "slash commands sent to Discord" in output, output
    assert {"ask", "sources", "help", "reload", "stats"} <= names
    assert "sync-token" not in output
