"""Ranking as a user sees it: no overlapping windows twice, collections respected, a bar to clear."""

from __future__ import annotations

import itertools
from datetime import date

from devtools.fake_embedder import FakeEmbedder
from index.build.options import BuildOptions
from index.build.pipeline import rebuild
from index.ingest.passages import SplitSettings
from index.search.periods import Period
from index.search.retriever import RetrievalOptions, Retriever
from index.store.loader import open_published

HARBOUR = "Le port\n\n" + " ".join(
    f"Le cargo numéro {i} est entré au port de Brest ce matin." for i in range(30)
)


def _retriever(index_dir, embedder, **options) -> Retriever:
    return Retriever(open_published(index_dir), embedder, RetrievalOptions(**options))


def test_overlapping_windows_of_one_article_are_never_quoted_together(
    write_articles, tmp_path, fake_embedder
):
    overlapping = BuildOptions(split=SplitSettings(target_words=30, max_words=40, overlap_sentences=2))
    rebuild(write_articles({"port.txt": HARBOUR}), tmp_path / "index", fake_embedder, overlapping)
    retriever = _retriever(tmp_path / "index", fake_embedder)

    hits = retriever.search("cargo entré au port de Brest", k=5)

    assert len(hits) == 5
    spans = sorted((h.passage.start, h.passage.end) for h in hits)
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans))


def test_collections_restrict_the_search(write_articles, tmp_path, fake_embedder):
    articles = write_articles(
        {
            "sport/rugby.txt": "Rugby\n\nLe match de rugby à Toulouse a fini sur un score serré.",
            "culture/theatre.txt": "Théâtre\n\nLa pièce jouée à Toulouse a fini tard dans la nuit.",
        }
    )
    rebuild(articles, tmp_path / "index", fake_embedder)
    retriever = _retriever(tmp_path / "index", fake_embedder)

    everywhere = retriever.search("match de rugby à Toulouse", k=2)
    culture = retriever.search("match de rugby à Toulouse", k=2, collections=["culture"])

    assert everywhere[0].article.id == "sport/rugby.txt"
    assert [h.article.id for h in culture] == ["culture/theatre.txt"]


def test_hits_carry_a_probability_and_the_answer_abstains_below_the_bar(write_articles, tmp_path):
    embedder = FakeEmbedder()
    rebuild(write_articles({"port.txt": HARBOUR}), tmp_path / "index", embedder)
    strict = _retriever(tmp_path / "index", embedder, min_confidence=0.999)
    lenient = _retriever(tmp_path / "index", embedder, min_confidence=0.0)

    hits = lenient.search("cargo entré au port de Brest", k=3)
    assert all(0.0 <= hit.confidence <= 1.0 for hit in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    answered = lenient.answer("cargo entré au port de Brest")
    assert answered.answered and answered.confidence == answered.hits[0].confidence
    refused = strict.answer("volcano eruption Iceland")
    assert not refused.answered and refused.hits == [] and 0.0 <= refused.confidence < 0.999
    assert refused.threshold == 0.999


def test_a_question_about_the_articles_is_surer_than_one_about_nothing_there(write_articles, tmp_path):
    embedder = FakeEmbedder()
    rebuild(write_articles({"port.txt": HARBOUR}), tmp_path / "index", embedder)
    retriever = _retriever(tmp_path / "index", embedder)

    assert retriever.answer("cargo port Brest").confidence > retriever.answer("volcan Islande").confidence


def test_a_question_with_no_word_to_look_for_is_not_answered(write_articles, tmp_path):
    """Punctuation, emoji or stop words alone: the cosine of such a "question" to some passage says
    nothing, and the bot used to quote with medium confidence."""
    embedder = FakeEmbedder()
    rebuild(write_articles({"port.txt": HARBOUR}), tmp_path / "index", embedder)
    retriever = _retriever(tmp_path / "index", embedder)

    for question in ("???", "😀😀😀", "le la les de", "What is it?", "…"):
        answer = retriever.answer(question)
        assert not answer.answered and answer.hits == [] and answer.confidence == 0.0, question
    assert retriever.answer("le port de Brest ?").answered


def test_chat_abbreviations_are_written_out_before_searching(write_articles, tmp_path):
    embedder = FakeEmbedder()
    text = "Le procès\n\nPourquoi l'adolescent a-t-il été écroué ? Parce qu'il avait volé un vélo."
    rebuild(write_articles({"proces.txt": text, "port.txt": HARBOUR}), tmp_path / "index", embedder)
    retriever = _retriever(tmp_path / "index", embedder)

    assert retriever.search("pk l'ado a ete ecroue", k=1)[0].article.id == "proces.txt"


# --- dates and stories -------------------------------------------------------------------------

TODAY = date(2026, 11, 30)


def _dated(title: str, day: str | None, text: str) -> str:
    return (f"date: {day}\n" if day else "") + f"\n{title}\n\n{text}"


def _news(write_articles, tmp_path, fake_embedder, articles: dict[str, str], **options) -> Retriever:
    rebuild(write_articles(articles), tmp_path / "index", fake_embedder)
    return _retriever(tmp_path / "index", fake_embedder, min_confidence=0.0, **options)


UNEMPLOYMENT = {
    "a-mars.txt": _dated(
        "Chômage", "2019-03-14", "Le taux de chômage a atteint 8,7 % en France selon l'Insee."
    ),
    "b-juin.txt": _dated(
        "Chômage", "2019-06-14", "Le taux de chômage a atteint 8,5 % en France selon l'Insee."
    ),
    "c-undated.txt": _dated("Chômage", None, "Le taux de chômage a atteint 9,1 % en France selon l'Insee."),
}


def test_since_and_until_keep_only_articles_published_then(write_articles, tmp_path, fake_embedder):
    retriever = _news(write_articles, tmp_path, fake_embedder, UNEMPLOYMENT)
    march = Period(date(2019, 3, 1), date(2019, 3, 31), "month")

    answer = retriever.answer("taux de chômage en France", k=3, window=march, today=TODAY)

    assert [hit.article.id for hit in answer.hits] == ["a-mars.txt"]
    assert answer.period == march and answer.in_period == 1


def test_a_period_named_in_the_question_comes_first_and_the_rest_still_follows(
    write_articles, tmp_path, fake_embedder
):
    retriever = _news(write_articles, tmp_path, fake_embedder, UNEMPLOYMENT)

    march = retriever.answer("taux de chômage en France en mars 2019", k=3, today=TODAY)
    june = retriever.answer("taux de chômage en France en juin 2019", k=3, today=TODAY)
    nothing_then = retriever.answer("taux de chômage en France en 2015", k=3, today=TODAY)

    assert march.hits[0].article.id == "a-mars.txt" and len(march.hits) == 3
    assert june.hits[0].article.id == "b-juin.txt"
    assert nothing_then.period is not None and nothing_then.in_period == 0 and nothing_then.answered


def test_between_passages_of_equal_relevance_the_more_recent_wins(write_articles, tmp_path, fake_embedder):
    retriever = _news(write_articles, tmp_path, fake_embedder, UNEMPLOYMENT)

    hits = retriever.search("taux de chômage en France", k=3, today=TODAY)

    # Equal relevance: the index order (a-mars before b-juin) would put March first.
    assert [hit.article.id for hit in hits][:2] == ["b-juin.txt", "a-mars.txt"]


def test_a_half_life_lets_fresh_news_pass_older_more_relevant_news(write_articles, tmp_path, fake_embedder):
    articles = {
        "old.txt": _dated("Grève", "2016-05-02", "Grève des trains : la SNCF annule des trains en Bretagne."),
        "new.txt": _dated("Grève", "2026-11-28", "Grève : la SNCF prévoit un trafic perturbé."),
    }
    plain = _news(write_articles, tmp_path, fake_embedder, articles)
    fading = _retriever(tmp_path / "index", fake_embedder, min_confidence=0.0, recency_half_life_days=30)

    question = "grève des trains SNCF en Bretagne"
    assert plain.search(question, k=2, today=TODAY)[0].article.id == "old.txt"
    assert fading.search(question, k=2, today=TODAY)[0].article.id == "new.txt"


WIRE = (
    "La Russie a demandé à la Chine des équipements militaires pour soutenir son invasion de "
    "l'Ukraine, selon des responsables américains cités par le Financial Times. Le Washington Post "
    "confirme le rapport. La Maison Blanche s'inquiète de voir Pékin saper les efforts occidentaux."
)


def test_one_story_carried_by_several_outlets_is_quoted_once_and_names_the_others(
    write_articles, tmp_path, fake_embedder
):
    articles = {
        "a.txt": f"source: Outlet A\ndate: 2022-03-14\n\nRussie\n\n{WIRE}",
        "b.txt": f"source: Outlet B\ndate: 2022-03-14\n\nRussie et Chine\n\nWASHINGTON (AFP) — {WIRE}",
        "c.txt": f"source: Outlet C\ndate: 2022-03-15\n\nMise à jour\n\n{WIRE} Pékin a démenti lundi.",
        "other.txt": "source: Outlet D\n\nSanctions\n\nJake Sullivan a averti la Chine à Rome de ne pas "
        "aider la Russie à contourner les sanctions occidentales.",
    }
    retriever = _news(write_articles, tmp_path, fake_embedder, articles)

    first, second = retriever.search("Qu'est-ce que la Russie a demandé à la Chine ?", k=2, today=TODAY)
    page_two = retriever.search("Qu'est-ce que la Russie a demandé à la Chine ?", k=1, offset=1, today=TODAY)

    assert {first.article.id, *(a.id for a in first.also_in)} == {"a.txt", "b.txt", "c.txt"}
    assert second.article.id == "other.txt" and second.also_in == ()
    assert [hit.article.id for hit in page_two] == ["other.txt"]  # "More passages": new content


def test_a_period_and_a_collection_restrict_together(write_articles, tmp_path, fake_embedder):
    match = "Le match de rugby à Toulouse a fini sur un score serré."
    articles = {
        "sport/2019.txt": _dated("Rugby", "2019-03-02", match),
        "sport/2020.txt": _dated("Rugby", "2020-03-02", match.replace("serré", "large")),
        "culture/2019.txt": _dated("Théâtre", "2019-03-02", "La pièce jouée à Toulouse a fini tard."),
    }
    retriever = _news(write_articles, tmp_path, fake_embedder, articles)
    year_2019 = Period(date(2019, 1, 1), date(2019, 12, 31))

    hits = retriever.search("match de rugby à Toulouse", k=3, collections=["sport"], window=year_2019)

    assert [hit.article.id for hit in hits] == ["sport/2019.txt"]


def test_an_undated_corpus_has_no_period_to_favour_or_report(write_articles, tmp_path, fake_embedder):
    retriever = _news(
        write_articles, tmp_path, fake_embedder, {"a.txt": "Chômage\n\nLe chômage a baissé en 2019."}
    )

    answer = retriever.answer("le chômage en 2019 ?", k=1, today=TODAY)

    assert answer.answered and answer.period is None
