"""The aiohttp application: Discord-shaped errors, auth, rate-limit headers and request bodies."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from .errors import UNAUTHORIZED, DiscordError, refuse
from .forms import check_body
from .gateway import Gateway
from .interactions import Interactions
from .messaging import Messages, Upload
from .ratelimits import Limiter, Verdict
from .spec import template_for
from .state import Rejection, World

API_PREFIX = "/api/v10"
UNAUTHENTICATED_PREFIXES = (f"{API_PREFIX}/webhooks/", f"{API_PREFIX}/interactions/", f"{API_PREFIX}/gateway")


@dataclass
class Backend:
    """Everything a route handler needs."""

    world: World
    gateway: Gateway
    messages: Messages
    interactions: Interactions
    token: str
    shard_count: int
    privileged_intents: int
    gateway_url: Callable[[], str]
    limiter: Limiter | None


BACKEND = web.AppKey("backend", Backend)
REQUEST_BODY = web.RequestKey("body", object)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def backend(request: web.Request) -> Backend:
    """The emulator behind this request."""
    return request.app[BACKEND]


def json_response(data: Any, status: int = 200) -> web.Response:
    """A JSON body as Discord sends it: discord.py only parses an exact `application/json` type."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def no_content() -> web.Response:
    """Discord's 204 for actions without a body."""
    return web.Response(status=204)


async def read_body(request: web.Request) -> tuple[dict[str, Any], list[Upload]]:
    """The JSON payload and uploaded files (multipart `payload_json` + `files[n]`, or plain JSON).

    The payload is judged as Discord would (its spec, then the rules the spec lacks): 400/50035 if refused.
    """
    uploads: list[Upload] = []
    payload: Any = {}
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                payload = _parse_json(await part.text())
            elif part.name and part.name.startswith("files["):
                content = await part.read()
                uploads.append(
                    Upload(
                        part.filename or "file",
                        part.headers.get("Content-Type", "application/octet-stream"),
                        len(content),
                    )
                )
    else:
        text = await request.text()
        payload = _parse_json(text) if text else {}
    request[REQUEST_BODY] = payload
    check_body(request.method, request.path.removeprefix(API_PREFIX), payload)
    return payload, uploads


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise DiscordError(400, 50109, "The request body contains invalid JSON.") from None


def _rate_limit(request: web.Request) -> Verdict:
    """Count the request against its bucket and the global limit (everything passes when limits are off)."""
    limiter = backend(request).limiter
    if limiter is None or not request.path.startswith(API_PREFIX):
        return Verdict(True, {})
    path = request.path.removeprefix(API_PREFIX)
    return limiter.check(request.method, template_for(path), path)


def _reject(request: web.Request, status: int, body: dict[str, Any]) -> web.Response:
    rejection = Rejection(request.method, request.path_qs, status, body, request.get(REQUEST_BODY))
    world = backend(request).world
    (world.rate_limit_hits if status == 429 else world.rejections).append(rejection)
    world.notify()
    return json_response(body, status)


def _authorized(request: web.Request) -> bool:
    if request.path.startswith(UNAUTHENTICATED_PREFIXES) or not request.path.startswith(API_PREFIX):
        return True
    return request.headers.get("Authorization") == f"Bot {backend(request).token}"


@web.middleware
async def discord_semantics(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Auth, rate limits (429s recorded apart), Discord error bodies (recorded as rejections)."""
    verdict = Verdict(True, {})
    try:
        if not _authorized(request):
            raise refuse(UNAUTHORIZED)
        verdict = _rate_limit(request)
        if verdict.allowed:
            response = await handler(request)
        else:
            assert verdict.body is not None
            response = _reject(request, 429, verdict.body)
    except DiscordError as exc:
        response = _reject(request, exc.status, exc.body())
    except web.HTTPNotFound:
        response = _reject(request, 404, {"message": "404: Not Found", "code": 0})
    except web.HTTPMethodNotAllowed:
        response = _reject(request, 405, {"message": "405: Method Not Allowed", "code": 0})
    if not isinstance(response, web.WebSocketResponse) and not response.prepared:
        response.headers.update(verdict.headers)
    return response


def build_app(state: Backend, routes: list[web.RouteDef]) -> web.Application:
    """The application serving the REST API under /api/v10 and the gateway at /."""
    app = web.Application(middlewares=[discord_semantics], client_max_size=32 * 1024 * 1024)
    app[BACKEND] = state
    app.router.add_get("/", state.gateway.handle)
    app.add_routes(routes)
    return app
