"""Does a short question lean on the one before it? Its pronouns say so, when the question itself
names nothing they could stand for ("il a quel âge ?", "who is her husband?", "c'est qui ?"), and so
do bare question words ("pourquoi ?", "depuis quand ?"). Pure functions on text, French and English.

A pronoun stands for a subject the question names before it when there is one: a name ("Pourquoi
Iwata a baissé son salaire ?", "When did Curie publish her thesis?") or, for a French inversion
pronoun, the noun phrase it repeats ("Quand le roi est-il mort ?", "Moab est-il un désert ?").
Impersonal "il" ("faut-il", "y a-t-il", "que s'est-il passé ?") and existential "y"/"there" stand for
nothing; "en" is not counted, being mostly a preposition ("en 1967", "en anglais").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text.terms import fold_accents

# Subjects: "il a quel âge ?", "does it …", "ça vient d'où ?", "c'est qui ?".
_SUBJECTS = frozenset("il elle ils elles ça ca cela c he she it they".split())
# Other words for something named earlier: "son nom", "who is her husband?", "qui y vit ?", "qui l'a dit ?".
_REFERENCES = frozenset(
    "lui leur leurs eux celui celle ceux celles son sa ses y l "
    "him her them his its their this that those these there".split()
)
QUESTION_WORDS = frozenset(
    "pourquoi comment quand où ou combien qui quoi quel quelle quels quelles lequel laquelle koi pk pq "
    "why how when where who what which whom whose".split()
)
# Words that may stand around question words in a bare follow-up: "avec qui ?", "depuis quand ?",
# "combien de temps ?", "for how long?".
_BARE_COMPANIONS = frozenset(
    "à a au aux de d du en dans pour par avec chez sur depuis jusqu temps fois "
    "in at on for from with by since until to of long much many".split()
)
# French subject pronouns that follow their verb in a question: "a-t-il", "est-elle", "sont ils".
_INVERTED = frozenset("il elle ils elles".split())
# A determiner before an inverted verb opens the subject the pronoun repeats ("Quand le roi est-il …").
_DETERMINERS = frozenset("le la les l un une ce cet cette ces".split())
# A question's first word that cannot be the subject an inversion repeats ("Dans quel pays vit-il ?").
_NOT_A_SUBJECT = QUESTION_WORDS | _BARE_COMPANIONS | {"que", "qu", "est", "a", "c"}
# "l'" before these is a pronoun ("qui l'a dit ?"), before anything else an article ("l'artiste");
# "y" before them is existential ("il y a", "y a-t-il").
_AUXILIARIES = frozenset("a ai as avait avaient ont aura est etait sont".split())
_TO_BE = frozenset("is are was were".split())
# "il" with no referent: "il faut", "il y a", "il s'agit"; "faut-il", "s'agit-il", "se passe-t-il".
_IMPERSONAL_AFTER = frozenset("y faut fallait faudra faudrait s".split())
_IMPERSONAL_VERBS = frozenset("faut fallait faudra faudrait agit agissait passe passait".split())
_WORD = re.compile(r"[\w'\u2019-]+")


@dataclass(frozen=True)
class _Piece:
    """One word of a question: folded, whether it was capitalised, and whether it is an inversion
    pronoun hung on the verb before it ("a-t-il")."""

    text: str
    capitalised: bool
    inverted: bool = False


def leans_on_context(text: str) -> bool:
    """Question words alone ("pourquoi ?", "depuis quand ?"), or a pronoun that stands for
    something the question itself does not name."""
    pieces = _pieces(text)
    words = [piece.text for piece in pieces]
    if any(word in QUESTION_WORDS for word in words) and all(
        word in QUESTION_WORDS or word in _BARE_COMPANIONS for word in words
    ):
        return True
    if any(_repeats_a_named_subject(pieces, position) for position in range(len(pieces))):
        return False  # "Quand le roi a-t-il signé son traité ?": the question names its subject
    return any(_refers_back(pieces, position) for position in range(len(pieces)))


def asks_a_question(text: str) -> bool:
    """The words after a connective ask something ("pourquoi", "where did he die", "il lui a dit
    quoi") rather than give a detail ("à Lyon", "in 2020")."""
    words = {piece.text for piece in _pieces(text)}
    # Folded, "ou" is also "or"; only the accented "où" is surely a question word.
    if words & (QUESTION_WORDS - {"ou"}) or re.search(r"(?<!\w)où(?!\w)", text, re.IGNORECASE):
        return True
    return leans_on_context(text)


def _refers_back(pieces: list[_Piece], position: int) -> bool:
    """Whether the word at `position` is a pronoun standing for something earlier in the chat."""
    word = pieces[position].text
    before = pieces[position - 1].text if position > 0 else ""
    after = pieces[position + 1].text if position + 1 < len(pieces) else ""
    if word not in _SUBJECTS and word not in _REFERENCES:
        return False
    if word == "l" and after not in _AUXILIARIES:
        return False
    if (word == "y" and after in _AUXILIARIES) or (word == "there" and {before, after} & _TO_BE):
        return False
    if word == "il" and _impersonal(pieces, position):
        return False
    if word == "c":  # "c'est quoi la capitale du Canada ?": the name may come after
        return not any(piece.capitalised for piece in pieces[1:])
    return not any(piece.capitalised for piece in pieces[1:position])


def _repeats_a_named_subject(pieces: list[_Piece], position: int) -> bool:
    """A French inversion pronoun that repeats the subject named before its verb: "Quand le roi
    est-il mort ?", "Moab est-il un désert ?", "Pourquoi Roger rejette-t-il sa famille ?"."""
    if not _inverted(pieces, position) or _impersonal(pieces, position):
        return False
    verb = position - 1
    first = pieces[0]
    return (
        any(piece.capitalised for piece in pieces[1:verb])
        or any(
            piece.text in _DETERMINERS and pieces[index + 1].text not in _AUXILIARIES
            for index, piece in enumerate(pieces[:verb])
        )
        or (verb > 0 and first.capitalised and first.text not in _NOT_A_SUBJECT)
    )


def _inverted(pieces: list[_Piece], position: int) -> bool:
    """A French subject pronoun after its verb: "a-t-il", or typed without hyphens, "est il"."""
    if pieces[position].inverted:
        return True
    before = pieces[position - 1].text if position > 0 else ""
    return pieces[position].text in _INVERTED and bool(before) and before not in QUESTION_WORDS


def _impersonal(pieces: list[_Piece], position: int) -> bool:
    """'il' with no referent: "il faut", "il y a", "faut-il", "y a-t-il", "s'est-il passé"."""
    if pieces[position].text != "il":
        return False
    after = pieces[position + 1].text if position + 1 < len(pieces) else ""
    if not _inverted(pieces, position):
        return after in _IMPERSONAL_AFTER
    verb = pieces[position - 1].text
    before_verb = pieces[position - 2].text if position >= 2 else ""
    return (
        verb in _IMPERSONAL_VERBS
        or (verb in ("a", "avait", "aura") and before_verb == "y")
        or (verb == "est" and after == "passe")
    )


def _pieces(text: str) -> list[_Piece]:
    """The words of a question, folded, with elisions split off ("l'a" → l, a) and inversion
    pronouns marked ("a-t-il" → a, il; the euphonic "t" is dropped)."""
    pieces: list[_Piece] = []
    for token in _WORD.findall(text):
        head, *hung = token.split("-")
        for part in re.split(r"['\u2019]", head):
            if part:
                pieces.append(_Piece(fold_accents(part), part[:1].isupper() and part != "I"))
        for part in hung:
            folded = fold_accents(part)
            if folded in _INVERTED and pieces:
                pieces.append(_Piece(folded, False, inverted=True))
            elif part:
                pieces.append(_Piece(folded, part[:1].isupper()))
    return [
        piece
        for index, piece in enumerate(pieces)
        if not (piece.text == "t" and index + 1 < len(pieces) and pieces[index + 1].text in _INVERTED)
    ]
