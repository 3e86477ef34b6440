"""The generated parts of a Markdown document: lines between two markers, rewritten by a script."""

from __future__ import annotations

from pathlib import Path


def write_block(document: Path, markers: str, lines: list[str], heading: str = "") -> None:
    """Put `lines` between `<!-- markers:begin -->` and `<!-- markers:end -->` in the document (the
    block is appended when the markers are missing; the document is created with `heading`)."""
    begin, end = f"<!-- {markers}:begin -->", f"<!-- {markers}:end -->"
    block = "\n".join([begin, "", *lines, "", end])
    text = document.read_text(encoding="utf-8") if document.exists() else f"{heading}\n\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text += "\n" + block + "\n"
    document.write_text(text, encoding="utf-8")
