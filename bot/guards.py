"""Who may ask what, where and how often: pure checks that return a refusal or None."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from bot.settings import BOT_DEFAULTS

_UNDECODABLE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Refusal:
    """Why a question is not answered, as a short polite sentence; `key` names the text to show."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionPolicy:
    """The limits an operator sets: question length, channels, DMs."""

    max_chars: int = BOT_DEFAULTS.max_question_chars
    allowed_channels: Collection[int] = ()
    allow_dms: bool = BOT_DEFAULTS.allow_dms


def check_question(
    question: str, channel_id: int | None, is_dm: bool, policy: QuestionPolicy
) -> Refusal | None:
    """A refusal for an empty, too long, or misplaced question; None when it may be answered."""
    if is_dm and not policy.allow_dms:
        return Refusal("dms_off")
    if not is_dm and policy.allowed_channels and channel_id not in policy.allowed_channels:
        return Refusal("channel_not_allowed")
    return check_text(question, policy.max_chars)


def check_text(question: str, max_chars: int) -> Refusal | None:
    """The checks every entry point makes (Discord, `qa-bot ask`, `qa-bot chat`): a question is text,
    not empty, not too long."""
    if _UNDECODABLE.search(question):  # bytes that were not UTF-8, kept as lone surrogates
        return Refusal("invalid_text")
    if not question.strip():
        return Refusal("empty_question")
    if len(question) > max_chars:
        return Refusal("question_too_long", {"length": len(question), "limit": max_chars})
    return None


class Cooldown:
    """At most one question (or one refusal notice) per user every `seconds`; memory stays bounded
    in a busy server."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._last: dict[int, float] = {}

    def check(self, user_id: int) -> Refusal | None:
        """Record the question, or refuse it with the seconds left to wait."""
        if self._seconds <= 0:
            return None
        now = self._clock()
        last = self._last.get(user_id)
        if last is not None and now - last < self._seconds:
            return Refusal("cooldown", {"seconds": max(1, round(self._seconds - (now - last)))})
        self._last[user_id] = now
        if len(self._last) > 10_000:
            self._forget_before(now - self._seconds)
        return None

    def _forget_before(self, moment: float) -> None:
        self._last = {user: at for user, at in self._last.items() if at >= moment}
