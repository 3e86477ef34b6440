"""Rate limits: 429s shaped like Discord's, which an unmodified discord.py client rides out."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord
import pytest

from devtools.discord_emulator import Bucket, DiscordEmulator, RateLimits
from devtools.discord_emulator.discordpy import pointed_at, running
from devtools.discord_emulator.ratelimits import Limiter
from tests.devtools.discord_emulator.clients import TOKEN, new_client

MESSAGES = "/channels/{channel_id}/messages"
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
FAST = RateLimits(time_scale=0.05)  # Discord's bucket sizes, windows 20 times shorter


class FakeClock:
    """Time that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _limiter(limits: RateLimits | None = None) -> tuple[Limiter, FakeClock]:
    clock = FakeClock()
    return Limiter(limits or RateLimits(), clock=clock, wall_clock=clock), clock


def test_message_creation_is_five_per_five_seconds_per_channel() -> None:
    limiter, clock = _limiter()
    verdicts = [limiter.check("POST", MESSAGES, "/channels/1/messages") for _ in range(6)]
    assert [v.allowed for v in verdicts] == [True] * 5 + [False]
    assert [v.headers["X-RateLimit-Remaining"] for v in verdicts[:5]] == ["4", "3", "2", "1", "0"]
    assert verdicts[5].body == {"message": "You are being rate limited.", "retry_after": 5.0, "global": False}
    assert limiter.check("POST", MESSAGES, "/channels/2/messages").allowed  # another channel, another count
    clock.now += 5.0
    assert limiter.check("POST", MESSAGES, "/channels/1/messages").allowed


def test_429_headers_are_the_ones_discord_py_reads() -> None:
    limiter, clock = _limiter()
    for _ in range(5):
        limiter.check("POST", MESSAGES, "/channels/1/messages")
    clock.now += 1.5
    refused = limiter.check("POST", MESSAGES, "/channels/1/messages")
    assert refused.headers == refused.headers | {
        "Retry-After": "4",
        "Via": "1.1 google",
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset-After": "3.500",
        "X-RateLimit-Scope": "user",
    }
    assert refused.body is not None and refused.body["retry_after"] == 3.5
    assert len(refused.headers["X-RateLimit-Bucket"]) == 16


def test_the_global_limit_spans_routes_but_spares_interactions() -> None:
    limits = RateLimits(global_limit=Bucket("global", 3, 1.0))
    limiter, _ = _limiter(limits)
    paths = [f"/channels/{n}/messages" for n in range(4)]
    verdicts = [limiter.check("POST", MESSAGES, p) for p in paths]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[3].body == {"message": "You are being rate limited.", "retry_after": 1.0, "global": True}
    assert verdicts[3].headers["X-RateLimit-Global"] == "true"
    assert limiter.check("POST", CALLBACK, "/interactions/5/token/callback").allowed
    webhook = "/webhooks/{webhook_id}/{webhook_token}"
    assert limiter.check("POST", webhook, "/webhooks/7/token").allowed


def test_interaction_responses_are_never_rate_limited() -> None:
    limiter, _ = _limiter(RateLimits(global_limit=Bucket("global", 1, 1.0)))
    assert all(limiter.check("POST", CALLBACK, "/interactions/5/t/callback").allowed for _ in range(100))


async def test_two_processes_of_a_bot_ride_out_429s_in_one_channel(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="discord.http")
    async with DiscordEmulator(TOKEN, rate_limits=FAST) as emu:
        with pointed_at(emu):
            # Two clients with one token (two processes of one bot) cannot see each other's counts.
            async with running(new_client(), TOKEN) as first, running(new_client(), TOKEN) as second:
                sends = [
                    channel.send(f"{name} {n}")
                    for name, client in (("a", first), ("b", second))
                    for channel in [client.get_channel(emu.channel_id)]
                    if isinstance(channel, discord.TextChannel)
                    for n in range(8)
                ]
                assert len(sends) == 16
                await asyncio.gather(*sends)
        assert len(emu.messages(emu.channel_id)) == 16
        assert emu.rejections == []
        assert emu.rate_limit_hits, "the clients should have met at least one 429"
        hit = emu.rate_limit_hits[0]
        assert (hit.status, hit.path) == (429, f"/api/v10/channels/{emu.channel_id}/messages")
        assert hit.body["message"] == "You are being rate limited." and hit.body["global"] is False
        assert 0 < hit.body["retry_after"] <= 0.25
    assert "We are being rate limited" in caplog.text  # discord.py saw the 429s and retried


async def test_a_client_meeting_the_global_limit_pauses_and_every_send_lands() -> None:
    # Routes generous, the global limit small: only the global limit can refuse.
    limits = RateLimits(
        buckets={}, other_routes=Bucket("route", 100, 1.0), global_limit=Bucket("global", 4, 0.25)
    )
    async with DiscordEmulator(TOKEN, rate_limits=limits) as emu:
        with pointed_at(emu):
            async with running(new_client(), TOKEN) as client:
                channels = [client.get_channel(c) for c in (emu.channel_id, emu.other_channel_id)]
                sends = [
                    c.send(str(n)) for c in channels if isinstance(c, discord.TextChannel) for n in range(5)
                ]
                await asyncio.gather(*sends)
        assert len(emu.messages()) == 10
        assert any(hit.body["global"] for hit in emu.rate_limit_hits)


async def test_every_answer_tells_the_client_its_bucket(emu: DiscordEmulator) -> None:
    headers = {"Authorization": f"Bot {TOKEN}"}
    url = f"{emu.api_base}/channels/{emu.channel_id}/messages"
    async with aiohttp.ClientSession(headers=headers) as session:
        remaining = []
        for n in range(6):
            async with session.post(url, json={"content": str(n)}) as response:
                remaining.append((response.status, response.headers["X-RateLimit-Remaining"]))
    assert remaining == [(200, "4"), (200, "3"), (200, "2"), (200, "1"), (200, "0"), (429, "0")]
    assert [r.status for r in emu.rate_limit_hits] == [429] and emu.rejections == []
