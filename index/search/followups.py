"""Follow-up questions in a conversation ("et à Lyon ?", "il a quel âge ?", "and in 2020?"): read with
the question before them. Pure functions on text; the conversation's memory is the caller's.

Two kinds, told apart by their words:
- a *refinement* swaps one detail of the previous question ("et à Lyon ?" after "Qui a gagné les
  municipales à Bordeaux ?"): the new detail replaces the old one in the previous question, which
  is then asked whole ("Qui a gagné les municipales à Lyon ?");
- a *continuation* asks more about the same subject ("il a quel âge ?", "pourquoi ?", "how old is
  he?"): it is asked together with the previous question, and the articles just quoted are favoured.
A question that names its own subject is new, and starts afresh: a pronoun counts only when the
question names nothing it could stand for (`index.search.pronouns`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.search.pronouns import asks_a_question, leans_on_context

# A refinement opens with a connective and carries a new detail: "et à Lyon ?", "and in 2020?".
# Not "ou": typed without its accent it is "où", which opens a question of its own ("ou est situé Lyon ?").
_CONNECTIVE = re.compile(
    r"^\s*(?:et|mais|puis|and|but|or|what about|how about)\b[\s,]*(?:(?:pour|for|avec|with)\s+)?",
    re.IGNORECASE,
)
# Prepositions that introduce the detail a refinement swaps: "à Bordeaux", "en 2019", "in Paris".
_PREPOSITION = re.compile(
    r"\b(à|a|au|aux|en|dans|pour|chez|sur|de|du|des|in|at|on|for|during|from|of)\s+", re.IGNORECASE
)
_NUMBER = re.compile(r"\b\d[\d.,]*\b")
_NAME = re.compile(r"\b[A-ZÀ-Ý][\w'\u2019-]*(?:\s+[A-ZÀ-Ý][\w'\u2019-]*)*")
_WORD = re.compile(r"[\w'\u2019-]+")
# Short enough to lean on the question before it; a longer question names its own subject.
MAX_CONTINUATION_WORDS = 6
MAX_REFINEMENT_WORDS = 6


@dataclass(frozen=True)
class Turn:
    """What the conversation remembers of the last question: its words and the articles it quoted."""

    question: str
    articles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reading:
    """How to search a question: the text to search, the earlier question it follows (if any) and
    the articles a continuation could favour (scripts/followup_eval.py measured favouring them: it
    never helped, so the bot searches the two questions together and favours nothing)."""

    query: str
    follow_up_of: str | None = None
    prefer_articles: frozenset[str] = frozenset()


def read_question(question: str, previous: Turn | None) -> Reading:
    """The question as it should be searched, given the conversation's last turn."""
    if previous is None or not previous.question.strip():
        return Reading(question)
    words = _WORD.findall(question)
    if not words:
        return Reading(question)
    refinement = _CONNECTIVE.match(question)
    detail = question[refinement.end() :].strip(" ?!.") if refinement is not None else ""
    # "et à Lyon ?" carries a detail; "et pourquoi ?", "and where did he die?" ask a question of their own.
    swaps_a_detail = detail and not asks_a_question(detail)
    if refinement is not None and len(words) <= MAX_REFINEMENT_WORDS and swaps_a_detail:
        return Reading(refined(previous.question, detail), previous.question)
    rest = detail if refinement is not None else question
    if rest and len(words) <= MAX_CONTINUATION_WORDS and leans_on_context(rest):
        query = f"{previous.question.strip()} {question.strip()}"
        return Reading(query, previous.question, previous.articles)
    return Reading(question)


def refined(previous: str, detail: str) -> str:
    """The previous question with the detail `detail` stands for replaced by it.

    "à Lyon" replaces the last "à …" phrase ("à Bordeaux"), "en 2020" the last "en …"; a bare name
    or number replaces the last name or number; otherwise the detail is added.
    """
    body = previous.strip()
    stripped = body.rstrip(" ?!.")
    end = body[len(stripped) :] or " ?"
    new = _PREPOSITION.match(detail)
    if new is not None:
        matches = list(_PREPOSITION.finditer(stripped))
        same = [m for m in matches if _same_preposition(m.group(1), new.group(1))]
        if same:
            start = same[-1].start()
            after = [m.start() for m in matches if m.start() > same[-1].end()]
            stop = after[0] if after else len(stripped)
            tail = stripped[stop:]
            return (stripped[:start] + detail + (" " + tail.lstrip() if tail else "")).rstrip() + end
    bare = detail[new.end() :] if new is not None else detail
    if bare[:1].isdigit() or bare[:1].isupper():  # a year for a year, a name for a name
        pattern = _NUMBER if bare[:1].isdigit() else _NAME
        found = [m for m in pattern.finditer(stripped) if m.start() > 0]  # not the question's first word
        if found:
            last = found[-1]
            return stripped[: last.start()] + bare + stripped[last.end() :] + end
    return f"{stripped} {detail}{end}"


def _same_preposition(a: str, b: str) -> bool:
    groups = ({"à", "a", "au", "aux", "dans", "chez", "in", "at"}, {"en", "in", "during", "pour", "for"})
    a, b = a.lower(), b.lower()
    return a == b or any(a in group and b in group for group in groups)
