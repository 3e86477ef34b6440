"""Sentence boundaries in French and English: exact spans, abbreviations, quotes, numbers, URLs,
and the sentences that scraped news glues together."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.text.sentences import split_sentences
from tests.strategies import NBSP, NNBSP, ZWSP, news_texts, scraped_news_texts


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


# --- scraped news -----------------------------------------------------------------------------

# Written from real scraped news text (French mostly, some English): sentences glued without a
# space, subheadings glued to the next sentence, and what must stay whole in between. "|" marks
# where one sentence ends and the next begins.
REAL_NEWS = [
    ('Le ministre a qualifié la situation d\u2019"inquiétant".|Fin mai, les chiffres ont encore augmenté.'),
    ("Les feux de forêt se multiplient au Canada.|Selon les autorités, plus de 400 incendies sont actifs."),
    (
        "La hausse atteint 3,5 % sur un an.|Toutefois, les économistes restent prudents.|Le taux "
        "devrait baisser en 2024."
    ),
    "M.Dupont a démissionné mardi.|Il dirigeait l\u2019entreprise depuis 2015.",
    (
        f"«{NBSP}Nous ne céderons pas{NBSP}», a déclaré M. Martin.|«{NBSP}Le texte sera "
        f"voté{NBSP}», a-t-il ajouté."
    ),
    f"Pourquoi maintenant{NBSP}?|Parce que les élections approchent.",
    "Le fonds a été créé par J.K. Rowling et J.-C. Decaux.|Il compte 1.200 salariés.",
    (
        "Plus d\u2019informations sur www.Example.fr/Page ou à Jean.Dupont@Example.fr.|La mairie "
        "répondra sous huit jours."
    ),
    "Le trafic de la S.N.C.F. reprendra lundi.|Les U.S.A. ont réagi.",
    ("La version v2.0 de l\u2019application sera disponible à 14h30.|Elle corrige plusieurs failles."),
    "Le site lemonde.fr a révélé l\u2019affaire.|Booking.com a réagi dans la soirée.",
    "Il hésite…|Puis il signe le contrat.",
    (
        f"Le président a été clair{NBSP}: «{NBSP}Il n\u2019y aura pas de hausse "
        f"d\u2019impôts.{NBSP}»|Les syndicats restent sceptiques."
    ),
    "Airbnb prend les devants|Mais la plateforme devra convaincre les élus locaux.",
    (
        f"Présidentielle{NBSP}: qui sera au second tour{NBSP}?par BFMTV|Moins de vingt-quatre "
        "heures avant le scrutin, les sondages se resserrent."
    ),
    (
        "Le 27 mai, le tribunal a rendu sa décision.|L\u2019avocat de la famille a annoncé "
        "qu\u2019il ferait appel."
    ),
    "La ville compte 1.200 habitants.|En 2020, elle en comptait 1.350.",
    "L\u2019entreprise a racheté LinkedIn et YouTube.|Le montant n\u2019a pas été dévoilé.",
    (
        "Chez McDonald\u2019s, l\u2019iPhone et la PlayStation sont des cadeaux populaires.| Sur "
        "BFMTV, MoveOn a réagi."
    ),
    (f"Selon le Dr.Lefèvre, la situation est «{NBSP}préoccupante{NBSP}».|Les hôpitaux sont saturés."),
    "Il est accusé de vol.| Le procès s\u2019ouvrira en juin.|Son complice est en fuite.",
    (
        "La hausse des prix de l\u2019énergie pèse sur les ménages.|Selon l\u2019Insee, "
        "l\u2019inflation a atteint 5,2 % en mai.|Une première depuis 1985."
    ),
    "Le PSG s\u2019est imposé 3-1.|Kylian Mbappé a inscrit un doublé.",
    f"Il a répondu{NBSP}: «{NBSP}Je ne sais pas.Peut-être demain.{NBSP}»|Puis il est parti.",
    (
        "Emmanuel Macron s\u2019est rendu à Kiev.|Il y a rencontré Volodymyr Zelensky.|Les deux "
        "hommes ont évoqué l\u2019aide militaire."
    ),
    f"Quelle victoire{NBSP}!|Les supporters ont envahi les Champs-Élysées.",
    "Contactez la rédaction à redaction@lemonde.fr.|Nous vous répondrons.",
    ("Les résultats sont publiés sur www.interieur.gouv.fr.|Le taux de participation atteint 63 %."),
    "Le baril de Brent a atteint 120,5 dollars.|Du jamais vu depuis 2008.",
    (
        "Le cri d\u2019alarme des maires ruraux s\u2019amplifie|Selon une enquête publiée mardi, "
        "un maire sur deux ne se représentera pas."
    ),
    "Les loyers flambent à Paris|L\u2019encadrement ne suffit plus, selon la fondation.",
    (
        "Le chiffre d\u2019affaires atteint 3,2 milliards d\u2019euros (+12 %).|Le groupe vise 4 "
        "milliards en 2025."
    ),
    (
        "Selon l\u2019AFP, le bilan s\u2019élève à 12 morts.|D\u2019autres victimes pourraient "
        "être retrouvées."
    ),
    ("Le groupe TotalEnergies et la start-up BioNTech ont signé un accord avec l\u2019ONU.|La SNCF aussi."),
    "Il sera jugé le 3 juin par le tribunal de Nanterre.|(AFP)",
    "The company posted record profits.|However, its shares fell 3.5% on Monday.",
    "Mr.Smith told the Senate he would resign.|The vote is expected on Friday.",
    "“We will not back down.”|The minister then left the room.",
    "About 1,200 people were evacuated.|Firefighters are still on site, officials said.",
    ("Wildfires spread across western Canada|The government declared a state of emergency on Monday."),
    (
        "Read the report at https://www.Example.com/Report.Pdf before Friday.|It was published by "
        "the U.S. Senate."
    ),
    "The LinkedIn post went viral?|Not quite, says the company.",
]


@pytest.mark.parametrize("marked", REAL_NEWS, ids=[case[:40] for case in REAL_NEWS])
def test_real_news_sentences(marked: str) -> None:
    expected = [sentence.strip() for sentence in marked.split("|")]
    assert sentences(marked.replace("|", "")) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Selon M.Dupont et Mme.Durand, le Dr.House et St.Louis restent à l\u2019écart.",
        "Le livre de J.K.Rowling parle de J.-C.Decaux et de la S.N.C.F.",
        "Les U.S.A.Les Européens, eux, hésitent.",  # a dotted acronym never ends a sentence
        "Il a un Ph.D.En fait, deux.",
        "Le taux passe de 3.5 à 4,2 % pour 1.200 clients, version v2.0 à 14h30.",
        "Voir www.Example.fr/Page, https://Example.fr/Actu.Page?Id=3 ou Jean.Dupont@Example.fr pour tout.",
        "Booking.Com, Amazon.fr et Vente-privee.com recrutent.",
    ],
)
def test_glued_periods_that_end_no_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Chez McDonald\u2019s, l\u2019iPhone, la PlayStation, YouTube, LinkedIn et BFMTV font recette.",
        "MoveOn, WhatsApp, PayPal et TikTok aussi, selon @leMondeFr et #JeSuisCharlie.",
        "Les géants TotalEnergies, BioNTech, DiCaprio et LeBron James, eux, se taisent.",
    ],
)
def test_names_that_mix_cases_are_never_split(text: str) -> None:
    assert sentences(text) == [text]


def test_word_glued_to_a_sentence_opener_splits() -> None:
    assert sentences("La grève continueLes syndicats maintiennent leur appel.") == [
        "La grève continue",
        "Les syndicats maintiennent leur appel.",
    ]
    assert sentences("Le réseau SNCFLe trafic reprend.") == ["Le réseau SNCF", "Le trafic reprend."]
    # after a capitalised word, only openers of three letters or more, or elided ones
    assert sentences("Rendez-vous à ParisDans la soirée, calme.") == [
        "Rendez-vous à Paris",
        "Dans la soirée, calme.",
    ]
    assert sentences("Rendez-vous à ParisLe soir.") == ["Rendez-vous à ParisLe soir."]


def test_words_that_are_also_abbreviations_end_sentences_where_they_should() -> None:
    assert sentences("Il est accusé de vol. Le procès s\u2019ouvre.") == [
        "Il est accusé de vol.",
        "Le procès s\u2019ouvre.",
    ]
    assert sentences("Voir vol. 3 et p. 12 du recueil. Fin.") == ["Voir vol. 3 et p. 12 du recueil.", "Fin."]
    assert sentences("Le coureur franchit le col. Les autres suivent.") == [
        "Le coureur franchit le col.",
        "Les autres suivent.",
    ]
    assert sentences("Le Col. Smith et Martin Luther King jr. sont cités.") == [
        "Le Col. Smith et Martin Luther King jr. sont cités."
    ]
    assert sentences("Le mur mesure 3 m. Le record tient.") == ["Le mur mesure 3 m.", "Le record tient."]


def test_straight_quote_opening_the_next_sentence_goes_with_it() -> None:
    assert sentences('Il est parti."Nous reviendrons", dit-il.') == [
        "Il est parti.",
        '"Nous reviendrons", dit-il.',
    ]
    assert sentences('Il a dit "je pars."Le lendemain, il partit.') == [
        'Il a dit "je pars."',
        "Le lendemain, il partit.",
    ]


def test_german_closing_quote_stays_with_its_sentence() -> None:
    text = "Er sagte: \u201eNein, nicht mehr.\u201c Dann ging er. \u201eGut.\u201c"
    assert not any(sentence.startswith("\u201c") for sentence in sentences(text))


def test_invisible_characters_count_as_space_between_sentences() -> None:
    text = f"Première phrase.{ZWSP} Deuxième.{ZWSP}\n{ZWSP}\nTroisième."
    assert sentences(text) == ["Première phrase.", f"{ZWSP} Deuxième.{ZWSP}", ZWSP, "Troisième."]


def test_glued_text_splits_in_linear_time() -> None:
    paragraph = (
        "Les feux progressent au Canada.Selon M.Dupont (www.Example.fr/Page), «\u00a0rien\u00a0».Le "
        "groupe prend les devantsMais J.-C.Decaux, Jean.Dupont@Example.fr et LinkedIn hésitent.\n"
    )
    text = paragraph * (1_000_000 // len(paragraph))
    begin = time.perf_counter()
    spans = split_sentences(text)
    assert time.perf_counter() - begin < 10  # about 0.5 s here
    assert len(spans) == 4 * text.count("\n")


@settings(max_examples=300, deadline=None)
@given(st.one_of(news_texts, scraped_news_texts))
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
