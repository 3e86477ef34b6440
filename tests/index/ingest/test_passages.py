"""Grouping an article's sentences into passages whose offsets are exact slices of the text."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.ingest.passages import SplitSettings, split_article
from index.records import Article, Passage
from index.text.furniture import furniture_spans, text_without
from index.text.sentences import split_sentences
from tests.conftest import SAMPLE_ARTICLES
from tests.strategies import APOSTROPHE, NBSP, NNBSP, ZWSP, news_texts, scraped_news_texts

SAMPLE = SAMPLE_ARTICLES / "000_9f70dd34e1ce68a4.txt"


def passage_token_report(passages, count_tokens, max_tokens: int) -> tuple[int, int]:
    """`(how many passages exceed max_tokens, the largest token count seen)`."""
    counts = [count_tokens(passage.text) for passage in passages]
    return sum(count > max_tokens for count in counts), max(counts, default=0)


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    return [text[start:end] for start, end in spans]


def article(text: str, article_id: str = "a1") -> Article:
    return Article(id=article_id, title="Titre", text=text, path=f"{article_id}.txt")


def load_sample() -> Article:
    title, _, rest = SAMPLE.read_text(encoding="utf-8").partition("\n")
    return Article(id="sample", title=title.strip(), text=rest.lstrip("\r\n").rstrip(), path=str(SAMPLE))


def words(text: str) -> int:
    return len(text.split())


def fake_tokens(text: str) -> int:
    return len(text.split()) * 2


def non_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_exact_slices(source: Article, passages: list[Passage]) -> None:
    assert [p.position for p in passages] == list(range(len(passages)))
    for p in passages:
        assert p.article_id == source.id
        assert p.text == source.text[p.start : p.end]
        assert p.text and p.text == p.text.strip()


def assert_covers_once(text: str, passages: list[Passage], furniture: Sequence[tuple[int, int]] = ()) -> None:
    """Without overlap, passages are ordered, disjoint, and hold every non-space character once,
    except the furniture's, which none holds."""
    for before, after in pairwise(passages):
        assert before.end <= after.start
        assert text_without(text, before.end, after.start, furniture).strip() == ""
    assert "".join(non_space(p.text) for p in passages) == non_space(
        text_without(text, 0, len(text), furniture)
    )
    assert_holds_no_furniture(passages, furniture)


def assert_holds_no_furniture(passages: list[Passage], furniture: Sequence[tuple[int, int]]) -> None:
    assert not any(p.start < end and start < p.end for p in passages for start, end in furniture)


def sentence_text(count: int, words_each: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    vocabulary = ["la", "Chine", "refuse", "de", "condamner", "Russie", "pour", "cette", "attaque", "et"]
    out = []
    for _ in range(count):
        body = " ".join(rng.choice(vocabulary) for _ in range(words_each - 1))
        out.append(f"Phrase {body}.")
    return " ".join(out)


# --- passages -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t", NBSP])
def test_empty_text_has_no_passages(text: str) -> None:
    assert split_article(article(text)) == []


def test_sample_article_keeps_paragraphs_and_leaves_out_the_trailing_link() -> None:
    sample = load_sample()
    passages = split_article(sample)
    assert_exact_slices(sample, passages)
    assert_covers_once(sample.text, passages, furniture_spans(sample.text))

    paragraph = next(par for par in sample.text.split("\n\n") if par.startswith("La Russie a demandé"))
    holding = [p for p in passages if paragraph in p.text]
    assert len(holding) == 1
    assert any("M. Sullivan a averti la Chine" in p.text for p in passages)
    assert not any(p.text.endswith("M.") or p.text.startswith("Sullivan") for p in passages)
    assert passages[-1].text.endswith("décrit comme «\u00a0illimité\u00a0».")  # "Plus" follows, in none
    assert passages[-1].end == sample.text.rindex("Plus") - 2
    assert all(words(p.text) <= SplitSettings().max_words for p in passages)

    kept = split_article(sample, SplitSettings(drop_furniture=False))
    assert kept[-1].text.endswith("».\n\nPlus")  # merged into the last passage, as it used to be
    assert_covers_once(sample.text, kept)


def test_sample_article_with_small_passages_still_never_splits_a_sentence() -> None:
    sample = load_sample()
    sentence_spans = set(split_sentences(sample.text))
    starts = {s for s, _ in sentence_spans}
    ends = {e for _, e in sentence_spans}
    passages = split_article(sample, SplitSettings(target_words=30, max_words=80))
    assert len(passages) > 5
    assert all(p.start in starts and p.end in ends for p in passages)
    assert_covers_once(sample.text, passages, furniture_spans(sample.text))


def test_passages_stay_near_the_target() -> None:
    text = sentence_text(count=100, words_each=10)
    source = article(text)
    passages = split_article(source, SplitSettings(target_words=50, max_words=80))
    assert_exact_slices(source, passages)
    assert_covers_once(text, passages)
    assert len(passages) == 20
    assert all(words(p.text) == 50 for p in passages)


def test_passage_ends_where_it_is_nearest_the_target() -> None:
    # 40 + 40 words is nearer 100 than 40 + 40 + 40; a passage never exceeds max_words.
    text = sentence_text(count=6, words_each=40)
    passages = split_article(article(text), SplitSettings(target_words=100, max_words=110))
    assert [words(p.text) for p in passages] == [80, 80, 80]


def test_new_paragraph_starts_a_new_passage_once_half_the_target_is_reached() -> None:
    first, second = sentence_text(5, 10, seed=1), sentence_text(5, 10, seed=2)
    text = f"{first}\n\n{second}"
    passages = split_article(article(text), SplitSettings(target_words=100, max_words=160))
    assert [p.text for p in passages] == [first, second]

    merged = split_article(article(text), SplitSettings(target_words=100, respect_paragraphs=False))
    assert [p.text for p in merged] == [text]


def test_short_heading_joins_the_paragraph_it_introduces() -> None:
    body1, body2 = sentence_text(8, 10, seed=3), sentence_text(8, 10, seed=4)
    text = f"{body1}\n\nUn intertitre court\n\n{body2}"
    passages = split_article(article(text), SplitSettings(target_words=100))
    assert [p.text for p in passages] == [body1, f"Un intertitre court\n\n{body2}"]


def test_trailing_fragment_is_merged_into_the_previous_passage() -> None:
    body = sentence_text(8, 10)
    text = f"{body}\n\nRendez-vous en juin."
    passages = split_article(article(text))
    assert [p.text for p in passages] == [text]


def test_trailing_fragment_stays_alone_when_merging_would_exceed_the_maximum() -> None:
    body = sentence_text(8, 10)
    text = f"{body}\n\nRendez-vous en juin."
    passages = split_article(article(text), SplitSettings(target_words=80, max_words=80))
    assert [p.text for p in passages] == [body, "Rendez-vous en juin."]


def test_furniture_line_ends_the_passage_and_is_in_none() -> None:
    first, second = sentence_text(3, 10, seed=5), sentence_text(3, 10, seed=6)
    text = f"{first}\n27 mai\nLire aussi : Un autre article\n{ZWSP}\n{second}\n\nPlus"
    passages = split_article(article(text), SplitSettings(target_words=100))
    assert [p.text for p in passages] == [first, second]

    kept = split_article(article(text), SplitSettings(target_words=100, drop_furniture=False))
    assert [p.text for p in kept] == [text]


def test_credit_glued_inside_a_line_is_cut_out() -> None:
    text = (
        f"Présidentielle{NBSP}: qui sera au second tour{NBSP}?par BFMTVMoins de vingt-quatre heures "
        "avant le scrutin, les sondages se resserrent. Il sera jugé en juin. (AFP)"
    )
    passages = split_article(article(text), SplitSettings(target_words=100))
    assert [p.text for p in passages] == [
        f"Présidentielle{NBSP}: qui sera au second tour{NBSP}?",
        "Moins de vingt-quatre heures avant le scrutin, les sondages se resserrent. Il sera jugé en juin.",
    ]


def test_overlap_and_tail_merging_never_cross_furniture() -> None:
    first, second = sentence_text(6, 10, seed=7), sentence_text(6, 10, seed=8)
    text = f"{first}\nPhoto : AFP\n{second}\n\nRead more\n\nÀ suivre."
    settings = SplitSettings(target_words=20, max_words=30, overlap_sentences=2)
    passages = split_article(article(text), settings)
    furniture = [(text.index("Photo"), text.index(" AFP") + 4), (text.index("Read"), text.index("more") + 4)]
    assert_holds_no_furniture(passages, furniture)
    assert passages[-1].text == "À suivre."  # a tiny tail, but the furniture before it stands between


def test_overlap_repeats_the_last_sentences() -> None:
    text = sentence_text(count=30, words_each=10)
    source = article(text)
    spans = split_sentences(text)
    passages = split_article(source, SplitSettings(target_words=40, max_words=60, overlap_sentences=1))
    assert_exact_slices(source, passages)
    assert len(passages) > 3
    for before, after in pairwise(passages):
        assert after.start < before.end  # offsets overlap
        last_sentence = next(span for span in spans if span[1] == before.end)
        assert after.start == last_sentence[0]
    assert passages[0].start == 0 and passages[-1].end == len(text)


def test_overlap_never_stalls_on_long_sentences() -> None:
    text = sentence_text(count=12, words_each=35)
    passages = split_article(article(text), SplitSettings(target_words=40, max_words=60, overlap_sentences=3))
    assert passages[-1].end == len(text)
    assert all(b.start > a.start and b.end > a.end for a, b in pairwise(passages))
    assert all(words(p.text) <= 60 for p in passages)


def test_max_tokens_is_enforced_with_the_given_counter() -> None:
    text = sentence_text(count=40, words_each=12) + " " + " ".join(["mot"] * 200) + "."
    source = article(text)
    seen: list[str] = []

    def count(chunk: str) -> int:
        seen.append(chunk)
        return fake_tokens(chunk)

    passages = split_article(
        source, SplitSettings(target_words=100, max_words=160), count_tokens=count, max_tokens=60
    )
    assert_exact_slices(source, passages)
    assert_covers_once(text, passages)
    assert all(fake_tokens(p.text) <= 60 for p in passages)
    assert passage_token_report(passages, fake_tokens, 60) == (0, max(fake_tokens(p.text) for p in passages))
    assert seen  # the counter really was consulted


def test_token_report_counts_passages_over_the_limit() -> None:
    passages = split_article(article(sentence_text(count=20, words_each=10)), SplitSettings(target_words=50))
    over, largest = passage_token_report(passages, fake_tokens, 90)
    assert over == len(passages)
    assert largest == 100


def test_huge_sentence_is_cut_at_clauses_without_losing_characters() -> None:
    clauses = [" ".join(["mot"] * 9) + f" numéro{i}," for i in range(60)]
    text = "Début " + " ".join(clauses) + " fin."
    source = article(text)
    passages = split_article(source, SplitSettings(target_words=50, max_words=70))
    assert_exact_slices(source, passages)
    assert_covers_once(text, passages)
    assert len(passages) > 5
    assert all(words(p.text) <= 70 for p in passages)
    assert all(p.text.endswith(",") for p in passages[:-1])  # cut after a clause, never mid-word


def test_huge_sentence_without_punctuation_is_cut_between_words() -> None:
    text = " ".join(f"w{i}" for i in range(1000))
    source = article(text)
    passages = split_article(source, SplitSettings(target_words=100, max_words=160))
    assert_covers_once(text, passages)
    assert all(words(p.text) <= 160 for p in passages)
    for p in passages:  # every cut falls on whitespace
        assert p.start == 0 or text[p.start - 1].isspace()
        assert p.end == len(text) or text[p.end].isspace()


def test_word_longer_than_the_token_window_is_cut_as_a_last_resort() -> None:
    text = "Voici " + "x" * 95 + " fin."
    source = article(text)
    passages = split_article(source, count_tokens=len, max_tokens=20)
    assert_exact_slices(source, passages)
    assert "".join(p.text for p in passages).replace(" ", "") == text.replace(" ", "")
    assert all(len(p.text) <= 20 for p in passages)


def test_impossible_token_window_is_reported() -> None:
    with pytest.raises(ValueError, match="max_tokens=0"):
        split_article(article("Une phrase."), count_tokens=len, max_tokens=0)


def test_counter_and_window_come_together() -> None:
    with pytest.raises(ValueError, match="together"):
        split_article(article("Une phrase."), count_tokens=len)
    with pytest.raises(ValueError, match="together"):
        split_article(article("Une phrase."), max_tokens=10)


@pytest.mark.parametrize(
    "kwargs",
    [{"target_words": 0}, {"target_words": 100, "max_words": 50}, {"overlap_sentences": -1}],
)
def test_invalid_settings_are_rejected(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        SplitSettings(**kwargs)


def test_large_text_splits_in_linear_time() -> None:
    paragraph = (
        f"M. Sullivan a averti la Chine{NBSP}: «{NBSP}Je pars.{NBSP}» Le taux est de 3,5 %. "
        f"Voir https://exemple.fr/a.b. Vraiment{NNBSP}? Oui, etc. et J. K. Rowling l{APOSTROPHE}a dit.\n\n"
    )
    text = paragraph * (1_000_000 // len(paragraph))
    begin = time.perf_counter()
    passages = split_article(article(text))
    elapsed = time.perf_counter() - begin
    assert passages[-1].end == len(text.rstrip())
    assert elapsed < 10  # under a second here; quadratic behaviour would take minutes


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(news_texts, scraped_news_texts),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=10),
    st.booleans(),
    st.one_of(st.none(), st.integers(min_value=2, max_value=30)),
)
def test_passages_are_exact_slices_covering_every_character_once(
    text: str, target: int, extra: int, respect_paragraphs: bool, max_tokens: int | None
) -> None:
    source = article(text)
    split = SplitSettings(
        target_words=target, max_words=target + extra, respect_paragraphs=respect_paragraphs
    )
    count: Callable[[str], int] | None = fake_tokens if max_tokens is not None else None
    passages = split_article(source, split, count_tokens=count, max_tokens=max_tokens)
    assert_exact_slices(source, passages)
    assert_covers_once(text, passages, furniture_spans(text))
    assert all(words(p.text) <= split.max_words for p in passages)
    if max_tokens is not None:
        assert all(fake_tokens(p.text) <= max_tokens for p in passages)


@settings(max_examples=150, deadline=None)
@given(st.one_of(news_texts, scraped_news_texts), st.integers(min_value=1, max_value=3))
def test_overlapping_passages_move_forward(text: str, overlap: int) -> None:
    source = article(text)
    passages = split_article(source, SplitSettings(target_words=4, max_words=8, overlap_sentences=overlap))
    assert_exact_slices(source, passages)
    for before, after in pairwise(passages):
        assert before.start < after.start and before.end < after.end
    furniture = furniture_spans(text)
    assert_holds_no_furniture(passages, furniture)
    if passages:
        content = non_space(text_without(text, 0, len(text), furniture))
        assert content.startswith(non_space(passages[0].text))
        assert content.endswith(non_space(passages[-1].text))
