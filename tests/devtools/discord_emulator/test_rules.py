"""Rules Discord enforces that its OpenAPI description does not carry, each answered with 400 / 50035."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from devtools.discord_emulator import DiscordEmulator
from devtools.discord_emulator.command_limits import is_valid_command_name
from devtools.discord_emulator.discordpy import running
from devtools.discord_emulator.forms import body_errors
from tests.devtools.discord_emulator.clients import TOKEN, call, new_client


def _scheme_error(scheme: str, allowed: str = "'http', 'https'") -> list[dict[str, str]]:
    return [
        {
            "code": "URL_TYPE_INVALID_SCHEME",
            "message": f'Scheme "{scheme}" is not supported. Scheme must be one of ({allowed}).',
        }
    ]


async def _send(emu: DiscordEmulator, body: dict[str, Any]) -> tuple[int, Any]:
    status, data, _ = await call(emu, "POST", f"/channels/{emu.channel_id}/messages", body)
    return status, data


async def test_embeds_share_6000_characters_and_the_footer_counts(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN) as client:
        channel = client.get_channel(emu.channel_id)
        assert isinstance(channel, discord.TextChannel)
        full = [discord.Embed(description="d" * 4000), discord.Embed(title="t" * 200, description="d" * 1800)]
        await channel.send(embeds=full)  # exactly 6000: accepted
        full[1].set_footer(text="one more")
        with pytest.raises(discord.HTTPException) as refused:
            await channel.send(embeds=full)
    assert refused.value.code == 50035
    assert emu.rejections[0].body["errors"] == {
        "embeds": {
            "_errors": [
                {"code": "MAX_EMBED_SIZE_EXCEEDED", "message": "Embed size exceeds maximum size of 6000"}
            ]
        }
    }
    assert len(emu.messages(emu.channel_id)) == 1


async def test_embed_links_must_be_http_or_https(emu: DiscordEmulator) -> None:
    embed = {
        "title": "t",
        "url": "ftp://files.example/a",
        "author": {"name": "a", "url": "javascript:alert(1)"},
        "image": {"url": "file:///etc/passwd"},
        "thumbnail": {"url": "data:image/png;base64,AAAA"},
    }
    status, body = await _send(emu, {"embeds": [embed]})
    assert status == 400 and body["code"] == 50035
    pictures = "'http', 'https', 'attachment'"
    assert body["errors"]["embeds"]["0"] == {
        "url": {"_errors": _scheme_error("ftp")},
        "author": {"url": {"_errors": _scheme_error("javascript")}},
        "image": {"url": {"_errors": _scheme_error("file", pictures)}},
        "thumbnail": {"url": {"_errors": _scheme_error("data", pictures)}},
    }
    accepted = {"title": "t", "url": "https://news.example/a", "image": {"url": "attachment://chart.png"}}
    assert (await _send(emu, {"embeds": [accepted]}))[0] == 200


async def test_link_buttons_open_web_or_discord_urls_only(emu: DiscordEmulator) -> None:
    def row(url: str) -> dict[str, Any]:
        return {"type": 1, "components": [{"type": 2, "style": 5, "label": "Open", "url": url}]}

    status, body = await _send(emu, {"content": "x", "components": [row("ftp://files.example/a")]})
    assert status == 400
    url_errors = body["errors"]["components"]["0"]["components"]["0"]["url"]["_errors"]
    assert url_errors == _scheme_error("ftp", "'http', 'https', 'discord'")
    assert (await _send(emu, {"content": "x", "components": [row("https://news.example/a")]}))[0] == 200


async def test_custom_ids_are_unique_within_a_message(emu: DiscordEmulator) -> None:
    def button(custom_id: str) -> dict[str, Any]:
        return {"type": 2, "style": 1, "label": custom_id, "custom_id": custom_id}

    rows = [
        {"type": 1, "components": [button("vote:up"), button("vote:down")]},
        {"type": 1, "components": [button("vote:up")]},
    ]
    status, body = await _send(emu, {"content": "x", "components": rows})
    assert status == 400
    assert body["errors"] == {
        "components": {
            "1": {
                "components": {
                    "0": {
                        "custom_id": {
                            "_errors": [
                                {
                                    "code": "COMPONENT_CUSTOM_ID_DUPLICATED",
                                    "message": "Component custom id cannot be duplicated",
                                }
                            ]
                        }
                    }
                }
            }
        }
    }
    rows[1]["components"] = [button("vote:skip")]
    assert (await _send(emu, {"content": "x", "components": rows}))[0] == 200


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("ask", True),
        ("poser-une_question", True),
        ("l'article", True),
        ("पूछें", True),  # Devanagari vowel signs are marks, not letters: \p{sc=Deva} admits them
        ("ถามคำถาม", True),  # Thai, with its marks
        ("frage2", True),
        ("Ask", False),
        ("ÉTÉ", False),
        ("two words", False),
        ("ask!", False),
        ("", False),
        ("x" * 33, False),
    ],
)
def test_command_names_follow_discords_pattern(name: str, valid: bool) -> None:
    assert is_valid_command_name(name) is valid


async def test_localised_command_and_option_names_are_checked(emu: DiscordEmulator) -> None:
    option = {
        "type": 3,
        "name": "question",
        "description": "What you want to know",
        "name_localizations": {"de": "deine frage", "hi": "प्रश्न"},
    }
    command = {
        "type": 1,
        "name": "ask",
        "description": "Ask a question",
        "name_localizations": {"fr": "Poser", "th": "ถาม", "xx": "ask"},
        "options": [option],
    }
    path = f"/applications/{emu.application_id}/guilds/{emu.guild_id}/commands"
    status, body, _ = await call(emu, "PUT", path, [command])
    assert status == 400 and body["code"] == 50035
    invalid = [{"code": "APPLICATION_COMMAND_INVALID_NAME", "message": "Command name is invalid"}]
    assert body["errors"] == {
        "0": {
            "name_localizations": {
                "xx": {
                    "_errors": [
                        {"code": "ENUM_TYPE_COERCE", "message": 'Value "xx" is not a valid enum value.'}
                    ]
                },
                "fr": {"_errors": invalid},
            },
            "options": {"0": {"name_localizations": {"de": {"_errors": invalid}}}},
        }
    }
    command["name_localizations"] = {"fr": "poser", "th": "ถาม"}
    option["name_localizations"] = {"de": "frage", "hi": "प्रश्न"}
    context_menu = {"type": 3, "name": "Quote This Message", "description": ""}  # any case, spaces allowed
    status, _, _ = await call(emu, "PUT", path, [command, context_menu])
    assert status == 200
    assert [c["name"] for c in emu.registered_commands(emu.guild_id)] == ["ask", "Quote This Message"]


def test_more_than_five_action_rows_need_the_components_v2_flag() -> None:
    rows = [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": str(n)}]}
        for n in range(6)
    ]
    errors = body_errors("POST", "/channels/{channel_id}/messages", {"content": "x", "components": rows})
    assert errors == {
        "components": {
            "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 5 or fewer in length."}]
        }
    }
    assert (
        body_errors("POST", "/channels/{channel_id}/messages", {"flags": 1 << 15, "components": rows}) == {}
    )


def test_parse_and_an_explicit_list_of_the_same_kind_are_exclusive() -> None:
    body = {"content": "<@1>", "allowed_mentions": {"parse": ["users"], "users": ["1"]}}
    errors = body_errors("POST", "/channels/{channel_id}/messages", body)
    assert errors["allowed_mentions"]["_errors"][0]["code"] == "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE"
