"""Keyword index: French-aware terms, ranking, and a pickle-free save/load round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.errors import IndexCorruptError, IndexNotBuiltError
from index.store.lexical import LexicalIndex
from index.text.terms import LexicalTokenizer, TokenizerSettings, fold_accents

PASSAGES = [
    "Le président de la République a inauguré la nouvelle école à Évry.",
    "Les élections municipales auront lieu en mars dans toutes les communes.",
    "The football team won the championship after a long season.",
    "La forêt amazonienne brûle : les incendies ont détruit des milliers d'hectares.",
]


def test_fold_accents_lowercases_and_strips_diacritics() -> None:
    assert fold_accents("Élysée Œuvre çà") == "elysee oeuvre ca"


def test_terms_drop_stop_words_and_conflate_inflections() -> None:
    tokenizer = LexicalTokenizer()
    assert tokenizer.terms("Quelles élections ?") == tokenizer.terms("election")
    assert tokenizer.terms("l'école") == tokenizer.terms("ECOLE")
    assert tokenizer.terms("Qui est le président ?") == tokenizer.terms("présidents")


def test_search_finds_passage_despite_accents_and_plural() -> None:
    index = LexicalIndex.build(PASSAGES)
    hits = index.search("Quand ont lieu les election municipale ?", k=3)
    assert hits[0][0] == 1
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)


def test_search_returns_only_matching_rows() -> None:
    index = LexicalIndex.build(PASSAGES)
    assert index.search("incendie forêt", k=10) == [
        (3, pytest.approx(index.search("incendie forêt", 1)[0][1]))
    ]
    assert index.search("zzz inconnu", k=5) == []


def test_coverage_is_low_for_a_question_in_another_language() -> None:
    index = LexicalIndex.build(PASSAGES[:2] + PASSAGES[3:])
    assert index.coverage("Quand ont lieu les élections municipales ?") == 1.0
    assert index.coverage("¿Cuándo se celebran las votaciones locales?") == 0.0
    assert index.coverage("le la les") == 0.0  # only stop words: nothing to match


def test_save_load_round_trip_without_pickle(tmp_path: Path) -> None:
    settings = TokenizerSettings(stemmer="english", stopword_languages=("english",))
    index = LexicalIndex.build(PASSAGES, settings)
    index.save(tmp_path / "lexical")
    saved = tmp_path / "lexical"
    assert sorted(path.name for path in saved.iterdir()) == ["lexical.json", "lexical.npz"]
    # allow_pickle=False refuses object arrays, so loading every member proves no pickle is inside.
    with np.load(saved / "lexical.npz", allow_pickle=False) as arrays:
        assert all(not arrays[name].dtype.hasobject for name in arrays.files)
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert loaded.tokenizer_settings == settings
    assert len(loaded) == len(PASSAGES)
    for query in ("football champions", "président école", "incendies"):
        assert loaded.search(query, 4) == index.search(query, 4)


def test_load_reports_missing_and_corrupt_indexes(tmp_path: Path) -> None:
    with pytest.raises(IndexNotBuiltError, match="rebuild"):
        LexicalIndex.load(tmp_path)
    LexicalIndex.build(PASSAGES).save(tmp_path)
    (tmp_path / "lexical.npz").write_bytes(b"not a zip")
    with pytest.raises(IndexCorruptError, match="rebuild"):
        LexicalIndex.load(tmp_path)


def test_empty_and_stop_word_only_corpora_search_to_nothing() -> None:
    assert LexicalIndex.build([]).search("école", 3) == []
    assert LexicalIndex.build(["le la les", "et ou"]).search("école", 3) == []


def test_search_within_rows_keeps_only_those_rows() -> None:
    index = LexicalIndex.build(["le volcan Hekla", "la grève des trains", "le volcan Etna", "un volcan"])
    assert sorted(row for row, _ in index.search("volcan", 10, np.array([1, 2, 3]))) == [2, 3]
    assert index.search("volcan", 10, np.array([1])) == []


def test_title_field_and_per_term_scores_survive_a_round_trip(tmp_path: Path) -> None:
    titles = ["Évry", "Élections", "Incendies", "Amazonie"]
    index = LexicalIndex.build(PASSAGES, titles=titles)
    rows = np.arange(len(PASSAGES))
    terms = index.query_terms("Amazonie incendies forêt")
    held = index.title_holds(terms, rows)
    assert held[3].tolist() == [1.0, 0.0, 0.0] and held[:3, 0].sum() == 0  # "amazon" is only a title
    assert np.allclose(index.term_scores(terms, rows).sum(axis=1), index.scores("Amazonie incendies forêt"))
    assert index.coverage("Amazonie") == 0.0  # titles do not count: a foreign headline would
    index.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert (loaded.title_holds(terms, rows) == held).all()


def test_idf_is_highest_for_a_term_no_passage_holds() -> None:
    index = LexicalIndex.build(PASSAGES)
    idf = index.idf(["electionmunicipal", *index.query_terms("élections")])
    highest = index.idf_from_frequency(np.zeros(1), len(index))[0]  # df = 0
    assert idf[0] == pytest.approx(highest) and idf[0] > idf[1] > 0
