"""The bot's memory of conversations: the last question, for a few minutes, per thread or person."""

from __future__ import annotations

from bot.conversations import Conversations, conversation_key
from index import Turn


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_follow_up_is_read_with_the_last_question_until_it_is_forgotten():
    clock = Clock()
    memory = Conversations(300, clock)
    key = conversation_key(1, 42, is_thread=False)
    memory.remember(key, Turn("Qui a gagné les municipales à Bordeaux ?"))
    clock.now = 299
    assert memory.read(key, "et à Lyon ?").query == "Qui a gagné les municipales à Lyon ?"
    clock.now = 301
    assert memory.read(key, "et à Lyon ?").query == "et à Lyon ?"  # five minutes later: a new question


def test_each_person_has_their_own_conversation_in_a_channel_and_a_thread_is_shared():
    memory = Conversations(300)
    memory.remember(conversation_key(1, 42, is_thread=False), Turn("Où est le Hekla ?"))
    memory.remember(conversation_key(2, 42, is_thread=True), Turn("Pourquoi la grève ?"))
    assert memory.recall(conversation_key(1, 7, is_thread=False)) is None
    assert memory.recall(conversation_key(2, 7, is_thread=True)) == Turn("Pourquoi la grève ?")


def test_zero_minutes_remembers_nothing():
    memory = Conversations(0)
    memory.remember("key", Turn("Où est le Hekla ?"))
    assert memory.recall("key") is None and memory.read("key", "pourquoi ?").follow_up_of is None


def test_the_oldest_conversations_are_forgotten_first_when_there_are_too_many(monkeypatch):
    monkeypatch.setattr("bot.conversations._MOST_CONVERSATIONS", 3)
    memory = Conversations(300)
    for number in range(5):
        memory.remember(number, Turn(f"question {number}"))
    assert [memory.recall(n) is not None for n in range(5)] == [False, False, True, True, True]
