"""Page furniture in scraped articles: text that is never quoted, highlighted or embedded.

Scraped news pages leave their furniture in the article text: date stamps, "Lire aussi" and
"Plus" links, photo and video credits, lines of zero-width spaces. `furniture_spans` finds it
as exact spans of the text; the text itself stays as it is, so every offset stays exact. It is
conservative, since a false positive drops real text from every answer: a line is furniture only
when all of it is, and inside a line only a credit that is a sentence of its own ("(AFP)",
"© Reuters") or glued to the end of a caption ("… second tour ?par BFMTV") is set aside.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from index.text.sentences import INVISIBLE, line_spans, split_sentences

Span = tuple[int, int]

_IGNORED = re.compile(rf"[\s{INVISIBLE}\u00ad]+")  # white space, zero-width characters, soft hyphens
_BULLETS = "►▶▸→•·>|*-\u2013— "
_TRAILING = " .:…>»\u203a→|"

# Link labels that are a whole line ("Plus", "Lire aussi") or lead one ("Lire aussi : Titre").
_LINKS = frozenset(
    "plus|voir plus|lire plus|en savoir plus|lire la suite|lire aussi|à lire aussi|a lire aussi"
    "|lire également|à lire également|voir aussi|à voir aussi|a voir aussi|voir également"
    "|sur le même sujet|publicité|read more|read also|also read|see also|related|related articles"
    "|related stories|more|advertisement|continue reading".split("|")
)
_LINK_LEADS = (
    r"(?:à\s+|a\s+)?(?:lire|voir)\s+(?:aussi|également)|sur\s+le\s+même\s+sujet"
    r"|read\s+(?:more|also)|also\s+read|see\s+also|related"
)
_LINK_LINE = re.compile(rf"(?:{_LINK_LEADS})\s*[:\-\u2013—>»\u203a|.]+\s*\S.*", re.IGNORECASE)
_LINK_LEAD = re.compile(_LINK_LEADS, re.IGNORECASE)
_LINK_LINE_CAPITALS = re.compile(rf"(?:{_LINK_LEADS})\s+\S.*", re.IGNORECASE)

# Date stamps: "27 mai", "Publié le 12/03/2022 à 14h05, mis à jour le 13/03/2022", "May 27, 2022".
_MONTH = (
    r"(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre"
    r"|décembre|decembre|janv|févr|fév|avr|juil|sept|oct|nov|déc|january|february|march|april|may"
    r"|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|dec)\.?"
)
_WEEKDAY = (
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?"
)
_DAY = r"(?:1er|[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DATE = (
    rf"(?:{_WEEKDAY},?\s+)?(?:(?:le|the)\s+)?"
    rf"(?:{_DAY}\s+{_MONTH}(?:\s+{_YEAR})?|{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?|{_MONTH}\s+{_YEAR}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d\d)|\d{4}-\d\d-\d\d)"
)
_RELATIVE_DAY = r"(?:aujourd[\u2019']hui|hier|today|yesterday)"
_TIME = (
    r"(?:\d{1,2}\s?[h:]\s?\d\d|\d{1,2}\s?h|\d{1,2}(?::\d\d)?\s?[ap]\.?m\.?)"
    r"(?:\s*(?:gmt|utc|cet|cest|bst|et|est|edt|\(heure de paris\)))?"
)
_STAMP_LABEL = (
    r"(?:publié|publiée|mis à jour|mise à jour|modifié|modifiée|actualisé|actualisée|mis en ligne"
    r"|posted|published|updated|last updated|first published)(?:\s+(?:le|on|at|à|a))?\s*:?"
)
_AT = r"\s*(?:,|à|a|at|-|\u2013|\|)?\s*"
_STAMP = (  # a bare time ("14h05") is no stamp: live reports head their entries with one
    rf"(?:{_STAMP_LABEL}\s*)?{_DATE}(?:{_AT}{_TIME})?"
    rf"|(?:{_STAMP_LABEL}\s*)?{_RELATIVE_DAY}{_AT}{_TIME}"
    rf"|{_STAMP_LABEL}{_AT}{_TIME}"
)
_DATE_LINE = re.compile(rf"(?:{_STAMP})(?:\s*(?:[,|•·/\u2013—-]|et|and)?\s*(?:{_STAMP}))*", re.IGNORECASE)

# Credits: "Photo : AFP", "© Reuters", "(AFP)", "Avec AFP", "par BFMTV", "Par Jean Dupont".
_AGENCY = (
    r"(?:afp|reuters|ap|associated press|the associated press|ansa|dpa|efe|belga|ats|bloomberg"
    r"|getty images|getty|sipa|maxppp|abaca|abacapress|epa|xinhua|agences|agence france-presse)"
)
_AGENCY_LINE = re.compile(
    rf"(?:avec\s+|with\s+|source\s*:\s*)?{_AGENCY}(?:\s*(?:/|,|et|and|&)\s*{_AGENCY})*", re.IGNORECASE
)
_PICTURE_CREDIT = re.compile(
    r"(?:photos?|crédits?(?:\s+photos?)?|credits?|photo\s+credit|illustration|image)\s*:\s*\S.*",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"©\s*\S.*")
_NAME = r"(?:[A-ZÀ-Þ][\w\u2019'.-]*|d[\u2019']|de|du|des|van|von|le|la)"
_BYLINE = re.compile(
    rf"(?:[Pp]ropos\s+recueillis\s+par|par|Par|PAR|by|By|BY)\s+[A-ZÀ-Þ][\w\u2019'.-]*(?:\s+{_NAME}){{0,3}}"
    rf"(?:\s*(?:,|et|and|&)\s*[A-ZÀ-Þ][\w\u2019'.-]*(?:\s+{_NAME}){{0,3}})*"
)
# Title-case words an English heading starts with, so "By The Numbers" is no byline.
_HEADING_WORDS = frozenset({"The", "A", "An", "And", "Of", "In", "On", "For", "With", "To", "At"})
_CREDIT_WORDS = 10  # a credit longer than this is a caption, which may carry facts: kept
# A credit glued after a caption's last character: "second tour ?par BFMTV".
_GLUED_CREDIT = re.compile(r"(?<=[.?!…»”])(?:par|by)\s+\S")
# Lines worth splitting into sentences to look for a credit inside: most lines are not.
_CREDIT_HINT = re.compile(
    rf"©|\(\s*(?:avec\s+)?(?:{_AGENCY}|photos?|crédits?|credits?|illustration|image)\b"
    rf"|[.?!…»”](?:par|by)\s|[.?!…]\s+(?:photos?|crédits?|credits?)\s*:"
    rf"|[.?!…]\s+(?:avec\s+)?{_AGENCY}\s*$",
    re.IGNORECASE,
)


def furniture_spans(text: str) -> list[Span]:
    """The furniture in `text`, as ordered, disjoint spans without surrounding white space."""
    found: list[Span] = []
    for start, end in line_spans(text):
        line = text[start:end]
        if is_furniture_line(line):
            found.append((start, end))
        elif _CREDIT_HINT.search(line):
            found.extend((start + s, start + e) for s, e in _credits_in_line(line))
    return found


def is_furniture_line(line: str) -> bool:
    """Whether a whole line is page furniture: a date stamp, a link label, a credit, or nothing visible."""
    plain = _IGNORED.sub(" ", line).strip()
    if not plain:
        return True
    label = plain.strip(_BULLETS).rstrip(_TRAILING).lower()
    if label in _LINKS:
        return True
    lead = plain.lstrip(_BULLETS)
    if _LINK_LINE.fullmatch(lead) or _is_capitals_link(lead):
        return True
    return _DATE_LINE.fullmatch(plain.rstrip(".")) is not None or is_credit(plain)


def is_credit(sentence: str) -> bool:
    """Whether a line or sentence is only a credit: "Photo : AFP", "© Reuters", "(AFP)", "par BFMTV"."""
    plain = _IGNORED.sub(" ", sentence).strip().rstrip(".")
    if plain[:1] in "([" and plain[-1:] in ")]":
        plain = plain[1:-1].strip()
    if not plain or len(plain.split()) > _CREDIT_WORDS:
        return False
    if _AGENCY_LINE.fullmatch(plain) or _PICTURE_CREDIT.fullmatch(plain) or _COPYRIGHT.fullmatch(plain):
        return True
    if _BYLINE.fullmatch(plain) is None:
        return False
    return not (plain[:2].lower() == "by" and plain.split()[1] in _HEADING_WORDS)


def _is_capitals_link(lead: str) -> bool:
    """A link label in capitals, followed by its title without a separator: "LIRE AUSSI Le …"."""
    label = _LINK_LEAD.match(lead)
    return label is not None and label.group().isupper() and _LINK_LINE_CAPITALS.fullmatch(lead) is not None


def _credits_in_line(line: str) -> Iterator[Span]:
    """Credits inside a line: a sentence that is only a credit, or one glued to a caption's end."""
    for start, end in split_sentences(line):
        sentence = line[start:end]
        if is_credit(sentence):
            yield start, end
            continue
        glued = _GLUED_CREDIT.search(sentence)
        if glued is not None and is_credit(sentence[glued.start() :]):
            yield start + glued.start(), end


def spans_without(spans: Iterable[Span], removed: Sequence[Span], text: str) -> list[Span]:
    """`spans` with the `removed` spans cut out: the non-blank pieces left, trimmed of white space."""
    pieces: list[Span] = []
    index = 0
    for start, end in spans:
        while index < len(removed) and removed[index][1] <= start:
            index += 1
        position, scan = start, index
        while scan < len(removed) and removed[scan][0] < end:
            pieces.extend(_trimmed(text, position, removed[scan][0]))
            position = max(position, removed[scan][1])
            scan += 1
        pieces.extend(_trimmed(text, position, end))
    return pieces


def text_without(text: str, start: int, end: int, removed: Sequence[Span]) -> str:
    """`text[start:end]` with the `removed` spans cut out, each with the white space that follows it."""
    kept: list[str] = []
    position = start
    for cut_start, cut_end in removed:
        if cut_end <= position or cut_start >= end:
            continue
        kept.append(text[position:cut_start])
        position = cut_end
        while position < end and text[position].isspace():
            position += 1
    kept.append(text[position:end])
    return "".join(kept)


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return []
    lead = len(piece) - len(piece.lstrip())
    return [(start + lead, start + lead + len(stripped))]
