"""REST routes for interaction callbacks and the interaction webhook (follow-ups, @original)."""

from __future__ import annotations

from aiohttp import web

from .errors import DiscordError
from .http_app import API_PREFIX, backend, json_response, no_content, read_body
from .state import InteractionRecord

routes = web.RouteTableDef()
WEBHOOK = f"{API_PREFIX}/webhooks/{{application_id}}/{{token}}"
WEBHOOK_MESSAGE = f"{WEBHOOK}/messages/{{message}}"


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in {"1", "true"}


def _record(request: web.Request) -> InteractionRecord:
    application_id = request.match_info["application_id"]
    if not application_id.isdigit():
        raise DiscordError(404, 10015, "Unknown Webhook")
    return backend(request).interactions.by_token(int(application_id), request.match_info["token"])


@routes.post(f"{API_PREFIX}/interactions/{{interaction_id}}/{{token}}/callback")
async def interaction_callback(request: web.Request) -> web.Response:
    """The initial response; discord.py 2.7 always asks `with_response=1`."""
    interaction_id = request.match_info["interaction_id"]
    if not interaction_id.isdigit():
        raise DiscordError(404, 10062, "Unknown interaction")
    payload, uploads = await read_body(request)
    body = await backend(request).interactions.callback(
        int(interaction_id), request.match_info["token"], payload, uploads
    )
    if _truthy(request.query.get("with_response")):
        return json_response(body)
    return no_content()


@routes.post(WEBHOOK)
async def execute_webhook(request: web.Request) -> web.Response:
    """A follow-up message (`wait=1` returns it)."""
    record = _record(request)
    payload, uploads = await read_body(request)
    thread = request.query.get("thread_id")
    message = await backend(request).interactions.followup(
        record, payload, uploads, int(thread) if thread else None
    )
    if _truthy(request.query.get("wait")):
        return json_response(message.wire)
    return no_content()


@routes.get(WEBHOOK_MESSAGE)
async def get_webhook_message(request: web.Request) -> web.Response:
    """`@original` or a follow-up."""
    record = _record(request)
    return json_response(
        backend(request).interactions.webhook_message(record, request.match_info["message"]).wire
    )


@routes.patch(WEBHOOK_MESSAGE)
async def edit_webhook_message(request: web.Request) -> web.Response:
    """Edit `@original` (filling a deferred reply) or a follow-up."""
    interactions = backend(request).interactions
    record = _record(request)
    message = interactions.webhook_message(record, request.match_info["message"])
    payload, uploads = await read_body(request)
    await interactions.edit_webhook_message(record, message, payload, uploads)
    return json_response(message.wire)


@routes.delete(WEBHOOK_MESSAGE)
async def delete_webhook_message(request: web.Request) -> web.Response:
    """Delete `@original` or a follow-up (ephemeral ones included)."""
    state = backend(request)
    record = _record(request)
    message = state.interactions.webhook_message(record, request.match_info["message"])
    await state.messages.delete(message)
    return no_content()
