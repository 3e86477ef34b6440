"""Highlights point at the one or two sentences that answer, never at most of a passage."""

from __future__ import annotations

from index.search.highlight import highlight_spans


def test_the_answering_sentence_is_highlighted():
    passage = "La grève a commencé lundi. Les trains ne circulent plus. Le maire a réagi."
    (span,) = highlight_spans("pourquoi les trains ne circulent plus", passage)
    assert passage[span[0] : span[1]] == "Les trains ne circulent plus."


def test_a_passage_that_is_one_long_sentence_gets_no_bold():
    passage = "Les trains ne circulent plus " + ", ".join(f"ni à la gare numéro {n}" for n in range(60)) + "."
    assert highlight_spans("trains circulent gare", passage) == []


def test_two_sentences_that_are_most_of_the_passage_are_not_both_bold():
    passage = "Les trains ne circulent plus depuis lundi matin. Les trains reprendront jeudi soir. Fin."
    spans = highlight_spans("les trains", passage, [0.9, 0.89, 0.1])
    assert sum(end - start for start, end in spans) <= 0.6 * len(passage)
