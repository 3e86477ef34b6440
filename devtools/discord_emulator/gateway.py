"""The gateway websocket: HELLO, IDENTIFY/RESUME, heartbeats, and dispatching events to shards."""

from __future__ import annotations

import asyncio
import collections
import copy
import itertools
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from . import permissions as perms
from .codec import Encoder, encoder_for
from .payloads import guild_create_payload, ready_payload
from .state import Heartbeat, World

_log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE, RESUME, RECONNECT = 0, 1, 2, 3, 4, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11

# Close codes from Discord's documentation.
UNKNOWN_OPCODE, DECODE_ERROR, NOT_AUTHENTICATED, AUTHENTICATION_FAILED = 4001, 4002, 4003, 4004
ALREADY_AUTHENTICATED, INVALID_SHARD, INVALID_INTENTS, DISALLOWED_INTENTS = 4005, 4010, 4013, 4014


@dataclass
class GatewayConfig:
    """Gateway settings fixed when the emulator is built."""

    token: str
    heartbeat_interval_ms: int
    privileged_intents: int
    url: Callable[[], str]


@dataclass
class Session:
    """A gateway session; survives its connection so RESUME can pick it up."""

    id: str
    intents: int
    shard: tuple[int, int] | None
    sequence: int = 0
    sent: collections.deque[dict[str, Any]] = field(default_factory=lambda: collections.deque(maxlen=1000))

    def owns(self, guild_id: int | None) -> bool:
        """Whether events for `guild_id` (None: DMs) go to this session's shard."""
        if self.shard is None:
            return True
        shard_id, count = self.shard
        return shard_id == (0 if guild_id is None else (guild_id >> 22) % count)


@dataclass
class IdentifyRecord:
    """An accepted IDENTIFY."""

    connection_id: int
    intents: int
    shard: tuple[int, int] | None
    compress: str | None
    properties: dict[str, Any]


class Connection:
    """One websocket; frames are encoded and sent one at a time so the shared zlib stream stays in order."""

    def __init__(self, id: int, ws: web.WebSocketResponse, encoder: Encoder, compress: str | None) -> None:
        self.id = id
        self.ws = ws
        self.encoder = encoder
        self.compress = compress
        self.session: Session | None = None
        self.ready = False
        self._lock = asyncio.Lock()

    async def send(self, payload: dict[str, Any]) -> None:
        """Encode and send one gateway payload."""
        async with self._lock:
            if self.ws.closed:
                return
            frame = self.encoder.encode(json.dumps(payload))
            if isinstance(frame, bytes):
                await self.ws.send_bytes(frame)
            else:
                await self.ws.send_str(frame)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an op 0 event with the session's next sequence number."""
        assert self.session is not None
        self.session.sequence += 1
        payload = {"op": DISPATCH, "t": event, "s": self.session.sequence, "d": data}
        self.session.sent.append(payload)
        await self.send(payload)

    async def close(self, code: int, reason: str) -> None:
        """Close the websocket with a Discord close code."""
        _log.debug("closing gateway connection %s: %s %s", self.id, code, reason)
        await self.ws.close(code=code, message=reason.encode())


class Gateway:
    """Accepts gateway connections and fans dispatched events out to the right shards."""

    def __init__(self, world: World, config: GatewayConfig) -> None:
        self.world = world
        self.config = config
        self.connections: list[Connection] = []
        self.sessions: dict[str, Session] = {}
        self.identifies: list[IdentifyRecord] = []
        self.presence_updates: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The websocket endpoint (`GET /?v=10&encoding=json&compress=zlib-stream`)."""
        ws = web.WebSocketResponse(max_msg_size=0, compress=False)
        await ws.prepare(request)
        compress = request.query.get("compress")
        try:
            encoder = encoder_for(compress)
        except (ValueError, ImportError):
            await ws.close(code=DECODE_ERROR, message=b"Unsupported compression")
            return ws
        if request.query.get("encoding", "json") != "json":
            await ws.close(code=DECODE_ERROR, message=b"Only JSON encoding is emulated")
            return ws
        connection = Connection(next(self._ids), ws, encoder, compress)
        self.connections.append(connection)
        try:
            await connection.send(
                {"op": HELLO, "d": {"heartbeat_interval": self.config.heartbeat_interval_ms}}
            )
            await self._receive(connection)
        finally:
            self.connections.remove(connection)
            self.world.notify()
        return ws

    async def _receive(self, connection: Connection) -> None:
        async for message in connection.ws:
            if message.type is not WSMsgType.TEXT:
                await connection.close(DECODE_ERROR, "Error while decoding payload.")
                return
            try:
                payload = json.loads(message.data)
                op = payload["op"]
            except (ValueError, KeyError, TypeError):
                await connection.close(DECODE_ERROR, "Error while decoding payload.")
                return
            await self._on_payload(connection, op, payload.get("d"))
            if connection.ws.closed:
                return

    async def _on_payload(self, connection: Connection, op: int, data: Any) -> None:
        if op == HEARTBEAT:
            shard = connection.session.shard[0] if connection.session and connection.session.shard else None
            self.world.heartbeats.append(Heartbeat(connection.id, shard, data, time.monotonic()))
            self.world.notify()
            await connection.send({"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            await self._identify(connection, data or {})
        elif op == RESUME:
            await self._resume(connection, data or {})
        elif connection.session is None:
            await connection.close(NOT_AUTHENTICATED, "Not authenticated.")
        elif op == PRESENCE:
            self.presence_updates.append(data)
        elif op == REQUEST_MEMBERS:
            await self._send_members(connection, data or {})
        elif op != VOICE_STATE:
            await connection.close(UNKNOWN_OPCODE, "Unknown opcode.")

    async def _identify(self, connection: Connection, data: dict[str, Any]) -> None:
        if connection.session is not None:
            await connection.close(ALREADY_AUTHENTICATED, "Already authenticated.")
            return
        if data.get("token") != self.config.token:
            await connection.close(AUTHENTICATION_FAILED, "Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents & ~perms.KNOWN_INTENTS:
            await connection.close(INVALID_INTENTS, "Invalid intent(s).")
            return
        if intents & perms.PRIVILEGED_INTENTS & ~self.config.privileged_intents:
            await connection.close(DISALLOWED_INTENTS, "Disallowed intent(s).")
            return
        shard = data.get("shard")
        if shard is not None and not (len(shard) == 2 and 0 <= shard[0] < shard[1]):
            await connection.close(INVALID_SHARD, "Invalid shard.")
            return
        session = Session(uuid.uuid4().hex, intents, (shard[0], shard[1]) if shard else None)
        self.sessions[session.id] = session
        connection.session = session
        self.identifies.append(
            IdentifyRecord(
                connection.id, intents, session.shard, connection.compress, data.get("properties", {})
            )
        )
        await self._send_ready(connection, session, shard)

    async def _send_ready(self, connection: Connection, session: Session, shard: list[int] | None) -> None:
        guild_ids = [self.world.guild.id] if session.owns(self.world.guild.id) else []
        ready = ready_payload(
            self.world,
            session_id=session.id,
            resume_url=self.config.url(),
            shard=shard,
            guild_ids=guild_ids,
            privileged_intents=self.config.privileged_intents,
        )
        await connection.dispatch("READY", ready)
        if guild_ids and session.intents & perms.INTENT_GUILDS:
            await connection.dispatch("GUILD_CREATE", guild_create_payload(self.world, session.intents))
        connection.ready = True
        self.world.notify()

    async def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.config.token:
            await connection.close(AUTHENTICATION_FAILED, "Authentication failed.")
            return
        session = self.sessions.get(str(data.get("session_id")))
        if session is None:
            await connection.send({"op": INVALID_SESSION, "d": False})
            return
        connection.session = session
        last_seen = data.get("seq") or 0
        missed = [p for p in session.sent if p["s"] > last_seen]
        for payload in missed:
            await connection.send(payload)
        await connection.dispatch("RESUMED", {})
        connection.ready = True
        self.world.notify()

    async def _send_members(self, connection: Connection, data: dict[str, Any]) -> None:
        members = [m.payload() for m in self.world.guild.members.values()]
        query = str(data.get("query") or "").lower()
        wanted = {str(u) for u in data.get("user_ids") or []}
        if wanted:
            members = [m for m in members if m["user"]["id"] in wanted]
        elif query:
            members = [m for m in members if m["user"]["username"].lower().startswith(query)]
        chunk = {
            "guild_id": str(self.world.guild.id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await connection.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        guild_id: int | None,
        intent: int | None = None,
        message: bool = False,
    ) -> int:
        """Send an event to every ready connection whose shard and intents cover it; returns how many."""
        delivered = 0
        for connection in list(self.connections):
            session = connection.session
            if not connection.ready or session is None or not session.owns(guild_id):
                continue
            if intent is not None and not session.intents & intent:
                continue
            payload = data
            if message and self._hides_content(session, data, guild_id):
                payload = _without_content(data)
            await connection.dispatch(event, payload)
            delivered += 1
        return delivered

    def _hides_content(self, session: Session, message: dict[str, Any], guild_id: int | None) -> bool:
        """Without MESSAGE_CONTENT, guild messages arrive empty unless they mention the bot or are its own."""
        if session.intents & perms.INTENT_MESSAGE_CONTENT or guild_id is None:
            return False
        bot_id = str(self.world.bot.id)
        author = message.get("author", {}).get("id")
        mentioned = any(user.get("id") == bot_id for user in message.get("mentions", []))
        return author != bot_id and not mentioned

    def ready_connections(self) -> list[Connection]:
        """Connections that have been sent READY (and GUILD_CREATE where due)."""
        return [c for c in self.connections if c.ready]

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT to every connection, as Discord does before maintenance."""
        for connection in list(self.connections):
            await connection.send({"op": RECONNECT, "d": None})

    async def close_all(self) -> None:
        """Close every connection (server shutdown)."""
        for connection in list(self.connections):
            await connection.close(1001, "Emulator stopping")


def _without_content(message: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(message)
    data.update(content="", embeds=[], attachments=[], components=[])
    data.pop("poll", None)
    return data
