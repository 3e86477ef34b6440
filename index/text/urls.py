"""An article's link as Discord will accept it: absolute http(s), ASCII, at most 2,048 characters.

Discord refuses a whole message whose embed URL is not one (400, "Invalid Form Body"), so a bad
link in one article's metadata would silence every answer quoting it. Links are fixed where the
intent is plain (a missing scheme, spaces, non-ASCII characters) and dropped otherwise; either
way the rebuild summary says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

MAX_URL_LENGTH = 2048  # Discord's limit on embed and button URLs
_SCHEMES = ("http", "https")
# A scheme-less link that starts with a host name: "www.example.fr/x", "example.fr".
_BARE_HOST = re.compile(r"^(?:[\w-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]|$)", re.IGNORECASE)
_HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Characters RFC 3986 allows in a URI (after percent-encoding everything else).
_URI_CHARACTERS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")
_HOST = re.compile(r"^[A-Za-z0-9.-]+$")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Kept as they are when encoding a path, query or fragment (percent signs included: already encoded).
_SAFE = "/:@!$&'()*+,;=%~-._?#[]"


@dataclass(frozen=True)
class CheckedUrl:
    """The link to keep (None: dropped) and, when it was changed or dropped, why."""

    url: str | None
    note: str | None = None


def check_url(raw: str | None) -> CheckedUrl:
    """Normalise a link from article metadata, or drop it, saying why."""
    if raw is None or not raw.strip():
        return CheckedUrl(None)
    text = raw.strip()
    candidate = text
    if text.startswith("//"):
        candidate = "https:" + text
    elif not _HAS_SCHEME.match(text) and _BARE_HOST.match(text):
        candidate = "https://" + text
    url = _encoded(candidate)
    if url is None:
        return CheckedUrl(None, f"link {_shown(text)} dropped: not an http(s) address")
    if len(url) > MAX_URL_LENGTH:
        return CheckedUrl(None, f"link dropped: {len(url)} characters, over Discord's {MAX_URL_LENGTH}")
    if url.lower() != text.lower():  # a case change alone (HTTPS://Example.fr) is not worth a note
        return CheckedUrl(url, f"link {_shown(text)} kept as {_shown(url)}")
    return CheckedUrl(url)


def is_safe_url(url: str | None) -> bool:
    """Whether a link can go into a Discord message as it is (checked again when rendering)."""
    return url is not None and check_url(url) == CheckedUrl(url)


def _encoded(text: str) -> str | None:
    """The link with its host in IDNA and everything else percent-encoded; None if not http(s)."""
    try:
        parts = urlsplit(text)
        host = parts.hostname
        port = parts.port
    except ValueError:  # an invalid port or bracketed host
        return None
    if parts.scheme.lower() not in _SCHEMES or not host:
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if not _HOST.match(ascii_host) or ".." in ascii_host:
        return None
    netloc = ascii_host + (f":{port}" if port is not None else "")
    if parts.username or parts.password:
        return None  # credentials in a shared link are never intended
    url = urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            _quoted(parts.path),
            _quoted(parts.query),
            _quoted(parts.fragment),
        )
    )
    return url if _URI_CHARACTERS.match(url) else None


def _quoted(part: str) -> str:
    """Percent-encode what a URI may not hold, keeping escapes that are already there."""
    return quote(_STRAY_PERCENT.sub("%25", part), safe=_SAFE)


def _shown(text: str, limit: int = 80) -> str:
    """A link quoted for the summary, shortened."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
