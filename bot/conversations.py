"""What the bot remembers of a conversation, so "et à Lyon ?" is read with the question before it.

A conversation is a thread, or one person in a channel or a DM; its memory is the last question
(as it was searched) and the articles its answer quoted, kept a few minutes, in memory only.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from index import Answer, Reading, Turn, read_question

# Conversations remembered at once; the oldest are forgotten first in a very busy server.
_MOST_CONVERSATIONS = 10_000


class Conversations:
    """The last turn of each conversation, forgotten after `seconds` (0: follow-ups are off)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._turns: OrderedDict[Hashable, tuple[float, Turn]] = OrderedDict()

    def recall(self, key: Hashable) -> Turn | None:
        """The conversation's last turn, if it is recent enough."""
        if self._seconds <= 0:
            return None
        with self._lock:
            found = self._turns.get(key)
        if found is None or self._clock() - found[0] > self._seconds:
            return None
        return found[1]

    def read(self, key: Hashable | None, question: str) -> Reading:
        """How to search `question` in this conversation (None: a question on its own)."""
        return read_question(question, None if key is None else self.recall(key))

    def answered(self, key: Hashable | None, answer: Answer) -> None:
        """Remember the question as it was searched and the articles its answer quoted."""
        if key is not None:
            self.remember(key, Turn(answer.question, frozenset(hit.article.id for hit in answer.hits)))

    def remember(self, key: Hashable, turn: Turn) -> None:
        if self._seconds <= 0:
            return
        with self._lock:
            self._turns.pop(key, None)
            self._turns[key] = (self._clock(), turn)
            while len(self._turns) > _MOST_CONVERSATIONS:
                self._turns.popitem(last=False)


def conversation_key(channel_id: int | None, user_id: int, is_thread: bool) -> Hashable:
    """A thread is one conversation; elsewhere each person has their own."""
    return ("thread", channel_id) if is_thread else ("channel", channel_id, user_id)
