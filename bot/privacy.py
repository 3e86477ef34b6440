"""What the bot keeps of a question: the words, never who was mentioned in it."""

from __future__ import annotations

import os
import re
from pathlib import Path

# Discord's markup for mentions carries ids: <@123>, <@!123> (users), <@&123> (roles), <#123> (channels).
_USER = re.compile(r"<@!?\d+>")
_ROLE = re.compile(r"<@&\d+>")
_CHANNEL = re.compile(r"<#\d+>")


def without_mentions(text: str) -> str:
    """The question with every mention's id replaced by what it was (@user, @role, #channel)."""
    return _CHANNEL.sub("#channel", _ROLE.sub("@role", _USER.sub("@user", text)))


def append_private(path: Path, line: str) -> None:
    """Append a line to a file only its owner can read (created so if it is new)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
