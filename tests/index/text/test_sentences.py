"""Sentence boundaries in French and English: exact spans, abbreviations, quotes, numbers, URLs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from index.text.sentences import split_sentences
from tests.strategies import NBSP, NNBSP, news_texts


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    return [text[start:end] for start, end in spans]


def test_title_abbreviation_does_not_end_the_sentence() -> None:
    assert split_sentences("M. Sullivan a averti la Chine.") == [(0, 30)]


def test_decimal_comma_keeps_exact_spans() -> None:
    assert split_sentences("Le taux est de 3,5 % cette année. Il monte.") == [(0, 33), (34, 43)]


def test_french_spacing_before_question_mark() -> None:
    text = f"Vraiment{NNBSP}? Oui."
    assert split_sentences(text) == [(0, 10), (11, 15)]
    assert sentences(f"Vraiment{NBSP}! Oui. Non{NBSP}? Si.") == [
        f"Vraiment{NBSP}!",
        "Oui.",
        f"Non{NBSP}?",
        "Si.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr Smith arrive. Il parle.", ["Dr Smith arrive.", "Il parle."]),
        ("Dr. Smith arrive. Il parle.", ["Dr. Smith arrive.", "Il parle."]),
        ("Mr. and Mrs. Smith met St. John.", ["Mr. and Mrs. Smith met St. John."]),
        (
            "Mme. Dupont et MM. Martin sont là. Puis Mme Durand.",
            ["Mme. Dupont et MM. Martin sont là.", "Puis Mme Durand."],
        ),
        ("Voir p. 12 du rapport. Fin.", ["Voir p. 12 du rapport.", "Fin."]),
        ("The U.S. President spoke. Then he left.", ["The U.S. President spoke.", "Then he left."]),
        ("Fruit, e.g. Apples, i.e. Red ones. Yes.", ["Fruit, e.g. Apples, i.e. Red ones.", "Yes."]),
        ("César meurt en 44 av. J.-C. Rome tremble.", ["César meurt en 44 av. J.-C. Rome tremble."]),
        (
            "J. K. Rowling a écrit Harry Potter. Il a plu.",
            ["J. K. Rowling a écrit Harry Potter.", "Il a plu."],
        ),
        ("Pommes, poires, etc. et bananes. Puis fin.", ["Pommes, poires, etc. et bananes.", "Puis fin."]),
        ("Pommes, poires, etc. Puis fin.", ["Pommes, poires, etc.", "Puis fin."]),
        ("Le n° 5 gagne. Bravo.", ["Le n° 5 gagne.", "Bravo."]),
    ],
)
def test_abbreviations_and_initials(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Le prix passe de 3.5 à 4,2 euros pour 1.000 clients et 10 000 foyers.",
        "Il a 2 ans et 3,5 mois.",
    ],
)
def test_numbers_never_split(text: str) -> None:
    assert sentences(text) == [text]


def test_year_then_capital_does_split() -> None:
    assert sentences("Il est né en 1990. Elle en 1992.") == ["Il est né en 1990.", "Elle en 1992."]


def test_urls_and_emails_stay_whole() -> None:
    text = "Voir https://www.example.com/a.b/c?d=1. Écrire à jean.dupont@exemple.fr. Merci."
    assert sentences(text) == [
        "Voir https://www.example.com/a.b/c?d=1.",
        "Écrire à jean.dupont@exemple.fr.",
        "Merci.",
    ]
    assert sentences("Le site www.lemonde.fr. est cité.") == ["Le site www.lemonde.fr. est cité."]


def test_period_inside_french_quotes_does_not_split() -> None:
    text = "Il a dit « Je viens. Tu restes » hier. Puis il est parti."
    assert sentences(text) == ["Il a dit « Je viens. Tu restes » hier.", "Puis il est parti."]


def test_english_curly_quotes_do_not_split() -> None:
    text = "He said “Stop. Now” and left. She stayed."
    assert sentences(text) == ["He said “Stop. Now” and left.", "She stayed."]


def test_quote_ending_a_sentence_splits_before_a_capital() -> None:
    text = f"Il a répondu{NBSP}: «{NBSP}Je pars.{NBSP}» Elle est restée."
    assert sentences(text) == [f"Il a répondu{NBSP}: «{NBSP}Je pars.{NBSP}»", "Elle est restée."]
    assert sentences("Il a dit « Non ! » Elle a ri.") == ["Il a dit « Non ! »", "Elle a ri."]
    assert sentences('He said "Stop." Then he left.') == ['He said "Stop."', "Then he left."]


def test_question_inside_quote_followed_by_lowercase_continues() -> None:
    text = f"«{NBSP}Quoi{NNBSP}?{NBSP}» demanda-t-il. Non."
    assert sentences(text) == [f"«{NBSP}Quoi{NNBSP}?{NBSP}» demanda-t-il.", "Non."]


def test_unbalanced_quote_does_not_swallow_the_paragraph() -> None:
    assert sentences("Il dit « bonjour. Puis part.") == ["Il dit « bonjour.", "Puis part."]


def test_headings_and_paragraph_breaks() -> None:
    text = "Un titre sans point\n\nLe texte suit. Et encore.\nUne autre ligne\n"
    assert sentences(text) == ["Un titre sans point", "Le texte suit.", "Et encore.", "Une autre ligne"]


def test_wrapped_line_continuing_in_lowercase_is_one_sentence() -> None:
    text = "Une ligne coupée au\nmilieu de la phrase. Suivante."
    assert sentences(text) == ["Une ligne coupée au\nmilieu de la phrase.", "Suivante."]


def test_ellipsis() -> None:
    assert sentences("Attends... Non. Il hésite… puis part.") == [
        "Attends...",
        "Non.",
        "Il hésite… puis part.",
    ]
    assert sentences("[…] Il reprend.") == ["[…] Il reprend."]


def test_closing_parenthesis_and_exclamations() -> None:
    assert sentences("Il part (enfin.) Elle reste !? Oui.") == ["Il part (enfin.)", "Elle reste !?", "Oui."]


def test_numbered_list_item_is_not_a_sentence_of_its_own() -> None:
    assert sentences("1. Introduction\n2. Méthode") == ["1. Introduction", "2. Méthode"]


def test_whitespace_is_excluded_from_spans() -> None:
    text = f"  \n\t Première phrase.   Deuxième.{NBSP}\r\n\r\n  Troisième  \n"
    assert sentences(text) == ["Première phrase.", "Deuxième.", "Troisième"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t", NBSP])
def test_empty_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


@settings(max_examples=300, deadline=None)
@given(news_texts)
def test_sentences_are_ordered_exact_slices_covering_all_text(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert text[previous_end:start].strip() == ""
        piece = text[start:end]
        assert piece == piece.strip()
        previous_end = end
    assert text[previous_end:].strip() == ""
