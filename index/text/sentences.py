"""Sentence boundaries in French and English text, as exact character spans.

Both sides of the index use them: the build groups sentences into passages and embeds each
sentence; search scores and highlights sentences of the passages it found.

Scraped news text often loses the space after a sentence (`au Canada.Selon`, `»Le`) or the line
break after a subheading (`prend les devantsMais`), so a boundary needs no space when what
follows is plainly a new sentence: a capital, an opening quote, or a common sentence opener
glued to a lower-case word. Abbreviations, initials, numbers, addresses and brand names that
mix cases (`M.Dupont`, `J.-C.`, `3.5`, `www.Example.fr`, `LinkedIn`) stay whole.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

# A line of text without its surrounding whitespace: non-space runs joined by in-line spaces only.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE = re.compile(rf"\S+(?:[^\S{_LINE_BREAKS}]+\S+)*")
_LINE_BREAK = re.compile(rf"\r\n|[{_LINE_BREAKS}]")
_NON_SPACE = re.compile(r"\S")
_ALNUM = re.compile(r"[^\W_]")
# Characters that take no room on the page (zero-width space, joiners, word joiner, BOM): Python
# does not count them as white space, scraped pages are full of them.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_VISIBLE = re.compile(rf"[^\s{INVISIBLE}]")

# Common first words of a French or English sentence, as written at its start. Glued directly to
# a lower-case word ("devantsMais la"), one marks a lost line break. Two-letter ones are trusted
# only after a word in one case, never after a capitalised word ("LinkedIn", "MoveOn").
_LONG_OPENERS = (
    "Les Des Une Cette Ces Cet Ils Elle Elles Nous Vous Mais Selon Pour Par Dans Depuis Après Avant "
    "Alors Ainsi Pourtant Toutefois Cependant Enfin Lors Lorsque Quand Quant Sans Avec Pendant "
    "Malgré Parmi Face Comme Désormais Déjà Puis Ensuite Certes Néanmoins Pourquoi Comment Combien "
    "Quel Quelle Quels Quelles Moins Plus Tous Tout Toute Toutes Chaque Entre Aux Car Donc Quelques "
    "Certains Certaines Plusieurs Outre Contrairement Aujourd\u2019hui Hier Demain "
    "The This That These Those But However According After Before While When Meanwhile They She "
    "With From Since Although Despite What How Why Some Many Most More"
).split()
_SHORT_OPENERS = "Le La Il En Un On Ce Au Du De Si Je In It He We As At".split()
_ELIDED_OPENERS = "L D C Qu S N J Jusqu Lorsqu Puisqu".split()
_GLUED_OPENER = (
    rf"(?:(?P<long>{'|'.join(_LONG_OPENERS)})|(?P<short>{'|'.join(_SHORT_OPENERS)}))(?=[\s,]|\Z)"
    rf"|(?P<elided>(?:{'|'.join(_ELIDED_OPENERS)})[\u2019'])(?=[^\W\d_])"
)

# Terminal punctuation, then closing quotes/brackets (French puts a no-break space before »),
# then white space, the end of the line, or (glued) what starts the next sentence. Or a closing
# quote glued to a letter; or a word glued to a sentence opener (a zero-width match).
_CLOSERS = rf"(?:[^\S{_LINE_BREAKS}]*[»”\u203a]|[\"'\u2019)\]])*"
_BOUNDARY = re.compile(
    rf"(?P<punct>[.!?…‽]+){_CLOSERS}(?=[{INVISIBLE}]*(?:\s|\Z|(?P<glued>[«“„\"\u2018(]|[^\W\d_])))"
    r"|(?P<quote>[»”])(?=[^\W\d_])"
    # the capital first: a cheap test that fails at most positions
    rf"|(?=[A-ZÀ-ÖØ-Þ])(?<=[^\W\d_]{{3}})(?={_GLUED_OPENER})"
)
_QUOTE_CHAR = re.compile(r"[«»“”„\"]")
_QUOTE_OPEN = "«“„"
_QUOTE_CLOSE = "»”"
_LIST_NUMBER = re.compile(r"\(?\d{1,3}\.")

# Lower-cased words that take a period without ending the sentence. "etc." is not here: it ends
# a sentence when a capital follows, which is the default rule for any period.
_ABBREVIATIONS = frozenset({"av", "apr", "cf", "vs", "ibid", "approx", "dept", "jr", "sr"})
# Titles, only when capitalised: "Col. Smith", but "le col. Les coureurs", "3 m. Le record".
_TITLES = frozenset(
    {"m", "mm", "mme", "mmes", "mlle", "mlles", "mgr", "pr", "dr", "drs", "mr", "mrs", "ms", "messrs"}
    | {"prof", "st", "ste", "sts", "mt", "gen", "gén", "col", "lt", "sgt", "capt", "cpt"}
    | {"adm", "gov", "sen", "rep", "rev", "hon"}
)
# References, only before a number: "p. 12", "vol. 3", but "accusé de vol. Le procès".
_BEFORE_NUMBER = frozenset({"p", "pp", "vol", "chap", "fig", "no", "n", "env"})
# Dotted initialisms: "U.S", "e.g", "i.e", "J.-C", "Ph.D" (the final period is the candidate).
_DOTTED = re.compile(r"[^\W\d_]{1,2}(?:\.-?[^\W\d_]{1,2})+")
_OPENED_CAPITAL = re.compile(r"(?:«\s?|[“„\u2018\"(])(\w)")
_DOTTED_NEXT = re.compile(r"[^\W\d_]{1,2}\.")
_OPENERS = "«“„\"'\u2018([{—\u2013-"
_ELISION = re.compile(r"^[^\W\d_]{1,2}['\u2019]")  # "l'U.S", "d'O.R.A"
# Web and mail addresses: a period or "?" inside one is no sentence end ("www.Example.fr/Page").
_ADDRESS_START = re.compile(r"[a-z][a-z0-9+.-]*://|www\.", re.IGNORECASE)
_TOP_LEVEL_DOMAIN = re.compile(r"[a-z]{2,6}")
_CAPITALISED_DOMAIN = re.compile(r"(?:Com|COM|Fr|FR|Org|ORG)(?![^\W_])")
_ADDRESS_REACH = 100  # characters looked at on either side: bounded, so splitting stays linear


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


def line_spans(text: str) -> Iterator[tuple[int, int]]:
    """Every non-blank line of `text`, without its surrounding white space."""
    for match in _LINE.finditer(text):
        yield match.span()


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
    for start, end in line_spans(text):
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
        stop = _sentence_end(text, match, quoted)
        following = _VISIBLE.search(text, stop, end)
        if following is None:
            break
        candidate = _Candidate(text, sentence_start, stop, end, match, following.start())
        if (
            _ALNUM.search(text, sentence_start, stop)
            and _is_boundary(candidate)
            and not quoted.contains(stop)
        ):
            spans.append((sentence_start, stop))
            gap = text[stop : following.start()]
            sentence_start = stop + len(gap) - len(gap.lstrip())
    spans.append((sentence_start, end))
    return spans


def _sentence_end(text: str, match: re.Match[str], quoted: _QuotedRegions) -> int:
    """Where the sentence would end: after the match, or before a straight quote that opens the next."""
    stop = match.end()
    if match.group("glued") and text[stop - 1] == '"' and quoted.opens_at(stop - 1):
        return stop - 1
    return stop


class _Candidate(NamedTuple):
    """A place where a sentence might end, in a block of text."""

    text: str
    sentence_start: int
    stop: int
    block_end: int
    match: re.Match[str]
    following: int  # the next visible character

    @property
    def glued(self) -> bool:
        return self.following == self.stop


def _is_boundary(candidate: _Candidate) -> bool:
    match = candidate.match
    if match.group("quote"):
        return candidate.text[candidate.stop].isupper()  # "»Le": a closing quote glued to a capital
    if match.group("punct") is None:
        return _is_glued_opener(candidate)
    next_char = candidate.text[candidate.following]
    if next_char.islower() or next_char in ",;:":
        return False
    if candidate.glued and (not _starts_sentence(candidate.text, candidate.stop) or _in_address(candidate)):
        return False
    return match.group("punct") != "." or not _period_continues(candidate, next_char)


def _starts_sentence(text: str, position: int) -> bool:
    """What directly follows a glued full stop: a capital, or an opening quote or bracket before one.

    A quote needs the capital after it: German closes with “ (`gesagt.“ Der`), French opens with it.
    """
    if text[position].isupper():
        return True
    opened = _OPENED_CAPITAL.match(text, position)
    return opened is not None and opened.group(1).isupper()


def _period_continues(candidate: _Candidate, next_char: str) -> bool:
    """Whether a full stop belongs to an abbreviation, initial, list number or dotted acronym."""
    text, position = candidate.text, candidate.match.start()
    word = _word_before(text, candidate.sentence_start, position)
    if _is_abbreviation(word, next_char):
        return True
    if _LIST_NUMBER.fullmatch(text, candidate.sentence_start, candidate.match.end()):
        return True
    if not candidate.glued:
        return False
    if len(word) <= 2 and _DOTTED_NEXT.match(text, position + 1):
        return True  # "Ph.D.", "U.S.A."
    return _CAPITALISED_DOMAIN.match(text, position + 1) is not None  # "Booking.Com"


def _is_glued_opener(candidate: _Candidate) -> bool:
    """A word glued to a sentence opener: "devantsMais", "BFMTVMoins", "ParisL'encadrement"."""
    text, stop = candidate.text, candidate.stop
    word_start = stop
    while word_start > max(candidate.sentence_start, stop - 40) and text[word_start - 1].isalpha():
        word_start -= 1
    before = text[word_start - 1] if word_start > candidate.sentence_start else " "
    if not (before.isspace() or before in "'\u2019-\u2013—«“\"("):
        return False  # a handle, hashtag, address or identifier: "@leMonde", "#JeSuis", "site.Les"
    word = text[word_start:stop]
    if word.islower() or word.isupper():
        return True
    capitalised = word[:1].isupper() and word[1:].islower()
    return capitalised and candidate.match.group("short") is None  # never "LinkedIn", "MoveOn"


def _word_before(text: str, sentence_start: int, position: int) -> str:
    chunk = text[max(sentence_start, position - 40) : position]
    if not chunk or chunk[-1].isspace():
        return ""
    word = _ELISION.sub("", chunk.rsplit(None, 1)[-1].lstrip(_OPENERS))
    return word if _DOTTED.fullmatch(word) else word.rsplit(".", 1)[-1]


def _is_abbreviation(word: str, following: str) -> bool:
    if len(word) == 1 and word.isupper():
        return True  # initials such as "J. K. Rowling", "M.Dupont"
    lowered = word.lower()
    if lowered in _BEFORE_NUMBER:
        return following.isdigit()
    if lowered in _TITLES:
        return word[0].isupper()
    return lowered in _ABBREVIATIONS or _DOTTED.fullmatch(word) is not None


def _in_address(candidate: _Candidate) -> bool:
    """Whether glued punctuation lies inside a web or e-mail address rather than at its end."""
    text, position = candidate.text, candidate.match.start()
    before = text[max(candidate.sentence_start, position - _ADDRESS_REACH) : position]
    left = before.rsplit(None, 1)[-1].lstrip(_OPENERS) if before and not before[-1].isspace() else ""
    right = "".join(
        text[position + 1 : min(candidate.block_end, position + _ADDRESS_REACH)].split(None, 1)[:1]
    )
    if "@" in right and "@" not in left:
        return True  # the name part of an e-mail address: "Jean.Dupont@Example.fr"
    scheme = _ADDRESS_START.match(left + text[position])
    if scheme is not None:
        host = left[scheme.end() :] if "//" in scheme.group() else left
    elif "@" in left[1:]:  # "@Macron" alone is a handle, not an address
        host = left.rsplit("@", 1)[-1]
    else:
        return False
    if "/" in host:
        return True  # a path: "exemple.fr/Actu.Page"
    labels = host.split(".")
    needed = 3 if labels[0].lower() == "www" else 2
    return not (len(labels) >= needed and _TOP_LEVEL_DOMAIN.fullmatch(labels[-1]))


class _QuotedRegions:
    """The insides of matched « », “ ” and " " quotes on one block of text."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._openers: set[int] = set()
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
        self._openers = {open_at for open_at, _ in pairs}
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

    def opens_at(self, position: int) -> bool:
        """Whether the quote character at `position` opens a matched pair."""
        return position in self._openers
