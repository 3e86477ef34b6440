"""Formatting answers for Discord: limits, escaping, highlights, abstention."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.ui.replies import (
    CONTENT_LIMIT,
    EMBED_DESCRIPTION_LIMIT,
    EMBEDS_TOTAL_LIMIT,
    answer_reply,
    escape_text,
    quote_block,
    render_plain,
    trim_to_sentence,
)
from bot.ui.texts import format_period
from index import Period, period_in_question
from index.records import Passage
from index.search.retriever import Answer, Hit
from index.store.passages_db import ArticleInfo


def _hit(
    text: str, confidence: float = 0.8, highlights=(), title="Titre", url=None, date="2022-03-14", source=None
) -> Hit:
    article = ArticleInfo("a.txt", title, "a.txt", url, date, source, "", "h")
    passage = Passage("a.txt", 0, 100, 100 + len(text), text)
    return Hit(0, passage, article, score=2.0, highlights=tuple(highlights), confidence=confidence)


def _answer(*hits: Hit, answered: bool = True) -> Answer:
    return Answer("question ?", list(hits), answered, "v1", 0.01, threshold=0.3)


def test_quote_keeps_the_words_and_marks_the_best_sentence():
    text = "La Russie a demandé de l'aide. Pékin n'a pas répondu."
    quote = quote_block(text, [(0, 30)], 1000)
    assert quote == "> **La Russie a demandé de l'aide.** Pékin n'a pas répondu."


def test_markdown_in_articles_is_shown_literally():
    escaped = escape_text("# Titre\n*gras* et _souligné_ ||spoiler|| `code`\n- liste\n> citation")
    assert "\\# Titre" in escaped and "\\*gras\\*" in escaped and "\\|\\|spoiler\\|\\|" in escaped
    assert "\\- liste" in escaped and "\\> citation" in escaped


def test_long_passage_is_cut_at_a_sentence_with_an_ellipsis():
    text = " ".join(f"Phrase numéro {i} du passage." for i in range(200))
    trimmed = trim_to_sentence(text, 300)
    assert len(trimmed) <= 300
    assert trimmed.endswith("du passage. …")


def test_trim_never_cuts_a_bold_pair_or_an_escape_in_half():
    text = "*" * 50 + " " + "mot " * 400
    for limit in range(20, 400, 7):
        quote = quote_block(text, [(0, 60)], limit)
        assert len(quote) <= limit
        assert quote.count("**") % 2 == 0
        assert not quote.rstrip("…").rstrip().endswith("\\")


def test_reply_fits_discord_limits_with_huge_passages():
    hits = [
        _hit("Une très longue phrase sans fin " * 400, title="T" * 400, url=f"https://e.x/{i}")
        for i in range(10)
    ]
    reply = answer_reply(_answer(*hits))
    assert len(reply.content) <= CONTENT_LIMIT
    assert len(reply.cards) == 10
    assert all(len(card.quote) <= EMBED_DESCRIPTION_LIMIT and len(card.title) <= 256 for card in reply.cards)
    assert reply.total_embed_characters() <= EMBEDS_TOTAL_LIMIT


def test_reply_shows_title_date_link_and_confidence():
    reply = answer_reply(_answer(_hit("Texte cité.", 0.82, url="https://news.example/a")))
    assert "confidence: high (82%)" in reply.content
    card = reply.cards[0]
    assert card.title == "[1] Titre" and card.url == "https://news.example/a"
    assert card.footer == "news.example · 14 March 2022 · confidence 82%"  # outlet (the link's site), date
    assert card.quote == "> Texte cité."


def test_abstention_says_so_instead_of_quoting():
    reply = answer_reply(_answer(_hit("bruit", 0.1), answered=False))
    assert reply.cards == []
    assert "no passage" in reply.content


def test_french_locale_gets_french_words():
    reply = answer_reply(_answer(_hit("Texte.", 0.9)), locale="fr")
    assert "confiance : élevée (90 %)" in reply.content
    assert reply.cards[0].footer == "a.txt · 14 mars 2022 · confiance 90 %"  # the file only when nothing else


@pytest.mark.parametrize(
    ("confidence", "band"), [(0.06, "low"), (0.29, "low"), (0.3, "medium"), (0.7, "high")]
)
def test_the_confidence_band_follows_how_often_such_a_passage_answers(confidence, band):
    assert (
        f"confidence: {band} ({round(confidence * 100)}%)"
        in answer_reply(_answer(_hit("T.", confidence))).content
    )


@pytest.mark.parametrize("text", ["@everyone regardez", "<@123> et <@&456>"])
def test_plain_rendering_keeps_quoted_text(text):
    rendered = render_plain(answer_reply(_answer(_hit(text))))
    assert text.split()[0] in rendered


def test_a_quote_is_cut_at_a_sentence_end_even_where_the_space_was_lost():
    text = (
        "Le débat a duré deux heures au Canada.Selon les organisateurs, il reprendra demain. " + "Mot " * 300
    )
    assert (
        trim_to_sentence(text, 120)
        == "Le débat a duré deux heures au Canada.Selon les organisateurs, il reprendra demain. …"
    )


def test_the_source_line_names_the_outlet_before_the_file():
    with_source = _hit("Texte.", source="Le Monde", url="https://www.lemonde.fr/a")
    with_link = _hit("Texte.", url="https://www.lemonde.fr/a")
    assert answer_reply(_answer(with_source)).cards[0].footer.startswith("Le Monde · 14 March 2022")
    assert answer_reply(_answer(with_link)).cards[0].footer.startswith("lemonde.fr · ")


@pytest.mark.parametrize(
    ("published", "locale", "said"),
    [
        ("2026-11-30", "fr", "aujourd'hui"),
        ("2026-11-29", "en-US", "yesterday"),
        ("2026-11-27", "fr", "il y a 3 jours"),
        ("2026-11-09", "en-US", "3 weeks ago"),
        ("2026-06-30", "fr", "il y a 5 mois"),
        ("2022-03-14", "fr", "il y a 4 ans"),
        ("2025-11-30", "en-US", "12 months ago"),
        ("2027-01-01", "fr", "1er janvier 2027"),  # a date in the future is shown as a date
    ],
)
def test_the_header_says_how_recent_the_newest_quote_is(published, locale, said):
    today = date(2026, 11, 30)
    reply = answer_reply(
        _answer(_hit("Texte.", date="2001-01-01"), _hit("Autre.", date=published)), locale=locale, today=today
    )
    assert reply.content.endswith(said)


def test_no_dated_quote_no_recency():
    reply = answer_reply(_answer(_hit("Texte.", date=None)), today=date(2026, 11, 30))
    assert "newest" not in reply.content


@pytest.mark.parametrize(
    ("question", "locale", "label"),
    [
        ("en mars 2019", "fr", "mars 2019"),
        ("in 2020", "en-US", "2020"),
        ("hier", "fr", "29 novembre 2026"),
        ("avant 2020", "fr", "avant le 1er janvier 2020"),
        ("entre 2019 et 2021", "en-US", "1 January 2019 to 31 December 2021"),
    ],
)
def test_a_period_is_named_as_people_name_it(question, locale, label):
    period = period_in_question(question, date(2026, 11, 30))
    assert period is not None and format_period(period, locale) == label


def _info(article_id: str, source: str | None = None, url: str | None = None) -> ArticleInfo:
    return ArticleInfo(article_id, "Titre", article_id, url, "2022-03-14", source, "", "h")


def test_a_story_told_elsewhere_names_the_other_outlets_under_the_quote():
    others = (
        _info("b.txt", "Outlet B"),
        _info("c.txt", url="https://www.outlet-c.fr/x"),
        _info("d.txt", "Outlet B"),
    )
    hit = replace(_hit("Texte.", source="Outlet A"), also_in=others)
    footer = answer_reply(_answer(hit), locale="fr").cards[0].footer
    assert footer.endswith("aussi dans : Outlet B, outlet-c.fr (3 articles)")
    alone = answer_reply(_answer(replace(hit, also_in=others[:1]))).cards[0].footer
    assert alone.endswith("also in: Outlet B")


def test_the_header_names_the_period_or_says_nothing_from_it_answered():
    march = Period(date(2022, 3, 1), date(2022, 3, 31), "month")
    in_march = replace(_answer(_hit("Texte.", date="2022-03-14")), period=march)
    before = replace(_answer(_hit("Texte.", date="2021-01-02")), period=march)
    assert answer_reply(in_march, locale="fr").content.endswith("période : mars 2022")
    assert "no quote from the period asked (March 2022)" in answer_reply(before).content


def test_a_pages_buttons_and_menu_name_its_passages_by_their_rank_in_the_record():
    """A page another viewer reached after a reload holds passages recorded at other ranks than its
    positions: "context" and "this one answered" must name those, not the positions."""
    from bot.ui.views import answer_view

    page = Answer("question ?", [_hit("Un."), _hit("Deux."), _hit("Trois.")], True, "v1", 0.01, offset=3)
    view = answer_view(42, 7, page, "fr", True, has_more=True, ranks=[7, 3, 8])

    assert view is not None
    rows = view.to_components()
    custom_ids = [c["custom_id"] for row in rows for c in row["components"]]
    assert [cid for cid in custom_ids if cid.startswith("qa:ctx")] == [f"qa:ctx:42:{r}" for r in (7, 3, 8)]
    menu = next(c for row in rows for c in row["components"] if c["type"] == 3)
    assert [option["value"] for option in menu["options"]] == ["7", "3", "8"]
