"""Request bodies are judged by Discord's own OpenAPI description, vendored with the emulator."""

from __future__ import annotations

import io

import discord
import pytest
from aiohttp import web

from devtools.discord_emulator import DiscordEmulator, spec
from devtools.discord_emulator.discordpy import running
from devtools.discord_emulator.forms import body_errors
from devtools.discord_emulator.http_app import API_PREFIX
from devtools.discord_emulator.routes_channels import routes as channel_routes
from devtools.discord_emulator.routes_core import routes as core_routes
from devtools.discord_emulator.routes_webhooks import routes as webhook_routes
from tests.conftest import PROJECT_ROOT
from tests.devtools.discord_emulator.clients import TOKEN, call, new_client

SHARED_SPEC = PROJECT_ROOT.parent / "shared" / "discord-api-spec" / "openapi.json"
MESSAGES = "/channels/{channel_id}/messages"
BODY_METHODS = {"POST", "PUT", "PATCH"}


def test_vendored_spec_is_byte_identical_to_the_shared_copy() -> None:
    if not SHARED_SPEC.exists():
        pytest.skip(f"no shared copy at {SHARED_SPEC} to compare with")
    assert spec.SPEC_FILE.read_bytes() == SHARED_SPEC.read_bytes()
    assert (spec.SPEC_DIR / "LICENSE").read_bytes() == (SHARED_SPEC.parent / "LICENSE").read_bytes()


def _emulator_routes() -> list[tuple[str, str]]:
    tables = [*core_routes, *channel_routes, *webhook_routes]
    return [(r.method, r.path) for r in tables if isinstance(r, web.RouteDef) and r.method in BODY_METHODS]


@pytest.mark.parametrize(("method", "route"), _emulator_routes())
def test_every_route_that_takes_a_body_maps_to_a_spec_operation(method: str, route: str) -> None:
    concrete = "/".join("1" if part.startswith("{") else part for part in route.split("/"))
    template = spec.template_for(concrete.removeprefix(API_PREFIX))
    assert template is not None, f"{route} has no template in Discord's spec"
    assert method.lower() in spec.document()["paths"][template], f"{method} {template} is not in the spec"


def test_literal_segments_win_over_parameters() -> None:
    assert spec.template_for("/webhooks/1/tok/messages/@original") == (
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
    )
    assert spec.template_for("/webhooks/1/tok/messages/2") == (
        "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"
    )
    assert spec.template_for("/users/@me/channels") == "/users/@me/channels"
    assert spec.template_for("/no/such/route") is None


async def test_embed_url_that_is_not_a_url_is_refused_like_discord(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN) as client:
        channel = client.get_channel(emu.channel_id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as refused:
            await channel.send(embed=discord.Embed(title="t", url="not a url"))
    assert (refused.value.status, refused.value.code) == (400, 50035)
    [rejection] = emu.rejections
    assert rejection.body == {
        "code": 50035,
        "message": "Invalid Form Body",
        "errors": {
            "embeds": {
                "0": {
                    "url": {
                        "_errors": [{"code": "URL_TYPE_INVALID_URL", "message": "Not a well formed URL."}]
                    }
                }
            }
        },
    }
    assert emu.messages(emu.channel_id) == []


async def test_payload_json_of_a_multipart_upload_is_validated_too(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN) as client:
        channel = client.get_channel(emu.channel_id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException):
            upload = discord.File(io.BytesIO(b"x"), "x.txt")
            await channel.send(embed=discord.Embed(title="t" * 257), file=upload)
    errors = emu.rejections[0].body["errors"]
    assert errors == {
        "embeds": {
            "0": {
                "title": {
                    "_errors": [
                        {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 256 or fewer in length."}
                    ]
                }
            }
        }
    }


async def test_integer_snowflakes_are_accepted_and_junk_ids_are_not(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN) as client:
        channel = client.get_channel(emu.channel_id)
        assert isinstance(channel, discord.TextChannel)
        first = await channel.send("first")
        await first.reply("discord.py sends the referenced ids as integers")
    path = f"/channels/{emu.channel_id}/messages"
    status, body, _ = await call(
        emu, "POST", path, {"content": "x", "message_reference": {"message_id": "abc"}}
    )
    assert status == 400
    assert body["errors"] == {
        "message_reference": {
            "message_id": {
                "_errors": [{"code": "NUMBER_TYPE_COERCE", "message": 'Value "abc" is not snowflake.'}]
            }
        }
    }
    assert len(emu.messages(emu.channel_id)) == 2


async def test_content_over_2000_characters_is_refused_even_where_the_spec_says_4000(
    emu: DiscordEmulator,
) -> None:
    status, body, _ = await call(emu, "POST", f"/channels/{emu.channel_id}/messages", {"content": "x" * 2001})
    assert status == 400
    assert body["errors"]["content"]["_errors"] == [
        {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}
    ]


def test_unions_report_the_alternative_that_was_meant() -> None:
    bad_button = {"type": 2, "style": 1, "custom_id": "x" * 101, "label": "Go"}
    errors = body_errors("POST", MESSAGES, {"components": [{"type": 1, "components": [bad_button]}]})
    assert errors == {
        "components": {
            "0": {
                "components": {
                    "0": {
                        "custom_id": {
                            "_errors": [
                                {
                                    "code": "BASE_TYPE_BAD_LENGTH",
                                    "message": "Must be between 1 and 100 in length.",
                                }
                            ]
                        }
                    }
                }
            }
        }
    }
    unknown_kind = body_errors("POST", MESSAGES, {"components": [{"type": 99}]})
    [choice] = unknown_kind["components"]["0"]["type"]["_errors"]
    assert choice["code"] == "UNION_TYPE_CHOICES" and "1" in choice["message"]


def test_missing_and_null_required_fields_are_required() -> None:
    errors = body_errors(
        "POST", MESSAGES, {"embeds": [{"fields": [{"name": "n"}, {"name": None, "value": "v"}]}]}
    )
    fields = errors["embeds"]["0"]["fields"]
    required = [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]
    assert fields == {"0": {"value": {"_errors": required}}, "1": {"name": {"_errors": required}}}


async def test_interaction_response_errors_sit_under_data(emu: DiscordEmulator) -> None:
    errors = body_errors(
        "POST",
        "/interactions/{interaction_id}/{interaction_token}/callback",
        {"type": 4, "data": {"content": "x" * 2001, "embeds": [{"url": "ftp://example.com"}]}},
    )
    assert set(errors) == {"data"}
    assert errors["data"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert errors["data"]["embeds"]["0"]["url"]["_errors"][0]["code"] == "URL_TYPE_INVALID_SCHEME"


def test_a_constant_outside_its_choices_lists_them_and_a_wrong_type_says_so_alone() -> None:
    thread = "/channels/{channel_id}/messages/{message_id}/threads"
    errors = body_errors("POST", thread, {"name": "talk", "auto_archive_duration": 999})
    assert errors["auto_archive_duration"]["_errors"] == [
        {"code": "BASE_TYPE_CHOICES", "message": "Value must be one of (60, 1440, 4320, 10080)."}
    ]
    row = {"type": 1, "components": [{"type": 2, "style": "big", "custom_id": "go", "label": "Go"}]}
    style = body_errors("POST", MESSAGES, {"components": [row]})["components"]["0"]["components"]["0"][
        "style"
    ]
    assert style["_errors"] == [{"code": "NUMBER_TYPE_COERCE", "message": 'Value "big" is not int.'}]
