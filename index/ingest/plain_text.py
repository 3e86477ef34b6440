"""Plain text and Markdown articles: optional front matter, a title line, then the body kept exactly."""

from __future__ import annotations

import re
from collections.abc import Iterator

from index.ingest.origin import Item, Origin, Record, Skip

_KEY_VALUE_LINE = re.compile(r"^\s*(url|date|source|title)\s*:(.*)$", re.IGNORECASE)
_ATX_CLOSING = re.compile(r"\s+#+\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
# A line of dashes, equals, stars or underscores only: a rule or an underline, never a title.
_RULE = re.compile(r"^\s*([-=*_~])(\s*\1)*\s*$")


def parse_text(text: str, origin: Origin) -> Iterator[Item]:
    yield _plain_article(text, origin, markdown=False)


def parse_markdown(text: str, origin: Origin) -> Iterator[Item]:
    yield _plain_article(text, origin, markdown=True)


def _plain_article(text: str, origin: Origin, *, markdown: bool) -> Record:
    meta, body = split_front_matter(text)
    notes = []
    if body is text and text.split("\n", 1)[0].strip() == "---":
        notes.append("front matter opened with --- is never closed: read as plain text (add the closing ---)")
    title, body = split_title(body, meta.get("title"), markdown=markdown)
    if not title:
        raise Skip("no text after the front matter")
    return origin.record(origin.path, title, trim_blank_lines(body) or title, meta, notes=notes)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Known keys (lower-cased) from a leading ``---`` block or ``key: value`` lines, and the rest."""
    lines = text.split("\n")
    if lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), 0)
        if end:
            return _key_values(lines[1:end]), "\n".join(lines[end + 1 :])
        return {}, text
    header = _leading_block(lines)
    if header and all(_KEY_VALUE_LINE.match(line) for line in header):
        return _key_values(header), "\n".join(lines[len(header) :])
    return {}, text


def _leading_block(lines: list[str]) -> list[str]:
    """The lines before the first blank line."""
    for index, line in enumerate(lines):
        if not line.strip():
            return lines[:index]
    return lines


def _key_values(lines: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in lines:
        match = _KEY_VALUE_LINE.match(line)
        if match:
            values[match.group(1).lower()] = _unquote(match.group(2).strip())
    return {key: value for key, value in values.items() if value}


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def split_title(body: str, title: str | None, *, markdown: bool) -> tuple[str, str]:
    """The title (given, else the first non-empty line) and the text after the title line.

    A given title that the text repeats as its first line is removed from the text.
    """
    lines = body.split("\n")
    index = next((i for i, line in enumerate(lines) if _title_of(line, markdown)), None)
    if index is None:
        return title or "", ""
    first = _title_of(lines[index], markdown)
    if title and first != title:
        return title, body
    rest = lines[index + 1 :]
    if markdown and rest and _SETEXT_UNDERLINE.match(rest[0]):
        rest = rest[1:]
    return title or first, "\n".join(rest)


def _title_of(line: str, markdown: bool) -> str:
    """The title a line would give: empty for a blank line or a rule ("---", "***")."""
    if _RULE.match(line):
        return ""
    if markdown:
        line = _ATX_CLOSING.sub("", line.strip().lstrip("#"))
    return line.strip()


def trim_blank_lines(text: str) -> str:
    """`text` without its leading and trailing blank lines; every other character is kept."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])
