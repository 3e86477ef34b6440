"""A question leans on the one before it through a pronoun that names nothing in it, or through bare
question words; a pronoun that repeats or belongs to a subject the question names does not."""

from __future__ import annotations

import pytest

from index.search.pronouns import asks_a_question, leans_on_context


@pytest.mark.parametrize(
    "question",
    [
        "il a quel âge ?",
        "how old is he?",
        "pourquoi ?",
        "depuis quand ?",
        "combien de temps ?",
        "c'est qui ?",
        "qui l'a dit ?",
        "ça vient d'où son nom ?",
        "Où commence-t-il sa carrière ?",
        "Combien de siècles a-t-il duré ?",
        "De quelle organisation fait elle partie ?",
        "Comment s'appelle sa sœur ?",
        "who lived there in 52 BC?",
    ],
)
def test_a_pronoun_with_nothing_to_stand_for_leans_on_the_previous_question(question):
    assert leans_on_context(question)


@pytest.mark.parametrize(
    "question",
    [
        "Qui dirigeait la Tanzanie en 1967 ?",
        "Quand l'artiste a-t-il exposé ?",
        "Pourquoi le toit est il vert ?",
        "Stablinski était il sportif ?",
        "A qui les évêques délèguent-ils leurs fonctions ?",
        "Pourquoi Iwata a baissé son salaire ?",
        "When did Curie publish her thesis?",
        "Que faut-il savoir ?",
        "Combien y a t-il d'habitants ?",
        "is there a museum?",
        "c'est quoi la capitale du Canada ?",
        "Quelle est la capitale ?",
    ],
)
def test_a_question_that_names_its_subject_or_has_no_pronoun_stands_alone(question):
    assert not leans_on_context(question)


@pytest.mark.parametrize(
    ("after_connective", "asks"),
    [
        ("à Lyon", False),
        ("en 2020", False),
        ("Marseille", False),
        ("in 2020", False),
        ("the other symbols", False),
        ("pourquoi", True),
        ("where did he die", True),
        ("il lui a dit quoi", True),
        ("sa capitale", True),
    ],
)
def test_after_a_connective_a_detail_is_told_from_a_question(after_connective, asks):
    assert asks_a_question(after_connective) is asks
