"""What the bot keeps of a question and what it searches: the words, never who was mentioned in it."""

from __future__ import annotations

import os
import re
from pathlib import Path

# Discord's markup for mentions carries ids: <@123>, <@!123> (users), <@&123> (roles), <#123> (channels).
_USER = re.compile(r"<@!?\d+>")
_ROLE = re.compile(r"<@&\d+>")
_CHANNEL = re.compile(r"<#\d+>")


# What stands for a person, a role or a channel once the ids are gone, and @everyone / @here.
_PLACEHOLDER = re.compile(r"(?<![\w@#])(?:@(?:user|role|everyone|here)|#channel)(?!\w)")
# Custom emoji <:name:123>, timestamps <t:1700000000:R>, command links </ask:123>.
_OTHER_MARKUP = re.compile(r"<a?:\w+:\d+>|<t:-?\d+(?::[tTdDfFR])?>|</[\w -]+:\d+>")


def without_mentions(text: str) -> str:
    """The question with every mention's id replaced by what it was (@user, @role, #channel)."""
    return _CHANNEL.sub("#channel", _ROLE.sub("@role", _USER.sub("@user", text)))


def words_only(text: str) -> str:
    """The question without mentions, custom emoji or timestamps: what is searched.

    Such markup is not words the articles could hold; left in, "@user" or an emoji id reads as a
    word no passage has, and a question the articles answer well got 8% confidence instead of 97%.
    """
    text = _OTHER_MARKUP.sub(" ", without_mentions(text))
    return " ".join(_PLACEHOLDER.sub(" ", text).split())


def append_private(path: Path, line: str) -> None:
    """Append a line to a file only its owner can read (created so if it is new)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
