"""Chat spellings written out before a question is searched; real words and acronyms left alone."""

from __future__ import annotations

import pytest

from index.text.chat import expand_chat


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("pk l'ado de sartrouville a ete ecroue", "pourquoi l'adolescent de sartrouville a ete ecroue"),
        ("c koi le score", "c'est quoi le score"),
        ("ya cb de morts ds l'accident", "il y a combien de morts dans l'accident"),
        ("Pk le gvt a dit ça ?", "pourquoi le gouvernement a dit ça ?"),
    ],
)
def test_chat_forms_are_written_out(typed: str, meant: str) -> None:
    assert expand_chat(typed).lower() == meant.lower()


@pytest.mark.parametrize(
    "text",
    ["C'est quoi le PIB ?", "La vitamine C", "la loi C-38", "la DS de Citroën", "aujourd'hui", "Qui ?"],
)
def test_written_french_and_acronyms_are_unchanged(text: str) -> None:
    assert expand_chat(text) == text
