"""A web server on 127.0.0.1 serving feeds, pages, robots.txt and misbehaviour by path: for tests and bench.

It runs in a thread, so both plain and async tests can use it; every request is recorded (path
and headers) so tests can assert what was, and was not, fetched. Slow answers wait on an event
that closing the server sets, so no test thread outlives the server.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answer 304 to a matching If-None-Match
    delay: float = 0.0  # seconds before the answer starts
    endless: bool = False  # stream filler without a Content-Length until the client hangs up


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when it arrived


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client hanging up (what limits do) is not an error here


class FeedServer:
    """Serves `routes` by path (404 elsewhere) and records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._closing = threading.Event()
        self._server = _QuietServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def route(self, path: str, body: bytes | str = b"", **options: Any) -> str:
        """Serve `body` at `path`; returns the full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **options)
        return self.url(path)

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        headers = {name.lower(): value for name, value in handler.headers.items()}
        self.requests.append(Request(handler.path, headers, time.monotonic()))
        route = self.routes.get(handler.path)
        if route is None:
            _send(handler, 404, b"not found", "text/plain")
            return
        if route.delay and self._closing.wait(route.delay):
            return
        if route.etag and handler.headers.get("If-None-Match") == route.etag:
            _send(handler, 304, b"", None, {"ETag": route.etag})
            return
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.endless:
            _stream_forever(handler, route, self._closing)
            return
        _send(handler, route.status, route.body, route.content_type, headers)


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            server.answer(self)

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

    return Handler


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str | None,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if status != 304:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if status != 304:
        handler.wfile.write(body)


def _stream_forever(handler: BaseHTTPRequestHandler, route: Route, closing: threading.Event) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", route.content_type)
    handler.send_header("Connection", "close")
    handler.end_headers()
    chunk = b"<p>" + b"x" * 65_530 + b"</p>"
    try:
        for _ in range(800):  # at most 50 MB, then give up: bounded even if nobody hangs up
            if closing.is_set():
                return
            handler.wfile.write(chunk)
    except OSError:  # the client stopped reading and hung up: what the test wants
        return
    finally:
        handler.close_connection = True


# --- documents ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """An item as the tests publish it, in whatever format."""

    title: str
    link: str | None
    text: str = ""
    guid: str | None = None
    published: str = "2024-05-02T08:30:00+00:00"


def _rfc822(iso: str) -> str:
    from datetime import datetime

    return format_datetime(datetime.fromisoformat(iso))


def rss(stories: list[Story], title: str = "Test RSS") -> str:
    items = "".join(
        "<item>"
        f"<title>{escape(story.title)}</title>"
        + (f"<link>{escape(story.link)}</link>" if story.link else "")
        + (f'<guid isPermaLink="false">{escape(story.guid)}</guid>' if story.guid else "")
        + f"<pubDate>{_rfc822(story.published)}</pubDate>"
        f"<description>{escape(story.text)}</description>"
        "</item>"
        for story in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>{items}</channel></rss>"
    )


def atom(stories: list[Story], title: str = "Test Atom") -> str:
    entries = "".join(
        "<entry>"
        f"<id>{escape(story.guid or story.link or story.title)}</id>"
        f"<title>{escape(story.title)}</title>"
        + (f'<link rel="alternate" href="{escape(story.link)}"/>' if story.link else "")
        + f"<updated>{story.published}</updated><published>{story.published}</published>"
        f'<content type="html">{escape(story.text)}</content>'
        "</entry>"
        for story in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test</id><updated>2024-05-02T08:30:00Z</updated>"
        f"{entries}</feed>"
    )


def json_feed(stories: list[Story], title: str = "Test JSON Feed") -> str:
    items = [
        {
            "id": story.guid or story.link or story.title,
            "title": story.title,
            **({"url": story.link} if story.link else {}),
            "content_text": story.text,
            "date_published": story.published,
        }
        for story in stories
    ]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": title, "items": items})


def page(title: str, paragraphs: list[str]) -> str:
    """A news page with navigation and a footer around the article, as sites serve them."""
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title></head><body>"
        "<nav><a href='/'>Accueil</a> <a href='/monde'>Monde</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Tous droits réservés. Abonnez-vous à notre lettre.</footer></body></html>"
    )
