"""Page furniture: which lines (and glued credits) of scraped news are set aside, and which never are."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.text.furniture import furniture_spans, is_furniture_line, spans_without, text_without
from index.text.sentences import split_sentences
from tests.conftest import SAMPLE_ARTICLES
from tests.strategies import NBSP, ZWSP, news_texts, scraped_news_texts

# Lines seen on scraped French (and some English) news pages that are page furniture.
FURNITURE_LINES = [
    "27 mai",
    "Le 27 mai 2022",
    "Mardi 27 mai 2022",
    "1er janvier 2023.",
    "Publié le 12/03/2022 à 14h05",
    "Mis à jour le 13/03/2022 à 09h12",
    "Publié le 12 mars 2022 à 14h05, mis à jour le 13 mars 2022 à 09h00",
    "Publié aujourd\u2019hui à 14h05",
    "Updated 27 May 2022, 10:05 BST",
    "May 27, 2022",
    "Plus",
    "Plus.",
    "Lire aussi",
    "Lire aussi :",
    f"Lire aussi{NBSP}: Le gouvernement présente sa réforme des retraites",
    "LIRE AUSSI Le gouvernement présente sa réforme des retraites",
    "► À lire aussi",
    "À lire aussi - Incendies : le Canada demande de l\u2019aide",
    "Voir aussi",
    "Lire la suite",
    "Read more",
    "Read more: Wildfires spread across western Canada",
    "Related",
    "par BFMTV",
    "Par Jean Dupont",
    "Par Jean Dupont et Marie Martin",
    "Propos recueillis par Marie Martin",
    f"Photo{NBSP}: AFP",
    "Photo: Jean Dupont / AFP",
    "Crédit photo : Reuters",
    "© Reuters",
    "©AFP",
    "(AFP)",
    "(avec AFP)",
    "Avec AFP",
    "AFP/Reuters",
    ZWSP,
    ZWSP * 2,
    "\ufeff",
    "\u2060",
    "\u200c\u200d",
    f"{NBSP}{ZWSP}{NBSP}",
]

# Real text that looks like furniture: it must never be set aside.
LOOKALIKES = [
    "Plus de 300 personnes ont manifesté samedi à Paris.",
    "Plus jamais ça",
    "Lire aussi la tribune de nos confrères, publiée mardi.",
    "Voir aussi la décision du Conseil constitutionnel, rendue le 27 mai.",
    "Le 27 mai, le tribunal a rendu sa décision.",
    "27 mai : le jour où tout a basculé",
    "Mai 68",
    "2022",
    "14h05",  # live reports head each entry with a time: kept
    "Hier",
    "Mardi",
    "Par ailleurs, le gouvernement maintient son calendrier.",
    "Par la suite",
    "By The Numbers",
    "Related parties must disclose the transaction.",
    "More than 400 fires are burning in Canada.",
    "Read more books, says the minister.",
    "Photo de famille à l\u2019Élysée",
    "Avec l\u2019AFP, nous avons enquêté pendant six mois.",
    "PARIS (AFP) - Le gouvernement a annoncé une réforme.",
    "Un film réalisé par Jean Dupont sort mercredi.",
    "(c) les dépenses de fonctionnement",
    "Airbnb prend les devants",
    "Source : ministère de l\u2019Intérieur, qui a publié les chiffres définitifs mardi soir à Paris.",
    f"Photo{NBSP}: les manifestants ont défilé de la place de la République à la Nation, samedi à Paris.",
]


@pytest.mark.parametrize("line", FURNITURE_LINES)
def test_furniture_lines_are_set_aside(line: str) -> None:
    assert is_furniture_line(line)
    text = f"Texte.\n{line}\nSuite."
    start = text.index(line.strip())
    assert furniture_spans(text) == [(start, start + len(line.strip()))]


@pytest.mark.parametrize("line", LOOKALIKES)
def test_real_lines_that_look_like_furniture_are_kept(line: str) -> None:
    assert not is_furniture_line(line)
    assert furniture_spans(f"Texte.\n{line}\nSuite.") == []


def test_precision_on_a_scraped_article() -> None:
    lines = [*FURNITURE_LINES, *LOOKALIKES]
    text = "\n".join(lines)
    found = {text[start:end] for start, end in furniture_spans(text)}
    furniture = {line.strip() for line in FURNITURE_LINES}
    assert found == furniture  # every line set aside is furniture, and all furniture is found


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Il sera jugé le 3 juin.(AFP)", "(AFP)"),
        ("Il sera jugé le 3 juin. (AFP)", "(AFP)"),
        ("Emmanuel Macron à l\u2019Élysée, le 12 mai 2022. © Reuters", "© Reuters"),
        (f"Le président à Paris. (Photo{NBSP}: AFP)", f"(Photo{NBSP}: AFP)"),
        (
            f"Qui sera au second tour{NBSP}?par BFMTVMoins de vingt-quatre heures avant, ça se resserre.",
            "par BFMTV",
        ),
    ],
)
def test_credit_inside_a_line_is_set_aside(line: str, credit: str) -> None:
    spans = furniture_spans(line)
    assert [line[start:end] for start, end in spans] == [credit]


@pytest.mark.parametrize(
    "line",
    [
        "Le texte a été adopté par le Sénat.Par ailleurs, il entrera en vigueur en juin.",
        "Le film réalisé par Jean Dupont (sortie prévue en juin) fait parler.",
        "L\u2019AFP a révélé l\u2019information (selon nos informations, confirmée mardi).",
    ],
)
def test_credits_inside_a_line_only_when_alone(line: str) -> None:
    assert furniture_spans(line) == []


def test_sample_article_ends_with_furniture() -> None:
    text = (SAMPLE_ARTICLES / "000_9f70dd34e1ce68a4.txt").read_text(encoding="utf-8")
    assert [text[start:end] for start, end in furniture_spans(text)] == ["Plus"]


def test_spans_without_cuts_the_removed_spans_out() -> None:
    text = "Une phrase ?par BFMTVSuite du texte. Fin."
    credit = (text.index("par"), text.index("Suite"))
    assert spans_without([(0, 36), (37, 41)], [credit], text) == [(0, 12), (21, 36), (37, 41)]
    assert spans_without([(0, 5)], [(0, 5)], text) == []


def test_text_without_drops_furniture_and_the_space_after_it() -> None:
    text = "Premier paragraphe.\n\nLire aussi : Autre chose\n\nSecond paragraphe."
    removed = [(text.index("Lire"), text.index("chose") + len("chose"))]
    assert text_without(text, 0, len(text), removed) == "Premier paragraphe.\n\nSecond paragraphe."
    assert text_without(text, 0, len(text), []) == text


@settings(max_examples=300, deadline=None)
@given(st.one_of(news_texts, scraped_news_texts))
def test_furniture_spans_are_ordered_stripped_slices_aligned_with_the_text(text: str) -> None:
    previous_end = 0
    for start, end in furniture_spans(text):
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip()
        previous_end = end
    pieces = spans_without(split_sentences(text), furniture_spans(text), text)
    assert all(text[start:end] == text[start:end].strip() and start < end for start, end in pieces)
