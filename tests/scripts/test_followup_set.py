"""The follow-up set (scripts/data/followups.jsonl) stays usable: it parses, covers both kinds and both
languages, and every passage it expects from the sample article is still in that article."""

from __future__ import annotations

import json
from collections import Counter

from scripts.followup_eval import KINDS, LANGUAGES, PAIRS, read_pairs, sample_article


def test_the_set_has_enough_pairs_of_each_kind_and_language():
    pairs = read_pairs()
    follow_ups = [pair for pair in pairs if pair.kind != "control"]
    assert len(follow_ups) >= 48
    assert Counter(pair.kind for pair in pairs).keys() == set(KINDS)
    assert {pair.language for pair in pairs} == set(LANGUAGES)
    assert sum(1 for pair in follow_ups if pair.language == "en") >= 12
    assert len({pair.id for pair in pairs}) == len(pairs)


def test_every_line_names_its_questions_and_one_kind_of_gold():
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        assert raw["first"].strip() and raw["follow_up"].strip(), raw["id"]
        assert raw["kind"] in KINDS and raw["language"] in LANGUAGES, raw["id"]
        expected = raw["expected"]
        assert ("text" in expected) != ("piaf_id" in expected), raw["id"]


def test_every_passage_expected_from_the_sample_article_is_in_it():
    article = sample_article()
    for pair in read_pairs():
        if "text" in pair.expected:
            assert pair.expected["article"] == article.id, pair.id
            assert article.text.count(pair.expected["text"]) == 1, pair.id
