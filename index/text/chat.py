"""Questions typed as in a chat, written out: "pk l'ado a ete ecroue" → "pourquoi l'adolescent a ete ecroue".

Only forms that are not French words are rewritten (so an article's own words never are), at word
boundaries, case kept lower. Accents need no restoring on the keyword side (terms are folded) and
the dense model copes with their absence; what it cannot guess is an abbreviation.
"""

from __future__ import annotations

import re

# Chat form → what it stands for. Each key is a whole word (letters only, lower case).
CHAT_FORMS: dict[str, str] = {
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "pourkoi": "pourquoi",
    "koi": "quoi",
    "kwa": "quoi",
    "ki": "qui",
    "kel": "quel",
    "kelle": "quelle",
    "kels": "quels",
    "kelles": "quelles",
    "qd": "quand",
    "kan": "quand",
    "cb": "combien",
    "cmb": "combien",
    "cmt": "comment",
    "koment": "comment",
    "bcp": "beaucoup",
    "c": "c'est",
    "cé": "c'est",
    "ct": "c'était",
    "keske": "qu'est-ce que",
    "kesk": "qu'est-ce que",
    "esk": "est-ce que",
    "eske": "est-ce que",
    "stp": "s'il te plaît",
    "svp": "s'il vous plaît",
    "ds": "dans",
    "avc": "avec",
    "pr": "pour",
    "tt": "tout",
    "tjr": "toujours",
    "tjrs": "toujours",
    "ajd": "aujourd'hui",
    "auj": "aujourd'hui",
    "mtn": "maintenant",
    "qqn": "quelqu'un",
    "qqch": "quelque chose",
    "pcq": "parce que",
    "pck": "parce que",
    "ya": "il y a",
    "jsp": "je ne sais pas",
    "ado": "adolescent",
    "ados": "adolescents",
    "gvt": "gouvernement",
    "gouv": "gouvernement",
    "prez": "président",
    "manif": "manifestation",
    "manifs": "manifestations",
    "pb": "problème",
    "pbs": "problèmes",
    "rdv": "rendez-vous",
    "dc": "donc",
}

# A word: letters, not glued to other letters, digits or a hyphen (so "C-38" stays), nor followed by
# an apostrophe ("c'est" is already written out); an elided "l'" before it is fine ("l'ado").
_WORD = re.compile(r"(?<![\w-])([^\W\d_]+)(?![\w'\u2019-])", re.UNICODE)


def expand_chat(question: str) -> str:
    """The question with chat abbreviations written out; anything else unchanged."""

    def replace(match: re.Match[str]) -> str:
        word = match.group(1)
        if len(word) <= 2 and word.isupper():  # "C", "DS", "PR": a letter or an acronym, not chat
            return word
        return CHAT_FORMS.get(word.lower(), word)

    return _WORD.sub(replace, question)
