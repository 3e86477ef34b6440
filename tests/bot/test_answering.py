"""Answering outside Discord: the Context view (no page furniture) and paging (same period, same bar)."""

from __future__ import annotations

from datetime import date

from bot.answering import AnswerFlow, surrounding
from devtools.fake_embedder import FakeEmbedder
from index import AnswerLog, IndexLocation, Period
from index.build.pipeline import rebuild
from tests.bot.conftest import live_index


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


async def test_later_pages_keep_the_askers_period_and_the_questions_bar(write_articles, tmp_path) -> None:
    works = ["l'école Jaurès", "la piscine du port", "le pont de pierre", "la halle aux grains", "le stade"]
    articles = {
        f"{year}-{n}.txt": f"date: {year}-0{n}-01\n\nBudget {year}\n\nLe budget de la ville prévoit "
        f"la rénovation de {work}, a annoncé le maire."
        for year in (2019, 2020)
        for n, work in enumerate(works, start=1)
    }
    rebuild(write_articles(articles), tmp_path / "index", FakeEmbedder())
    live = live_index(tmp_path / "index", FakeEmbedder(), min_confidence=0.01)
    await live.reload()
    answer_log = AnswerLog(IndexLocation(tmp_path / "index").feedback)
    flow = AnswerFlow(live, answer_log, 2)
    year_2019 = Period(date(2019, 1, 1), date(2019, 12, 31))

    asked = await flow.ask("budget de la ville rénovation école", user_id=1, channel_id=2, window=year_2019)
    pages = [await flow.more(asked.answer_id or 0, viewer_id=1) for _ in range(2)]

    shown = [hit for answer in (asked.answer, *(page.answer for page in pages)) for hit in answer.hits]
    assert len(shown) == 5 and {hit.article.id[:4] for hit in shown} == {"2019"}
    assert all(page.answer.threshold == asked.answer.threshold == 0.01 for page in pages)
    answer_log.close()
    live.close()
