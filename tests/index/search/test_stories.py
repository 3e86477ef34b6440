"""One story, quoted once: wire copy and updates grouped, a shared topic or template kept apart."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from index.search.stories import Fingerprint, dedupe_overlapping, group_stories

WIRE = (
    "La Russie a demandé à la Chine des équipements militaires pour soutenir son invasion de "
    "l'Ukraine, selon des responsables américains cités par le Financial Times. Le Washington Post "
    "confirme le rapport. La Maison Blanche s'inquiète de voir Pékin saper les efforts occidentaux."
)
OTHER_OUTLET = (
    "WASHINGTON (AFP) — La Russie a demandé à la Chine des équipements militaires pour soutenir son "
    "invasion de l\u2019Ukraine, selon des responsables américains cités par le Financial Times. Le "
    "Washington Post confirme le rapport. (avec AFP)"
)
UPDATED = WIRE + " Pékin a démenti lundi soir avoir reçu une telle demande."
SAME_TOPIC = (
    "Jake Sullivan a rencontré Yang Jiechi à Rome pour avertir la Chine de ne pas aider la Russie à "
    "contourner les sanctions. Pékin affirme vouloir une solution négociée à la guerre en Ukraine."
)
MONDAY = "Lyon a battu Brest sur le score de 3 à 1, lundi soir, lors de la 12e journée du championnat."
TUESDAY = "Lyon a battu Brest sur le score de 2 à 0, mardi soir, lors de la 13e journée du championnat."


def _group(*passages: tuple[str, str]):
    stories = group_stories(passages, fingerprint=lambda p: Fingerprint.of(p[1]), article=lambda p: p[0])
    return [(story.best[0], [p[0] for p in story.also]) for story in stories]


def test_the_same_wire_copy_in_another_outlet_and_an_update_are_one_story():
    assert _group(("a", WIRE), ("b", OTHER_OUTLET), ("c", UPDATED)) == [("a", ["b", "c"])]


def test_passages_that_only_share_a_topic_stay_apart():
    assert _group(("a", WIRE), ("b", SAME_TOPIC)) == [("a", []), ("b", [])]


def test_bulletins_from_one_template_with_other_figures_or_names_stay_apart():
    assert _group(("a", MONDAY), ("b", TUESDAY)) == [("a", []), ("b", [])]
    school, pool = (
        f"Le conseil municipal a voté la rénovation de {work}, a annoncé le maire. Les travaux "
        "commenceront au printemps."
        for work in ("l'école Jaurès", "la piscine du port")
    )
    assert _group(("a", school), ("b", pool)) == [("a", []), ("b", [])]


def test_the_best_ranked_passage_leads_and_one_article_never_repeats_itself():
    stories = _group(("b", OTHER_OUTLET), ("a", WIRE), ("a", UPDATED), ("d", SAME_TOPIC))
    assert stories == [("b", ["a"]), ("a", []), ("d", [])]


def test_a_short_line_is_the_same_story_only_when_identical():
    assert Fingerprint.of("Plus d'infos").resemblance(Fingerprint.of("Plus d'infos")) == 1.0
    assert Fingerprint.of("Mise à jour lundi").resemblance(Fingerprint.of("Mise à jour mardi")) == 0.0


def test_a_corrected_figure_in_one_sentence_is_still_the_same_story():
    corrected = WIRE.replace("La Maison Blanche", "Selon un bilan de 12 morts, la Maison Blanche")
    assert _group(("a", WIRE), ("b", corrected)) == [("a", ["b"])]


@given(st.lists(st.tuples(st.sampled_from("abcde"), st.text(max_size=300)), max_size=12))
def test_every_passage_is_in_exactly_one_story_in_rank_order(passages):
    ranked = [(rank, home, text) for rank, (home, text) in enumerate(passages)]
    stories = group_stories(ranked, fingerprint=lambda p: Fingerprint.of(p[2]), article=lambda p: p[1])
    placed = [story.best[0] for story in stories] + [p[0] for story in stories for p in story.also]
    assert sorted(placed) == list(range(len(ranked)))
    bests = [story.best[0] for story in stories]
    assert bests == sorted(bests) and all(p[0] > story.best[0] for story in stories for p in story.also)
    for story in stories:
        homes = [story.best[1], *(p[1] for p in story.also)]
        assert len(homes) == len(set(homes))


def test_dedupe_overlapping_drops_overlapping_windows_of_one_article_only() -> None:
    hits = [("a", 0, 100), ("a", 50, 150), ("b", 0, 100), ("a", 100, 200), ("a", 90, 110)]
    kept = dedupe_overlapping(hits, span=lambda hit: hit)
    assert kept == [("a", 0, 100), ("b", 0, 100), ("a", 100, 200)]
