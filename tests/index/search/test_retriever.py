"""Ranking as a user sees it: no overlapping windows twice, collections respected, a bar to clear."""

from __future__ import annotations

import itertools

from devtools.fake_embedder import FakeEmbedder
from index.build.options import BuildOptions
from index.build.pipeline import rebuild
from index.ingest.passages import SplitSettings
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


def test_chat_abbreviations_are_written_out_before_searching(write_articles, tmp_path):
    embedder = FakeEmbedder()
    text = "Le procès\n\nPourquoi l'adolescent a-t-il été écroué ? Parce qu'il avait volé un vélo."
    rebuild(write_articles({"proces.txt": text, "port.txt": HARBOUR}), tmp_path / "index", embedder)
    retriever = _retriever(tmp_path / "index", embedder)

    assert retriever.search("pk l'ado a ete ecroue", k=1)[0].article.id == "proces.txt"
