"""Follow-up questions read with the question before them; complete questions start afresh."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.search.followups import Turn, read_question

BORDEAUX = Turn("Qui a gagné les municipales à Bordeaux ?", frozenset({"bordeaux.txt"}))


@pytest.mark.parametrize(
    ("previous", "follow_up", "searched"),
    [
        ("Qui a gagné les municipales à Bordeaux ?", "et à Lyon ?", "Qui a gagné les municipales à Lyon ?"),
        ("Qui a gagné les municipales à Bordeaux ?", "et a Lyon ?", "Qui a gagné les municipales a Lyon ?"),
        ("Who won the Tour de France in 2019?", "and in 2020?", "Who won the Tour de France in 2020?"),
        ("qui a gagné le tour de france 2019", "et en 2020 ?", "qui a gagné le tour de france 2020 ?"),
        ("Combien d'habitants compte Lyon ?", "et Marseille ?", "Combien d'habitants compte Marseille ?"),
        ("Quel est le maire de Lyon ?", "et de Marseille ?", "Quel est le maire de Marseille ?"),
        (
            "Qu'est-ce que la Russie a demandé à la Chine ?",
            "et aux États-Unis ?",
            "Qu'est-ce que la Russie a demandé aux États-Unis ?",
        ),
        ("Qui présidait le Mexique en 1876 ?", "et en 1861 ?", "Qui présidait le Mexique en 1861 ?"),
    ],
)
def test_a_refinement_swaps_one_detail_of_the_previous_question(previous, follow_up, searched):
    reading = read_question(follow_up, Turn(previous))
    assert reading.query == searched and reading.follow_up_of == previous
    assert reading.prefer_articles == frozenset()


@pytest.mark.parametrize(
    "follow_up",
    [
        "il a quel âge ?",
        "pourquoi ?",
        "how old is he?",
        "et pourquoi ?",
        "why?",
        "depuis quand ?",
        "c'est qui ?",
        "qui l'a dit ?",
        "qui y vit ?",
        "Où commence-t-il sa carrière ?",
        "pourquoi il a démissionné ?",
        "when did she win?",
        # A connective before a question of its own: asked with the previous one, not swapped into it.
        "and where did he die?",
        "et il lui a dit quoi ?",
    ],
)
def test_a_continuation_is_asked_with_the_previous_question_and_favours_its_articles(follow_up):
    reading = read_question(follow_up, BORDEAUX)
    assert reading.query.startswith(BORDEAUX.question) and reading.query.endswith(follow_up)
    assert reading.follow_up_of == BORDEAUX.question and reading.prefer_articles == {"bordeaux.txt"}


@pytest.mark.parametrize(
    "question",
    [
        "Où Jake Sullivan a-t-il rencontré Yang Jiechi ?",
        "Qu'est-ce que la Russie a demandé à la Chine ?",
        "Combien d'habitants compte la ville de Lyon en 2020 ?",
        "What did Russia ask China for?",
        # "en" is a preposition here, and "ou" is "où" without its accent, not "or".
        "Qui dirigeait la Tanzanie en 1967 ?",
        "Ou est situé Lyon ?",
        # The pronoun repeats or belongs to a subject the question names.
        "Pourquoi Van Aerschodt a-t-il été condamné ?",
        "Quand le roi est-il mort ?",
        "Moab est-il un désert ?",
        "Pourquoi Iwata a baissé son salaire ?",
        "When did Curie publish her thesis?",
        # Impersonal "il" and existential "y" stand for nothing.
        "Que s'est-il passé en juillet 1789 ?",
        "Combien y a-t-il de communes ?",
    ],
)
def test_a_complete_question_starts_afresh(question):
    assert read_question(question, BORDEAUX).query == question
    assert read_question(question, BORDEAUX).follow_up_of is None


@given(st.text(max_size=80), st.text(max_size=80))
def test_any_text_reads_to_a_query_that_keeps_the_question(previous, question):
    reading = read_question(question, Turn(previous) if previous else None)
    assert isinstance(reading.query, str)
    if reading.follow_up_of is None:
        assert reading.query == question
