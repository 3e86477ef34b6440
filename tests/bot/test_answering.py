"""The Context view: a passage with its neighbouring sentences, and none of the page furniture."""

from __future__ import annotations

from bot.answering import surrounding


def test_context_skips_furniture_between_the_neighbouring_sentences() -> None:
    text = (
        "Première phrase. Deuxième phrase.\n\nLire aussi : Un autre sujet\n\n27 mai\n\n"
        "La phrase citée.\n\nPhoto : AFP\n\nQuatrième phrase.\nPlus\nCinquième phrase. Sixième."
    )
    start = text.index("La phrase citée.")
    context = surrounding(text, start, start + len("La phrase citée."), "Titre", None)
    assert context.before == "Première phrase. Deuxième phrase."
    assert context.passage == "La phrase citée."
    assert context.after == "Quatrième phrase.\nCinquième phrase."


def test_context_without_furniture_is_the_text_around_the_passage() -> None:
    text = "Un. Deux. Trois. Quatre. Cinq."
    start = text.index("Trois.")
    context = surrounding(text, start, start + len("Trois."), "Titre", "https://example.org")
    assert (context.before, context.after) == ("Un. Deux.", "Quatre. Cinq.")
