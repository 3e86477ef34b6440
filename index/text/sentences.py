"""Sentence boundaries in French and English text, as exact character spans.

Both sides of the index use them: the build groups sentences into passages and embeds each
sentence; search scores and highlights sentences of the passages it found.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# A line of text without its surrounding whitespace: non-space runs joined by in-line spaces only.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE = re.compile(rf"\S+(?:[^\S{_LINE_BREAKS}]+\S+)*")
_LINE_BREAK = re.compile(rf"\r\n|[{_LINE_BREAKS}]")
_NON_SPACE = re.compile(r"\S")
_ALNUM = re.compile(r"[^\W_]")

# Terminal punctuation, then closing quotes/brackets (French puts a no-break space before »),
# then whitespace or the end of the line. Periods inside numbers, URLs or "J.-C" never match.
_BOUNDARY = re.compile(rf"(?P<punct>[.!?…‽]+)(?:[^\S{_LINE_BREAKS}]*[»”\u203a]|[\"'\u2019)\]])*(?=\s|\Z)")
_QUOTE_CHAR = re.compile(r"[«»“”„\"]")
_QUOTE_OPEN = "«“„"
_QUOTE_CLOSE = "»”"
_LIST_NUMBER = re.compile(r"\(?\d{1,3}\.")

# Lower-cased words that take a period without ending the sentence. "etc." is not here: it ends
# a sentence when a capital follows, which is the default rule for any period.
_ABBREVIATIONS = frozenset(
    # titles
    {"m", "mm", "mme", "mmes", "mlle", "mlles", "mgr", "pr", "dr", "drs", "mr", "mrs", "ms", "messrs"}
    | {"prof", "st", "ste", "sts", "mt", "jr", "sr", "gen", "gén", "col", "lt", "sgt", "capt", "cpt"}
    | {"adm", "gov", "sen", "rep", "rev", "hon"}
    # references
    | {"p", "pp", "av", "apr", "cf", "vs", "vol", "chap", "fig", "ibid", "approx", "dept"}
)
# Dotted initialisms: "U.S", "e.g", "i.e", "J.-C", "Ph.D" (the final period is the candidate).
_DOTTED = re.compile(r"[^\W\d_]{1,2}(?:\.-?[^\W\d_]{1,2})+")
_OPENERS = "«“„\"'\u2018([{—\u2013-"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence's span in its text, and whether it opens a paragraph (a line or block)."""

    start: int
    end: int
    paragraph_start: bool


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans `(start, end)` of `text`, in order, without surrounding whitespace."""
    return [(s.start, s.end) for s in sentences(text)]


def passage_sentences(passage_text: str) -> list[str]:
    """The sentences of a passage as embedded (a passage with one sentence gives that sentence)."""
    spans = split_sentences(passage_text)
    return [passage_text[start:end] for start, end in spans] or [passage_text]


def sentences(text: str) -> list[Sentence]:
    """Every sentence of `text` in order, marking those that open a paragraph."""
    found: list[Sentence] = []
    for start, end in _blocks(text):
        first = True
        for s, e in _split_block(text, start, end):
            found.append(Sentence(s, e, paragraph_start=first))
            first = False
    return found


def _blocks(text: str) -> list[tuple[int, int]]:
    """Stripped lines, a line joined to the previous one when it merely wraps (starts lowercase)."""
    blocks: list[tuple[int, int]] = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        if blocks and text[start].islower():
            separator = text[blocks[-1][1] : start]
            if len(_LINE_BREAK.findall(separator)) == 1:
                blocks[-1] = (blocks[-1][0], end)
                continue
        blocks.append((start, end))
    return blocks


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    quoted = _QuotedRegions(text, start, end)
    spans: list[tuple[int, int]] = []
    sentence_start = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        following = _NON_SPACE.search(text, stop, end)
        if following is None:
            break
        if _is_boundary(text, sentence_start, match, following.group(), quoted):
            spans.append((sentence_start, stop))
            sentence_start = following.start()
    spans.append((sentence_start, end))
    return spans


def _is_boundary(
    text: str, sentence_start: int, match: re.Match[str], following: str, quoted: _QuotedRegions
) -> bool:
    if following.islower() or following in ",;:":
        return False
    stop = match.end()
    if not _ALNUM.search(text, sentence_start, stop):
        return False  # a lone "…" or "[…]" belongs to the sentence that follows
    if match.group("punct") == "." and (
        _is_abbreviation(_word_before(text, sentence_start, match.start()))
        or _LIST_NUMBER.fullmatch(text, sentence_start, stop)
    ):
        return False
    return not quoted.contains(stop)


def _word_before(text: str, sentence_start: int, position: int) -> str:
    chunk = text[max(sentence_start, position - 40) : position]
    if not chunk or chunk[-1].isspace():
        return ""
    return chunk.rsplit(None, 1)[-1].lstrip(_OPENERS)


def _is_abbreviation(word: str) -> bool:
    if len(word) == 1:
        return word.isupper() or word == "p"  # initials such as "J. K. Rowling"
    return word.lower() in _ABBREVIATIONS or _DOTTED.fullmatch(word) is not None


class _QuotedRegions:
    """The insides of matched « », “ ” and " " quotes on one block of text."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        if _QUOTE_CHAR.search(text, start, end) is None:
            return
        stack: list[tuple[str, int]] = []
        pairs: list[tuple[int, int]] = []
        for match in _QUOTE_CHAR.finditer(text, start, end):
            char, position = match.group(), match.start()
            if char == '"' and stack and stack[-1][0] == '"':
                pairs.append((stack.pop()[1], position))
            elif char == '"' or char in _QUOTE_OPEN:
                stack.append((char, position))
            elif char in _QUOTE_CLOSE and stack and stack[-1][0] != '"':
                pairs.append((stack.pop()[1], position))
        for open_at, close_at in sorted(pairs):  # nested pairs fold into the outer one
            if self._ends and open_at < self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], close_at)
            else:
                self._starts.append(open_at)
                self._ends.append(close_at)

    def contains(self, position: int) -> bool:
        """Whether `position` (a sentence end) lies after an opening quote and before its closer."""
        index = bisect.bisect_left(self._starts, position) - 1
        return index >= 0 and position <= self._ends[index]
