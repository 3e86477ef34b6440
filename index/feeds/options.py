"""How the follower fetches and how much it reads: option objects built from settings (no heavy imports)."""

from __future__ import annotations

from dataclasses import dataclass

from index.settings import DEFAULTS

MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchOptions:
    """Who we say we are, and the limits every request obeys."""

    user_agent: str = DEFAULTS.feeds_user_agent
    timeout: float = DEFAULTS.feeds_timeout_seconds
    max_bytes: int = DEFAULTS.feeds_max_bytes
    host_delay: float = DEFAULTS.feeds_host_delay_seconds
    max_redirects: int = MAX_REDIRECTS
    # Hosts the operator named (each feed's own): only these may be on a private or loopback
    # address. A link or redirect from a feed to any other such address is refused.
    operator_hosts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FollowOptions:
    """How much of each feed a round reads, and how long a failing feed waits."""

    max_items: int = DEFAULTS.feeds_max_items
    retry_seconds: float = DEFAULTS.feeds_retry_seconds
    retry_max_seconds: float = DEFAULTS.feeds_retry_max_seconds
